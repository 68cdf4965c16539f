"""The kernel's own tables: the transactional outbox."""

from __future__ import annotations

from django.conf import settings
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


class AuditEntry(models.Model):
    """One line of the audit log (kernel/audit.py): who did what, when, to which object, in which fair,
    and whose data it touched. Written in the transaction of the change; never edited."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("by (name)"), max_length=200, blank=True)  # kept if the user goes
    action = models.CharField(_("action"), max_length=64, db_index=True)  # an event name, admin.change...
    fair_id = models.BigIntegerField(_("fair"), null=True, blank=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("people concerned"), blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["fair_id", "-at"], name="audit_fair_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"


class Consent(models.Model):
    """One answer of a person to one consent question (kernel/consent.py): given or refused, when, and
    where. Never edited: a change is a new row, so the rows are the history; the newest one counts."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("consent"), max_length=32)  # kernel.consent.KINDS
    granted = models.BooleanField(_("given"))
    at = models.DateTimeField(_("when"), default=timezone.now)
    source = models.CharField(_("where"), max_length=32, blank=True)  # join, privacy page, api

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["user", "kind", "-at"], name="consent_user_kind_at")]

    def __str__(self):
        answer = "granted" if self.granted else "revoked"
        return f"{self.user_id} {self.kind} {answer} {self.at:%Y-%m-%d %H:%M}"
