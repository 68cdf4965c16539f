"""Background jobs of sourcing requests and standing halls (django-q2 Schedules created on migrate).

- ``rfq.close_due`` every minute: requests whose deadline passed are closed once and their buyer hears
  of it (a read of a request closes it too, so nobody sees a stale "open");
- ``rfq.standing_slots`` every hour: every fair open all year gets the next four weeks of slots from its
  booths' weekly hours (the window rolls on; what exists is kept).
"""

from __future__ import annotations

import logging

from django_q.models import Schedule

from fair.models import Fair
from rfq import services, standing

log = logging.getLogger(__name__)


def ensure_schedules() -> None:
    Schedule.objects.update_or_create(
        name="rfq.close_due",
        defaults={"func": "rfq.jobs.close_due", "schedule_type": Schedule.MINUTES, "minutes": 1},
    )
    Schedule.objects.update_or_create(
        name="rfq.standing_slots",
        defaults={"func": "rfq.jobs.standing_slots", "schedule_type": Schedule.MINUTES, "minutes": 60},
    )


def close_due() -> int:
    return services.rfq_close_due()


def standing_slots(weeks: int = 4) -> int:
    added = 0
    for fair in Fair.objects.filter(permanent=True):
        added += standing.standing_slots_open(fair=fair, weeks=weeks)
    if added:
        log.info("standing halls: %d weekly availabilities added", added)
    return added
