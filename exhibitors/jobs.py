"""Background work of the live booth, run by the django-q2 worker.

``knocks_expire`` runs every minute (a Schedule created on migrate): knocks nobody answered in
time are marked missed even when the process that took them died before its timer fired, and the
buyer and staff still in the booth are told (through the outbox, exhibitors/subscribers.py). The
conditional update in ``services.knock_expire_due`` marks each knock once, whichever process gets
there first.
"""

from __future__ import annotations

from django_q.models import Schedule

from exhibitors import services

SCHEDULE_NAME = "exhibitors.knocks_expire"


def ensure_schedules() -> None:
    Schedule.objects.update_or_create(
        name=SCHEDULE_NAME,
        defaults={"func": "exhibitors.jobs.knocks_expire", "schedule_type": Schedule.MINUTES, "minutes": 1},
    )


def knocks_expire() -> int:
    """Marking a knock missed tells the buyer and the staff (exhibitors/subscribers.py)."""
    return len(services.knock_expire_due())
