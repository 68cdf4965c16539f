"""Booths and their products."""

from __future__ import annotations

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fair.models import Company, Fair, Hall, validate_countries, validate_hs_codes

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
        _("target markets"), default=list, blank=True, validators=[validate_countries],
        help_text=_("Countries the exhibitor wants to sell to; empty means any."),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
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
        _("lowest price"), max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    price_max = models.DecimalField(
        _("highest price"), max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, default="USD", validators=[validate_currency])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["booth", "position", "name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.CheckConstraint(
                condition=Q(price_min__isnull=True) | Q(price_max__isnull=True) | Q(price_max__gte=models.F("price_min")),
                name="product_price_range_ordered",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        from fair.hs import validate_hs_code

        self.hs_code = validate_hs_code(self.hs_code)
