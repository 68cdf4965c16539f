"""Consultations: slots, availability, meetings and the seats that keep anyone from being double-booked.

A *party* is who can be booked: a buyer or an interpreter (a Participant) or
an exhibitor's booth (its staff book on its behalf). Availability and Seat rows
name exactly one of ``participant`` / ``booth``; the unique constraints on Seat
are what make double booking impossible, on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

ONE_PARTY = Q(participant__isnull=False, booth__isnull=True) | Q(
    participant__isnull=True, booth__isnull=False
)


class MeetingRules(models.Model):
    """What the Fair's own meeting rules do not say: the interpreter rule."""

    fair = models.OneToOneField("fair.Fair", on_delete=models.CASCADE, related_name="meeting_rules")
    auto_confirm_interpreters = models.BooleanField(
        _("confirm proposed interpreters automatically"), default=False
    )

    class Meta:
        verbose_name = _("meeting rules")
        verbose_name_plural = _("meeting rules")

    def __str__(self):
        return str(self.fair)


class Slot(models.Model):
    """One bookable time window, cut from the fair's daily window; stored in UTC."""

    fair = models.ForeignKey("fair.Fair", on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    day = models.DateField(_("day (in the fair's time zone)"))
    # No longer in the fair's schedule, kept for the closed meetings it holds; never offered again.
    retired = models.BooleanField(_("retired"), default=False)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        constraints = [
            models.UniqueConstraint(fields=["fair", "starts_at"], name="slot_unique_start"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.starts_at:%Y-%m-%d %H:%M} UTC"


class Availability(models.Model):
    """A party says it can meet in a slot."""

    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="availabilities")
    participant = models.ForeignKey(
        "fair.Participant", null=True, blank=True, on_delete=models.CASCADE, related_name="availabilities"
    )
    booth = models.ForeignKey(
        "exhibitors.Booth", null=True, blank=True, on_delete=models.CASCADE, related_name="availabilities"
    )

    class Meta:
        verbose_name = _("availability")
        verbose_name_plural = _("availabilities")
        constraints = [
            models.CheckConstraint(condition=ONE_PARTY, name="availability_one_party"),
            models.UniqueConstraint(
                fields=["participant", "slot"],
                condition=Q(participant__isnull=False),
                name="availability_unique_participant",
            ),
            models.UniqueConstraint(
                fields=["booth", "slot"], condition=Q(booth__isnull=False), name="availability_unique_booth"
            ),
        ]

    def __str__(self):
        return f"{self.participant_id or self.booth_id} free at {self.slot_id}"


class Meeting(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        PROPOSED = "proposed", _("Another time proposed")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")
        HELD = "held", _("Held")
        NO_SHOW = "no_show", _("No-show")

    class Side(models.TextChoices):
        BUYER = "buyer", _("Buyer")
        EXHIBITOR = "exhibitor", _("Exhibitor")

    class InterpreterStatus(models.TextChoices):
        NOT_NEEDED = "not_needed", _("Not needed")
        NEEDED = "needed", _("Needed, none free")
        PROPOSED = "proposed", _("Proposed")
        CONFIRMED = "confirmed", _("Confirmed")

    ACTIVE = (Status.REQUESTED, Status.PROPOSED, Status.ACCEPTED)
    PENDING = (Status.REQUESTED, Status.PROPOSED)

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    fair = models.ForeignKey("fair.Fair", on_delete=models.CASCADE, related_name="meetings")
    buyer = models.ForeignKey("fair.Participant", on_delete=models.CASCADE, related_name="meetings_as_buyer")
    booth = models.ForeignKey("exhibitors.Booth", on_delete=models.CASCADE, related_name="meetings")
    exhibitor = models.ForeignKey(
        "fair.Participant",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings_as_exhibitor",
        help_text=_("The staff member who answered for the booth."),
    )
    interpreter = models.ForeignKey(
        "fair.Participant",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings_as_interpreter",
    )
    interpreter_status = models.CharField(
        max_length=12, choices=InterpreterStatus.choices, default=InterpreterStatus.NOT_NEEDED
    )
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="meetings")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED)
    awaiting = models.CharField(
        _("waiting for"),
        max_length=10,
        choices=Side.choices,
        blank=True,
        help_text=_("The side whose answer is expected."),
    )
    requested_by = models.CharField(
        _("asked by"),
        max_length=10,
        choices=Side.choices,
        default=Side.BUYER,
        help_text=_("Who asked first: a buyer's request or an exhibitor's invitation."),
    )
    message = models.TextField(_("message"), blank=True, max_length=2000)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    sequence = models.PositiveIntegerField(
        default=0, help_text=_("iCalendar SEQUENCE: rises with every change")
    )
    invited = models.BooleanField(default=False, help_text=_("An ICS invitation went out"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slot__starts_at", "id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["fair", "status"], name="meeting_fair_status")]
        constraints = [
            # One open request per buyer and booth at a time (meetings.services.meeting_request).
            models.UniqueConstraint(
                fields=["buyer", "booth"],
                condition=Q(status__in=["requested", "proposed"]),
                name="meeting_one_open_request_per_pair",
            ),
        ]

    def __str__(self):
        return f"{self.buyer} / {self.booth} @ {self.slot}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class Seat(models.Model):
    """A party's place in a meeting at a slot: at most one per party and slot, whatever the meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="seats")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="seats")
    participant = models.ForeignKey(
        "fair.Participant", null=True, blank=True, on_delete=models.CASCADE, related_name="seats"
    )
    booth = models.ForeignKey(
        "exhibitors.Booth", null=True, blank=True, on_delete=models.CASCADE, related_name="seats"
    )

    class Meta:
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        constraints = [
            models.CheckConstraint(condition=ONE_PARTY, name="seat_one_party"),
            models.UniqueConstraint(
                fields=["participant", "slot"],
                condition=Q(participant__isnull=False),
                name="seat_unique_participant_slot",
            ),
            models.UniqueConstraint(
                fields=["booth", "slot"], condition=Q(booth__isnull=False), name="seat_unique_booth_slot"
            ),
        ]

    def __str__(self):
        return f"{self.participant_id or self.booth_id} in {self.meeting_id} at {self.slot_id}"


class Outcome(models.Model):
    """One side's private record of a meeting."""

    class Interest(models.IntegerChoices):
        NONE = 0, _("None")
        LOW = 1, _("Low")
        MEDIUM = 2, _("Medium")
        HIGH = 3, _("High")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="outcomes")
    side = models.CharField(max_length=10, choices=Meeting.Side.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    notes = models.TextField(_("private notes"), blank=True, max_length=5000)
    interest_level = models.PositiveSmallIntegerField(
        _("interest level"), null=True, blank=True, choices=Interest.choices
    )
    deal_size_usd = models.DecimalField(
        _("expected deal size (USD)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("meeting outcome")
        verbose_name_plural = _("meeting outcomes")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "side"], name="outcome_one_per_side"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="outcome_rating_range",
            ),
            models.CheckConstraint(
                condition=Q(deal_size_usd__isnull=True) | Q(deal_size_usd__gte=0),
                name="outcome_deal_non_negative",
            ),
        ]

    def __str__(self):
        return f"{self.meeting_id} ({self.side})"


class Reminder(models.Model):
    """A reminder that went out: one per meeting, kind and user, so none is sent twice."""

    class Kind(models.TextChoices):
        DAY = "24h", _("24 hours before")
        SOON = "10m", _("10 minutes before")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=3, choices=Kind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "kind", "user"], name="reminder_once"),
        ]

    def __str__(self):
        return f"{self.meeting_id} {self.kind} {self.user_id}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A private calendar subscription: the token reads the user's schedule; revoking issues a new one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"calendar of {self.user_id}"


class Round(models.Model):
    """An auto-matchmaking round: a proposed timetable the organizer reviews, edits and publishes."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    fair = models.ForeignKey("fair.Fair", on_delete=models.CASCADE, related_name="match_rounds")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    total_score = models.FloatField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"round {self.pk} ({self.status})"


class RoundProposal(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="proposals")
    buyer = models.ForeignKey("fair.Participant", on_delete=models.CASCADE, related_name="+")
    booth = models.ForeignKey("exhibitors.Booth", on_delete=models.CASCADE, related_name="+")
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="+")
    interpreter = models.ForeignKey(
        "fair.Participant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    score = models.FloatField(default=0)
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["slot__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "buyer", "booth"], name="round_pair_once"),
        ]

    def __str__(self):
        return f"{self.buyer_id}-{self.booth_id} at {self.slot_id}"


# --- the outcome ledger: how a lead moves on after the meeting --------------------------------


class FairCurrencyRate(models.Model):
    """The organizer's conversion rate for one currency in one fair: how many USD one unit is worth."""

    fair = models.ForeignKey("fair.Fair", on_delete=models.CASCADE, related_name="currency_rates")
    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217 code, e.g. KRW."))
    usd_per_unit = models.DecimalField(
        _("USD per unit"), max_digits=18, decimal_places=8, validators=[MinValueValidator(0)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["fair", "currency"]
        verbose_name = _("currency rate")
        verbose_name_plural = _("currency rates")
        constraints = [
            models.UniqueConstraint(fields=["fair", "currency"], name="currency_rate_once_per_fair"),
            models.CheckConstraint(condition=Q(usd_per_unit__gt=0), name="currency_rate_positive"),
        ]

    def __str__(self):
        return f"1 {self.currency} = {self.usd_per_unit} USD"


class LeadUpdate(models.Model):
    """One step of a lead after a meeting, recorded by the booth's staff: private to the exhibitor side."""

    class Stage(models.TextChoices):
        SAMPLE_SENT = "sample_sent", _("Sample sent")
        QUOTATION = "quotation", _("Quotation")
        ORDER = "order", _("Order")
        CONTRACT = "contract", _("Contract")

    DEAL_STAGES = (Stage.ORDER, Stage.CONTRACT)

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="lead_updates")
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    on = models.DateField(_("date"))
    value = models.DecimalField(
        _("value"), max_digits=16, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    value_usd = models.DecimalField(_("value (USD)"), max_digits=18, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("private note"), blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "on", "created_at"]
        verbose_name = _("lead update")
        verbose_name_plural = _("lead updates")
        constraints = [
            models.CheckConstraint(
                condition=Q(value__isnull=True) | (Q(value__gte=0) & ~Q(currency="")),
                name="lead_update_value_has_currency",
            ),
        ]
        indexes = [models.Index(fields=["stage"], name="lead_update_stage")]

    def __str__(self):
        return f"{self.meeting_id}: {self.stage} on {self.on}"


class FollowUpNudge(models.Model):
    """The claim that one overdue follow-up (an Outcome's follow_up_on) was nudged: never twice."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="nudges")
    follow_up_on = models.DateField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["outcome", "follow_up_on"], name="follow_up_nudge_once"),
        ]

    def __str__(self):
        return f"nudge {self.outcome_id} for {self.follow_up_on}"


# The video room's records live in their own module (meetings/room_models.py).
from meetings.room_models import GroupRoom, RoomMessage, RoomReport, RoomVisit  # noqa: E402, F401
