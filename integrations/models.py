"""Webhooks: endpoints an organizer (for the fair) or an exhibitor (for their booth) registers, and
the deliveries made to them, each with its attempts (docs/webhooks.md)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The event families a webhook may subscribe to (the events of kernel/events.py whose names start so).
FAMILIES = {
    "meeting": _("Meetings: requested, accepted, declined, cancelled, moved, held"),
    "lead": _("Leads: ledger stages"),
    "participant": _("Participants: registrations decided"),
    "agreement": _("Agreements: drafted, signed, completed"),
    "outcome": _("Outcomes: declared, confirmed, disputed"),
    "rfq": _("Requests for quotation"),
    "quote": _("Quotations"),
}


class WebhookEndpoint(models.Model):
    fair = models.ForeignKey("fair.Fair", on_delete=models.CASCADE, related_name="webhooks")
    booth = models.ForeignKey(
        "exhibitors.Booth", null=True, blank=True, on_delete=models.CASCADE, related_name="webhooks"
    )  # set: the booth's own events only
    url = models.URLField(_("address"), max_length=500)
    families = models.JSONField(_("events"), default=list)  # keys of FAMILIES
    secret = models.CharField(max_length=80)
    previous_secret = models.CharField(max_length=80, blank=True)  # still signed with after a rotation
    rotated_at = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.url

    def wants(self, event_name: str) -> bool:
        return event_name.split(".")[0] in self.families


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # the event's id for receivers
    event = models.CharField(max_length=64)
    object_key = models.CharField(max_length=80)  # "meeting:12": deliveries per object go in order
    payload = models.JSONField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        indexes = [models.Index(fields=["endpoint", "object_key", "status"], name="webhook_delivery_order")]

    def __str__(self) -> str:
        return f"{self.event} -> {self.endpoint_id} ({self.status})"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(auto_now_add=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    milliseconds = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.delivery_id}: {self.status_code or self.error}"


class DataExport(models.Model):
    """A person's download of all their data: built by the worker, kept for a week, then removed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.CharField(max_length=300, blank=True)  # the zip's name in storage
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("personal data export")
        verbose_name_plural = _("personal data exports")

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d} ({self.status})"


class FairRetention(models.Model):
    """How long a fair keeps its participants' personal data after its last day (set by its organizers);
    the hourly job ``integrations.erasure.retention_run`` anonymises the participations once it is past."""

    fair = models.OneToOneField("fair.Fair", on_delete=models.CASCADE, related_name="retention")
    days = models.PositiveIntegerField(
        _("keep personal data for (days after the fair ends)"),
        null=True,
        blank=True,
        help_text=_("Empty: kept until the fair is deleted."),
    )
    done_at = models.DateTimeField(null=True, blank=True)  # when the job anonymised the participations
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("data retention")
        verbose_name_plural = _("data retention")

    def __str__(self) -> str:
        return f"{self.fair_id}: {self.days} days"
