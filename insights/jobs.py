"""Background work of the organizer's console: the dashboard's past hours, counted ahead of time."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_q.models import Schedule

from fair.models import Fair
from insights.stats import history_warm

SCHEDULE_NAME = "tradefair.dashboard_history_warm"


def dashboard_history_warm() -> int:
    """Every minute: count the visits before the current hour of each fair on around now (a day's
    margin for the time zones), unless a dashboard already did, so that no dashboard waits for it.
    Returns how many fairs were counted."""
    today = timezone.now().date()
    fairs = Fair.objects.filter(
        starts_on__lte=today + timedelta(days=1), ends_on__gte=today - timedelta(days=1)
    )
    return sum(history_warm(fair) for fair in fairs)


def ensure_schedules() -> None:
    Schedule.objects.update_or_create(
        name=SCHEDULE_NAME,
        defaults={
            "func": "insights.jobs.dashboard_history_warm",
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
        },
    )
