"""The kernel's own tables: the transactional outbox."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """Something that must leave the process (an e-mail, a live notification, a webhook), written in
    the same transaction as the change it tells of and delivered by kernel/outbox.py."""

    kind = models.CharField(_("kind"), max_length=32)  # mail, push, webhook...
    payload = models.JSONField(_("payload"))
    event = models.CharField(_("event"), max_length=64, blank=True)
    fair_id = models.BigIntegerField(_("fair"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    claimed_until = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    failed_at = models.DateTimeField(_("given up"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(delivered_at__isnull=True, failed_at__isnull=True),
                name="outbox_due",
            ),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.event or '-'})"
