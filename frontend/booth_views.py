"""Booth pages, the booth builder, the search across a fair and the buyer's bookmarks.

Thin: parse the request, load the fair and the booth through the access layer (fair/access.py,
exhibitors/access.py), call one service of exhibitors.builder / exhibitors.services, render.
"""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from exhibitors import builder, search, selectors, services
from exhibitors.access import access_booth, display_name, viewer_of
from exhibitors.models import LIVE_STATUS_CHOICES, Booth
from fair import hs
from fair.access import access_fair, access_participation, my_participant
from frontend.booth_forms import (
    BoothProfileForm,
    BoothTextsForm,
    BrochureForm,
    MediaForm,
    ProductForm,
    SearchForm,
)
from frontend.page_cache import anonymous_page
from frontend.person_pages import fair_of_slug, person_page
from kernel.access import allowed
from kernel.errors import DomainError
from shows import selectors as show_selectors

RESULTS_PER_PAGE = 12


def _visible_booth(request, fair, booth_id: int) -> Booth:
    return access_booth(request.user, booth_id, fair=fair, rows=search.booth_page_rows())


def _missed_knocks(booth: Booth, limit: int = 50) -> list:
    """The knocks nobody answered, newest first, each with who knocked (for the booth's staff)."""
    knocks = selectors.knocks_missed(booth=booth, limit=limit)
    for knock in knocks:
        knock.who = display_name(knock.buyer, knock.buyer.user)
    return knocks


def booth_editor(view):
    """Builder views: the booth's staff and the fair's organizers; others get the login page or 403."""

    @functools.wraps(view)
    def wrapped(request, fair_slug: str, booth_id: int, *args, **kwargs):
        fair = access_fair(request.user, fair_slug)
        booth = access_booth(
            request.user, booth_id, perm="booth:edit", fair=fair, rows=search.booth_page_rows()
        )
        return view(request, fair, booth, *args, **kwargs)

    return wrapped


# --- public pages ------------------------------------------------------------------------------


@anonymous_page()
@person_page(fairs=fair_of_slug)
def booth_detail(request, fair_slug: str, booth_id: int):
    fair = access_fair(request.user, fair_slug)
    booth = _visible_booth(request, fair, booth_id)
    viewer = viewer_of(request.user, booth)
    if booth.is_published:
        services.booth_visit_record(booth=booth, viewer=viewer)
    buyer = my_participant(request.user, fair, "buyer")
    booth_marks, product_marks = search.bookmarked_ids(participant=buyer)
    context = {
        "fair": fair,
        "booth": booth,
        "products": booth.products.all(),
        "documents": booth.documents.all(),
        "viewer": viewer,
        "buyer": buyer,
        "booth_bookmarked": booth.pk in booth_marks,
        "product_marks": product_marks,
        "can_edit": builder.booth_can_edit(request.user, booth),
        "is_staff_of_booth": viewer.is_staff,
        "ws_path": f"/ws/booths/{booth.pk}/",
        "live_statuses": LIVE_STATUS_CHOICES,
        "missed_knocks": _missed_knocks(booth) if viewer.is_staff else [],
        "shows": show_selectors.booth_shows(booth=booth),
        "can_schedule_show": allowed(request.user, "show:schedule", booth),
    }
    return render(request, "frontend/booth_detail.html", context)


@login_required
@require_POST
def booth_status(request, fair_slug: str, booth_id: int):
    """Staff set the booth on duty, away or live (the booth page's form; with JavaScript the same
    form goes over the booth's socket). Everyone in the booth sees the new status at once."""
    fair = access_fair(request.user, fair_slug)
    booth = access_booth(request.user, booth_id, perm="booth:staff", fair=fair)
    try:
        services.booth_status_set(
            booth=booth,
            viewer=viewer_of(request.user, booth),
            status=request.POST.get("status", ""),
            stream_url=request.POST.get("stream_url", ""),
        )
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(
            request, _("The booth's status is now: %(s)s.") % {"s": booth.get_live_status_display()}
        )
    return redirect("booth_detail", fair_slug=fair.slug, booth_id=booth.pk)


def product_detail(request, fair_slug: str, booth_id: int, product_id: int):
    fair = access_fair(request.user, fair_slug)
    booth = _visible_booth(request, fair, booth_id)
    product = search.product_get(booth=booth, product_id=product_id)
    if product is None:
        raise Http404(_("This booth has no such product."))
    if booth.is_published:
        builder.product_view_record(product=product, viewer=viewer_of(request.user, booth))
    buyer = my_participant(request.user, fair, "buyer")
    _booths, product_marks = search.bookmarked_ids(participant=buyer)
    return render(
        request,
        "frontend/product_detail.html",
        {
            "fair": fair,
            "booth": booth,
            "product": product,
            "buyer": buyer,
            "bookmarked": product.pk in product_marks,
        },
    )


def fair_search(request, fair_slug: str):
    fair = access_fair(request.user, fair_slug)
    form = SearchForm(request.GET or None)
    page = result = None
    if form.is_valid():
        filters = search.SearchFilters(**{k: (v or "").strip() for k, v in form.cleaned_data.items()})
        if filters.any:
            result = search.fair_search(fair=fair, filters=filters)
            page = Paginator(result.booths, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "frontend/fair_search.html",
        {"fair": fair, "form": form, "page": page, "result": result, "query": query.urlencode()},
        status=200 if form.is_valid() or not form.is_bound else 400,
    )


@require_GET
def hs_search_json(request):
    """The HS picker: codes for a code or words in any UI language, each named in all six.

    `label` is the name in the viewer's language (English where we have none); `en` and `ko` stay
    for older pages, `names` has every language (en, ko, zh, ja, vi, id).
    """
    q = request.GET.get("q", "")[:60]
    language = get_language()
    results = [
        {
            "code": code,
            "en": names.en,
            "ko": names.ko,
            "label": names.pick(language),
            "names": names._asdict(),
        }
        for code, names in hs.hs_search(q, limit=20)
    ]
    return JsonResponse({"q": q, "results": results})


# --- bookmarks ----------------------------------------------------------------------------------


@require_POST
@login_required
def bookmark_toggle(request, fair_slug: str, booth_id: int):
    fair = access_fair(request.user, fair_slug)
    booth = _visible_booth(request, fair, booth_id)
    buyer = access_participation(
        request.user, fair, "buyer", code="bookmark.buyers_only", message=_("Only buyers keep bookmarks.")
    )
    product = None
    if request.POST.get("product"):
        product = search.product_get(booth=booth, product_id=_int(request.POST["product"]))
        if product is None:
            raise Http404(_("This booth has no such product."))
    target = {"product": product} if product is not None else {"booth": booth}
    try:
        if request.POST.get("action") == "remove":
            services.bookmark_remove(participant=buyer, **target)
            messages.success(request, _("Removed from your bookmarks."))
        else:
            services.bookmark_add(participant=buyer, **target)
            messages.success(request, _("Saved in your bookmarks."))
    except DomainError as e:
        messages.error(request, e.message)
    default = reverse("booth_detail", args=[fair.slug, booth.pk])
    return redirect(_safe_next(request, default))


@login_required
def bookmark_list(request, fair_slug: str):
    fair = access_fair(request.user, fair_slug)
    buyer = my_participant(request.user, fair, "buyer")
    marks = search.bookmarks_of(participant=buyer) if buyer else []
    return render(request, "frontend/bookmarks.html", {"fair": fair, "buyer": buyer, "bookmarks": marks})


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404(_("No such item.")) from None


def _safe_next(request, default: str) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return default


# --- the booth builder --------------------------------------------------------------------------


def _builder_page(
    request,
    fair,
    booth,
    *,
    texts=None,
    profile=None,
    media_form=None,
    brochure=None,
    error: str | None = None,
    status: int = 200,
):
    profile_initial = {
        "target_markets": booth.target_markets,
        "certifications": booth.company.certifications,
        "languages": booth.company.languages,
        "video_url": booth.video_url,
    }
    context = {
        "fair": fair,
        "booth": booth,
        "texts": texts or BoothTextsForm(booth=booth),
        "profile": profile or BoothProfileForm(initial=profile_initial, booth=booth),
        "media_form": media_form or MediaForm(),
        "brochure_form": brochure or BrochureForm(),
        "products": booth.products.all(),
        "documents": booth.documents.all(),
        "error": error,
        # The company's API tokens are made by its staff (fair/tokens.py, rule token:company).
        "staffs_booth": allowed(request.user, "booth:staff", booth),
    }
    return render(request, "frontend/booth_builder.html", context, status=status)


def _builder_url(fair, booth) -> str:
    return reverse("booth_builder", args=[fair.slug, booth.pk])


@booth_editor
def booth_builder(request, fair, booth):
    if request.method != "POST":
        return _builder_page(request, fair, booth)
    section = request.POST.get("section")
    try:
        if section == "texts":
            form = BoothTextsForm(request.POST, booth=booth)
            if not form.is_valid():
                return _builder_page(request, fair, booth, texts=form, status=400)
            builder.booth_update(user=request.user, booth=booth, texts=form.cleaned_data)
        elif section == "profile":
            form = BoothProfileForm(request.POST, booth=booth)
            if not form.is_valid():
                return _builder_page(request, fair, booth, profile=form, status=400)
            builder.booth_update(user=request.user, booth=booth, **form.cleaned_data)
        else:
            return _builder_page(request, fair, booth, error=_("Unknown form."), status=400)
    except DomainError as e:
        return _builder_page(request, fair, booth, error=e.message, status=e.status)
    messages.success(request, _("Your booth is saved."))
    return redirect(_builder_url(fair, booth))


@require_POST
@booth_editor
def booth_media(request, fair, booth):
    if request.POST.get("action") == "clear":
        kind = request.POST.get("kind", "")
        try:
            builder.booth_media_clear(user=request.user, booth=booth, kind=kind)
        except DomainError as e:
            return _builder_page(request, fair, booth, error=e.message, status=e.status)
        messages.success(request, _("Removed."))
        return redirect(_builder_url(fair, booth))
    form = MediaForm(request.POST, request.FILES)
    if not form.is_valid():
        return _builder_page(request, fair, booth, media_form=form, status=400)
    try:
        builder.booth_media_set(
            user=request.user, booth=booth, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"]
        )
    except DomainError as e:
        return _builder_page(request, fair, booth, media_form=form, error=e.message, status=e.status)
    messages.success(request, _("Your file is uploaded."))
    return redirect(_builder_url(fair, booth))


@require_POST
@booth_editor
def brochure_add(request, fair, booth):
    form = BrochureForm(request.POST, request.FILES)
    if not form.is_valid():
        return _builder_page(request, fair, booth, brochure=form, status=400)
    try:
        builder.brochure_add(
            user=request.user, booth=booth, title=form.cleaned_data["title"], upload=form.cleaned_data["file"]
        )
    except DomainError as e:
        return _builder_page(request, fair, booth, brochure=form, error=e.message, status=e.status)
    messages.success(request, _("The brochure is added."))
    return redirect(_builder_url(fair, booth))


@require_POST
@booth_editor
def brochure_remove(request, fair, booth, document_id: int):
    try:
        builder.brochure_remove(user=request.user, booth=booth, document_id=document_id)
    except DomainError as e:
        return _builder_page(request, fair, booth, error=e.message, status=e.status)
    messages.success(request, _("Removed."))
    return redirect(_builder_url(fair, booth))


@require_POST
@booth_editor
def booth_publish(request, fair, booth):
    try:
        if request.POST.get("action") == "unpublish":
            builder.booth_unpublish(user=request.user, booth=booth)
            messages.success(request, _("Your booth is a draft again: only its staff can see it."))
        else:
            builder.booth_publish(user=request.user, booth=booth)
            messages.success(request, _("Your booth is published: every visitor of the fair can see it."))
    except DomainError as e:
        return _builder_page(request, fair, booth, error=e.message, status=e.status)
    return redirect(_builder_url(fair, booth))


def _product_page(request, fair, booth, form, product=None, *, error=None, status=200):
    return render(
        request,
        "frontend/product_form.html",
        {"fair": fair, "booth": booth, "form": form, "product": product, "error": error},
        status=status,
    )


@booth_editor
def product_edit(request, fair, booth, product_id: int | None = None):
    product = None
    if product_id is not None:
        product = search.product_get(booth=booth, product_id=product_id)
        if product is None:
            raise Http404(_("This booth has no such product."))
    if request.method != "POST":
        return _product_page(request, fair, booth, ProductForm(product=product), product)
    form = ProductForm(request.POST, product=product)
    if not form.is_valid():
        return _product_page(request, fair, booth, form, product, status=400)
    try:
        builder.product_save(
            user=request.user,
            booth=booth,
            values=form.values(),
            product=product,
            uploads=request.FILES.getlist("images"),
        )
    except DomainError as e:
        return _product_page(request, fair, booth, form, product, error=e.message, status=e.status)
    messages.success(request, _("The product is saved."))
    return redirect(_builder_url(fair, booth) + "#products")


@require_POST
@booth_editor
def product_delete(request, fair, booth, product_id: int):
    try:
        builder.product_delete(user=request.user, booth=booth, product_id=product_id)
    except DomainError as e:
        return _builder_page(request, fair, booth, error=e.message, status=e.status)
    messages.success(request, _("The product is deleted."))
    return redirect(_builder_url(fair, booth) + "#products")


@require_POST
@booth_editor
def product_image_remove(request, fair, booth, product_id: int, image_id: int):
    try:
        builder.product_image_remove(user=request.user, booth=booth, image_id=image_id)
    except DomainError as e:
        return _builder_page(request, fair, booth, error=e.message, status=e.status)
    messages.success(request, _("Removed."))
    return redirect(reverse("product_edit", args=[fair.slug, booth.pk, product_id]))
