"""The video room's records: who was in the room when, its chat, and the verdict when it closed.

Imported at the end of meetings/models.py so that they belong to the meetings app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.janus_rooms import KeptJanusRoom


class RoomVisit(models.Model):
    """One socket's stay in a meeting's room: joined_at to left_at (null while it is there)."""

    class Role(models.TextChoices):
        BUYER = "buyer", _("Buyer")
        EXHIBITOR = "exhibitor", _("Exhibitor")
        INTERPRETER = "interpreter", _("Interpreter")
        OBSERVER = "observer", _("Organizer (observing)")

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="room_visits")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=12, choices=Role.choices)
    peer = models.CharField(max_length=32, unique=True, help_text=_("The id other peers address"))
    channel = models.CharField(max_length=200, help_text=_("The socket's channel-layer name"))
    joined_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("room visit")
        verbose_name_plural = _("room visits")
        indexes = [models.Index(fields=["meeting", "left_at"], name="room_visit_meeting_present")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left_at__isnull=True) | models.Q(left_at__gte=models.F("joined_at")),
                name="room_visit_leaves_after_joining",
            ),
        ]

    def __str__(self):
        return f"{self.user_id} in {self.meeting_id} ({self.role})"


class RoomMessage(models.Model):
    """An in-call chat line, stored before anyone sees it."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="room_messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(_("shown as"), max_length=200)
    role = models.CharField(max_length=12, choices=RoomVisit.Role.choices)
    body = models.TextField(_("message"), max_length=2000)
    created_at = models.DateTimeField(_("sent at"))
    # The id the sender's page gave the line (chat.post "client_id"): a resent line is stored once.
    client_id = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["id"]
        verbose_name = _("call chat message")
        verbose_name_plural = _("call chat messages")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "author", "client_id"],
                condition=~models.Q(client_id=""),
                name="room_chat_client_id_once",
            )
        ]

    def __str__(self):
        return f"{self.author_name}: {self.body[:40]}"


class RoomReport(models.Model):
    """What the room saw, written once when it closes: time in the room and who never came."""

    class NoShow(models.TextChoices):
        NONE = "", _("Both sides came")
        BUYER = "buyer", _("The buyer never came")
        EXHIBITOR = "exhibitor", _("The exhibitor never came")
        BOTH = "both", _("Nobody came")

    meeting = models.OneToOneField("meetings.Meeting", on_delete=models.CASCADE, related_name="room_report")
    buyer_seconds = models.FloatField(default=0)
    exhibitor_seconds = models.FloatField(default=0)
    together_seconds = models.FloatField(default=0)
    no_show = models.CharField(max_length=10, choices=NoShow.choices, blank=True, default="")
    closed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("room report")
        verbose_name_plural = _("room reports")

    def __str__(self):
        return f"room of {self.meeting_id}: {self.together_seconds:.0f}s together"


class GroupRoom(KeptJanusRoom):
    """A meeting's room on Janus, the SFU (docs/janus.md): for a call of more than three people, up to
    GROUP_SIZE senders at once. Janus keeps rooms in memory: the id and secret kept here let the
    application create it again after a restart of Janus (meetings/room_sfu.py)."""

    meeting = models.OneToOneField("meetings.Meeting", on_delete=models.CASCADE, related_name="group_room")

    class Meta:
        verbose_name = _("group video room")
        verbose_name_plural = _("group video rooms")

    def __str__(self):
        return f"group room of meeting {self.meeting_id}"
