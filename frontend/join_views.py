"""Joining: register for a fair (with pickers and a completeness meter), the first steps after
approval, the list of fairs open for registration, and who may create fairs.

Thin: parse the request, load the fair through the access layer, call one service of
fair/services.py, render.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from fair import hs
from fair import selectors as fair_selectors
from fair import services as fair_services
from fair.access import access_fair, my_participant, roles_in
from fair.models import Participant, User
from frontend.organizer_forms import CreatorForm, RegistrationForm
from kernel import consent
from kernel.access import require
from kernel.errors import DomainError

Role = Participant.Role
_WORDS = re.compile(r"[^\d\s.,;]")


def register_start(request):
    """/register/: the fairs open for registration (a signed-in person goes straight to the one when
    there is one; a visitor first reads how it works, with the sign-up button)."""
    fairs = list(fair_selectors.fair_list_open_for_registration())
    if len(fairs) == 1 and request.user.is_authenticated:
        return redirect("fair_register", fairs[0].slug)
    return render(request, "join/register_start.html", {"fairs": fairs})


def _hs_words_error(text: str) -> str | None:
    """A message naming the codes for words typed into the HS box ("cosmetics" -> 3304, ...)."""
    for token in (t.strip() for t in re.split(r"[,;]", text or "")):
        if token and _WORDS.search(token):
            found = hs.hs_search(token, limit=5)
            if not found:
                return _("“%(words)s” is not an HS code, and no code is named so.") % {"words": token}
            names = "; ".join(f"{code} {hs.hs_label(code)}" for code, _names in found)
            return _("“%(words)s” is not an HS code: did you mean %(codes)s?") % {
                "words": token,
                "codes": names,
            }
    return None


@login_required
def register(request, fair_slug: str):
    """Register as a buyer or an exhibitor; for a buyer also the page to edit the sourcing profile."""
    fair = access_fair(request.user, fair_slug)
    role = request.POST.get("role") or request.GET.get("role") or "buyer"
    if role not in (Role.BUYER, Role.EXHIBITOR):
        role = Role.BUYER
    mine = fair_selectors.registration_of(fair=fair, user=request.user, role=role)
    initial = {"role": role, **fair_selectors.registration_values(mine)}
    initial["role"] = role
    form = RegistrationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        words = _hs_words_error(form.cleaned_data["hs_codes"]) if role == Role.BUYER else None
        if words:
            form.add_error("hs_codes", words)
        else:
            # Asked once, at join time, unticked (kernel/consent.py).
            consents = {kind: request.POST.get(f"consent_{kind}") == "on" for kind in consent.KINDS}
            try:
                fair_services.registration_submit(
                    user=request.user, fair=fair, consents=consents, **form.cleaned_data
                )
            except DomainError as e:
                form.add_error(None, e.message)
            else:
                if mine is None:
                    messages.success(request, _("Thank you. The organizers will review your registration."))
                else:
                    messages.success(request, _("Your details are saved."))
                return redirect(reverse("fair_register", args=[fair.slug]) + f"?role={role}")
    answered = consent.answered(request.user)  # unticked unless the person already said yes
    values = form.data.dict() if form.is_bound else initial
    if form.is_bound:
        for name in ("required_certifications", "languages"):
            values[name] = form.data.getlist(name)
    context = {
        "fair": fair,
        "form": form,
        "role": role,
        "mine": mine,
        "closed": not fair.registration_open and mine is None,
        "completeness": fair_selectors.registration_completeness(role=role, values=values),
        "parts": fair_selectors.PROFILE_PARTS,
        "consents": [
            (
                f"consent_{kind}",
                label,
                request.POST.get(f"consent_{kind}") == "on" if form.is_bound else answered.get(kind, False),
            )
            for kind, label in consent.KINDS.items()
        ],
    }
    status = 400 if form.errors else (403 if context["closed"] and request.method == "POST" else 200)
    return render(request, "join/register.html", context, status=status)


@login_required
def first_steps(request, fair_slug: str):
    """What to do first at a fair, once the organizers approved you: by role."""
    fair = access_fair(request.user, fair_slug, perm="fair:attend")
    roles = roles_in(request.user, fair.pk)
    buyer = my_participant(request.user, fair, Role.BUYER) if roles.buyer else None
    exhibitor = my_participant(request.user, fair, Role.EXHIBITOR) if Role.EXHIBITOR in roles.roles else None
    context = {"fair": fair, "roles": roles, "buyer": buyer, "exhibitor": exhibitor}
    if buyer is not None:
        buyer_values = fair_selectors.registration_values(
            fair_selectors.registration_of(fair=fair, user=request.user, role=Role.BUYER)
        )
        context["buyer_completeness"] = fair_selectors.registration_completeness(
            role=Role.BUYER, values=buyer_values
        )
    return render(request, "join/first_steps.html", context)


# --- who may create fairs ------------------------------------------------------------------------


@login_required
def fair_creators(request):
    """Superusers and organizers name who may create fairs (with FAIR_CREATION = "approved")."""
    require(request.user, "fair:grant_creators", None)
    form = CreatorForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.POST.get("revoke"):
                user = fair_services.fair_creator_revoke(
                    actor=request.user, user_id=_int(request.POST["revoke"])
                )
                messages.success(request, _("%(user)s may no longer create fairs.") % {"user": user.email})
                return redirect("fair_creators")
            if form.is_valid():
                user = fair_services.fair_creator_grant(actor=request.user, email=form.cleaned_data["email"])
                messages.success(request, _("%(user)s may now create fairs.") % {"user": user.email})
                return redirect("fair_creators")
        except DomainError as e:
            form.add_error(None, e.message)
    context = {
        "form": form,
        "creators": User.objects.filter(can_create_fairs=True).order_by("email"),
        "anyone": settings.FAIR_CREATION == "anyone",
    }
    return render(request, "join/fair_creators.html", context, status=400 if form.errors else 200)


def _int(value) -> int:
    return int(value) if str(value or "").isdigit() else 0
