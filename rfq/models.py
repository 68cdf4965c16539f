"""Sourcing requests (RFQ) and the exhibitors' quotations.

A buyer of a fair posts an Rfq (product, HS code, quantity, target price, Incoterm, destination,
certifications, a deadline and a quote limit). The matching engine proposes booths for it, each an
Invitation with its score and reasons; the buyer (or an organizer) invites some of them. Each invited
booth answers with one Quote (revisable until the deadline; every version is kept as a
QuoteVersion) or declines. The buyer compares quotes in their own currency, asks questions
(QuoteMessage), shortlists, accepts (up to ``max_accepted``, for split orders) and declines the rest.
The request closes at its deadline or when ``max_quotes`` quotes have come in.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from fair.models import validate_certifications


class Incoterm(models.TextChoices):
    EXW = "EXW", "EXW"
    FCA = "FCA", "FCA"
    FAS = "FAS", "FAS"
    FOB = "FOB", "FOB"
    CFR = "CFR", "CFR"
    CIF = "CIF", "CIF"
    CPT = "CPT", "CPT"
    CIP = "CIP", "CIP"
    DAP = "DAP", "DAP"
    DPU = "DPU", "DPU"
    DDP = "DDP", "DDP"


class Rfq(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open for quotes")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    class CloseReason(models.TextChoices):
        DEADLINE = "deadline", _("The deadline passed")
        LIMIT = "limit", _("The quote limit was reached")
        BUYER = "buyer", _("Closed by the buyer")

    fair = models.ForeignKey("fair.Fair", on_delete=models.CASCADE, related_name="rfqs")
    buyer = models.ForeignKey("fair.Participant", on_delete=models.CASCADE, related_name="rfqs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    product = models.CharField(_("product"), max_length=200)
    hs_code = models.CharField(_("HS code"), max_length=12)
    description = models.TextField(_("specification"), blank=True, max_length=5000)
    quantity = models.DecimalField(
        _("quantity"), max_digits=16, decimal_places=3, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(_("unit"), max_length=20)
    target_price = models.DecimalField(
        _("target unit price"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3)
    incoterm = models.CharField(_("Incoterm"), max_length=3, choices=Incoterm.choices)
    destination_country = CountryField(_("destination country"))
    destination_port = models.CharField(_("destination port"), max_length=100, blank=True)
    certifications = models.JSONField(
        _("required certifications"), default=list, blank=True, validators=[validate_certifications]
    )
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    deadline = models.DateTimeField(_("quotes until"))
    max_quotes = models.PositiveSmallIntegerField(
        _("close after this many quotes"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    max_accepted = models.PositiveSmallIntegerField(
        _("quotes you may accept"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    reveal_company = models.BooleanField(_("show our company name to invited exhibitors"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    close_reason = models.CharField(max_length=10, choices=CloseReason.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("sourcing request")
        verbose_name_plural = _("sourcing requests")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="rfq_quantity_positive"),
            models.CheckConstraint(condition=Q(max_quotes__gte=1), name="rfq_max_quotes_positive"),
            models.CheckConstraint(condition=Q(max_accepted__gte=1), name="rfq_max_accepted_positive"),
        ]
        indexes = [models.Index(fields=["fair", "status", "deadline"], name="rfq_fair_status_deadline")]

    def __str__(self):
        return f"RFQ {self.pk}: {self.product}"

    def past_deadline(self, now=None) -> bool:
        return (now or timezone.now()) >= self.deadline

    def accepts_quotes(self, now=None) -> bool:
        return self.status == self.Status.OPEN and not self.past_deadline(now)


class Attachment(models.Model):
    """A specification attached to a request, or a document attached to a quote."""

    rfq = models.ForeignKey(Rfq, on_delete=models.CASCADE, related_name="attachments")
    quote = models.ForeignKey(
        "rfq.Quote", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), max_length=300)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.name


class Invitation(models.Model):
    """A booth proposed for a request (by the engine, with reasons) or invited to quote."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        INVITED = "invited", _("Invited")

    class Source(models.TextChoices):
        ENGINE = "engine", _("Proposed by matching")
        BUYER = "buyer", _("Chosen by the buyer")
        ORGANIZER = "organizer", _("Routed by the organizer")

    rfq = models.ForeignKey(Rfq, on_delete=models.CASCADE, related_name="invitations")
    booth = models.ForeignKey("exhibitors.Booth", on_delete=models.CASCADE, related_name="rfq_invitations")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ENGINE)
    score = models.FloatField(default=0)
    rank = models.PositiveIntegerField(default=0)
    reasons = models.JSONField(default=list, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["rfq", "rank", "pk"]
        constraints = [models.UniqueConstraint(fields=["rfq", "booth"], name="rfq_invitation_once")]
        indexes = [models.Index(fields=["booth", "status"], name="rfq_invitation_booth_status")]

    def __str__(self):
        return f"{self.rfq_id} -> {self.booth_id} ({self.status})"


class Samples(models.TextChoices):
    NONE = "none", _("No samples")
    FREE = "free", _("Free samples")
    PAID = "paid", _("Paid samples")


class Quote(models.Model):
    """One booth's answer to a request; its current terms here, every version in QuoteVersion."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        DECLINED = "declined", _("Declined by the exhibitor")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Declined by the buyer")

    rfq = models.ForeignKey(Rfq, on_delete=models.CASCADE, related_name="quotes")
    booth = models.ForeignKey("exhibitors.Booth", on_delete=models.CASCADE, related_name="rfq_quotes")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    unit_price = models.DecimalField(_("unit price"), max_digits=16, decimal_places=4, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    moq = models.DecimalField(_("minimum order"), max_digits=16, decimal_places=3, null=True, blank=True)
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"), null=True, blank=True)
    incoterm = models.CharField(_("Incoterm"), max_length=3, choices=Incoterm.choices, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    samples = models.CharField(_("samples"), max_length=4, choices=Samples.choices, default=Samples.NONE)
    terms = models.TextField(_("payment and other terms"), blank=True, max_length=3000)
    message = models.TextField(_("message"), blank=True, max_length=3000)
    version = models.PositiveIntegerField(default=0)
    shortlisted = models.BooleanField(default=False)
    reason = models.TextField(_("reason"), blank=True, max_length=1000)  # a decline's, either side
    submitted_at = models.DateTimeField(null=True, blank=True)  # the first version
    updated_at = models.DateTimeField(auto_now=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["rfq", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["rfq", "booth"], name="rfq_one_quote_per_booth"),
            models.CheckConstraint(
                condition=Q(status="declined") | (Q(unit_price__gt=0) & ~Q(currency="")),
                name="rfq_quote_has_price",
            ),
        ]

    def __str__(self):
        return f"quote {self.pk} on {self.rfq_id} by {self.booth_id}"


class QuoteVersion(models.Model):
    """A quote as it was submitted (version 1, 2...): revisions never overwrite history."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    terms = models.JSONField()  # unit_price, currency, moq, lead_time_days, incoterm, valid_until...
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["quote", "number"]
        constraints = [models.UniqueConstraint(fields=["quote", "number"], name="rfq_quote_version_once")]

    def __str__(self):
        return f"{self.quote_id} v{self.number}"


class QuoteMessage(models.Model):
    """A question on a quote and its answers: a thread between the buyer and the booth's staff."""

    class Side(models.TextChoices):
        BUYER = "buyer", _("Buyer")
        EXHIBITOR = "exhibitor", _("Exhibitor")

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="thread")
    side = models.CharField(max_length=10, choices=Side.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(max_length=3000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["quote", "created_at", "pk"]

    def __str__(self):
        return f"{self.side} on {self.quote_id}"


class WeeklyHours(models.Model):
    """When a booth's staff are on duty for consultations, week by week, in their own time zone: the
    slots of a standing hall (a fair open all year) are cut from these (rfq/standing.py)."""

    booth = models.ForeignKey("exhibitors.Booth", on_delete=models.CASCADE, related_name="weekly_hours")
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), validators=[MaxValueValidator(6)], help_text=_("0 is Monday.")
    )
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))
    time_zone = models.CharField(_("time zone"), max_length=64)

    class Meta:
        ordering = ["booth", "weekday", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=models.F("starts")), name="weekly_hours_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="weekly_hours_weekday"),
        ]

    def __str__(self):
        return f"{self.booth_id}: {self.weekday} {self.starts}-{self.ends} {self.time_zone}"
