"""The organizer's live dashboard, its exports and printable report; one booth's own report.

Thin: check the permission, read insights/stats.py or insights/reports.py, render. The page carries the
first snapshot; frontend/static/frontend/js/dashboard.js keeps it fresh over ws/fairs/<slug>/dashboard/.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from exhibitors.access import access_booth
from fair.access import access_fair
from insights import reports, stats
from rfq import selectors as rfq_selectors
from shows import selectors as show_selectors


def _labels() -> dict:
    """Words the page's script needs, in the viewer's language."""
    return {
        "roles": {
            "buyer": _("Buyers"),
            "staff": _("Exhibitor staff"),
            "organizer": _("Organizers"),
            "anonymous": _("Guests"),
            "participant": _("Participants"),
            "user": _("Signed-in visitors"),
        },
        "visits": _("Visits"),
        "requested": _("Requested"),
        "accepted": _("Accepted"),
        "held": _("Held"),
        "no_show": _("No-show"),
        "deal": _("Deal reported"),
        "nobody": _("Nobody"),
        "none": _("None"),
    }


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _fair(request, fair_slug):
    return access_fair(request.user, fair_slug, perm="fair:organize")


def _download(content, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def dashboard(request, fair_slug):
    fair = _fair(request, fair_slug)
    snapshot = stats.run_sync(stats.snapshot, fair)
    context = {"fair": fair, "snapshot": snapshot, "exports": EXPORTS, "labels": _labels()}
    context["shows"] = show_selectors.fair_show_figures(fair=fair)
    return render(request, "frontend/dashboard/dashboard.html", context)


@login_required
def fair_report(request, fair_slug):
    """One printable page: the headline figures and the charts (print stylesheet)."""
    fair = _fair(request, fair_slug)
    return render(
        request,
        "frontend/dashboard/report.html",
        {
            "fair": fair,
            "snapshot": stats.run_sync(stats.snapshot, fair),
            "labels": _labels(),
            "standing_months": rfq_selectors.standing_by_month(fair=fair) if fair.permanent else None,
        },
    )


EXPORTS = (
    "online_by_role",
    "online_by_hall",
    "online_by_country",
    "visits_per_hour",
    "busiest_booths",
    "unvisited_booths",
    "chats_waiting",
    "meeting_funnel",
    "meetings_by_country",
    "meetings_by_chapter",
    "interpreter_load",
    "ledger",
    "rfq_per_market",
    "rfq_per_hall",
    "rfq_traffic",
    "standing_by_month",
    "standing_halls_by_month",
    "deals",
    "deal_value",
    "verified",
    "verified_by_hall",
    "verified_by_market",
    "verified_by_exhibitor",
    "disputed_outcomes",
)


@login_required
def export_xlsx(request, fair_slug):
    fair = _fair(request, fair_slug)
    content = reports.to_xlsx(reports.fair_tables(fair), title=fair.name)
    reports.report_exported(actor=request.user, fair=fair, what="xlsx")
    return _download(content, filename=f"{fair.slug}-dashboard.xlsx", content_type=XLSX)


@login_required
def export_csv(request, fair_slug, table):
    fair = _fair(request, fair_slug)
    if table not in EXPORTS:
        raise Http404(table)
    found = next((t for t in reports.fair_tables(fair) if t.key == table), None)
    if found is None:  # standing_by_month (and per hall) of a fair not open all year
        raise Http404(table)
    reports.report_exported(actor=request.user, fair=fair, what=table)
    return _download(
        reports.to_csv(found), filename=f"{fair.slug}-{table}.csv", content_type="text/csv; charset=utf-8"
    )


@login_required
def booth_report(request, fair_slug, booth_id, fmt):
    """The booth's own figures: its staff (and the fair's organizers) only."""
    fair = access_fair(request.user, fair_slug)
    booth = access_booth(request.user, booth_id, perm="booth:edit", fair=fair)
    tables = reports.booth_tables(booth)
    name = slugify(booth.company.name) or str(booth.pk)
    reports.report_exported(actor=request.user, fair=fair, what=f"booth-{fmt}", booth=booth)
    if fmt == "xlsx":
        return _download(
            reports.to_xlsx(tables, title=booth.company.name),
            filename=f"{name}-report.xlsx",
            content_type=XLSX,
        )
    table = next((t for t in tables if t.key == fmt), None)
    if table is None:
        raise Http404(fmt)
    return _download(
        reports.to_csv(table), filename=f"{name}-{fmt}.csv", content_type="text/csv; charset=utf-8"
    )
