"""Forms of the sourcing-request pages: shape only (the rules live in rfq.services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from rfq.models import Incoterm, Samples


class RfqForm(forms.Form):
    product = forms.CharField(label=_("What you want to source"), max_length=200)
    hs_code = forms.CharField(
        label=_("HS code"),
        max_length=7,
        help_text=_("Type a code (e.g. 3304) or words in your language, then pick a heading from the list."),
        widget=forms.TextInput(attrs={"list": "hs-options", "autocomplete": "off", "inputmode": "search"}),
    )
    description = forms.CharField(
        label=_("Specification"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    quantity = forms.DecimalField(label=_("Quantity"), min_value=0, max_digits=16, decimal_places=3)
    unit = forms.CharField(label=_("Unit"), max_length=20, initial="pcs")
    target_price = forms.DecimalField(
        label=_("Target unit price"), required=False, min_value=0, max_digits=16, decimal_places=4
    )
    currency = forms.CharField(
        label=_("Currency"), max_length=3, initial="USD", help_text=_("ISO 4217 code, e.g. USD, IDR, KRW.")
    )
    incoterm = forms.ChoiceField(label=_("Incoterm"), choices=Incoterm.choices, initial=Incoterm.CIF)
    destination_country = LazyTypedChoiceField(label=_("Destination country"), choices=countries)
    destination_port = forms.CharField(label=_("Destination port"), max_length=100, required=False)
    certifications = forms.CharField(
        label=_("Required certifications"),
        required=False,
        max_length=300,
        help_text=_("Separated by commas, e.g. HALAL, CPNP."),
    )
    needed_by = forms.DateField(
        label=_("Needed by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    deadline = forms.DateTimeField(
        label=_("Quotes until (your time)"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    max_quotes = forms.IntegerField(
        label=_("Close after this many quotes"), min_value=1, max_value=50, initial=10
    )
    max_accepted = forms.IntegerField(
        label=_("Quotes you may accept (more than one for split orders)"),
        min_value=1,
        max_value=10,
        initial=1,
    )
    reveal_company = forms.BooleanField(
        label=_("Show our company name to invited exhibitors"), required=False
    )
    attachments = forms.FileField(
        label=_("Specification (PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}),
    )

    def clean_certifications(self):
        text = self.cleaned_data.get("certifications") or ""
        return [c.strip() for c in text.replace(";", ",").split(",") if c.strip()]


class QuoteForm(forms.Form):
    unit_price = forms.DecimalField(label=_("Unit price"), min_value=0, max_digits=16, decimal_places=4)
    currency = forms.CharField(
        label=_("Currency"), max_length=3, help_text=_("ISO 4217 code, e.g. USD, KRW, EUR.")
    )
    moq = forms.DecimalField(
        label=_("Minimum order quantity"), required=False, min_value=0, max_digits=16, decimal_places=3
    )
    lead_time_days = forms.IntegerField(
        label=_("Lead time (days)"), required=False, min_value=0, max_value=3650
    )
    incoterm = forms.ChoiceField(label=_("Incoterm"), choices=Incoterm.choices)
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    samples = forms.ChoiceField(label=_("Samples"), choices=Samples.choices)
    terms = forms.CharField(
        label=_("Payment and other terms"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    message = forms.CharField(
        label=_("Message to the buyer"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attachments = forms.FileField(
        label=_("Documents (PDF)"), required=False, widget=forms.ClearableFileInput(attrs={"accept": ".pdf"})
    )
