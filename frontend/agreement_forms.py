"""Forms of the agreement and outcome pages: shape only; the rules are in agreements/services.py and
agreements/outcomes.py."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from agreements.models import Kind, TradeOutcome

LANGUAGE_CHOICES = [(code, name) for code, name in settings.LANGUAGES]


class DraftForm(forms.Form):
    SOURCES = [
        ("template", _("Start from the organizer's template")),
        ("text", _("Write the text")),
        ("upload", _("Upload a PDF")),
    ]
    kind = forms.ChoiceField(label=_("Kind of agreement"), choices=Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    second_language = forms.ChoiceField(
        label=_("Second language (side by side)"),
        choices=[("", "—")] + LANGUAGE_CHOICES,
        required=False,
    )
    source = forms.ChoiceField(
        label=_("Document"), choices=SOURCES, widget=forms.RadioSelect, initial="template"
    )
    text = forms.CharField(
        label=_("Text"), required=False, max_length=50000, widget=forms.Textarea(attrs={"rows": 8})
    )
    second_text = forms.CharField(
        label=_("Text in the second language"),
        required=False,
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    document = forms.FileField(label=_("PDF file"), required=False)
    signatories = forms.MultipleChoiceField(
        label=_("Signatories"), choices=(), widget=forms.CheckboxSelectMultiple, required=False
    )
    witness = forms.BooleanField(label=_("I countersign as witness"), required=False)

    def __init__(self, *args, participants=(), organizer=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.participants = {str(p.pk): p for p in participants}
        self.fields["signatories"].choices = [
            (str(p.pk), f"{p.user} · {p.company.name} ({p.get_role_display()})") for p in participants
        ]
        if not organizer:
            del self.fields["witness"]


class EditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("Text"), required=False, max_length=50000, widget=forms.Textarea(attrs={"rows": 12})
    )
    second_text = forms.CharField(
        label=_("Text in the second language"),
        required=False,
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 12}),
    )


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    proposed_for = forms.ChoiceField(label=_("Propose a new wording of"), required=False, choices=())
    proposed_text = forms.CharField(
        label=_("Proposed text"), required=False, max_length=50000, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        names = dict(settings.LANGUAGES)
        choices = [("", _("Nothing: a comment only"))]
        for field, code in zip(("text", "second_text"), languages, strict=False):
            choices.append((field, names.get(code, code)))
        self.fields["proposed_for"].choices = choices


class CeremonyForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Starts at (your time)"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=5, max_value=240, initial=30)
    meeting = forms.ChoiceField(label=_("Video room of the consultation"), required=False, choices=())

    def __init__(self, *args, meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.meetings = {str(m.pk): m for m in meetings}
        self.fields["meeting"].choices = [("", _("The latest consultation of the parties"))] + [
            (str(m.pk), f"{m.booth.company.name} · {m.buyer.company or m.buyer.user}") for m in meetings
        ]


class TemplateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of agreement"), choices=Kind.choices)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), max_length=50000, widget=forms.Textarea(attrs={"rows": 10}))


class OutcomeForm(forms.Form):
    type = forms.ChoiceField(label=_("Order or contract"), choices=TradeOutcome.Type.choices)
    value = forms.DecimalField(label=_("Value"), min_value=0, max_digits=16, decimal_places=2)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="USD")
    products = forms.CharField(label=_("Products"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    ship_by = forms.DateField(
        label=_("Expected shipment date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    agreement = forms.ChoiceField(label=_("Agreement"), required=False, choices=())

    def __init__(self, *args, agreements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.agreements = {str(a.pk): a for a in agreements}
        self.fields["agreement"].choices = [("", "—")] + [(str(a.pk), a.title) for a in agreements]


class DisputeForm(forms.Form):
    note = forms.CharField(
        label=_("What is wrong"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    value = forms.DecimalField(
        label=_("Value (your version)"), required=False, min_value=0, max_digits=16, decimal_places=2
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, required=False)
    products = forms.CharField(label=_("Products (your version)"), max_length=2000, required=False)
    ship_by = forms.DateField(
        label=_("Shipment date (your version)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ShipmentForm(forms.Form):
    shipped_on = forms.DateField(label=_("Shipment date"), widget=forms.DateInput(attrs={"type": "date"}))
    value = forms.DecimalField(label=_("Value"), min_value=0, max_digits=16, decimal_places=2)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="USD")
    declaration_number = forms.CharField(label=_("Export declaration number"), max_length=64, required=False)
