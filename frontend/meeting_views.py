"""Meeting pages: book, answer, my schedule, availability, interpreting, the organizer's overview.

Thin: parse the request, check who is asking, call one service of meetings.services (or read through
meetings.selectors), render. Every time is shown in the viewer's zone with the other side's next to it.
"""

from __future__ import annotations

import zoneinfo
from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from exhibitors.access import access_booth
from exhibitors.models import Booth
from fair.access import access_fair, my_participant
from fair.models import Fair, Participant
from frontend.person_pages import fairs_of_person, person_page
from kernel.errors import DomainError
from matching import services as matching_services
from meetings import room, selectors, services
from meetings.access import BUYER, EXHIBITOR, ORGANIZER, access_meeting, side_of
from meetings.models import Meeting, Outcome, Round, RoundProposal, Slot
from meetings.slots import format_day, format_dual
from shows import selectors as show_selectors

ROUND_TIME_LIMIT = 10.0


def _labelled(slots, *, viewer, other_zone: str) -> list[tuple[Slot, str]]:
    return [(s, format_dual(s.starts_at, viewer_zone=viewer.time_zone, other_zone=other_zone)) for s in slots]


def _slot_from(request, offered: list[Slot]) -> Slot | None:
    wanted = request.POST.get("slot", "")
    return next((s for s in offered if str(s.pk) == wanted), None)


def _days(slots, *, viewer_zone: str, other_zone: str) -> list[dict]:
    """Slots grouped by the viewer's day, each day with its date: the day-by-day picker."""
    tz = zoneinfo.ZoneInfo(viewer_zone)
    days: dict[date, dict] = {}
    for slot in slots:
        local = slot.starts_at.astimezone(tz)
        day = days.setdefault(
            local.date(),
            {
                "label": format_day(slot.starts_at, zone=viewer_zone),
                "iso": local.date().isoformat(),
                "items": [],
            },
        )
        day["items"].append(
            {
                "slot": slot,
                "time": formats.time_format(local, "H:i"),
                "label": format_dual(slot.starts_at, viewer_zone=viewer_zone, other_zone=other_zone),
            }
        )
    return list(days.values())


def _join(meeting: Meeting, now=None) -> dict | None:
    """The Join button of an accepted meeting: live from when its room opens until it closes."""
    if meeting.status not in (Meeting.Status.ACCEPTED, Meeting.Status.HELD):
        return None
    now = now or timezone.now()
    opens, closes = room.room_opens_at(meeting), room.room_closes_at(meeting)
    if now >= closes:
        return None
    return {"url": reverse("meetings:room", args=[meeting.pk]), "open": now >= opens, "opens_at": opens}


def _reasons(*, buyer: Participant, booth: Booth) -> list[dict]:
    """Why this pair fits: the fair's recommender when it has a model, else the profiles' overlap."""
    try:
        recs = matching_services.recommend_exhibitors(
            buyer=buyer, k=None, language=translation.get_language()
        )
    except DomainError:
        recs = []
    for r in recs:
        if r["id"] == booth.pk:
            return matching_services.why(r["reasons"], r["texts"])
    return selectors.pair_reasons(buyer=buyer, booth=booth)


# --- booking --------------------------------------------------------------------------------------


@login_required
def meeting_book(request, fair_slug: str, booth_id: int):
    """A buyer picks one of the slots both sides are free in, with a message."""
    fair = access_fair(request.user, fair_slug)
    booth = access_booth(request.user, booth_id, fair=fair)
    if not booth.is_published:
        raise Http404(_("No published booth has this address."))
    buyer = my_participant(request.user, fair, Participant.Role.BUYER)
    context = {"fair": fair, "booth": booth, "buyer": buyer, "error": None, "message": ""}
    if buyer is None:
        return render(request, "meetings/book.html", context, status=403)
    other_zone = selectors.booth_time_zone(booth=booth)
    offered = list(selectors.slots_mutually_free(buyer=buyer, booth=booth))
    status = 200
    if request.method == "POST":
        context["message"] = request.POST.get("message", "")
        slot = _slot_from(request, offered)
        if slot is None:
            context["error"], status = _("Choose one of the times offered."), 400
        else:
            try:
                meeting = services.meeting_request(
                    actor=request.user, buyer=buyer, booth=booth, slot=slot, message=context["message"]
                )
            except DomainError as e:
                context["error"], status = e.message, 400
                offered = list(selectors.slots_mutually_free(buyer=buyer, booth=booth))
            else:
                messages.success(request, _("Your request is sent. The exhibitor will answer it."))
                return redirect("meeting_detail", meeting.pk)
    context["slots"] = offered
    context["days"] = _days(offered, viewer_zone=request.user.time_zone, other_zone=other_zone)
    context["chosen"] = request.POST.get("slot", request.GET.get("slot", ""))  # ?slot=: from a missed knock
    context["open_request"] = services.open_request_between(buyer=buyer, booth=booth)
    return render(request, "meetings/book.html", context, status=status)


@login_required
def meeting_invite(request, fair_slug: str, booth_id: int, buyer_id: int):
    """A booth's staff invite a (recommended) buyer: the buyer's profile, why they fit, a time both
    are free in, a message."""
    fair = access_fair(request.user, fair_slug)
    booth = access_booth(request.user, booth_id, perm="meeting:invite", fair=fair)
    buyer = (
        Participant.objects.select_related("company", "user")
        .filter(pk=buyer_id, fair=fair, role=Participant.Role.BUYER, status=Participant.Status.APPROVED)
        .first()
    )
    if buyer is None:
        raise Http404(_("That buyer is not taking part in this fair."))
    other_zone = buyer.user.time_zone if buyer.user_id else fair.time_zone
    offered = list(selectors.slots_mutually_free(buyer=buyer, booth=booth))
    context = {
        "fair": fair,
        "booth": booth,
        "buyer": buyer,
        "profile": selectors.buyer_profile(buyer),
        "why": _reasons(buyer=buyer, booth=booth),
        "error": None,
        "message": "",
        "open_request": services.open_request_between(buyer=buyer, booth=booth),
    }
    status = 200
    if request.method == "POST":
        context["message"] = request.POST.get("message", "")
        slot = _slot_from(request, offered)
        if slot is None:
            context["error"], status = _("Choose one of the times offered."), 400
        else:
            try:
                meeting = services.meeting_invite(
                    actor=request.user, booth=booth, buyer=buyer, slot=slot, message=context["message"]
                )
            except DomainError as e:
                context["error"], status = e.message, 400
                offered = list(selectors.slots_mutually_free(buyer=buyer, booth=booth))
            else:
                messages.success(request, _("Your invitation is sent. The buyer will answer it."))
                return redirect("meeting_detail", meeting.pk)
    context["slots"] = offered
    context["days"] = _days(offered, viewer_zone=request.user.time_zone, other_zone=other_zone)
    context["chosen"] = request.POST.get("slot", "")
    return render(request, "meetings/invite.html", context, status=status)


# --- one meeting, and what each side can do with it ----------------------------------------------


class OutcomeForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("Rating"),
        choices=[("", "—")] + [(str(n), f"{n} ★") for n in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    interest_level = forms.TypedChoiceField(
        label=gettext_lazy("Interest level"),
        choices=[("", "—")] + [(str(v), label) for v, label in Outcome.Interest.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    deal_size_usd = forms.DecimalField(
        label=gettext_lazy("Expected deal size (USD)"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        required=False,
    )
    follow_up_on = forms.DateField(
        label=gettext_lazy("Follow-up date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    notes = forms.CharField(
        label=gettext_lazy("Private notes"),
        help_text=gettext_lazy("Only your side sees these notes."),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _side(request, meeting: Meeting) -> str | None:
    try:
        return side_of(request.user, meeting)
    except DomainError:
        return None  # the interpreter: sees the meeting, answers nothing


def _detail_context(request, meeting: Meeting, *, outcome_form=None) -> dict:
    side = _side(request, meeting)
    other_zone = selectors.other_zone_for(meeting=meeting, viewer=request.user)
    pending = meeting.status in (Meeting.Status.REQUESTED, Meeting.Status.PROPOSED)
    can_answer = side is not None and pending and side in (meeting.awaiting, ORGANIZER)
    can_move = side is not None and (can_answer or meeting.status == Meeting.Status.ACCEPTED)
    begun = meeting.slot.starts_at <= timezone.now()
    outcome_side = side if side in (BUYER, EXHIBITOR) else None
    if outcome_form is None and outcome_side and meeting.status == Meeting.Status.HELD:
        mine = selectors.outcome_visible(meeting=meeting, side=outcome_side)
        initial = {}
        if mine is not None:
            initial = {
                f: getattr(mine, f)
                for f in ("rating", "interest_level", "deal_size_usd", "follow_up_on", "notes")
            }
        outcome_form = OutcomeForm(initial=initial)
    if outcome_form is not None and outcome_side != BUYER:
        outcome_form.fields.pop("interest_level", None)
    slots = []
    if can_move:
        slots = _days(
            selectors.slots_mutually_free(buyer=meeting.buyer, booth=meeting.booth),
            viewer_zone=request.user.time_zone,
            other_zone=other_zone,
        )
    return {
        "meeting": meeting,
        "fair": meeting.fair,
        "side": side,
        "day": format_day(meeting.slot.starts_at, zone=request.user.time_zone),
        "when": format_dual(
            meeting.slot.starts_at, viewer_zone=request.user.time_zone, other_zone=other_zone
        ),
        "profile": selectors.other_side_profile(meeting=meeting, side=side),
        "contacts": selectors.other_side_contacts(meeting=meeting, side=side),
        "why": _reasons(buyer=meeting.buyer, booth=meeting.booth) if can_answer else [],
        "join": _join(meeting),
        "can_answer": can_answer,
        "can_propose": can_answer,
        "can_reschedule": side is not None and meeting.status == Meeting.Status.ACCEPTED,
        "can_cancel": side is not None and meeting.is_active,
        "can_mark_held": side is not None
        and begun
        and meeting.status in (Meeting.Status.ACCEPTED, Meeting.Status.HELD, Meeting.Status.NO_SHOW),
        "can_confirm_interpreter": side == ORGANIZER
        and meeting.is_active
        and meeting.interpreter_status == Meeting.InterpreterStatus.PROPOSED,
        "slots": slots,
        "outcome_form": outcome_form if outcome_side and meeting.status == Meeting.Status.HELD else None,
    }


@login_required
def meeting_detail(request, meeting_id: int):
    meeting = access_meeting(request.user, meeting_id)
    return render(request, "meetings/detail.html", _detail_context(request, meeting))


def _slot_of(request, meeting: Meeting) -> Slot:
    wanted = request.POST.get("slot", "")
    slot = Slot.objects.filter(pk=int(wanted), fair=meeting.fair).first() if wanted.isdigit() else None
    if slot is None:
        raise DomainError("meeting.no_such_slot", _("Choose one of the times offered."))
    return slot


def _act(request, meeting: Meeting, action: str) -> str:
    """Call the service for ``action``; returns what to tell the user."""
    user, post = request.user, request.POST
    if action == "decide":  # the one decision form: accept, decline with a reason, or propose a time
        decision = post.get("decision", "")
        if decision not in ("accept", "decline", "propose"):
            raise DomainError("meeting.no_decision", _("Choose accept, decline or another time."))
        return _act(request, meeting, decision)
    if action == "accept":
        services.meeting_accept(actor=user, meeting=meeting)
        return _("The meeting is accepted. An invitation is on its way to everyone.")
    if action == "decline":
        services.meeting_decline(actor=user, meeting=meeting, reason=post.get("reason", ""))
        return _("The request is declined.")
    if action == "propose":
        services.meeting_propose(
            actor=user, meeting=meeting, slot=_slot_of(request, meeting), message=post.get("message", "")
        )
        return _("Another time is proposed. The other side will answer.")
    if action == "reschedule":
        services.meeting_reschedule(
            actor=user, meeting=meeting, slot=_slot_of(request, meeting), message=post.get("message", "")
        )
        return _("The new time is proposed. The other side will confirm it.")
    if action == "cancel":
        services.meeting_cancel(actor=user, meeting=meeting, reason=post.get("reason", ""))
        return _("The meeting is cancelled.")
    if action == "held":
        services.meeting_mark_held(actor=user, meeting=meeting, held=post.get("held") == "yes")
        return _("Saved.")
    if action == "confirm_interpreter":
        services.interpreter_confirm(actor=user, meeting=meeting)
        return _("The interpreter is confirmed.")
    raise Http404(_("No such action."))


@login_required
@require_POST
def meeting_action(request, meeting_id: int, action: str):
    meeting = access_meeting(request.user, meeting_id, perm="meeting:act")
    try:
        done = _act(request, meeting, action)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, done)
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("meeting_detail", meeting.pk)


@login_required
@require_POST
def meeting_outcome(request, meeting_id: int):
    meeting = access_meeting(request.user, meeting_id)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if _side(request, meeting) != BUYER:
            data.pop("interest_level", None)
        try:
            services.outcome_record(actor=request.user, meeting=meeting, **data)
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _("Your notes on this meeting are saved."))
            return redirect("meeting_detail", meeting.pk)
    context = _detail_context(request, meeting, outcome_form=form)
    return render(request, "meetings/detail.html", context, status=400)


# --- schedules --------------------------------------------------------------------------------------


@login_required
@person_page(fairs=fairs_of_person)
def my_schedule(request):
    """The agenda: every meeting by day, with both local times, its status, the other side's profile
    and a Join button that is live from when the room opens."""
    user = request.user
    booth_ids = selectors.staff_booth_ids(user=user)
    now = timezone.now()
    rows = []
    for m in selectors.schedule_for(user=user, include_closed=True):
        mine = (
            BUYER if m.buyer.user_id == user.pk else (EXHIBITOR if m.booth_id in booth_ids else "interpreter")
        )
        rows.append(
            {
                "meeting": m,
                "day": format_day(m.slot.starts_at, zone=user.time_zone),
                "when": format_dual(
                    m.slot.starts_at,
                    viewer_zone=user.time_zone,
                    other_zone=selectors.other_zone_for(meeting=m, viewer=user),
                ),
                "with": m.booth.company.name if mine != EXHIBITOR else str(m.buyer.company or m.buyer.user),
                "profile": selectors.other_side_profile(meeting=m, side=mine),
                "your_turn": m.status in (Meeting.Status.REQUESTED, Meeting.Status.PROPOSED)
                and m.awaiting == mine,
                "join": _join(m, now),
                "past": m.slot.ends_at <= now,
            }
        )
    days: dict[str, list] = {}
    for row in rows:
        days.setdefault(row["day"], []).append(row)
    # The page changes by time alone when a room opens or closes, or a meeting ends: kept no longer.
    moments = [
        t
        for row in rows
        for t in (
            row["meeting"].slot.ends_at,
            *((row["join"]["opens_at"], room.room_closes_at(row["meeting"])) if row["join"] else ()),
        )
        if t > now
    ]
    request.person_page_until = min(moments, default=None)
    feed = selectors.CalendarFeed.objects.filter(user=user).first()
    fairs = {}
    for p in Participant.objects.filter(user=user, status="approved").select_related("fair"):
        fairs.setdefault(p.fair, set()).add(p.role)
    context = {
        "waiting": [r for r in rows if r["your_turn"]],
        "rows": rows,
        "days": list(days.items()),
        "zone": user.time_zone,
        "feed_url": request.build_absolute_uri(reverse("meetings:feed", args=[feed.token])) if feed else "",
        "fairs": sorted(((f, sorted(roles)) for f, roles in fairs.items()), key=lambda x: x[0].starts_on),
        # Only an interpreter interprets shows: nobody else pays a query for it.
        "shows_interpreted": _shows_interpreted(user)
        if any(Participant.Role.INTERPRETER in roles for roles in fairs.values())
        else [],
    }
    return render(request, "meetings/schedule.html", context)


def _shows_interpreted(user, fair=None) -> list[dict]:
    """The live shows the person interprets (or is asked to), in their zone and the fair's."""
    return [
        {
            "interpretation": i,
            "when": format_dual(i.show.starts_at, viewer_zone=user.time_zone, other_zone=i.show.zone),
        }
        for i in show_selectors.interpreting(user=user, fair=fair)
    ]


@login_required
@require_POST
def calendar_feed_change(request):
    if request.POST.get("action") == "revoke":
        services.feed_revoke(user=request.user)
        messages.success(request, _("The old calendar link no longer works. Here is a new one."))
    else:
        services.feed_get_or_create(user=request.user)
        messages.success(request, _("Your calendar link is ready."))
    return redirect(reverse("my_schedule") + "#calendar")


@login_required
def interpreter_schedule(request, fair_slug: str):
    fair = access_fair(request.user, fair_slug)
    me = my_participant(request.user, fair, Participant.Role.INTERPRETER)
    if me is None:
        raise Forbidden(_("Only the fair's interpreters have an interpreting schedule."))
    rows = [
        {
            "meeting": m,
            "when": format_dual(
                m.slot.starts_at, viewer_zone=request.user.time_zone, other_zone=fair.time_zone
            ),
        }
        for m in selectors.interpreter_schedule(interpreter=me)
    ]
    shows = _shows_interpreted(request.user, fair)
    return render(
        request, "meetings/interpreter.html", {"fair": fair, "rows": rows, "shows_interpreted": shows}
    )


# --- availability ---------------------------------------------------------------------------------


def _parties(fair: Fair, user) -> list[tuple[str, str, dict]]:
    """(key, label, party) for each calendar the user keeps in this fair."""
    out = []
    for role in (Participant.Role.BUYER, Participant.Role.INTERPRETER):
        me = my_participant(user, fair, role)
        if me is not None:
            out.append(("me", _("Me"), {"participant": me}))
            break
    for booth in Booth.objects.filter(pk__in=selectors.staff_booth_ids(user=user, fair=fair)).select_related(
        "company"
    ):
        out.append(
            (f"booth-{booth.pk}", _("Booth: %(name)s") % {"name": booth.company.name}, {"booth": booth})
        )
    return out


def _week_grid(fair: Fair, zone: str, free: set[int]) -> list[dict]:
    """The fair's slots as weeks of a grid: a column per day (with its date), a row per time of day,
    in the viewer's zone; a past slot is shown but cannot be changed."""
    tz = zoneinfo.ZoneInfo(zone)
    now = timezone.now()
    cells: dict[tuple[date, str], dict] = {}
    days: list[date] = []
    times: list[str] = []
    for slot in selectors.slots_of(fair=fair):
        local = slot.starts_at.astimezone(tz)
        d, t = local.date(), formats.time_format(local, "H:i")
        if d not in days:
            days.append(d)
        if t not in times:
            times.append(t)
        cells[(d, t)] = {
            "slot": slot,
            "on": slot.pk in free,
            "past": slot.starts_at <= now,
            "half": "am" if local.hour < 12 else "pm",
            "label": f"{formats.date_format(local, 'D j M')} {t}",
        }
    times.sort()
    weeks = []
    for start in range(0, len(days), 7):
        week_days = days[start : start + 7]
        weeks.append(
            {
                "days": [
                    {
                        "iso": d.isoformat(),
                        "label": formats.date_format(d, "D j M"),
                        "open": any(not cells[(d, t)]["past"] for t in times if (d, t) in cells),
                    }
                    for d in week_days
                ],
                "rows": [
                    {"time": t, "cells": [(d.isoformat(), cells.get((d, t))) for d in week_days]}
                    for t in times
                    if any((d, t) in cells for d in week_days)
                ],
            }
        )
    return weeks


@login_required
def availability(request, fair_slug: str):
    fair = access_fair(request.user, fair_slug)
    parties = _parties(fair, request.user)
    if not parties:
        raise Forbidden(_("Only buyers, booth staff and interpreters of this fair keep availability."))
    key = request.POST.get("as") or request.GET.get("as") or parties[0][0]
    chosen = next((p for p in parties if p[0] == key), None)
    if chosen is None:
        raise Http404(_("No such calendar."))
    status = 200
    if request.method == "POST":
        wanted = request.POST.getlist("slot")
        if not all(w.isdigit() for w in wanted):
            messages.error(request, _("Choose times from the grid."))
            status = 400
        else:
            try:
                n = services.availability_set(
                    actor=request.user,
                    fair=fair,
                    slots=Slot.objects.filter(
                        Q(pk__in=[int(w) for w in wanted], starts_at__gt=timezone.now())
                        | Q(pk__in=selectors.availability_of(**chosen[2]), starts_at__lte=timezone.now())
                    ),
                    **chosen[2],
                )
            except DomainError as e:
                messages.error(request, e.message)
                status = 400
            else:
                messages.success(request, _("Saved: you are available in %(n)s slots.") % {"n": n})
                return redirect(reverse("meeting_availability", args=[fair.slug]) + f"?as={key}")
    context = {
        "fair": fair,
        "parties": parties,
        "chosen": chosen,
        "weeks": _week_grid(fair, request.user.time_zone, selectors.availability_of(**chosen[2])),
        "zone": request.user.time_zone,
    }
    return render(request, "meetings/availability.html", context, status=status)


# --- the organizer --------------------------------------------------------------------------------


@login_required
def organizer_overview(request, fair_slug: str):
    fair = access_fair(request.user, fair_slug, perm="fair:organize")
    status = request.GET.get("status", "")
    if status not in Meeting.Status.values:
        status = ""
    rows = [
        {
            "meeting": m,
            "when": format_dual(
                m.slot.starts_at, viewer_zone=request.user.time_zone, other_zone=fair.time_zone
            ),
        }
        for m in selectors.fair_meetings(fair=fair, status=status or None)
    ]
    rnd = selectors.round_latest(fair=fair)
    proposals = []
    if rnd is not None:
        for p in RoundProposal.objects.filter(round=rnd).select_related(
            "slot", "buyer__company", "buyer__user", "booth__company", "interpreter__user"
        ):
            proposals.append(
                {
                    "p": p,
                    "when": format_dual(
                        p.slot.starts_at, viewer_zone=request.user.time_zone, other_zone=fair.time_zone
                    ),
                }
            )
    context = {
        "fair": fair,
        "rows": rows,
        "statuses": Meeting.Status.choices,
        "status": status,
        "round": rnd,
        "proposals": proposals,
        "needing": selectors.meetings_needing_interpreter(fair=fair).count(),
    }
    return render(request, "meetings/organizer.html", context)


@login_required
@require_POST
def organizer_round(request, fair_slug: str):
    fair = access_fair(request.user, fair_slug, perm="fair:organize")
    action = request.POST.get("action")
    try:
        if action == "run":
            result = services.round_run(actor=request.user, fair=fair, time_limit=ROUND_TIME_LIMIT)
            messages.success(
                request,
                _("A draft timetable with %(n)s meetings is ready to review.") % {"n": result.proposals},
            )
        elif action in ("publish", "remove"):
            rnd = Round.objects.filter(fair=fair, pk=_int(request.POST.get("round"))).first()
            if rnd is None:
                raise Http404(_("No such round."))
            if action == "publish":
                done = services.round_publish(actor=request.user, round=rnd)
                messages.success(
                    request,
                    _("Published: %(made)s meetings scheduled, %(skipped)s skipped.")
                    % {"made": done["meetings"], "skipped": done["skipped"]},
                )
            else:
                proposal = RoundProposal.objects.filter(
                    round=rnd, pk=_int(request.POST.get("proposal"))
                ).first()
                if proposal is None:
                    raise Http404(_("No such proposal."))
                services.round_edit(actor=request.user, proposal=proposal, remove=True)
                messages.success(request, _("Removed from the draft."))
        else:
            raise Http404(_("No such action."))
    except DomainError as e:
        messages.error(request, e.message)
    return redirect(reverse("meeting_overview", args=[fair.slug]) + "#round")


def _int(value) -> int:
    return int(value) if str(value or "").isdigit() else 0
