"""Read-only API shapes of fairs and halls. Times carry their offset."""

from __future__ import annotations

from datetime import datetime

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fair.models import Fair, Hall
from fair.selectors import fair_opening


@extend_schema_field(
    {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$", "example": "09:00:00"}
)
class LocalTimeField(serializers.TimeField):
    """A time of day in the fair's time zone, "HH:MM:SS" without an offset. OpenAPI's ``format: time``
    (RFC 3339's full-time) would demand an offset; a daily window has none: the fair's zone is given."""


class FairSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="fair-detail", lookup_field="slug")
    halls_url = serializers.HyperlinkedIdentityField(view_name="fair-halls", lookup_field="slug")
    opens_at = serializers.SerializerMethodField(
        help_text="First meeting time of the first day, in the fair's time zone, with its offset."
    )
    closes_at = serializers.SerializerMethodField(
        help_text="Last meeting time of the last day, in the fair's time zone, with its offset."
    )
    created_at = serializers.DateTimeField(read_only=True, help_text="UTC, with offset.")
    day_start = LocalTimeField(read_only=True, help_text="Meetings from, in the fair's time zone.")
    day_end = LocalTimeField(read_only=True, help_text="Meetings until, in the fair's time zone.")

    class Meta:
        model = Fair
        fields = [
            "slug",
            "url",
            "halls_url",
            "name",
            "description",
            "starts_on",
            "ends_on",
            "opens_at",
            "closes_at",
            "time_zone",
            "languages",
            "registration_open",
            "slot_minutes",
            "day_start",
            "day_end",
            "max_meetings_per_day",
            "created_at",
        ]

    def get_opens_at(self, fair: Fair) -> datetime:
        return fair_opening(fair)[0]

    def get_closes_at(self, fair: Fair) -> datetime:
        return fair_opening(fair)[1]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        for key in ("opens_at", "closes_at"):
            data[key] = data[key].isoformat()
        return data


class HallSerializer(serializers.ModelSerializer):
    fair = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    booth_count = serializers.IntegerField(read_only=True, help_text="Published booths in this hall.")

    class Meta:
        model = Hall
        fields = ["id", "fair", "slug", "name", "hs_chapters", "position", "booth_count"]
