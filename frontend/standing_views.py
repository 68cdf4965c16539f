"""Standing halls: the organizer's page (open all year, carry booths over, slots, figures by month) and
the booth staff's weekly hours. Thin: load through the access layer, call rfq.standing, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from exhibitors.access import access_booth
from fair.access import access_fair
from fair.models import Fair, Participant
from frontend.forms import time_zone_choices
from kernel.errors import DomainError
from rfq import selectors, standing
from rfq.models import WeeklyHours


def _weekdays():
    from django.utils.dates import WEEKDAYS as NAMES

    return [(i, NAMES[i]) for i in range(7)]


@login_required
def standing_console(request, fair_slug: str):
    fair = access_fair(request.user, fair_slug, perm="fair:organize")
    others = (
        Fair.objects.filter(
            participants__user=request.user,
            participants__role=Participant.Role.ORGANIZER,
            participants__status=Participant.Status.APPROVED,
        )
        .exclude(pk=fair.pk)
        .distinct()
        .order_by("-starts_on")
    )
    error = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "permanent":
                standing.fair_set_permanent(
                    actor=request.user, fair=fair, permanent=request.POST.get("on") == "1"
                )
                messages.success(request, _("Saved."))
            elif action == "carry":
                source = others.filter(slug=request.POST.get("from", "")).first()
                if source is None:
                    raise DomainError("standing.no_such_fair", _("Choose a fair you organize."))
                booths = standing.booths_carry_over(actor=request.user, from_fair=source, to_fair=fair)
                messages.success(request, _("%(n)d booths carried over.") % {"n": len(booths)})
            elif action == "slots":
                n = standing.standing_slots_open(fair=fair, weeks=4)
                messages.success(request, _("%(n)d times opened for consultations.") % {"n": n})
            else:
                raise DomainError("standing.unknown_action", _("Nothing to do."))
        except DomainError as e:
            error = e.message
        else:
            return redirect("standing_console", fair.slug)
    context = {
        "fair": fair,
        "others": others,
        "months": selectors.standing_by_month(fair=fair),
        "error": error,
        "console_section": "standing",
    }
    return render(request, "standing/console.html", context, status=400 if error else 200)


@login_required
def weekly_hours(request, fair_slug: str, booth_id: int):
    fair = access_fair(request.user, fair_slug)
    booth = access_booth(request.user, booth_id, perm="booth:edit", fair=fair)
    rows = list(WeeklyHours.objects.filter(booth=booth))
    zone = rows[0].time_zone if rows else request.user.time_zone
    error = None
    if request.method == "POST":
        hours = []
        days = request.POST.getlist("weekday")
        starts = request.POST.getlist("starts")
        ends = request.POST.getlist("ends")
        for day, start, end in zip(days, starts, ends, strict=False):
            if day != "" and start and end:
                hours.append((day, start, end))
        zone = request.POST.get("time_zone", zone)
        try:
            standing.weekly_hours_set(actor=request.user, booth=booth, hours=hours, time_zone=zone)
            if fair.permanent:
                standing.standing_slots_open(fair=fair, weeks=4)
        except DomainError as e:
            error = e.message
        else:
            messages.success(request, _("Your weekly hours are saved."))
            return redirect("weekly_hours", fair.slug, booth.pk)
    blanks = max(0, 7 - len(rows))
    context = {
        "fair": fair,
        "booth": booth,
        "rows": rows,
        "blanks": range(len(rows), len(rows) + blanks),
        "weekdays": _weekdays(),
        "zones": time_zone_choices(),
        "zone": zone,
        "error": error,
    }
    return render(request, "standing/hours.html", context, status=400 if error else 200)
