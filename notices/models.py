"""A notification: one line for one person, kept until they read it (and after)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    """Something that happened that one person should know of: a meeting request, a knock...

    ``kind`` names a line of the kinds table (notices/kinds.py) and ``params`` fill it, so the text is
    drawn in the reader's language when it is shown; ``text`` is the line as it read when it was
    written (in the recipient's language), shown when the kind is no longer known.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    fair = models.ForeignKey("fair.Fair", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=64)
    params = models.JSONField(default=dict, blank=True)
    text = models.CharField(_("text"), max_length=500)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # the bell: a count of one person's unread notices, on every signed-in page
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notice_unread_by_user"),
            models.Index(fields=["user", "-created_at"], name="notice_user_created"),
        ]

    def __str__(self) -> str:
        return f"notice {self.pk} {self.kind} to user {self.user_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
