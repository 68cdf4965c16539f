"""The notification centre's pages: the list, marking read (one or all), and following a notice's
link (which marks it read). Every notice is loaded through notices.access.access_notice: a
person only ever reaches their own."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notices import selectors, services
from notices.access import access_notice

PER_PAGE = 30


@login_required
def notice_list(request):
    unread_only = request.GET.get("show") == "unread"
    rows = selectors.notice_list(user=request.user, unread_only=unread_only)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    items = [(n, selectors.notice_text(n)) for n in page.object_list]
    return render(
        request,
        "frontend/notices.html",
        {"page": page, "items": items, "unread_only": unread_only},
    )


def _back(request):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) and target.startswith("/"):
        return redirect(target)
    return redirect("notice_list")


@login_required
@require_POST
def notice_read(request, notice_id: int):
    notice = access_notice(request.user, notice_id)
    services.notice_mark_read(user=request.user, notice=notice)
    return _back(request)


@login_required
@require_POST
def notice_read_all(request):
    marked = services.notices_mark_all_read(user=request.user)
    if marked:
        messages.success(request, _("All notifications are marked read."))
    return _back(request)


@login_required
def notice_open(request, notice_id: int):
    """Follow a notice's link: marks it read, then goes where it points (a path on this site)."""
    notice = access_notice(request.user, notice_id)
    services.notice_mark_read(user=request.user, notice=notice)
    if notice.url.startswith("/") and not notice.url.startswith("//"):
        return redirect(notice.url)
    return redirect("notice_list")
