"""Forms of the webhook pages: shape only; the rules are in integrations/webhooks.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from integrations.models import FAMILIES


class EndpointForm(forms.Form):
    url = forms.URLField(label=_("Address (https://...)"), max_length=500, assume_scheme="https")
    families = forms.MultipleChoiceField(
        label=_("Events to send"), choices=list(FAMILIES.items()), widget=forms.CheckboxSelectMultiple
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
