"""API shapes of fairs, halls and registrations. Times carry their offset."""

from __future__ import annotations

from datetime import datetime

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fair.models import Company, Fair, Hall
from fair.selectors import fair_opening
from kernel import consent


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


# --- registration ---------------------------------------------------------------------------------


def _codes(max_length: int, help_text: str):
    return serializers.ListField(
        child=serializers.CharField(max_length=max_length), required=False, max_length=50, help_text=help_text
    )


class RegistrationIn(serializers.Serializer):
    """A registration, as the registration page takes it (codes are checked by the service)."""

    role = serializers.ChoiceField(choices=["buyer", "exhibitor"])
    company_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    country = serializers.CharField(
        max_length=2, required=False, allow_blank=True, help_text="ISO 3166, e.g. JP"
    )
    size = serializers.ChoiceField(choices=Company.Size.choices, required=False, allow_blank=True)
    hs_codes = _codes(12, 'Buyers: the HS codes you source, e.g. ["3304", "190590"].')
    required_certifications = _codes(32, 'Buyers: certifications your market requires, e.g. ["HALAL"].')
    languages = _codes(16, 'Meeting languages, e.g. ["ja", "en"].')
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    consents = serializers.DictField(
        child=serializers.BooleanField(),
        required=False,
        help_text='At a new registration: {"contact": true|false, "recommend": true|false}; missing is no.',
    )

    def validate_consents(self, value: dict) -> dict:
        unknown = sorted(set(value) - set(consent.KINDS))
        if unknown:
            raise serializers.ValidationError(
                f"unknown: {', '.join(unknown)} (one of {', '.join(sorted(consent.KINDS))})"
            )
        return value


class RegistrationOut(serializers.Serializer):
    role = serializers.CharField()
    status = serializers.CharField(help_text="pending, approved or rejected")
    company_name = serializers.CharField()
    country = serializers.CharField()
    size = serializers.CharField()
    hs_codes = serializers.ListField(child=serializers.CharField())
    required_certifications = serializers.ListField(child=serializers.CharField())
    languages = serializers.ListField(child=serializers.CharField())
    description = serializers.CharField()
    completeness = serializers.IntegerField(help_text="percent of the role's profile parts filled in")
    missing = serializers.ListField(child=serializers.CharField(), help_text="the parts still empty")
