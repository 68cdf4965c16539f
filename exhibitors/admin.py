"""Admin of booths with their products and staff, and of the live booth's records."""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from exhibitors.models import Booth, Product
from fair.models import Participant
from kernel.audit import AuditedAdmin


class ProductInline(admin.TabularInline):
    model = Product
    extra = 0
    fields = ("position", "name", "hs_code", "moq", "moq_unit", "price_min", "price_max", "currency")


class StaffInline(admin.TabularInline):
    model = Participant
    fk_name = "booth"
    extra = 0
    verbose_name = _("staff member")
    verbose_name_plural = _("staff")
    fields = ("user", "fair", "company", "role", "status")
    raw_id_fields = ("user", "fair", "company")


@admin.register(Booth)
class BoothAdmin(AuditedAdmin):
    list_display = ("company", "fair", "hall", "status", "product_count", "external_id", "updated_at")
    list_filter = ("status", "fair", "hall")
    list_select_related = ("company", "fair", "hall")
    search_fields = ("company__name", "external_id")
    raw_id_fields = ("company",)
    inlines = [ProductInline, StaffInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_product_count=Count("products"))

    @admin.display(description=_("products"), ordering="_product_count")
    def product_count(self, booth):
        return booth._product_count


@admin.register(Product)
class ProductAdmin(AuditedAdmin):
    list_display = ("name", "hs_code", "booth", "moq", "price_min", "price_max", "currency")
    list_filter = ("booth__fair", "currency")
    list_select_related = ("booth__company", "booth__fair")
    search_fields = ("name", "hs_code", "booth__company__name")
    raw_id_fields = ("booth",)
    show_full_result_count = False


# The live booth's records (knocks, chat, bookmarks): listed for moderation, with raw ids on big tables.
_LIVE = {
    "Knock": {
        "list_display": ("booth", "buyer", "status", "created_at", "answered_at"),
        "list_filter": ("status",),
        "list_select_related": ("booth__company", "booth__fair"),
        "raw_id_fields": ("booth", "buyer", "answered_by"),
        "search_fields": ("booth__company__name",),
    },
    "ChatMessage": {
        "list_display": ("created_at", "booth", "author_name", "author_is_staff", "hidden", "body"),
        "list_filter": ("hidden", "author_is_staff"),
        "list_select_related": ("booth__company", "booth__fair"),
        "raw_id_fields": ("booth", "knock", "author", "hidden_by"),
        "search_fields": ("body", "author_name", "booth__company__name"),
    },
    "Bookmark": {
        "list_display": ("participant", "booth", "product", "created_at"),
        "raw_id_fields": ("participant", "booth", "product"),
        "search_fields": ("booth__company__name", "product__name"),
    },
    # The booth builder's media (exhibitors/builder.py stores them; change them there, not here).
    "ProductImage": {
        "list_display": ("product", "image", "width", "height", "position"),
        "raw_id_fields": ("product",),
    },
    "BoothDocument": {
        "list_display": ("booth", "title", "size", "created_at"),
        "raw_id_fields": ("booth",),
        "search_fields": ("title", "booth__company__name"),
    },
}


def _public_lines_only(self, request):
    """A private thread (a knock's chat) is between the buyer and the booth's staff: the live booth
    hides it from organizers, and the admin never lists it either."""
    return admin.ModelAdmin.get_queryset(self, request).filter(knock__isnull=True)


# What is private in these records stays out of the admin: a knock's message, a private thread's lines.
_PRIVATE = {
    "Knock": {"exclude": ("message",)},
    "ChatMessage": {"get_queryset": _public_lines_only},
}

for _name, _options in _LIVE.items():
    try:
        _model = apps.get_model("exhibitors", _name)
    except LookupError:
        continue
    _attrs = {**_options, **_PRIVATE.get(_name, {}), "show_full_result_count": False}
    admin.site.register(_model, type(f"{_name}Admin", (AuditedAdmin,), _attrs))
