"""Background work of the live booth, run by the django-q2 worker.

``knocks_expire`` runs every minute (a Schedule created on migrate): knocks nobody answered in
time are marked missed even when the process that took them died before its timer fired, and the
buyer and staff still in the booth are told. The conditional update in
``services.knock_expire_due`` marks each knock once, whichever process gets there first.
"""

from __future__ import annotations

from asgiref.sync import async_to_sync
from django_q.models import Schedule

from exhibitors import selectors, services

SCHEDULE_NAME = "exhibitors.knocks_expire"


def ensure_schedules() -> None:
    Schedule.objects.update_or_create(
        name=SCHEDULE_NAME,
        defaults={"func": "exhibitors.jobs.knocks_expire", "schedule_type": Schedule.MINUTES, "minutes": 1},
    )


def knocks_expire() -> int:
    from exhibitors.live import send_missed

    marked = services.knock_expire_due()
    for knock in marked:
        frame = selectors.knock_missed_frame(knock)  # with the buyer's slots, as the timer sends it
        async_to_sync(send_missed)(knock.booth_id, frame, knock.buyer.user_id)
    return len(marked)
