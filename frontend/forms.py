import zoneinfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from fair.models import User


def time_zone_choices():
    zones = sorted(
        name for name in zoneinfo.available_timezones() if "/" in name and not name.startswith("Etc/")
    )
    return [("UTC", "UTC")] + [(name, name.replace("_", " ")) for name in zones]


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up: the user's time zone and language."""

    time_zone = forms.ChoiceField(label=_("Your time zone"), choices=time_zone_choices, initial="UTC")
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, initial="en")

    def signup(self, request, user):
        user.time_zone = self.cleaned_data["time_zone"]
        user.language = self.cleaned_data["language"]
        user.save(update_fields=["time_zone", "language"])


class ProfileForm(forms.ModelForm):
    """What a signed-in user sets for themselves: name, time zone and language."""

    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)

    class Meta:
        model = User
        fields = ["first_name", "last_name", "time_zone", "language"]
        labels = {"first_name": _("First name"), "last_name": _("Last name"), "language": _("Language")}
