"""The admin of meetings: slots, availability, meetings and their seats, outcomes, rounds, feeds."""

from django.contrib import admin

from kernel.audit import AuditedAdmin
from meetings.models import (
    Availability,
    CalendarFeed,
    FairCurrencyRate,
    FollowUpNudge,
    LeadUpdate,
    Meeting,
    MeetingRules,
    Outcome,
    Reminder,
    Round,
    RoundProposal,
    Seat,
    Slot,
)


@admin.register(MeetingRules)
class MeetingRulesAdmin(AuditedAdmin):
    list_display = ["fair", "auto_confirm_interpreters"]
    raw_id_fields = ["fair"]
    search_fields = ["fair__name"]


@admin.register(Slot)
class SlotAdmin(AuditedAdmin):
    list_display = ["starts_at", "ends_at", "day", "fair"]
    list_filter = ["fair", "day"]
    raw_id_fields = ["fair"]
    search_fields = ["fair__name"]
    date_hierarchy = "starts_at"


@admin.register(Availability)
class AvailabilityAdmin(AuditedAdmin):
    list_display = ["slot", "participant", "booth"]
    list_filter = ["slot__fair"]
    raw_id_fields = ["slot", "participant", "booth"]
    search_fields = ["participant__user__email", "booth__company__name"]


class SeatInline(admin.TabularInline):
    model = Seat
    extra = 0
    raw_id_fields = ["slot", "participant", "booth"]


class OutcomeInline(admin.StackedInline):
    model = Outcome
    extra = 0
    raw_id_fields = ["author"]


@admin.register(Meeting)
class MeetingAdmin(AuditedAdmin):
    list_display = ["pk", "booth", "buyer", "slot", "status", "awaiting", "interpreter_status"]
    list_filter = ["status", "interpreter_status", "fair"]
    raw_id_fields = ["fair", "buyer", "booth", "exhibitor", "interpreter", "slot", "created_by"]
    search_fields = ["booth__company__name", "buyer__company__name", "buyer__user__email"]
    readonly_fields = ["uid", "sequence", "created_at", "updated_at"]
    inlines = [SeatInline, OutcomeInline]
    list_select_related = ["booth__company", "buyer__company", "buyer__user", "slot"]


@admin.register(Seat)
class SeatAdmin(AuditedAdmin):
    list_display = ["meeting", "slot", "participant", "booth"]
    list_filter = ["slot__fair"]
    raw_id_fields = ["meeting", "slot", "participant", "booth"]
    search_fields = ["booth__company__name", "participant__user__email"]


@admin.register(Outcome)
class OutcomeAdmin(AuditedAdmin):
    list_display = ["meeting", "side", "rating", "interest_level", "deal_size_usd", "follow_up_on"]
    list_filter = ["side", "rating", "interest_level"]
    raw_id_fields = ["meeting", "author"]
    search_fields = ["meeting__booth__company__name", "meeting__buyer__company__name"]


@admin.register(Reminder)
class ReminderAdmin(AuditedAdmin):
    list_display = ["meeting", "kind", "user", "sent_at"]
    list_filter = ["kind"]
    raw_id_fields = ["meeting", "user"]
    search_fields = ["user__email"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(AuditedAdmin):
    list_display = ["user", "created_at"]
    raw_id_fields = ["user"]
    search_fields = ["user__email"]
    exclude = ["token"]  # a secret: revoke it from the schedule page, never read it here


class RoundProposalInline(admin.TabularInline):
    model = RoundProposal
    extra = 0
    raw_id_fields = ["buyer", "booth", "slot", "interpreter", "meeting"]


@admin.register(Round)
class RoundAdmin(AuditedAdmin):
    list_display = ["pk", "fair", "status", "total_score", "created_at", "published_at"]
    list_filter = ["status", "fair"]
    raw_id_fields = ["fair", "created_by"]
    search_fields = ["fair__name"]
    inlines = [RoundProposalInline]


@admin.register(RoundProposal)
class RoundProposalAdmin(AuditedAdmin):
    list_display = ["round", "buyer", "booth", "slot", "interpreter", "score"]
    list_filter = ["round__status"]
    raw_id_fields = ["round", "buyer", "booth", "slot", "interpreter", "meeting"]
    search_fields = ["booth__company__name", "buyer__user__email"]


@admin.register(FairCurrencyRate)
class FairCurrencyRateAdmin(AuditedAdmin):
    list_display = ["fair", "currency", "usd_per_unit", "updated_at"]
    list_filter = ["fair"]
    search_fields = ["currency"]


@admin.register(LeadUpdate)
class LeadUpdateAdmin(AuditedAdmin):
    list_display = ["meeting", "stage", "on", "value", "currency", "value_usd", "created_by"]
    list_filter = ["stage", "meeting__fair"]
    raw_id_fields = ["meeting", "created_by"]
    search_fields = ["meeting__booth__company__name"]
    date_hierarchy = "on"


@admin.register(FollowUpNudge)
class FollowUpNudgeAdmin(AuditedAdmin):
    list_display = ["outcome", "follow_up_on", "sent_at"]
    raw_id_fields = ["outcome"]


from meetings import room_admin  # noqa: E402, F401  (the video room's records)
