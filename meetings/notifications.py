"""Telling people about their meetings: a line in their notification centre (notices/, with the
bell's count and, for requests and accepts, a toast), a live notification on every socket of
theirs (the notifications socket, docs/meetings.md) and an e-mail, all written in the transaction
that made the change (the socket and the mail through the outbox, kernel/outbox.py), so a
rolled-back step tells no one and a committed one reaches everyone even when Redis or SMTP was
away for a while.

A new kind of meeting event is one line in SUBJECTS: the e-mail subject is also the notice's text
(notices/kinds.py); TOASTS names those that pop up on the page the person has open.

The services emit the events (meetings/services.py); this module hears them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel import events, outbox
from meetings import ics, protocol
from meetings.models import Meeting, Reminder
from meetings.selectors import meeting_payload, people
from meetings.slots import format_day, format_dual
from notices import kinds as notice_kinds
from notices.services import notify

SUBJECTS = {
    protocol.MEETING_REQUESTED: gettext_lazy("Meeting request from %(buyer)s"),
    protocol.MEETING_INVITED: gettext_lazy("Meeting invitation from %(booth)s"),
    protocol.MEETING_ACCEPTED: gettext_lazy("Meeting confirmed: %(booth)s and %(buyer)s"),
    protocol.MEETING_DECLINED: gettext_lazy("Meeting declined: %(booth)s and %(buyer)s"),
    protocol.MEETING_PROPOSED: gettext_lazy("Another time proposed: %(booth)s and %(buyer)s"),
    protocol.MEETING_RESCHEDULED: gettext_lazy("Meeting moved: %(booth)s and %(buyer)s"),
    protocol.MEETING_CANCELLED: gettext_lazy("Meeting cancelled: %(booth)s and %(buyer)s"),
    protocol.MEETING_INTERPRETER: gettext_lazy("Interpreter for %(booth)s and %(buyer)s"),
    protocol.ROUND_PUBLISHED: gettext_lazy("New meeting scheduled: %(booth)s and %(buyer)s"),
}

# The kinds that pop up as a toast besides the bell (docs/notices.md); "meeting.invited" is the
# exhibitor's invitation of a buyer (meetings.services.meeting_invite).
TOASTS = {protocol.MEETING_REQUESTED, protocol.MEETING_ACCEPTED, protocol.MEETING_INVITED}

for _kind, _text in SUBJECTS.items():
    notice_kinds.register(_kind, _text, toast=_kind in TOASTS)

# Reminders (sent by meetings/jobs.py with their e-mail): a toast as well as the bell.
REMINDER_NOTICES = {
    Reminder.Kind.DAY: notice_kinds.register(
        "meeting.reminder.day", gettext_lazy("Tomorrow: meeting with %(who)s"), toast=True
    ),
    Reminder.Kind.SOON: notice_kinds.register(
        "meeting.reminder.soon", gettext_lazy("In 10 minutes: meeting with %(who)s"), toast=True
    ),
}


def push(*, user_ids: Iterable[int], payload: dict, event: str = "", fair_id: int | None = None) -> None:
    """A live notification to every socket of these users (the outbox delivers it after the commit)."""
    for user_id in sorted(set(user_ids)):
        outbox.push(
            group=protocol.user_group(user_id),
            message={"type": protocol.RELAY, "payload": payload},
            event=event,
            fair_id=fair_id,
        )


def mail(
    *, to: str, subject: str, body: str, ics_text: bytes | str | None = None, method: str = "REQUEST", **kw
) -> None:
    attachments = []
    if ics_text is not None:
        text = ics_text.decode() if isinstance(ics_text, bytes) else ics_text
        attachments.append(("invite.ics", text, f"text/calendar; charset=utf-8; method={method}"))
    outbox.mail(to=[to], subject=subject, body=body, attachments=attachments, **kw)


@events.subscribe(*SUBJECTS, phase=events.NOW)
def _meeting_changed(event: events.Event) -> None:
    meeting: Meeting = event.subject
    kind, actor_id = event.name, event.actor_id
    invite, cancel_invite = event.data.get("invite", False), event.data.get("cancel_invite", False)
    everyone = people(meeting)
    others = [(u, z) for u, z in everyone if actor_id is None or u.pk != actor_id]
    push(
        user_ids=[u.pk for u, _z in others],
        payload=meeting_payload(meeting, kind),
        event=kind,
        fair_id=meeting.fair_id,
    )
    notify(
        user_ids=[u.pk for u, _z in others],
        kind=kind,
        params={
            "buyer": str(meeting.buyer.company or meeting.buyer.user),
            "booth": meeting.booth.company.name,
        },
        url=reverse("meeting_detail", kwargs={"meeting_id": meeting.pk}),
        fair_id=meeting.fair_id,
    )
    attach = invite or cancel_invite
    recipients = everyone if attach else others  # an invitation goes to the actor's calendar too
    for user, other_zone in recipients:
        if not user.email:
            continue
        with translation.override(user.language):
            names = {
                "buyer": str(meeting.buyer.company or meeting.buyer.user),
                "booth": meeting.booth.company.name,
            }
            subject = str(SUBJECTS[kind] % names)
            when = format_dual(meeting.slot.starts_at, viewer_zone=user.time_zone, other_zone=other_zone)
            day = format_day(meeting.slot.starts_at, zone=user.time_zone)
            lines = [subject, "", day, when]
            if meeting.message:
                lines += ["", meeting.message]
            if meeting.reason and kind in (protocol.MEETING_DECLINED, protocol.MEETING_CANCELLED):
                lines += ["", _("Reason: %(reason)s") % {"reason": meeting.reason}]
            lines += ["", _("Join the meeting: %(link)s") % {"link": ics.meeting_link(meeting)}]
            invitation = (
                ics.invitation(meeting, zone=user.time_zone, cancel=cancel_invite) if attach else None
            )
        mail(
            to=user.email,
            subject=subject,
            body="\n".join(lines),
            ics_text=invitation,
            method="CANCEL" if cancel_invite else "REQUEST",
            event=kind,
            fair_id=meeting.fair_id,
        )
