"""The form of the show scheduling page: shape only (the rules live in shows.services)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from frontend.forms import time_zone_choices


class ShowForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    language = forms.ChoiceField(label=_("Language of the show"), choices=settings.LANGUAGES)
    starts = forms.DateTimeField(
        label=_("Starts at"),
        help_text=_("In the time zone below."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    zone = forms.ChoiceField(label=_("Your time zone"), choices=time_zone_choices)
    minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=10, max_value=240, initial=30)
    record = forms.BooleanField(
        label=_("Record the show"),
        required=False,
        help_text=_("The video server keeps what the presenters send."),
    )
    products = forms.ModelMultipleChoiceField(
        label=_("Products to present"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, booth, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["products"].queryset = booth.products.all()


class InterpreterChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.user} ({', '.join(obj.languages or [])})"


class InterpreterForm(forms.Form):
    """Assign one of the fair's interpreters to a show: who, and into which language."""

    interpreter = InterpreterChoice(label=_("Interpreter"), queryset=None)
    language = forms.ChoiceField(label=_("Language of the interpretation"), choices=())

    def __init__(self, *args, show, **kwargs):
        from fair.models import Participant

        super().__init__(*args, **kwargs)
        self.fields["interpreter"].queryset = (
            Participant.objects.filter(
                fair_id=show.fair_id, role=Participant.Role.INTERPRETER, status=Participant.Status.APPROVED
            )
            .select_related("user")
            .order_by("pk")
        )
        self.fields["language"].choices = [(c, n) for c, n in settings.LANGUAGES if c != show.language]
