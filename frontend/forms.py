import zoneinfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


def time_zone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones()) if "/" in name]


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up: the user's time zone and language."""

    time_zone = forms.ChoiceField(label=_("Your time zone"), choices=time_zone_choices, initial="UTC")
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, initial="en")

    def signup(self, request, user):
        user.time_zone = self.cleaned_data["time_zone"]
        user.language = self.cleaned_data["language"]
        user.save(update_fields=["time_zone", "language"])
