"""Forms of the organizer's console, the self-registration page and the outcome ledger: input only.

They turn text into values; the rules (HS chapters, ISO codes, permissions) live in the services.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from fair.models import Fair
from frontend.forms import time_zone_choices
from meetings.models import LeadUpdate

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class FairForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_on = forms.DateField(label=_("First day"), widget=DATE)
    ends_on = forms.DateField(label=_("Last day"), widget=DATE)
    time_zone = forms.ChoiceField(label=_("Time zone of the fair"), choices=time_zone_choices)
    languages = forms.MultipleChoiceField(
        label=_("Languages of the pages"),
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )
    registration_open = forms.BooleanField(label=_("Registration is open"), required=False)


class FairEditForm(FairForm):
    slot_minutes = forms.IntegerField(label=_("Slot length (minutes)"), min_value=10, max_value=240)
    day_start = forms.TimeField(label=_("Meetings from"), widget=TIME)
    day_end = forms.TimeField(label=_("Meetings until"), widget=TIME)
    max_meetings_per_day = forms.IntegerField(label=_("Max meetings per person per day"), min_value=1)
    breaks = forms.CharField(
        label=_("Daily breaks"),
        required=False,
        help_text=_("In the fair's time zone, e.g. 12:00-13:00, 15:00-15:15"),
    )

    @classmethod
    def initial_for(cls, fair: Fair) -> dict:
        values = {name: getattr(fair, name) for name in cls.base_fields if hasattr(fair, name)}
        values["breaks"] = ", ".join(f"{a}-{b}" for a, b in fair.breaks)
        return values


class HallForm(forms.Form):
    name = forms.CharField(label=_("Hall name"), max_length=120)
    hs_chapters = forms.CharField(
        label=_("HS chapters of the hall"), max_length=400, help_text=_("Two-digit chapters, e.g. 33, 34")
    )


class RegistrationForm(forms.Form):
    role = forms.ChoiceField(
        label=_("I take part as"),
        choices=[("buyer", _("Buyer")), ("exhibitor", _("Exhibitor"))],
        widget=forms.RadioSelect,
    )
    company_name = forms.CharField(label=_("Company name"), max_length=200, required=False)
    country = forms.CharField(
        label=_("Country of the company"), max_length=2, required=False, help_text=_("Two letters, e.g. JP")
    )
    hs_codes = forms.CharField(
        label=_("HS codes you source"),
        required=False,
        help_text=_("Buyers: separate codes by commas, e.g. 3304, 1905"),
    )
    required_certifications = forms.CharField(
        label=_("Certifications your market requires"),
        required=False,
        help_text=_("Buyers: e.g. FDA, HALAL, CE"),
    )
    languages = forms.CharField(
        label=_("Meeting languages"), required=False, help_text=_("Buyers: e.g. en, ja")
    )
    description = forms.CharField(
        label=_("What you are looking for"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class InvitationForm(forms.Form):
    exhibitors = forms.FileField(label="exhibitors.csv", required=False)
    buyers = forms.FileField(label="buyers.csv", required=False)
    interactions = forms.FileField(label=_("interactions.csv (optional)"), required=False)


class RateForm(forms.Form):
    currency = forms.CharField(label=_("Currency (ISO 4217)"), max_length=3, min_length=3)
    usd_per_unit = forms.DecimalField(
        label=_("USD per unit"), max_digits=18, decimal_places=8, min_value=0, localize=False
    )


class LeadUpdateForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=LeadUpdate.Stage.choices)
    on = forms.DateField(label=_("Date"), widget=DATE)
    value = forms.DecimalField(label=_("Value"), required=False, min_value=0, max_digits=16, decimal_places=2)
    currency = forms.CharField(
        label=_("Currency"), required=False, max_length=3, help_text=_("ISO 4217, e.g. USD, KRW, JPY")
    )
    note = forms.CharField(
        label=_("Private note"),
        required=False,
        max_length=2000,
        help_text=_("Only your booth's staff see this note."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
