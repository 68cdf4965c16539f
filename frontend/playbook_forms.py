"""Forms of the playbook and readiness pages: shape only; the rules are in playbooks/services.py."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from playbooks.models import ReadinessMark

MAX_PLAYBOOK_BYTES = 512 * 1024


class PlaybookUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Playbook file (YAML)"),
        help_text=_("The format is described in docs/playbooks.md: one country per file, with a version."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_PLAYBOOK_BYTES:
            raise forms.ValidationError(_("A playbook file is at most 512 KB."))
        return upload


class ItemEditForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the texts"), choices=settings.LANGUAGES)
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    text = forms.CharField(
        label=_("Text"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    authority = forms.CharField(label=_("Authority"), max_length=200, required=False)
    lead_time_days = forms.IntegerField(
        label=_("Usual lead time (days)"), min_value=0, max_value=3650, required=False
    )
    required = forms.BooleanField(label=_("Required (not only customary)"), required=False)
    url = forms.URLField(label=_("Link"), max_length=500, required=False, assume_scheme="https")


class MarkForm(forms.Form):
    key = forms.SlugField(max_length=60, widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Status"), choices=ReadinessMark.Status.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    document = forms.FileField(label=_("Proof (PDF or image)"), required=False)


class BriefingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Starts at (your time)"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=15, max_value=480, initial=60)
    link = forms.URLField(
        label=_("Where it takes place (link)"), max_length=500, required=False, assume_scheme="https"
    )
