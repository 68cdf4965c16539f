import zoneinfo

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from fair.models import User


def time_zone_choices():
    zones = sorted(
        name for name in zoneinfo.available_timezones() if "/" in name and not name.startswith("Etc/")
    )
    return [("UTC", "UTC")] + [(name, name.replace("_", " ")) for name in zones]


def _signup_zone_choices():
    return [("", _("The time zone of this device")), *time_zone_choices()]


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up: the user's time zone and language.

    Both default to what the browser says: the language the page is shown in (from the browser's
    Accept-Language, or the one chosen in the header), and the time zone a small script reads from
    the browser into a hidden field (frontend/static/frontend/js/site.js). UTC when neither is known.
    """

    time_zone = forms.ChoiceField(
        label=_("Your time zone"), choices=_signup_zone_choices, required=False, initial=""
    )
    browser_time_zone = forms.CharField(
        required=False, max_length=64, widget=forms.HiddenInput(attrs={"data-browser-time-zone": ""})
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        known = {code for code, _name in settings.LANGUAGES}
        active = translation.get_language()
        self.fields["language"].initial = active if active in known else settings.LANGUAGE_CODE

    def chosen_time_zone(self) -> str:
        zone = self.cleaned_data.get("time_zone") or self.cleaned_data.get("browser_time_zone") or ""
        return zone if zone in zoneinfo.available_timezones() else "UTC"

    def signup(self, request, user):
        user.time_zone = self.chosen_time_zone()
        user.language = self.cleaned_data["language"]
        user.save(update_fields=["time_zone", "language"])


class ProfileForm(forms.ModelForm):
    """What a signed-in user sets for themselves: name, time zone and language."""

    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)

    class Meta:
        model = User
        fields = ["first_name", "last_name", "time_zone", "language"]
        labels = {"first_name": _("First name"), "last_name": _("Last name"), "language": _("Language")}


class ApiTokenForm(forms.Form):
    """A new API token: a name, the fair it is bound to (one the user takes part in), whom it belongs
    to (the person, their company, or the fair's organizers), its scopes and when it expires."""

    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. CRM sync.")
    )
    fair = forms.ChoiceField(label=_("Fair"))
    owner = forms.ChoiceField(
        label=_("Owner"),
        choices=[
            ("me", _("Me (a personal token)")),
            ("company", _("My company (an organization token)")),
            ("organizers", _("The fair's organizers (an organization token)")),
        ],
        initial="me",
        widget=forms.RadioSelect,
        help_text=_(
            "An organization token is listed for all the company's booth staff (or the fair's organizers), "
            "who can revoke it. It acts with your rights and stops working if you leave."
        ),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=[
            ("read", _("Read")),
            ("meetings", _("Meetings: requests, answers, outcomes")),
            ("leads", _("Leads: lead stages, marks, deals, agreements")),
            ("rfq", _("RFQs and quotes")),
            ("booth", _("Booth content: texts, products, live status")),
            ("admin-of-fair", _("Organize the fair (organizers only)")),
        ],
        initial=["read"],
        widget=forms.CheckboxSelectMultiple,
    )
    expires_in = forms.TypedChoiceField(
        label=_("Expires after"),
        choices=[(30, _("30 days")), (90, _("90 days")), (365, _("365 days"))],
        coerce=int,
        initial=90,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, fairs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fair"].choices = [(fair.slug, fair.name) for fair in fairs]
