"""Forms of the organizer's console, the self-registration page and the outcome ledger: input only.

They turn text into values; the rules (HS chapters, ISO codes, permissions) live in the services.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from fair import vocab
from fair.models import Company, Fair
from frontend.forms import time_zone_choices
from meetings.models import LeadUpdate

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class OtherLanguages:
    """A text field in the viewer's language (``FIELD``), and the same text in every other UI language
    (``FIELD_<code>``, optional): hall names, the fair's description."""

    TRANSLATED: tuple = ()  # (field, max length, rows: 0 for one line)

    def add_other_languages(self, stored: dict[str, dict[str, str]] | None = None) -> None:
        active = get_language()
        for field, max_length, rows in self.TRANSLATED:
            texts = (stored or {}).get(field) or {}
            if stored is not None:
                self.initial.setdefault(field, texts.get(active, ""))
            for code, name in settings.LANGUAGES:
                if code == active:
                    continue
                attrs = {"lang": code}
                widget = (
                    forms.Textarea(attrs={**attrs, "rows": rows}) if rows else forms.TextInput(attrs=attrs)
                )
                key = f"{field}_{code}"
                self.fields[key] = forms.CharField(
                    label=name, max_length=max_length, required=False, widget=widget
                )
                self.initial.setdefault(key, texts.get(code, ""))

    def other_language_fields(self) -> dict[str, list]:
        """{field: [its bound fields in the other languages]} for the template."""
        active = get_language()
        return {
            field: [self[f"{field}_{code}"] for code, _name in settings.LANGUAGES if code != active]
            for field, _m, _r in self.TRANSLATED
        }

    def main_fields(self) -> list:
        """The fields but the other languages' (which the template shows in their own group)."""
        others = {f"{field}_{code}" for field, _m, _r in self.TRANSLATED for code, _n in settings.LANGUAGES}
        return [self[name] for name in self.fields if name not in others]

    def texts(self, field: str) -> dict[str, str]:
        """{language: text} of a translated field: the viewer's language and every other one."""
        data = self.cleaned_data
        texts = {get_language(): data.get(field) or ""}
        for code, _name in settings.LANGUAGES:
            key = f"{field}_{code}"
            if key in data and (key in self.data or not self.is_bound):  # a language not sent keeps its text
                texts[code] = data[key] or ""
        return texts

    def values(self) -> dict:
        """cleaned_data with each translated field as ``<field>s`` ({language: text})."""
        data = dict(self.cleaned_data)
        for field, _m, _r in self.TRANSLATED:
            data[f"{field}s"] = self.texts(field)
            for code, _name in settings.LANGUAGES:
                data.pop(f"{field}_{code}", None)
            data.pop(field, None)
        return data


class FairForm(OtherLanguages, forms.Form):
    TRANSLATED = (("description", 5000, 3),)

    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
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

    def __init__(self, *args, stored=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_other_languages(stored)


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
        """The fair's values (its description per language comes as ``stored``)."""
        names = [name for name in cls.base_fields if name != "description"]
        values = {name: getattr(fair, name) for name in names if hasattr(fair, name)}
        values["breaks"] = ", ".join(f"{a}-{b}" for a, b in fair.breaks)
        return values


class HallForm(OtherLanguages, forms.Form):
    TRANSLATED = (("name", 120, 0),)

    name = forms.CharField(label=_("Hall name"), max_length=120, required=False)
    hs_chapters = forms.CharField(
        label=_("HS chapters of the hall"), max_length=400, help_text=_("Two-digit chapters, e.g. 33, 34")
    )

    def __init__(self, *args, stored=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_other_languages(stored)


class CreatorForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the person"), max_length=254)


class CodeList(forms.Field):
    """Codes from ticked boxes, or typed in one box separated by commas ("ja, en"): a list of
    strings, checked and normalised by the service (fair/services.py), which names a bad one."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, choices=(), **kwargs):
        super().__init__(**kwargs)
        self.choices = choices
        self.widget.choices = choices

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else [value or ""]
        return [code.strip() for v in values for code in str(v).replace(";", ",").split(",") if code.strip()]


def _country_choices():
    from django_countries import countries

    return [("", _("Choose a country")), *((code, name) for code, name in countries)]


def _certification_choices(also=()):
    known = [(code, f"{code} – {name}") for code, (name, _markets) in vocab.CERTIFICATIONS.items()]
    return known + [(code, code) for code in also if code not in vocab.CERTIFICATIONS]


class RegistrationForm(forms.Form):
    role = forms.ChoiceField(
        label=_("I take part as"),
        choices=[("buyer", _("Buyer")), ("exhibitor", _("Exhibitor"))],
        widget=forms.RadioSelect,
    )
    company_name = forms.CharField(
        label=_("Company name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    # Any code is passed on to the service, which names a bad one ("jp" is taken as JP).
    country = forms.CharField(
        label=_("Country of the company"), max_length=2, required=False, widget=forms.Select
    )
    size = forms.ChoiceField(
        label=_("Company size"),
        required=False,
        choices=[("", "–"), *Company.Size.choices],
    )
    hs_codes = forms.CharField(
        label=_("HS codes you source"),
        required=False,
        max_length=400,
        help_text=_(
            "Buyers: find codes by number or by name in any language below, "
            "or type them separated by commas, e.g. 3304, 1905."
        ),
    )
    required_certifications = CodeList(label=_("Certifications your market requires"), required=False)
    languages = CodeList(label=_("Meeting languages"), required=False)
    description = forms.CharField(
        label=_("What you are looking for"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Buyers: what you want to buy; exhibitors: what your company makes."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].widget.choices = _country_choices()
        # Codes the person holds that our lists do not name (an import) stay on offer, and ticked.
        certs = list(self.initial.get("required_certifications") or [])
        self.fields["required_certifications"].widget.choices = _certification_choices(certs)
        languages = list(self.initial.get("languages") or [])
        self.fields["languages"].widget.choices = vocab.meeting_language_choices(languages)
        for name in (
            "company_name",
            "country",
            "size",
            "hs_codes",
            "required_certifications",
            "languages",
            "description",
        ):
            self.fields[name].widget.attrs["data-meter"] = name


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
