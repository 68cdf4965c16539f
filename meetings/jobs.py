"""Reminders 24 hours and 10 minutes before each accepted meeting, sent by the django-q2 worker.

``reminders_send`` runs every minute (a django-q2 Schedule created on migrate).
For each (meeting, kind, user) due, it claims a Reminder row and sends, in one
transaction: the row is unique, so a second run (or a second worker) finds it
and sends nothing. The mail and the live notification are written to the
outbox in that same transaction (kernel/outbox.py): if the worker dies before
it commits, claim and messages roll back together and the next run sends.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_q.models import Schedule

from meetings import ics, notifications, protocol
from meetings.models import Meeting, Reminder
from meetings.selectors import people
from meetings.slots import format_day, format_dual
from notices.services import notify

log = logging.getLogger(__name__)

WINDOWS = {Reminder.Kind.DAY: timedelta(hours=24), Reminder.Kind.SOON: timedelta(minutes=10)}
SCHEDULE_NAME = "meetings.send_reminders"
FOLLOW_UP_SCHEDULE_NAME = "meetings.nudge_follow_ups"


def ensure_schedules() -> None:
    Schedule.objects.update_or_create(
        name=SCHEDULE_NAME,
        defaults={"func": "meetings.jobs.reminders_send", "schedule_type": Schedule.MINUTES, "minutes": 1},
    )
    Schedule.objects.update_or_create(
        name=FOLLOW_UP_SCHEDULE_NAME,
        defaults={
            "func": "meetings.ledger.follow_ups_nudge",
            "schedule_type": Schedule.MINUTES,
            "minutes": 15,
        },
    )


def _due(now: datetime):
    """(meeting, kind) pairs whose reminder time has come and whose meeting has not begun."""
    for kind, before in WINDOWS.items():
        meetings = Meeting.objects.filter(
            status=Meeting.Status.ACCEPTED, slot__starts_at__gt=now, slot__starts_at__lte=now + before
        ).select_related(
            "fair", "slot", "buyer__user", "buyer__company", "booth__company", "interpreter__user"
        )
        # The 24-hour reminder is pointless when the 10-minute one is due too.
        if kind == Reminder.Kind.DAY:
            meetings = meetings.filter(slot__starts_at__gt=now + WINDOWS[Reminder.Kind.SOON])
        for meeting in meetings:
            yield meeting, kind


def _send_one(meeting: Meeting, kind: str, user, other_zone: str) -> None:
    with translation.override(user.language):
        when = format_dual(meeting.slot.starts_at, viewer_zone=user.time_zone, other_zone=other_zone)
        subject = (
            _("Tomorrow: meeting with %(who)s")
            if kind == Reminder.Kind.DAY
            else _("In 10 minutes: meeting with %(who)s")
        ) % {
            "who": meeting.booth.company.name
            if user.pk == meeting.buyer.user_id
            else str(meeting.buyer.company)
        }
        day = format_day(meeting.slot.starts_at, zone=user.time_zone)
        join = _("Join the meeting: %(link)s") % {"link": ics.meeting_link(meeting)}
        body = f"{subject}\n\n{day}\n{when}\n\n{join}"
    if user.email:
        notifications.mail(to=user.email, subject=subject, body=body, event=protocol.MEETING_REMINDER)
    payload = {
        "type": protocol.MEETING_REMINDER,
        "kind": kind,
        "meeting_id": meeting.pk,
        "starts_at": meeting.slot.starts_at.isoformat(),
        "link": ics.meeting_link(meeting),
    }
    notifications.push(user_ids=[user.pk], payload=payload, event=protocol.MEETING_REMINDER)
    notify(
        user_ids=[user.pk],
        kind=notifications.REMINDER_NOTICES[kind].name,
        params={
            "who": meeting.booth.company.name
            if user.pk == meeting.buyer.user_id
            else str(meeting.buyer.company)
        },
        url=reverse("meeting_detail", kwargs={"meeting_id": meeting.pk}),
        fair_id=meeting.fair_id,
    )


def reminders_send(now: datetime | None = None) -> int:
    """Send every reminder that is due and not yet sent; returns how many went out."""
    now = now or timezone.now()
    sent = 0
    for meeting, kind in _due(now):
        for user, other_zone in people(meeting, with_organizers=False):
            if user.pk is None:
                continue
            try:
                with transaction.atomic():
                    # The claim: a unique row; whoever inserts it sends. On a crash it rolls back.
                    Reminder.objects.create(meeting=meeting, kind=kind, user=user, sent_at=timezone.now())
                    _send_one(meeting, kind, user, other_zone)
            except IntegrityError:
                continue  # already sent (or being sent by another worker right now)
            sent += 1
    if sent:
        log.info("sent %d meeting reminders", sent)
    return sent
