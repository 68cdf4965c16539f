"""Stored matching models (their artifact and metadata) and the marks both sides put on a pair."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MatchingModel(models.Model):
    """One fitted model of a fair: an artifact in the default storage plus what it was fitted on."""

    fair = models.ForeignKey("fair.Fair", on_delete=models.CASCADE, related_name="matching_models")
    version = models.PositiveIntegerField(_("version"))
    path = models.CharField(_("artifact path"), max_length=300)
    sha256 = models.CharField(_("artifact SHA-256"), max_length=64)
    sklearn_version = models.CharField(_("scikit-learn version"), max_length=20)
    metrics = models.JSONField(_("offline scores"), default=dict, blank=True)
    meta = models.JSONField(_("metadata"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["fair", "-version"]
        verbose_name = _("matching model")
        verbose_name_plural = _("matching models")
        constraints = [
            models.UniqueConstraint(fields=["fair", "version"], name="matching_model_version_unique")
        ]

    def __str__(self):
        return f"{self.fair} v{self.version}"


class Mark(models.Model):
    """ "Must meet", "interested" or "no thanks", put by one side on a (buyer, booth) pair."""

    class Side(models.TextChoices):
        BUYER = "buyer", _("Buyer")
        EXHIBITOR = "exhibitor", _("Exhibitor")

    class Value(models.TextChoices):
        MUST_MEET = "must_meet", _("Must meet")
        INTERESTED = "interested", _("Interested")
        NO_THANKS = "no_thanks", _("No thanks")

    fair = models.ForeignKey("fair.Fair", on_delete=models.CASCADE, related_name="matching_marks")
    buyer = models.ForeignKey("fair.Participant", on_delete=models.CASCADE, related_name="matching_marks")
    booth = models.ForeignKey("exhibitors.Booth", on_delete=models.CASCADE, related_name="matching_marks")
    side = models.CharField(_("marked by"), max_length=12, choices=Side.choices)
    value = models.CharField(_("mark"), max_length=12, choices=Value.choices)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mark")
        verbose_name_plural = _("marks")
        constraints = [
            models.UniqueConstraint(fields=["buyer", "booth", "side"], name="matching_mark_one_per_side"),
        ]
        indexes = [models.Index(fields=["fair", "side"], name="matching_mark_fair_side")]

    def __str__(self):
        return f"{self.get_side_display()}: {self.get_value_display()} ({self.buyer_id}, {self.booth_id})"
