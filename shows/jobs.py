"""The reminder 10 minutes before a show to everyone who asked for it, sent by the worker every minute.

Each follower's row is claimed (``reminded_at`` set where it was empty) in the transaction that
writes the notice and the e-mail to the outbox: a second worker finds it claimed and sends nothing,
a crash rolls claim and messages back together.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from kernel import jobs
from shows import notifications
from shows.models import Show, ShowFollower

log = logging.getLogger(__name__)

SOON = timedelta(minutes=10)
SCHEDULE_NAME = "shows.send_reminders"


def ensure_schedules() -> None:
    jobs.schedule(SCHEDULE_NAME, "shows.jobs.reminders_send", minutes=1)


def reminders_send(now: datetime | None = None) -> int:
    now = now or timezone.now()
    due = ShowFollower.objects.filter(
        reminded_at__isnull=True,
        show__status=Show.Status.SCHEDULED,
        show__starts_at__gt=now,
        show__starts_at__lte=now + SOON,
    ).select_related("show__booth__company", "show__fair", "user")
    sent = 0
    for follower in due:
        with transaction.atomic():
            if not ShowFollower.objects.filter(pk=follower.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue
            notifications.tell(follower.show, kind=notifications.SOON, users=[follower.user])
        sent += 1
    if sent:
        log.info("sent %d show reminders", sent)
    return sent
