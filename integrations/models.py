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
