"""The worker closes video rooms whose time is over (every minute, a django-q2 Schedule made on migrate).

Closing writes the room's report once and decides a no-show for a side that never came
(meetings.room.room_close); a second run or a second worker finds the report and does nothing.
"""

from __future__ import annotations

from django_q.models import Schedule

from meetings import room

SCHEDULE_NAME = "meetings.rooms_close"


def ensure_schedules() -> None:
    Schedule.objects.update_or_create(
        name=SCHEDULE_NAME,
        defaults={"func": "meetings.room_jobs.rooms_close", "schedule_type": Schedule.MINUTES, "minutes": 1},
    )


def rooms_close() -> int:
    return len(room.rooms_close_due())
