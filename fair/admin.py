"""Admin of the event: fairs with their halls, companies, participants, sourcing profiles, interactions."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from fair.models import ApiToken, Company, Fair, Hall, Interaction, Participant, SourcingProfile, User
from kernel.audit import AuditedAdmin, AuditMixin


@admin.register(User)
class UserAdmin(AuditMixin, DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Preferences"), {"fields": ("time_zone", "language")}),
    )
    list_display = ("username", "email", "first_name", "last_name", "language", "time_zone", "is_staff")
    list_filter = (*DjangoUserAdmin.list_filter, "language")


class HallInline(admin.TabularInline):
    model = Hall
    extra = 0
    fields = ("position", "name", "slug", "hs_chapters")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Fair)
class FairAdmin(AuditedAdmin):
    list_display = ("name", "slug", "starts_on", "ends_on", "time_zone", "registration_open", "hall_count")
    list_filter = ("registration_open", "starts_on")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    date_hierarchy = "starts_on"
    inlines = [HallInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "description", "registration_open")}),
        (_("Dates"), {"fields": ("starts_on", "ends_on", "time_zone", "languages")}),
        (_("Meeting rules"), {"fields": ("slot_minutes", "day_start", "day_end", "max_meetings_per_day")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_hall_count=Count("halls"))

    @admin.display(description=_("halls"), ordering="_hall_count")
    def hall_count(self, fair):
        return fair._hall_count


@admin.register(Hall)
class HallAdmin(AuditedAdmin):
    list_display = ("name", "fair", "slug", "hs_chapters", "position")
    list_filter = ("fair",)
    list_select_related = ("fair",)
    search_fields = ("name", "slug", "fair__name")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Company)
class CompanyAdmin(AuditedAdmin):
    list_display = ("name", "country", "website", "certifications")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_filter = ("country",)
    search_fields = ("name", "website")


class SourcingProfileInline(admin.StackedInline):
    model = SourcingProfile
    extra = 0
    fields = ("hs_codes", "required_certifications", "languages", "description")


@admin.register(Participant)
class ParticipantAdmin(AuditedAdmin):
    list_display = ("__str__", "fair", "role", "status", "booth", "external_id", "created_at")
    list_filter = ("status", "role", "fair")
    list_select_related = ("fair", "user", "company", "booth", "booth__company", "booth__fair")
    search_fields = ("user__email", "user__username", "company__name", "external_id")
    raw_id_fields = ("user", "company", "booth")
    inlines = [SourcingProfileInline]
    actions = ["approve", "reject"]
    show_full_result_count = False

    def _set_status(self, request, queryset, status, verb):
        n = queryset.update(status=status)
        self.message_user(
            request,
            ngettext("%(n)d participant %(verb)s.", "%(n)d participants %(verb)s.", n)
            % {"n": n, "verb": verb},
            messages.SUCCESS,
        )

    @admin.action(description=_("Approve the selected participants"))
    def approve(self, request, queryset):
        self._set_status(request, queryset, Participant.Status.APPROVED, _("approved"))

    @admin.action(description=_("Reject the selected participants"))
    def reject(self, request, queryset):
        self._set_status(request, queryset, Participant.Status.REJECTED, _("rejected"))


@admin.register(SourcingProfile)
class SourcingProfileAdmin(AuditedAdmin):
    list_display = ("buyer", "hs_codes", "required_certifications", "languages", "updated_at")
    list_select_related = ("buyer__fair", "buyer__user", "buyer__company")
    list_filter = ("buyer__fair",)
    search_fields = ("buyer__company__name", "buyer__user__email", "buyer__external_id")
    raw_id_fields = ("buyer",)
    show_full_result_count = False


@admin.register(Interaction)
class InteractionAdmin(AuditedAdmin):
    list_display = ("at", "kind", "fair", "buyer_id", "booth_id", "product_id")
    list_filter = ("kind", "fair")
    list_select_related = ("fair",)
    search_fields = ("buyer__external_id", "buyer__company__name", "booth__company__name")
    raw_id_fields = ("buyer", "booth", "product")
    date_hierarchy = "at"
    show_full_result_count = False


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    """API tokens are made on their owner's page; here an administrator sees and revokes them. The
    token itself is never stored (only its hash, which is not shown)."""

    list_display = (
        "name",
        "kind",
        "user",
        "fair",
        "scopes",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("kind", "fair")
    list_select_related = ("user", "fair")
    raw_id_fields = ("user", "fair", "booth")
    search_fields = ("name", "prefix", "user__email")
    exclude = ("key_hash",)
    readonly_fields = ("prefix", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False
