"""The event: fairs, halls, companies, who takes part in which role, what buyers source, what they did."""

from __future__ import annotations

import zoneinfo
from datetime import time

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from fair import hs, vocab


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a time zone (e.g. Asia/Seoul)."), params={"value": value})


def _validate_list(values, normalise) -> None:
    if not isinstance(values, list):
        raise ValidationError(_("Expected a list."))
    for value in values:
        if normalise(value) != value:
            raise ValidationError(_("%(value)s is not in its normal form."), params={"value": value})


def validate_hs_codes(values):
    _validate_list(values, hs.validate_hs_code)


def validate_certifications(values):
    _validate_list(values, vocab.normalise_certification)


def validate_languages(values):
    _validate_list(values, vocab.normalise_language)


def validate_countries(values):
    _validate_list(values, vocab.normalise_country)


def validate_ui_languages(values):
    known = {code for code, _name in settings.LANGUAGES}
    if not isinstance(values, list) or not values or any(v not in known for v in values):
        raise ValidationError(
            _("Choose one or more of: %(known)s."), params={"known": ", ".join(sorted(known))}
        )


def parse_breaks(breaks) -> list[tuple[time, time]]:
    """[["12:00", "13:00"], ...] -> [(time, time)], sorted; ValidationError when it is not that."""
    if not isinstance(breaks, list):
        raise ValidationError(_('Breaks must be a list of ["HH:MM", "HH:MM"] pairs.'))
    out = []
    for item in breaks:
        try:
            start, end = (time.fromisoformat(str(v)) for v in item)
        except (TypeError, ValueError):
            raise ValidationError(_('Breaks must be a list of ["HH:MM", "HH:MM"] pairs.')) from None
        if end <= start:
            raise ValidationError(_("A break must end after it starts."))
        out.append((start, end))
    return sorted(out)


def validate_breaks(value) -> None:
    parse_breaks(value)


def default_fair_languages():
    return [code for code, _name in settings.LANGUAGES]


class User(AbstractUser):
    """A person: organizer, exhibitor staff, buyer or interpreter (roles are per fair)."""

    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    # With FAIR_CREATION = "approved", only approved organizers (and superusers) create fairs; a
    # superuser or an organizer of a fair grants it on the "Fair creators" page (fair/services.py).
    can_create_fairs = models.BooleanField(_("may create fairs"), default=False)

    def __str__(self):
        if self.is_erased:
            return str(_("Deleted user"))
        return self.get_full_name() or self.email or self.username

    @property
    def is_erased(self) -> bool:
        """Erased at their own request (integrations/erasure.py): inactive, named ``deleted-<id>``."""
        return not self.is_active and self.username.startswith("deleted-")


class Fair(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Seoul", validators=[validate_time_zone]
    )
    languages = models.JSONField(
        _("languages"), default=default_fair_languages, validators=[validate_ui_languages]
    )
    registration_open = models.BooleanField(_("registration open"), default=True)
    # A fair created on a page is unlisted (seen by its organizers only) until they publish it.
    published = models.BooleanField(_("published"), default=False)
    # A standing hall (or a fair marked permanent) stays open all year: past its days, buyers still
    # find its booths, send sourcing requests and book consultations in the hours each booth
    # publishes week by week (rfq/standing.py).
    permanent = models.BooleanField(_("open all year"), default=False)
    # Meeting rules: the slots are cut from the daily window, in the fair's time zone.
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"), default=30, validators=[MinValueValidator(10), MaxValueValidator(240)]
    )
    day_start = models.TimeField(_("meetings from"), default=time(9, 0))
    day_end = models.TimeField(_("meetings until"), default=time(18, 0))
    breaks = models.JSONField(
        _("daily breaks"),
        default=list,
        blank=True,
        validators=[validate_breaks],
        help_text=_('Daily breaks in the fair\'s time zone, e.g. [["12:00", "13:00"]].'),
    )
    max_meetings_per_day = models.PositiveSmallIntegerField(
        _("max meetings per participant per day"), default=8, validators=[MinValueValidator(1)]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("fair")
        verbose_name_plural = _("fairs")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="fair_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(day_end__gt=models.F("day_start")), name="fair_day_window"),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=10, slot_minutes__lte=240), name="fair_slot_minutes_range"
            ),
            models.CheckConstraint(
                condition=Q(max_meetings_per_day__gte=1), name="fair_max_meetings_positive"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Hall(models.Model):
    """An industry hall: the booths whose products fall in its HS chapters."""

    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="halls")
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80)
    hs_chapters = models.JSONField(_("HS chapters"), default=list, validators=[validate_hs_codes])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["fair", "position", "name"]
        verbose_name = _("hall")
        verbose_name_plural = _("halls")
        constraints = [models.UniqueConstraint(fields=["fair", "slug"], name="hall_slug_unique_in_fair")]

    def __str__(self):
        return self.name


class Company(models.Model):
    class Size(models.TextChoices):
        """Headcount bands (the EU's SME bands): what a buyer or an exhibitor says of its scale."""

        MICRO = "1-9", _("1–9 employees")
        SMALL = "10-49", _("10–49 employees")
        MEDIUM = "50-249", _("50–249 employees")
        LARGE = "250+", _("250 or more employees")

    name = models.CharField(_("name"), max_length=200)
    country = CountryField(_("country"))
    website = models.URLField(_("website"), blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True, validators=[validate_languages])
    certifications = models.JSONField(
        _("certifications"), default=list, blank=True, validators=[validate_certifications]
    )
    description = models.TextField(_("description"), blank=True)
    size = models.CharField(_("company size"), max_length=8, choices=Size.choices, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self):
        return self.name


class Participant(models.Model):
    """A user's (or an imported company's) part in one fair, with a role and an approval status."""

    class Role(models.TextChoices):
        ORGANIZER = "organizer", _("Organizer")
        EXHIBITOR = "exhibitor", _("Exhibitor staff")
        BUYER = "buyer", _("Buyer")
        INTERPRETER = "interpreter", _("Interpreter")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="participations",
    )
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.CASCADE, related_name="participations"
    )
    booth = models.ForeignKey(
        "exhibitors.Booth",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="staff",
        help_text=_("For exhibitor staff: the booth they work in."),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    external_id = models.CharField(
        _("dataset id"), max_length=64, blank=True, help_text=_("buyer_id in the fair dataset")
    )
    languages = models.JSONField(
        _("languages"),
        default=list,
        blank=True,
        validators=[validate_languages],
        help_text=_("Languages this person holds meetings in (interpreters: the languages they interpret)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fair", "role", "id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["fair", "user", "role"],
                condition=Q(user__isnull=False),
                name="participant_one_role_per_user",
            ),
            models.UniqueConstraint(
                fields=["fair", "role", "external_id"],
                condition=~Q(external_id=""),
                name="participant_external_id_unique",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(company__isnull=False), name="participant_is_someone"
            ),
            models.CheckConstraint(
                condition=Q(booth__isnull=True) | Q(role="exhibitor"), name="participant_booth_only_for_staff"
            ),
        ]

    def __str__(self):
        who = self.user or self.company
        return f"{who} ({self.get_role_display()}, {self.fair})"

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class SourcingProfile(models.Model):
    """What a buyer wants to source, and what its market requires."""

    buyer = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="sourcing")
    hs_codes = models.JSONField(_("HS codes"), default=list, validators=[validate_hs_codes])
    required_certifications = models.JSONField(
        _("required certifications"), default=list, blank=True, validators=[validate_certifications]
    )
    languages = models.JSONField(
        _("meeting languages"), default=list, blank=True, validators=[validate_languages]
    )
    description = models.TextField(_("what we are looking for"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sourcing profile")
        verbose_name_plural = _("sourcing profiles")

    def __str__(self):
        return f"{self.buyer}: {', '.join(self.hs_codes)}"


class Interaction(models.Model):
    """Something a buyer did with an exhibitor: what matching learns from and attendance counts."""

    class Kind(models.TextChoices):
        BOOTH_VISIT = "booth_visit", _("Booth visit")
        PRODUCT_VIEW = "product_view", _("Product view")
        CHAT = "chat", _("Chat")
        RFQ_INVITE = "rfq_invite", _("Invited to quote")
        QUOTE_ACCEPTED = "quote_accepted", _("Quote accepted")
        MEETING_REQUEST = "meeting_request", _("Meeting request")
        MEETING_HELD = "meeting_held", _("Meeting held")
        DEAL = "deal", _("Deal")

    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="interactions")
    buyer = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="interactions")
    booth = models.ForeignKey("exhibitors.Booth", on_delete=models.CASCADE, related_name="interactions")
    product = models.ForeignKey(
        "exhibitors.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="interactions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        constraints = [
            models.UniqueConstraint(fields=["buyer", "booth", "kind", "at"], name="interaction_unique_event"),
        ]
        indexes = [
            models.Index(fields=["fair", "kind", "at"], name="interaction_fair_kind_at"),
            models.Index(fields=["booth", "kind"], name="interaction_booth_kind"),
            # The dashboard's visits per booth: an index-only scan, grouped in index order.
            models.Index(fields=["fair", "kind", "booth"], name="interaction_fair_kind_booth"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.buyer_id}->{self.booth_id} at {self.at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A token for the REST API, bound to one fair, with scopes, an expiry date and an owner.

    The browser API takes the session only; a script or an integration sends
    ``Authorization: Bearer <token>``. Only a hash of the token is kept: it is shown once, when it is
    created. A token acts as ``user`` inside its fair only, and only for the scopes it holds
    (fair/tokens.py, docs/api-tokens.md).

    A personal token belongs to ``user``. An organization token belongs to an exhibitor company's
    booth (``booth``) or to the fair's organizers (no booth): any of that booth's staff (or of the
    fair's organizers) sees and revokes it, and it acts with the rights of ``user``, the staff member
    who made it, as long as they are still staff there; when they leave, it stops (401).
    """

    class Scope(models.TextChoices):
        READ = "read", _("Read")
        MEETINGS = "meetings", _("Meetings")
        LEADS = "leads", _("Leads and deals")
        RFQ = "rfq", _("RFQs and quotes")
        BOOTH = "booth", _("Booth content")
        ADMIN = "admin-of-fair", _("Organize the fair")

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("Personal")
        ORGANIZATION = "organization", _("Organization")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="api_tokens")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PERSONAL)
    booth = models.ForeignKey(
        "exhibitors.Booth", null=True, blank=True, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    scopes = models.JSONField(_("scopes"), default=list)
    prefix = models.CharField(max_length=12)  # the first characters, to tell tokens apart on the page
    key_hash = models.CharField(max_length=64, unique=True)  # sha256 of the whole token
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="organization") | Q(booth__isnull=True),
                name="api_token_booth_is_organization",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def active(self) -> bool:
        return self.revoked_at is None and not self.expired

    def scope_labels(self) -> list[str]:
        labels = dict(self.Scope.choices)
        return [str(labels.get(s, s)) for s in self.scopes]
