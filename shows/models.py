"""Live product shows: a booth's staff present products on camera to the fair's participants.

Times are stored in UTC; ``zone`` is the presenter's, kept to say "14:00 in Seoul" next to the
viewer's own time. The Janus room (id and secret) is created when the show goes live and kept
here: Janus forgets its rooms on a restart, the application does not (docs/janus.md, "Rooms").
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fair.models import validate_time_zone


class Show(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        LIVE = "live", _("Live")
        ENDED = "ended", _("Ended")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # the ICS UID
    fair = models.ForeignKey("fair.Fair", on_delete=models.CASCADE, related_name="shows")
    booth = models.ForeignKey("exhibitors.Booth", on_delete=models.CASCADE, related_name="shows")
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    products = models.ManyToManyField("exhibitors.Product", blank=True, related_name="shows")
    pinned = models.ForeignKey(
        "exhibitors.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    zone = models.CharField(_("time zone"), max_length=64, default="UTC", validators=[validate_time_zone])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    janus_room = models.CharField(max_length=64, blank=True)
    janus_secret = models.CharField(max_length=64, blank=True)
    record = models.BooleanField(_("record the show"), default=False)  # Janus records the presenters
    recording = models.FileField(_("recording"), upload_to="shows/recordings/", blank=True)
    sequence = models.PositiveIntegerField(default=0)  # the ICS SEQUENCE: rises with every change
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("live show")
        verbose_name_plural = _("live shows")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="show_ends_after_start"),
        ]
        indexes = [models.Index(fields=["fair", "starts_at"], name="show_fair_starts")]

    def __str__(self):
        return self.title


class ShowFollower(models.Model):
    """Someone who asked to be reminded of a show (and got its invitation)."""

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    reminded_at = models.DateTimeField(null=True, blank=True)  # the claim of the 10-minute reminder

    class Meta:
        constraints = [models.UniqueConstraint(fields=["show", "user"], name="show_follower_unique")]

    def __str__(self):
        return f"{self.user_id} follows {self.show_id}"


class ShowChatMessage(models.Model):
    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=200)
    author_is_staff = models.BooleanField(default=False)
    body = models.TextField()
    client_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_id"], condition=~Q(client_id=""), name="show_chat_client_id_unique"
            )
        ]

    def __str__(self):
        return f"{self.author_name}: {self.body[:40]}"


class ShowStats(models.Model):
    """What a show drew: viewers now and at the peak, watch time, pins and the buttons' clicks."""

    show = models.OneToOneField(Show, on_delete=models.CASCADE, related_name="stats", primary_key=True)
    viewers_now = models.PositiveIntegerField(default=0)
    viewers_peak = models.PositiveIntegerField(default=0)
    viewers_total = models.PositiveIntegerField(default=0)  # distinct people who watched
    watch_seconds = models.PositiveBigIntegerField(default=0)
    pins = models.PositiveIntegerField(default=0)
    quote_clicks = models.PositiveIntegerField(default=0)
    sample_clicks = models.PositiveIntegerField(default=0)
    consult_clicks = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"stats of show {self.show_id}"


class ShowViewer(models.Model):
    """One person's time in a show (summed over their visits)."""

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="viewers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(
        "fair.Participant", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_seen = models.DateTimeField()
    watch_seconds = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["show", "user"], name="show_viewer_unique")]

    def __str__(self):
        return f"{self.user_id} watched {self.show_id} for {self.watch_seconds}s"


class ShowClick(models.Model):
    """A viewer pressed a pinned product's button."""

    class Action(models.TextChoices):
        QUOTE = "quote", _("Request a quote")
        SAMPLE = "sample", _("Request a sample")
        CONSULT = "consult", _("Book a consultation")

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="clicks")
    product = models.ForeignKey("exhibitors.Product", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["show", "action"], name="show_click_action")]

    def __str__(self):
        return f"{self.action} on {self.product_id} in {self.show_id}"


class ShowPass(models.Model):
    """An admission to a show's Janus room the application issued: whom, under which participant id,
    as presenter or viewer. What room_enforce_roles keeps the stage to (shows/jobs.py)."""

    class Role(models.TextChoices):
        PUBLISHER = "publisher", _("Presenter")
        INTERPRETER = "interpreter", _("Interpreter")  # publishes audio only (ShowInterpretation)
        VIEWER = "viewer", _("Viewer")

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="passes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    participant_id = models.CharField(max_length=80)
    role = models.CharField(max_length=12, choices=Role.choices)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["show", "role"], name="show_pass_role")]

    def __str__(self):
        return f"{self.participant_id} ({self.role}) in {self.show_id}"


class ShowInterpretation(models.Model):
    """An interpreter of the fair speaking the show in another language: a second audio track.

    The booth's staff or the fair's organizers assign one of the fair's interpreters and the
    language; the interpreter confirms (or declines) it, unless the fair's meeting rules confirm
    interpreters at once (``auto_confirm_interpreters``). Once confirmed, the interpreter alone may
    publish their voice (audio only) into the show's Janus room (``show:interpret``); viewers choose
    between the original sound and each interpretation (docs/show-protocol.md, "Interpretation").
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="interpretations")
    interpreter = models.ForeignKey(
        "fair.Participant", on_delete=models.CASCADE, related_name="show_interpretations"
    )
    language = models.CharField(
        _("language of the interpretation"), max_length=10, choices=settings.LANGUAGES
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["language", "pk"]
        verbose_name = _("interpretation")
        verbose_name_plural = _("interpretations")
        constraints = [
            # One interpreter per language of a show; an interpreter speaks one language of a show.
            models.UniqueConstraint(fields=["show", "language"], name="show_interpretation_language_once"),
            models.UniqueConstraint(
                fields=["show", "interpreter"], name="show_interpretation_interpreter_once"
            ),
        ]

    def __str__(self):
        return f"{self.language} by {self.interpreter_id} in {self.show_id}"

    @property
    def feed_prefix(self) -> str:
        """How the interpreter's participant ids in the Janus room begin ("i-ja-u42."): how a
        viewer's page tells the interpretation's audio from the presenter's."""
        return f"i-{self.language}-"
