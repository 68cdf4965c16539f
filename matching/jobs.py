"""Background work for the django-q2 worker: refitting a fair's matching model.

``enqueue_refit`` runs a refit soon (e.g. after a large import); ``schedule_refits`` installs
a periodic job that refits every fair whose interactions changed since its newest model.
"""

from __future__ import annotations

import logging

from django.db.models import Count
from django_q.models import Schedule

from fair.models import Fair
from kernel.jobs import enqueue, schedule
from matching import selectors, services

log = logging.getLogger(__name__)

SCHEDULE_NAME = "matching.refit_changed"
# An import that creates or changes this many rows (booths, buyers, interactions) refits at once.
LARGE_IMPORT_ROWS = 500


def refit(fair_id: int) -> int | None:
    """Fit and store a new model of one fair; returns its version (None if the fair is gone)."""
    fair = Fair.objects.filter(pk=fair_id).first()
    if fair is None:
        return None
    record = services.matching_train(fair=fair)
    log.info("matching: %s refitted as version %s", fair.slug, record.version)
    return record.version


def refit_changed() -> list[int]:
    """Refit the fairs with booths whose interaction count moved since their newest model."""
    done = []
    for fair in Fair.objects.annotate(n_booths=Count("booths")).filter(n_booths__gt=0):
        latest = selectors.matching_model_latest(fair)
        count = fair.interactions.count()
        if latest is None or latest.meta.get("data", {}).get("interactions") != count:
            refit(fair.pk)
            done.append(fair.pk)
    return done


def enqueue_refit(fair: Fair) -> str:
    """Queue a refit of this fair for the worker (tried again on failure); returns the task id."""
    name = f"matching-refit-{fair.slug}"[:100]
    return enqueue("matching.jobs.refit", fair.pk, task_name=name, group="matching")


def refit_after_import(report) -> str | None:
    """After ``fair_import`` (an ImportReport): queue a refit if the import was large; the task id or None."""
    changed = sum(
        counts.created + counts.updated for counts in (report.exhibitors, report.buyers, report.interactions)
    )
    fair = Fair.objects.filter(slug=report.fair_slug).first()
    if fair is None or changed < LARGE_IMPORT_ROWS:
        return None
    return enqueue_refit(fair)


def schedule_refits(*, minutes: int = 60) -> Schedule:
    """Install (or update) the periodic refit of changed fairs."""
    return schedule(SCHEDULE_NAME, "matching.jobs.refit_changed", minutes=minutes)
