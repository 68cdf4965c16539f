"""The admin of the video room's records (imported by meetings/admin.py)."""

from django.contrib import admin

from kernel.audit import AuditedAdmin
from meetings.room_models import GroupRoom, RoomMessage, RoomReport, RoomVisit


@admin.register(RoomVisit)
class RoomVisitAdmin(AuditedAdmin):
    list_display = ["meeting", "user", "role", "joined_at", "left_at"]
    list_filter = ["role"]
    search_fields = ["meeting__booth__company__name", "user__email"]
    raw_id_fields = ["meeting", "user"]
    date_hierarchy = "joined_at"


@admin.register(RoomMessage)
class RoomMessageAdmin(AuditedAdmin):
    list_display = ["meeting", "author_name", "role", "created_at", "body"]
    search_fields = ["meeting__booth__company__name", "author_name", "body"]
    raw_id_fields = ["meeting", "author"]


@admin.register(RoomReport)
class RoomReportAdmin(AuditedAdmin):
    list_display = [
        "meeting",
        "together_seconds",
        "buyer_seconds",
        "exhibitor_seconds",
        "no_show",
        "closed_at",
    ]
    list_filter = ["no_show"]
    search_fields = ["meeting__booth__company__name"]
    raw_id_fields = ["meeting"]


@admin.register(GroupRoom)
class GroupRoomAdmin(AuditedAdmin):
    """Which Janus room a meeting's group call uses; its secret is never shown."""

    list_display = ["meeting", "janus_room", "created_at"]
    search_fields = ["meeting__booth__company__name", "janus_room"]
    raw_id_fields = ["meeting"]
    exclude = ["janus_secret"]
    readonly_fields = ["janus_room"]
