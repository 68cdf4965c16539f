"""The pages. Thin: parse the request, read through fair.selectors, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponsePermanentRedirect
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from exhibitors import selectors as booth_selectors
from fair import selectors
from fair.access import access_fair
from frontend.forms import ProfileForm
from frontend.page_cache import anonymous_page
from frontend.person_pages import fair_of_slug, person_page
from frontend.public_pages import public_pages_version
from integrations import erasure
from kernel.access import allowed

BOOTHS_PER_PAGE = 12


def home(request):
    """Signed in: what this user does at which fair. Anonymous: the fairs."""
    if not request.user.is_authenticated:
        return render(request, "frontend/site_home.html", {"fairs": selectors.fair_list()})
    dashboard = selectors.user_dashboard(user=request.user)
    missed = booth_selectors.knocks_missed_counts(
        booth_ids=[p.booth_id for p in dashboard.staffing if p.booth_id]
    )
    for p in dashboard.staffing:
        p.missed_knocks = missed.get(p.booth_id, 0)
    context = {
        "dash": dashboard,
        "can_create": allowed(request.user, "fair:create", None),
        "can_grant": bool(dashboard.organizing) or request.user.is_superuser,
    }
    return render(request, "frontend/home.html", context)


def fair_list(request):
    return render(request, "frontend/site_home.html", {"fairs": selectors.fair_list()})


def favicon(request):
    """/favicon.ico, which browsers and tools ask for whatever the page says: our SVG icon."""
    return HttpResponsePermanentRedirect(static("frontend/img/favicon.svg"))


def fair_home(request, fair_slug: str):
    fair = access_fair(request.user, fair_slug)
    opens_at, closes_at = selectors.fair_opening(fair)
    context = {
        "fair": fair,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "halls": selectors.fair_halls_with_counts(fair=fair),
        "participations": selectors.user_participations_in_fair(user=request.user, fair=fair),
        "kept_until": erasure.retention_until(fair),
    }
    return render(request, "frontend/fair_home.html", context)


def hall_list(request, fair_slug: str):
    fair = access_fair(request.user, fair_slug)
    return render(
        request,
        "frontend/hall_list.html",
        {"fair": fair, "halls": selectors.fair_halls_with_counts(fair=fair)},
    )


@anonymous_page(params=("page",))
@person_page(fairs=fair_of_slug, params=("page",))
def hall_detail(request, fair_slug: str, hall_slug: str):
    public_version = public_pages_version(fair_slug)  # before the reads: see frontend/public_pages.py
    fair = access_fair(request.user, fair_slug)
    hall = selectors.hall_get(fair=fair, slug=hall_slug)
    if hall is None:
        raise Http404(_("This fair has no such hall."))
    page = Paginator(booth_selectors.hall_booths_published(hall=hall), BOOTHS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "fair": fair,
        "hall": hall,
        "page": page,
        # The booth list is the same for everyone: kept per page and language until the fair changes.
        "public_version": public_version,
        "cache_seconds": settings.PUBLIC_PAGE_CACHE_SECONDS,
    }
    return render(request, "frontend/hall_detail.html", context)


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        # This request still runs in the old language; say it in the new one.
        with translation.override(user.language):
            messages.success(request, _("Your settings are saved."))
        return redirect("profile")
    return render(request, "frontend/profile.html", {"form": form})


def _csrf_refusal(request):
    """The CSRF middleware's 403 response for this request, or None when its token is good."""
    return CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {})


@csrf_exempt
@require_POST
def set_language(request):
    """Django's set_language, which also saves the choice on a signed-in user.

    The switcher a visitor who is not signed in sees carries no CSRF token, so that every such
    visitor gets the same page and it can be kept whole (frontend/page_cache.py): a forged post
    can at most change a visitor's language cookie. A signed-in user's switch still takes a valid
    token (their switcher carries one): without it nothing changes, not even the cookie.
    """
    if request.user.is_authenticated and (refusal := _csrf_refusal(request)) is not None:
        return refusal
    response = django_set_language(request)
    code = request.POST.get("language")
    if request.user.is_authenticated and code and check_for_language(code):
        known = {c for c, _name in request.user._meta.get_field("language").choices}
        if code in known and request.user.language != code:
            request.user.language = code
            request.user.save(update_fields=["language"])
    return response


def admin_login(request, extra_context=None):
    """The admin's sign-in: the site's own sign-in page (allauth), never a second password form.

    One form means one lockout: allauth's rate limits lock an address after repeated failures, and
    no other page takes a password (the REST API takes sessions and tokens only). Signed-in staff go
    on to where they were going; anyone else signed in is refused."""
    target = request.GET.get("next") or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("admin:index")
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?{urlencode({'next': target})}")
    if request.user.is_active and request.user.is_staff:
        return redirect(target)
    raise PermissionDenied
