"""Forms of the booth builder and the search: they parse input; exhibitors/builder.py does the work."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from exhibitors.builder import localized
from exhibitors.models import INCOTERM_CHOICES
from fair import vocab

LANGUAGES = settings.LANGUAGES


def _country_choices():
    return [(code, name) for code, name in countries]


def _certification_choices(also=()):
    """The named certifications, then any other code the company holds (an import keeps unlisted
    codes; they stay on offer, and ticked, so saving the form does not drop them)."""
    known = [(code, f"{code} – {name}") for code, (name, _markets) in vocab.CERTIFICATIONS.items()]
    return known + [(code, code) for code in also if not vocab.is_known_certification(code)]


class PerLanguageTexts:
    """A one-line and a multi-line text per UI language, stored in modeltranslation's columns.

    Subclasses name them: LINE = (field, label, max length), BLOCK = (field, label, max length, rows).
    """

    LINE: tuple
    BLOCK: tuple

    @classmethod
    def language_initial(cls, obj) -> dict:
        return {
            localized(field, code): getattr(obj, localized(field, code)) or ""
            for code, _name in LANGUAGES
            for field in (cls.LINE[0], cls.BLOCK[0])
        }

    def add_language_fields(self) -> None:
        (line, line_label, line_max), (block, block_label, block_max, rows) = self.LINE, self.BLOCK
        for code, _name in LANGUAGES:
            self.fields[localized(line, code)] = forms.CharField(
                label=line_label,
                max_length=line_max,
                required=False,
                widget=forms.TextInput(attrs={"lang": code}),
            )
            self.fields[localized(block, code)] = forms.CharField(
                label=block_label,
                max_length=block_max,
                required=False,
                widget=forms.Textarea(attrs={"rows": rows, "lang": code}),
            )

    def per_language(self):
        """[(language code, language name, line field, block field)] for the template's fieldsets."""
        line, block = self.LINE[0], self.BLOCK[0]
        return [
            (code, name, self[localized(line, code)], self[localized(block, code)])
            for code, name in LANGUAGES
        ]


class BoothTextsForm(PerLanguageTexts, forms.Form):
    """The tagline and the company story, one pair per UI language."""

    LINE = ("tagline", _("Tagline"), 200)
    BLOCK = ("story", _("Company story"), 5000, 5)

    def __init__(self, *args, booth=None, **kwargs):
        initial = kwargs.pop("initial", {}) or {}
        if booth is not None:
            initial.update(self.language_initial(booth))
        super().__init__(*args, initial=initial, **kwargs)
        self.add_language_fields()


class BoothProfileForm(forms.Form):
    target_markets = forms.MultipleChoiceField(
        label=_("Target markets"),
        choices=_country_choices,
        required=False,
        help_text=_("Leave empty to sell to any market. Hold Ctrl (or Cmd) to pick several."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    certifications = forms.MultipleChoiceField(
        label=_("Certifications"),
        choices=_certification_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Meeting languages"),
        choices=vocab.meeting_language_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    video_url = forms.URLField(
        label=_("Video link"),
        required=False,
        assume_scheme="https",
        help_text=_("A link to your company video (http or https), instead of or besides an uploaded file."),
    )

    def __init__(self, *args, booth=None, **kwargs):
        super().__init__(*args, **kwargs)
        if booth is not None:  # a language the company gave elsewhere (an import) stays on offer, and ticked
            self.fields["languages"].choices = vocab.meeting_language_choices(booth.company.languages)
            self.fields["certifications"].choices = _certification_choices(booth.company.certifications)


class MediaForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[("logo", _("Logo")), ("banner", _("Banner")), ("video", _("Video file"))]
    )
    file = forms.FileField(label=_("File"))


class BrochureForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("PDF file"), widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}))


class ProductForm(PerLanguageTexts, forms.Form):
    hs_code = forms.CharField(
        label=_("HS code"),
        max_length=7,
        help_text=_(
            "Type a code (e.g. 3304) or words in English or Korean, then pick a heading from the list."
        ),
        widget=forms.TextInput(attrs={"list": "hs-options", "autocomplete": "off", "inputmode": "search"}),
    )
    moq = forms.IntegerField(label=_("Minimum order quantity"), min_value=1, required=False)
    moq_unit = forms.CharField(label=_("MOQ unit"), max_length=20, required=False, initial="pcs")
    price_min = forms.DecimalField(
        label=_("Lowest price"), min_value=0, max_digits=12, decimal_places=2, required=False
    )
    price_max = forms.DecimalField(
        label=_("Highest price"), min_value=0, max_digits=12, decimal_places=2, required=False
    )
    currency = forms.RegexField(
        label=_("Currency"),
        regex=r"^[A-Za-z]{3}$",
        initial="USD",
        help_text=_("An ISO 4217 code, e.g. USD, EUR, KRW."),
    )
    incoterm = forms.ChoiceField(label=_("Incoterm"), choices=[("", "–"), *INCOTERM_CHOICES], required=False)
    position = forms.IntegerField(label=_("Order on the page"), min_value=0, max_value=1000, initial=0)

    LINE = ("name", _("Product name"), 200)
    BLOCK = ("description", _("Description"), 5000, 3)

    def __init__(self, *args, product=None, **kwargs):
        initial = kwargs.pop("initial", {}) or {}
        if product is not None:
            for name in (
                "hs_code",
                "moq",
                "moq_unit",
                "price_min",
                "price_max",
                "currency",
                "incoterm",
                "position",
            ):
                initial[name] = getattr(product, name)
            initial.update(self.language_initial(product))
        super().__init__(*args, initial=initial, **kwargs)
        self.add_language_fields()

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["moq_unit"] = data.get("moq_unit") or "pcs"
        return data


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Words"), required=False, max_length=200, widget=forms.TextInput(attrs={"type": "search"})
    )
    hs = forms.CharField(
        label=_("HS code or product kind"),
        max_length=100,
        required=False,
        help_text=_("A code or chapter (33, 3304), or words in any language (cosmetics, 화장품)."),
        widget=forms.TextInput(attrs={"list": "hs-options", "autocomplete": "off"}),
    )
    country = forms.ChoiceField(
        label=_("Exhibitor country"),
        required=False,
        choices=lambda: [("", _("Any country")), *_country_choices()],
    )
    market = forms.ChoiceField(
        label=_("Target market"), required=False, choices=lambda: [("", _("Any market")), *_country_choices()]
    )
    certification = forms.ChoiceField(
        label=_("Certification"),
        required=False,
        choices=lambda: [("", _("Any certification")), *_certification_choices()],
    )
    language = forms.ChoiceField(
        label=_("Meeting language"),
        required=False,
        choices=lambda: [("", _("Any language")), *vocab.meeting_language_choices()],
    )
