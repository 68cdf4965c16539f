"""Telling people about shows: the invitation (with its ICS) to who asks to be reminded, "live now"
to them when the show starts, and the reminder 10 minutes before (shows/jobs.py). Each is a line in
the notification centre (notices/) and an e-mail, written to the outbox in the transaction of the
change.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel import events, outbox
from meetings.slots import format_day, format_dual
from notices import kinds as notice_kinds
from notices.services import notify
from shows import ics, protocol
from shows.models import Show, ShowFollower, ShowInterpretation
from shows.selectors import sounds as sound_choices

FOLLOWED = notice_kinds.register("show.followed", gettext_lazy("Reminder set: %(title)s (%(booth)s)"))
LIVE = notice_kinds.register("show.live", gettext_lazy("Live now: %(title)s (%(booth)s)"), toast=True)
CANCELLED = notice_kinds.register(
    "show.cancelled", gettext_lazy("Cancelled: %(title)s (%(booth)s)"), toast=True
)
SOON = notice_kinds.register(
    "show.reminder", gettext_lazy("In 10 minutes: %(title)s (%(booth)s)"), toast=True
)
INTERPRETING = notice_kinds.register(
    "show.interpreter_assigned", gettext_lazy("You interpret: %(title)s (%(booth)s)"), toast=True
)
INTERPRETER_CONFIRMED = notice_kinds.register(
    "show.interpreter_confirmed", gettext_lazy("Interpreter confirmed: %(title)s (%(booth)s)")
)
INTERPRETER_DECLINED = notice_kinds.register(
    "show.interpreter_declined", gettext_lazy("Interpreter declined: %(title)s (%(booth)s)"), toast=True
)
NOT_INTERPRETING = notice_kinds.register(
    "show.interpreter_removed", gettext_lazy("You no longer interpret: %(title)s (%(booth)s)"), toast=True
)


def _url(show: Show) -> str:
    return reverse("show_detail", kwargs={"fair_slug": show.fair.slug, "show_id": show.pk})


def _params(show: Show) -> dict:
    return {"title": show.title, "booth": show.booth.company.name}


def tell(show: Show, *, kind, users, attach: bool = False, method: str = "PUBLISH") -> None:
    """A notice and an e-mail (with the show's ICS when ``attach``) to each of ``users``."""
    users = [u for u in users if u is not None and u.pk is not None]
    notify(
        user_ids=[u.pk for u in users],
        kind=kind.name,
        params=_params(show),
        url=_url(show),
        fair_id=show.fair_id,
    )
    for user in users:
        if not user.email:
            continue
        zone = getattr(user, "time_zone", "") or "UTC"
        with translation.override(getattr(user, "language", None) or None):
            subject = str(kind.text) % _params(show)
            lines = [
                subject,
                "",
                format_day(show.starts_at, zone=zone),
                format_dual(show.starts_at, viewer_zone=zone, other_zone=show.zone),
                "",
                _("Watch the show: %(link)s") % {"link": ics.show_link(show)},
            ]
        attachments = []
        if attach:
            text = ics.invitation(show, zone=zone, method=method).decode()
            attachments.append(("show.ics", text, f"text/calendar; charset=utf-8; method={method}"))
        outbox.mail(
            to=[user.email],
            subject=subject,
            body="\n".join(lines),
            attachments=attachments,
            event=kind.name,
            fair_id=show.fair_id,
        )


@events.subscribe("show.followed", phase=events.NOW)
def _followed(event: events.Event) -> None:
    show: Show = event.subject
    user = get_user_model().objects.filter(pk=event.data["user_id"]).first()
    tell(show, kind=FOLLOWED, users=[user], attach=True)


@events.subscribe("show.live", phase=events.NOW)
def _live(event: events.Event) -> None:
    show: Show = event.subject
    users = [f.user for f in ShowFollower.objects.filter(show=show).select_related("user")]
    tell(show, kind=LIVE, users=users)


@events.subscribe("show.cancelled", phase=events.NOW)
def _cancelled(event: events.Event) -> None:
    """Who asked to be reminded hears of it, with the calendar's cancellation (METHOD:CANCEL)."""
    show: Show = event.subject
    users = [f.user for f in ShowFollower.objects.filter(show=show).select_related("user")]
    tell(show, kind=CANCELLED, users=users, attach=True, method="CANCEL")


@events.subscribe("show.live", "show.ended", "show.cancelled", phase=events.NOW)
def _status(event: events.Event) -> None:
    """Every open page of the show hears its new status (the show socket's "status" frame)."""
    show: Show = event.subject
    outbox.push(
        group=protocol.show_group(show.pk),
        message={"type": protocol.LAYER_FRAME, "frame": {"type": protocol.STATUS, "status": show.status}},
        event=event.name,
        fair_id=show.fair_id,
    )


@events.subscribe("show.interpreter_assigned", phase=events.NOW)
def _interpreter_assigned(event: events.Event) -> None:
    """The interpreter hears of it, with the show's calendar file (their agenda gets the show too)."""
    show: Show = event.subject
    user = get_user_model().objects.filter(pk=event.data["user_id"]).first()
    tell(show, kind=INTERPRETING, users=[user], attach=True)


@events.subscribe("show.interpreter_answered", phase=events.NOW)
def _interpreter_answered(event: events.Event) -> None:
    """Whoever assigned the interpreter hears their answer."""
    show: Show = event.subject
    row = ShowInterpretation.objects.filter(pk=event.data["interpretation_id"]).select_related("assigned_by")
    interpretation = row.first()
    if interpretation is None or interpretation.assigned_by is None:
        return
    kind = INTERPRETER_CONFIRMED if event.data["accepted"] else INTERPRETER_DECLINED
    tell(show, kind=kind, users=[interpretation.assigned_by])


@events.subscribe("show.interpreter_removed", phase=events.NOW)
def _interpreter_removed(event: events.Event) -> None:
    """The interpreter taken off the show hears of it, with the calendar's cancellation."""
    show: Show = event.subject
    user = get_user_model().objects.filter(pk=event.data["user_id"]).first()
    tell(show, kind=NOT_INTERPRETING, users=[user], attach=True, method="CANCEL")


@events.subscribe(
    "show.interpreter_assigned", "show.interpreter_answered", "show.interpreter_removed", phase=events.NOW
)
def _sounds(event: events.Event) -> None:
    """Every open page of the show hears which interpretations it may choose now (the "sounds" frame)."""
    show: Show = event.subject
    outbox.push(
        group=protocol.show_group(show.pk),
        message={
            "type": protocol.LAYER_FRAME,
            "frame": {"type": protocol.SOUNDS, "sounds": sound_choices(show_id=show.pk)},
        },
        event=event.name,
        fair_id=show.fair_id,
    )
