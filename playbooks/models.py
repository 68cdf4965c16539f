"""Export readiness by market: what each country demands, and how far an exhibitor's product is.

A Playbook is one country's requirements as an organizer imported them, in numbered versions (a new
version never overwrites an old one, which stays readable). Its PlaybookItems are the things to do or to
know: certifications and registrations (with the authority and the usual lead time), labelling and
language rules, payment habits, delivery and customs notes, tariff and free-trade-agreement notes,
trademark steps, sales channels and briefings. Texts are per language ({"en": ..., "ko": ...}).

A ReadinessMark is an exhibitor's own note on one item for one product and market: in progress or
done, with a document as proof. What the company's data already shows (certifications held, languages
spoken, the Incoterm offered) is read from that data, never stored twice.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    CERTIFICATION = "certification", _("Certification")
    REGISTRATION = "registration", _("Registration")
    LABELLING = "labelling", _("Labelling and language")
    PAYMENT = "payment", _("Payment habits")
    DELIVERY = "delivery", _("Delivery")
    CUSTOMS = "customs", _("Customs")
    TARIFF = "tariff", _("Tariffs and free-trade agreements")
    TRADEMARK = "trademark", _("Trademark")
    CHANNEL = "channel", _("Sales channels")
    BRIEFING = "briefing", _("Briefings and videos")


def text_in(texts: dict, language: str | None = None) -> str:
    """The text in the viewer's language, then English, then any language that has one."""
    if not texts:
        return ""
    language = (language or get_language() or "en").lower()
    for code in (language, language.split("-")[0], "zh" if language.startswith("zh") else "", "en"):
        if code and texts.get(code):
            return texts[code]
    return next((t for t in texts.values() if t), "")


class Playbook(models.Model):
    fair = models.ForeignKey("fair.Fair", on_delete=models.CASCADE, related_name="playbooks")
    country = models.CharField(_("country"), max_length=2)
    version = models.PositiveIntegerField(_("version"))
    checked_on = models.DateField(_("checked on"))
    title = models.JSONField(_("title"), default=dict)
    sources = models.JSONField(_("sources"), default=list)  # [{"title": ..., "url": ...}]
    digest = models.CharField(max_length=64)  # SHA-256 of the imported content: a re-import is a no-op
    file_name = models.CharField(max_length=200, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("playbook")
        verbose_name_plural = _("playbooks")
        ordering = ["country", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["fair", "country", "version"], name="playbook_one_version"),
        ]

    def __str__(self) -> str:
        return f"{self.country} v{self.version}"

    def title_text(self, language: str | None = None) -> str:
        return text_in(self.title, language)


class PlaybookItem(models.Model):
    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="items")
    key = models.SlugField(_("key"), max_length=60)  # stable across versions: marks follow it
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.CharField(_("certification code"), max_length=40, blank=True)
    required = models.BooleanField(_("required"), default=False)  # else customary
    authority = models.CharField(_("authority"), max_length=200, blank=True)
    lead_time_days = models.PositiveIntegerField(_("usual lead time (days)"), null=True, blank=True)
    hs = models.JSONField(_("HS scope"), default=list, blank=True)  # prefixes; empty: every product
    language = models.CharField(_("label language"), max_length=10, blank=True)
    incoterms = models.JSONField(_("Incoterms"), default=list, blank=True)
    title = models.JSONField(_("title"), default=dict)
    text = models.JSONField(_("text"), default=dict, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("playbook item")
        verbose_name_plural = _("playbook items")
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["playbook", "key"], name="playbook_item_key")]

    def __str__(self) -> str:
        return self.key

    def applies_to(self, hs_code: str) -> bool:
        return not self.hs or any(str(hs_code).startswith(p) for p in self.hs)

    def title_text(self, language: str | None = None) -> str:
        return text_in(self.title, language) or self.code or self.key

    def body_text(self, language: str | None = None) -> str:
        return text_in(self.text, language)


class ReadinessMark(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    product = models.ForeignKey("exhibitors.Product", on_delete=models.CASCADE, related_name="readiness")
    country = models.CharField(_("market"), max_length=2)
    key = models.SlugField(_("item"), max_length=60)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    document = models.FileField(_("proof"), max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("readiness mark")
        verbose_name_plural = _("readiness marks")
        constraints = [
            models.UniqueConstraint(fields=["product", "country", "key"], name="readiness_one_mark"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} {self.country} {self.key}: {self.status}"


class Briefing(models.Model):
    """A briefing in the fair programme for the exhibitors of one gap ("target China, lack NMPA"):
    invitations with an ICS file go to the staff of each invited booth."""

    fair = models.ForeignKey("fair.Fair", on_delete=models.CASCADE, related_name="briefings")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    link = models.URLField(_("where it takes place (link)"), max_length=500, blank=True)
    country = models.CharField(_("market"), max_length=2)
    key = models.SlugField(_("item"), max_length=60)
    booths = models.ManyToManyField("exhibitors.Booth", related_name="briefings", verbose_name=_("invited"))
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("briefing")
        verbose_name_plural = _("briefings")
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return self.title
