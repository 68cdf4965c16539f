"""Live show pages: the fair's programme, scheduling a show, the show page (the presenter goes live,
viewers watch, chat and press a pinned product's buttons), its calendar file and reminder.
Thin: load through the access layer (shows/access.py), call shows.services, render."""

from __future__ import annotations

import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exhibitors.access import access_booth
from fair.access import access_fair
from frontend.show_forms import InterpreterForm, ShowForm
from kernel.access import allowed
from kernel.errors import DomainError
from kernel.janus import janus_available, janus_missing_settings
from meetings.room import ice_servers
from shows import ics, selectors, services
from shows.access import access_interpretation, access_show, interpretation_of, show_viewer_of
from shows.models import Show, ShowFollower, ShowInterpretation

ON_AIR = ("camera", "screen")


def programme(request, fair_slug: str):
    fair = access_fair(request.user, fair_slug)
    shows = selectors.programme(fair=fair, user=request.user)
    return render(request, "shows/programme.html", {"fair": fair, "shows": shows})


@login_required
def show_new(request, fair_slug: str, booth_id: int):
    fair = access_fair(request.user, fair_slug)
    booth = access_booth(request.user, booth_id, perm="show:schedule", fair=fair)
    zone = getattr(request.user, "time_zone", "") or "UTC"
    form = ShowForm(
        request.POST or None, booth=booth, initial={"zone": zone, "language": request.LANGUAGE_CODE}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            show = services.show_schedule(
                actor=request.user,
                booth=booth,
                title=data["title"],
                language=data["language"],
                starts_local=timezone.make_naive(data["starts"])
                if timezone.is_aware(data["starts"])
                else data["starts"],
                zone=data["zone"],
                minutes=data["minutes"],
                products=data["products"],
                record=data["record"],
            )
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _("The show is in the programme."))
            return redirect("show_detail", fair.slug, show.pk)
    status = 400 if form.errors else 200
    return render(request, "shows/new.html", {"fair": fair, "booth": booth, "form": form}, status=status)


def _sfu_params(request, show: Show, *, role: str, source: str = "camera") -> tuple[dict | None, str]:
    """The page's sfu.js parameters, or (None, why not). An interpreter publishes their microphone
    alone (sfu.js's source "audio") and receives the presenter like a viewer."""
    try:
        admission = services.show_admission(user=request.user, show=show, role=role)
    except DomainError as e:
        return None, e.message
    params = admission.for_browser(
        server=services.janus_public_url(),
        display=show_viewer_of(request.user, show).name,
        role="viewer" if role == "viewer" else "publisher",
        ice_servers=ice_servers(user=request.user),
    )
    if role == "interpreter":
        params["source"] = "audio"
    elif role == "publisher":
        params["source"] = source
        params["video"] = {"width": 640, "height": 360, "frameRate": 15}
    return params, ""


def show_detail(request, fair_slug: str, show_id: int):
    fair = access_fair(request.user, fair_slug)
    show = access_show(request.user, show_id, fair=fair)
    can_present = allowed(request.user, "show:present", show)
    can_watch = allowed(request.user, "show:watch", show)
    video = janus_available()
    on_air = request.GET.get("on_air", "") if can_present else ""
    sfu_params, sfu_error = None, ""
    if video and show.status == Show.Status.LIVE:
        if can_present and on_air in ON_AIR:
            sfu_params, sfu_error = _sfu_params(request, show, role="publisher", source=on_air)
        elif can_watch and not can_present:
            sfu_params, sfu_error = _sfu_params(request, show, role="viewer")
    context = {
        "fair": fair,
        "show": show,
        "booth": show.booth,
        "products": list(show.products.all()),
        "can_present": can_present,
        "can_watch": can_watch,
        "video": video,
        "missing": janus_missing_settings()
        if (can_present or allowed(request.user, "fair:organize", fair))
        else [],
        "on_air": on_air if sfu_params else "",
        "sfu_params": sfu_params,
        "sfu_error": sfu_error,
        "following": request.user.is_authenticated
        and ShowFollower.objects.filter(show=show, user=request.user).exists(),
        "ws_path": f"/ws/shows/{show.pk}/",
        "recording_files": selectors.recording_files(show=show) if can_present else [],
        "presenter_start": show.starts_at.astimezone(zoneinfo.ZoneInfo(show.zone)).strftime("%H:%M"),
        **_interpretation_context(request, show),
    }
    return render(request, "shows/detail.html", context)


def _interpretation_context(request, show: Show, *, form: InterpreterForm | None = None) -> dict:
    """The show page's interpretation part: the list and the form for whoever assigns interpreters,
    the answer buttons for the interpreter asked, the sound choice for viewers."""
    can_assign = allowed(request.user, "show:interpreters", show) and show.status != Show.Status.ENDED
    rows = list(show.interpretations.select_related("interpreter__user"))
    confirmed = [r for r in rows if r.status == ShowInterpretation.Status.CONFIRMED]
    return {
        "can_assign": can_assign,
        "interpretations": rows if can_assign else [],
        "interpreter_form": form or (InterpreterForm(show=show) if can_assign else None),
        "my_interpretation": interpretation_of(request.user, show, confirmed=False),
        "sounds": [{"language": r.language, "name": r.get_language_display()} for r in confirmed],
    }


@login_required
@require_POST
def show_interpreter_assign(request, fair_slug: str, show_id: int):
    """Staff or organizers assign one of the fair's interpreters (and the language) to the show."""
    fair = access_fair(request.user, fair_slug)
    show = access_show(request.user, show_id, perm="show:interpreters", fair=fair)
    form = InterpreterForm(request.POST, show=show)
    if form.is_valid():
        try:
            services.interpretation_assign(
                actor=request.user,
                show=show,
                interpreter=form.cleaned_data["interpreter"],
                language=form.cleaned_data["language"],
            )
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _("The interpreter is assigned and has been told."))
            return redirect(f"{show_url(fair, show)}#interpretation")
    messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
    return redirect(f"{show_url(fair, show)}#interpretation")


ANSWERS = {"confirm": True, "decline": False}


@login_required
@require_POST
def show_interpretation_answer(request, fair_slug: str, show_id: int, interpretation_id: int):
    """The interpreter asked confirms ("answer": "confirm") or declines ("decline") the interpretation."""
    fair = access_fair(request.user, fair_slug)
    show = access_show(request.user, show_id, fair=fair)
    interpretation = access_interpretation(
        request.user, show, interpretation_id, perm="show:interpretation_answer"
    )
    answer = request.POST.get("answer", "")
    try:
        if answer not in ANSWERS:
            raise DomainError("protocol.bad_field", _("Confirm or decline."))
        services.interpretation_answer(
            user=request.user, interpretation=interpretation, accept=ANSWERS[answer]
        )
    except DomainError as e:
        messages.error(request, e.message)
    return redirect(f"{show_url(fair, show)}#interpretation")


@login_required
@require_POST
def show_interpretation_remove(request, fair_slug: str, show_id: int, interpretation_id: int):
    """Staff or organizers take the interpreter off the show."""
    fair = access_fair(request.user, fair_slug)
    show = access_show(request.user, show_id, fair=fair)
    interpretation = access_interpretation(request.user, show, interpretation_id, perm="show:interpreters")
    services.interpretation_remove(actor=request.user, interpretation=interpretation)
    messages.success(request, _("The interpreter is off the show and has been told."))
    return redirect(f"{show_url(fair, show)}#interpretation")


@login_required
def show_interpret(request, fair_slug: str, show_id: int):
    """The confirmed interpreter's page: they hear the presenter and send their voice (audio only)."""
    fair = access_fair(request.user, fair_slug)
    show = access_show(request.user, show_id, perm="show:interpret", fair=fair)
    interpretation = interpretation_of(request.user, show)
    sfu_params, sfu_error = None, ""
    video = janus_available()
    if video and show.status == Show.Status.LIVE:
        sfu_params, sfu_error = _sfu_params(request, show, role="interpreter")
    context = {
        "fair": fair,
        "show": show,
        "booth": show.booth,
        "interpretation": interpretation,
        "video": video,
        "sfu_params": sfu_params,
        "sfu_error": sfu_error,
    }
    return render(request, "shows/interpret.html", context)


def show_ics(request, fair_slug: str, show_id: int):
    fair = access_fair(request.user, fair_slug)
    show = access_show(request.user, show_id, fair=fair)
    zone = getattr(request.user, "time_zone", "") or show.zone
    response = HttpResponse(ics.invitation(show, zone=zone), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="show-{show.pk}.ics"'
    return response


@login_required
@require_POST
def show_remind(request, fair_slug: str, show_id: int):
    fair = access_fair(request.user, fair_slug)
    show = access_show(request.user, show_id, fair=fair)
    try:
        services.show_follow(user=request.user, show=show)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(
            request, _("We will remind you 10 minutes before the show. The invitation is in your mail.")
        )
    return redirect("show_detail", fair.slug, show.pk)


@login_required
@require_POST
def show_action(request, fair_slug: str, show_id: int, action: str):
    """The presenter goes live, ends the show, or cancels it before it begins."""
    fair = access_fair(request.user, fair_slug)
    show = access_show(request.user, show_id, perm="show:present", fair=fair)
    actions = {"live": services.show_go_live, "end": services.show_end, "cancel": services.show_cancel}
    if action not in actions:
        return redirect("show_detail", fair.slug, show.pk)
    try:
        actions[action](actor=request.user, show=show)
    except DomainError as e:
        messages.error(request, e.message)
    if action == "live" and show.status == Show.Status.LIVE:
        source = request.POST.get("on_air", "camera")
        return redirect(f"{show_url(fair, show)}?on_air={source if source in ON_AIR else 'camera'}")
    return redirect("show_detail", fair.slug, show.pk)


def show_url(fair, show) -> str:
    return reverse("show_detail", args=[fair.slug, show.pk])
