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

from kernel import events, jobs
from shows import notifications, services
from shows.models import Show, ShowFollower

log = logging.getLogger(__name__)

SOON = timedelta(minutes=10)
SCHEDULE_NAME = "shows.send_reminders"
STAGE_SCHEDULE_NAME = "shows.keep_stages"
OVERRUN = timedelta(minutes=30)  # a live show ends by itself this long after its announced end


def ensure_schedules() -> None:
    jobs.schedule(SCHEDULE_NAME, "shows.jobs.reminders_send", minutes=1)
    jobs.schedule(STAGE_SCHEDULE_NAME, "shows.jobs.stages_keep", minutes=1)


def stages_keep(now: datetime | None = None) -> dict:
    """Every minute, for each live show: put out who publishes without a presenter's pass (and ids we
    never issued); end the shows that ran more than OVERRUN past their end."""
    now = now or timezone.now()
    kicked, ended = 0, 0
    for show in Show.objects.filter(status=Show.Status.LIVE).select_related("booth__company", "fair"):
        try:
            if show.ends_at + OVERRUN < now:
                services.show_end(actor=None, show=show, system=True)
                ended += 1
            else:
                kicked += len(services.show_enforce_roles(show=show))
        except Exception:  # Janus away or a bad room: the next minute tries again
            log.exception("show %s: keeping the stage failed", show.pk)
    return {"kicked": kicked, "ended": ended}


def stage_keep(show_id: int) -> int:
    """One live show's stage kept at once: queued when someone's place on it is taken away (an
    interpreter taken off the show, or declining it), so they are out of the room in seconds rather
    than at the next minute's round. Returns how many Janus put out."""
    show = Show.objects.filter(pk=show_id, status=Show.Status.LIVE).first()
    return len(services.show_enforce_roles(show=show)) if show is not None else 0


@events.subscribe("show.interpreter_removed", "show.interpreter_answered", phase=events.COMMITTED)
def _stage_changed(event: events.Event) -> None:
    show: Show = event.subject
    if event.data.get("accepted"):
        return  # a confirmed interpreter gains a place: nobody to put out
    if show.status == Show.Status.LIVE and show.janus_room:
        jobs.enqueue("shows.jobs.stage_keep", show.pk, group="shows")


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
