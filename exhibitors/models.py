"""Booths and their products."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fair.models import Company, Fair, Hall, validate_countries, validate_hs_codes

LIVE_STATUS_CHOICES = [("on_duty", _("Staff on duty")), ("away", _("Away")), ("live", _("Live broadcast"))]

# Incoterms 2020, the fixed list a price can be quoted in.
INCOTERM_CHOICES = [
    ("EXW", _("EXW – Ex Works")),
    ("FCA", _("FCA – Free Carrier")),
    ("CPT", _("CPT – Carriage Paid To")),
    ("CIP", _("CIP – Carriage and Insurance Paid To")),
    ("DAP", _("DAP – Delivered at Place")),
    ("DPU", _("DPU – Delivered at Place Unloaded")),
    ("DDP", _("DDP – Delivered Duty Paid")),
    ("FAS", _("FAS – Free Alongside Ship")),
    ("FOB", _("FOB – Free on Board")),
    ("CFR", _("CFR – Cost and Freight")),
    ("CIF", _("CIF – Cost, Insurance and Freight")),
]

validate_currency = RegexValidator(r"^[A-Z]{3}$", _("Use an ISO 4217 currency code, e.g. USD."))


class Booth(models.Model):
    """A company's stand at one fair, in one hall."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="booths")
    hall = models.ForeignKey(Hall, null=True, blank=True, on_delete=models.SET_NULL, related_name="booths")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="booths")
    external_id = models.CharField(
        _("dataset id"), max_length=64, blank=True, help_text=_("exhibitor_id in the fair dataset")
    )
    hs_codes = models.JSONField(_("HS codes"), default=list, validators=[validate_hs_codes])
    target_markets = models.JSONField(
        _("target markets"),
        default=list,
        blank=True,
        validators=[validate_countries],
        help_text=_("Countries the exhibitor wants to sell to; empty means any."),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    # The booth builder: texts in six languages (exhibitors/translation.py), media via the storage API.
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    story = models.TextField(_("company story"), blank=True, max_length=5000)
    logo = models.FileField(_("logo"), max_length=300, blank=True)
    banner = models.FileField(_("banner"), max_length=300, blank=True)
    video = models.FileField(_("video file"), max_length=300, blank=True)
    video_url = models.URLField(_("video link"), max_length=500, blank=True)
    # The live booth: set by its staff over the booth websocket (see docs/booth-protocol.md).
    live_status = models.CharField(
        _("live status"), max_length=12, choices=LIVE_STATUS_CHOICES, default="away"
    )
    stream_url = models.URLField(_("live stream link"), blank=True, max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["fair", "company__name"]
        verbose_name = _("booth")
        verbose_name_plural = _("booths")
        constraints = [
            models.UniqueConstraint(
                fields=["fair", "external_id"], condition=~Q(external_id=""), name="booth_external_id_unique"
            ),
            models.UniqueConstraint(fields=["fair", "company"], name="booth_one_per_company_per_fair"),
        ]
        indexes = [models.Index(fields=["fair", "status", "hall"], name="booth_fair_status_hall")]

    def __str__(self):
        return f"{self.company.name} @ {self.fair.name}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Product(models.Model):
    booth = models.ForeignKey(Booth, on_delete=models.CASCADE, related_name="products")
    name = models.CharField(_("name"), max_length=200)
    hs_code = models.CharField(_("HS code"), max_length=6)
    description = models.TextField(_("description"), blank=True)
    moq = models.PositiveIntegerField(_("minimum order quantity"), null=True, blank=True)
    moq_unit = models.CharField(_("MOQ unit"), max_length=20, blank=True, default="pcs")
    price_min = models.DecimalField(
        _("lowest price"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    price_max = models.DecimalField(
        _("highest price"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(_("currency"), max_length=3, default="USD", validators=[validate_currency])
    incoterm = models.CharField(_("Incoterm"), max_length=3, blank=True, choices=INCOTERM_CHOICES)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["booth", "position", "name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.CheckConstraint(
                condition=Q(price_min__isnull=True)
                | Q(price_max__isnull=True)
                | Q(price_max__gte=models.F("price_min")),
                name="product_price_range_ordered",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        from fair.hs import validate_hs_code

        self.hs_code = validate_hs_code(self.hs_code)


class ProductImage(models.Model):
    """A product photo, re-encoded on upload (exhibitors/media.py), with its thumbnail."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.FileField(_("image"), max_length=300)
    thumbnail = models.FileField(_("thumbnail"), max_length=300)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["product", "position", "id"]
        verbose_name = _("product image")
        verbose_name_plural = _("product images")

    def __str__(self):
        return self.image.name


class BoothDocument(models.Model):
    """A brochure (PDF) a visitor can download from the booth."""

    booth = models.ForeignKey(Booth, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), max_length=300)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["booth", "title", "id"]
        verbose_name = _("brochure")
        verbose_name_plural = _("brochures")

    def __str__(self):
        return self.title


# --- the live booth: status, chat, knocks, bookmarks ---------------------------------


class Knock(models.Model):
    """A buyer asking for the staff's attention; the first staff member to answer opens a private chat."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ANSWERED = "answered", _("Answered")
        MISSED = "missed", _("Missed")

    booth = models.ForeignKey(Booth, on_delete=models.CASCADE, related_name="knocks")
    buyer = models.ForeignKey("fair.Participant", on_delete=models.CASCADE, related_name="knocks")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("knocked at"))
    answered_by = models.ForeignKey(
        "fair.Participant", null=True, blank=True, on_delete=models.SET_NULL, related_name="knocks_answered"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    missed_at = models.DateTimeField(_("missed at"), null=True, blank=True)
    message = models.TextField(_("message left by the buyer"), blank=True, max_length=2000)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("knock")
        verbose_name_plural = _("knocks")
        constraints = [
            # One open knock per buyer and booth: knocking twice does not ring twice.
            models.UniqueConstraint(
                fields=["booth", "buyer"], condition=Q(status="pending"), name="knock_one_pending_per_buyer"
            ),
            models.CheckConstraint(
                condition=Q(status="answered", answered_by__isnull=False, answered_at__isnull=False)
                | ~Q(status="answered"),
                name="knock_answered_has_who_and_when",
            ),
        ]
        indexes = [models.Index(fields=["booth", "status", "created_at"], name="knock_booth_status_at")]

    def __str__(self):
        return f"knock {self.pk} {self.status} buyer {self.buyer_id} -> booth {self.booth_id}"


class ChatMessage(models.Model):
    """A chat line in a booth: public (knock is null) or in the private thread a knock opened."""

    booth = models.ForeignKey(Booth, on_delete=models.CASCADE, related_name="chat_messages")
    knock = models.ForeignKey(
        Knock,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
        help_text=_("Set for the private thread between the knocking buyer and the booth's staff."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(_("shown as"), max_length=200)
    author_is_staff = models.BooleanField(default=False)
    body = models.TextField(_("message"), max_length=2000)
    created_at = models.DateTimeField(_("sent at"))
    hidden = models.BooleanField(_("hidden"), default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The id the sender's page gave the line (chat.post "client_id"): a resent line is stored once.
    client_id = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["id"]
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        indexes = [models.Index(fields=["booth", "knock", "id"], name="chat_booth_thread_id")]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_id"],
                condition=~models.Q(client_id=""),
                name="chat_author_client_id_once",
            )
        ]

    def __str__(self):
        return f"{self.author_name}: {self.body[:40]}"


class Bookmark(models.Model):
    """A buyer keeping a booth or a product for later."""

    participant = models.ForeignKey("fair.Participant", on_delete=models.CASCADE, related_name="bookmarks")
    booth = models.ForeignKey(
        Booth, null=True, blank=True, on_delete=models.CASCADE, related_name="bookmarks"
    )
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.CASCADE, related_name="bookmarks"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("bookmark")
        verbose_name_plural = _("bookmarks")
        constraints = [
            models.CheckConstraint(
                condition=Q(booth__isnull=False, product__isnull=True)
                | Q(booth__isnull=True, product__isnull=False),
                name="bookmark_booth_xor_product",
            ),
            models.UniqueConstraint(
                fields=["participant", "booth"], condition=Q(booth__isnull=False), name="bookmark_booth_once"
            ),
            models.UniqueConstraint(
                fields=["participant", "product"],
                condition=Q(product__isnull=False),
                name="bookmark_product_once",
            ),
        ]

    def __str__(self):
        return f"bookmark {self.participant_id} -> {self.booth_id or self.product_id}"
