"""Recommended for you: booths for a buyer, buyers and promising markets for booth staff.

Thin: find who is asking, check, call matching.services, render. The engine is never trained here.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exhibitors.access import access_booth
from exhibitors.models import Booth
from fair import selectors as fair_selectors
from fair.access import access_fair, access_participation
from fair.models import Participant
from frontend.person_pages import fair_of_slug, person_page
from frontend.public_pages import public_pages_version
from kernel.errors import DomainError
from matching import selectors, services
from matching.models import Mark
from meetings import selectors as meeting_selectors
from playbooks import services as playbook_services

PER_PAGE = 20


def _filter_choices(fair) -> dict[str, list]:
    """The recommendation filters (halls and countries of published booths) are the same for every
    buyer: kept under the fair's public-pages version, which any change they show replaces."""
    key = f"recommend-filters:{fair.pk}:{public_pages_version(fair.slug)}"  # the version before the reads
    choices = cache.get(key)
    if choices is None:
        choices = selectors.fair_filter_choices(fair)
        cache.set(key, choices, settings.PUBLIC_PAGE_CACHE_SECONDS)
    return choices


def _my_buyer(request, fair) -> Participant:
    return access_participation(
        request.user,
        fair,
        Participant.Role.BUYER,
        code="matching.denied",
        message=_("Only approved buyers of this fair get recommended booths."),
    )


def _staffed_booth(request, fair, booth_id: int) -> Booth:
    return access_booth(request.user, booth_id, perm="booth:leads", fair=fair)


def _back(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@login_required
def recommended_index(request):
    """The nav's "Recommended for you": straight to the one list this user has, or a choice of them."""
    rows = []
    for p in fair_selectors.user_participations(user=request.user).select_related("fair", "booth__company"):
        if p.status != Participant.Status.APPROVED:
            continue
        if p.role == Participant.Role.BUYER:
            rows.append((p.fair, _("Booths for you"), reverse("recommended_booths", args=[p.fair.slug])))
        elif p.role == Participant.Role.EXHIBITOR and p.booth_id:
            label = _("Buyers for %(booth)s") % {"booth": p.booth.company.name}
            rows.append((p.fair, label, reverse("recommended_buyers", args=[p.fair.slug, p.booth_id])))
    if len(rows) == 1:
        return redirect(rows[0][2])
    return render(request, "frontend/recommended_index.html", {"rows": rows})


@login_required
@person_page(fairs=fair_of_slug, params=("hall", "country"))
def recommended_booths(request, fair_slug: str):
    fair = access_fair(request.user, fair_slug)
    buyer = _my_buyer(request, fair)
    hall = request.GET.get("hall", "").strip()
    country = request.GET.get("country", "").strip().upper()
    context = {
        "fair": fair,
        "buyer": buyer,
        "hall": hall,
        "country": country,
        "choices": _filter_choices(fair),
        "marks": Mark.Value.choices,
        "rows": [],
        "error": None,
    }
    try:
        context["rows"] = services.exhibitors_for_buyer(
            buyer=buyer, k=PER_PAGE, language=translation.get_language(), hall=hall, country=country
        )
    except DomainError as e:
        context["error"] = e
        if e.code == "matching.no_model":  # a new fair: match on the profiles until the first training
            context["rows"] = _profile_rows(buyer, hall=hall, country=country)
            context["by_profile"] = True
            context["error"] = None if context["rows"] else e
    return render(request, "frontend/recommended_booths.html", context)


def _profile_rows(buyer: Participant, *, hall: str, country: str) -> list[dict]:
    marks = selectors.marks_for_buyer(buyer)
    rows = []
    for booth, why in meeting_selectors.profile_matches(buyer=buyer, limit=PER_PAGE):
        if (hall and (booth.hall is None or booth.hall.slug != hall)) or (
            country and booth.company.country != country
        ):
            continue
        rows.append(
            {
                "booth_id": booth.pk,
                "company": booth.company.name,
                "tagline": booth.tagline,
                "country": str(booth.company.country),
                "hall_name": booth.hall.name if booth.hall else "",
                "why": why,
                "marks": marks.get(str(booth.pk), {}),
            }
        )
    return rows


@login_required
@require_POST
def recommended_booth_mark(request, fair_slug: str, booth_id: int):
    fair = access_fair(request.user, fair_slug)
    buyer = _my_buyer(request, fair)
    booth = access_booth(request.user, booth_id, fair=fair)
    if not booth.is_published:
        raise Http404(_("No published booth has this address."))
    back = _back(request, reverse("recommended_booths", args=[fair.slug]))
    try:
        mark = services.mark_set(
            buyer=buyer,
            booth=booth,
            side=Mark.Side.BUYER,
            value=request.POST.get("value", ""),
            user=request.user,
        )
    except DomainError as e:
        messages.error(request, e.message)
        return redirect(back)
    messages.success(
        request,
        _("%(company)s: %(mark)s") % {"company": booth.company.name, "mark": mark.get_value_display()},
    )
    return redirect(back)


@login_required
def recommended_buyers(request, fair_slug: str, booth_id: int):
    fair = access_fair(request.user, fair_slug)
    booth = _staffed_booth(request, fair, booth_id)
    language = translation.get_language()
    context = {
        "fair": fair,
        "booth": booth,
        "marks": Mark.Value.choices,
        "rows": [],
        "markets": [],
        "error": None,
        "markets_error": None,
    }
    try:
        context["rows"] = services.buyers_for_booth(booth=booth, k=PER_PAGE, language=language)
    except DomainError as e:
        context["error"] = e
    readiness: dict[str, list] = {}  # per market: buyers from one country share it
    for row in context["rows"]:
        country = str(row.get("country") or "")
        if country and country not in readiness:
            readiness[country] = playbook_services.booth_readiness(booth=booth, country=country)
        row["readiness"] = readiness.get(country, [])
    try:
        context["markets"] = services.markets_for_booth(booth=booth, language=language)
    except DomainError as e:
        context["markets_error"] = e
    return render(request, "frontend/recommended_buyers.html", context)


@login_required
@require_POST
def recommended_buyer_mark(request, fair_slug: str, booth_id: int, buyer_id: int):
    fair = access_fair(request.user, fair_slug)
    booth = _staffed_booth(request, fair, booth_id)
    buyer = get_object_or_404(
        Participant.objects.select_related("company"), pk=buyer_id, fair=fair, role=Participant.Role.BUYER
    )
    back = _back(request, reverse("recommended_buyers", args=[fair.slug, booth.pk]))
    try:
        mark = services.mark_set(
            buyer=buyer,
            booth=booth,
            side=Mark.Side.EXHIBITOR,
            value=request.POST.get("value", ""),
            user=request.user,
        )
    except DomainError as e:
        messages.error(request, e.message)
        return redirect(back)
    name = buyer.company.name if buyer.company else _("Buyer")
    messages.success(
        request, _("%(company)s: %(mark)s") % {"company": name, "mark": mark.get_value_display()}
    )
    return redirect(back)
