"""A person's privacy: erasing their account, their consents (Profile → Privacy), and a fair's retention
period (its settings page). Thin: the access layer, then integrations.erasure and kernel.consent."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fair.access import access_fair
from integrations import erasure
from kernel import consent
from kernel.access import require
from kernel.errors import DomainError


class EraseForm(forms.Form):
    confirm = forms.CharField(
        label=gettext_lazy("Your e-mail address or your password"),
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )


@login_required
def account_erase(request):
    """Erase my account: confirmed by typing the e-mail address or the password."""
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            erasure.account_erase(actor=request.user, user=request.user, confirm=form.cleaned_data["confirm"])
        except DomainError as e:
            form.add_error("confirm", e.message)
        else:
            logout(request)
            messages.success(request, _("Your account is erased."))
            return redirect("home")
    context = {
        "form": form,
        "kept": erasure.KEPT_FOR_LAW,
        "sole_organizer_of": erasure.sole_organizer_of(request.user),
    }
    return render(request, "integrations/erase.html", context, status=400 if form.errors else 200)


@login_required
def privacy_settings(request):
    """The person's consents, as toggles, with their history."""
    if request.method == "POST":
        require(request.user, "account:manage", request.user)
        for kind in consent.KINDS:
            consent.consent_set(
                actor=request.user,
                user=request.user,
                kind=kind,
                granted=request.POST.get(kind) == "on",
                source="privacy page",
            )
        messages.success(request, _("Your choices are saved."))
        return redirect("privacy_settings")
    current = consent.current(request.user)
    choices = [(kind, label, current[kind]) for kind, label in consent.KINDS.items()]
    context = {"choices": choices, "history": consent.history(request.user)[:50], "labels": consent.KINDS}
    return render(request, "integrations/privacy_settings.html", context)


@login_required
@require_POST
def fair_retention(request, fair_slug: str):
    """The fair's retention period (its settings page posts here)."""
    fair = access_fair(request.user, fair_slug, perm="fair:organize")
    raw = request.POST.get("days", "").strip()
    try:
        days = int(raw) if raw else None
        erasure.retention_set(actor=request.user, fair=fair, days=days)
    except ValueError:
        messages.error(request, _("Give a whole number of days, or leave it empty."))
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("The retention period is saved."))
    return redirect("organizer_fair_edit", fair.slug)
