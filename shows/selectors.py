"""Reads for live shows: the programme, a booth's shows, the socket's snapshot and payloads, figures."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from exhibitors.models import Booth
from kernel.access import allowed
from shows import protocol as p
from shows.access import ShowViewer
from shows.models import Show, ShowChatMessage, ShowFollower, ShowInterpretation, ShowStats

RECENT = timedelta(hours=2)  # ended shows stay in the programme this long


def programme(*, fair, user, now: datetime | None = None) -> list[Show]:
    """The fair's shows now and to come (and those just ended) that ``user`` may see, by start."""
    now = now or timezone.now()
    rows = (
        Show.objects.filter(fair=fair, ends_at__gt=now - RECENT)
        .select_related("booth__company", "booth__fair", "fair")
        .order_by("starts_at", "pk")
    )
    return [s for s in rows if allowed(user, "show:view", s)]


# How the API lists a fair's shows: live first, then those to come, then those that ended.
_STATUS_ORDER = {Show.Status.LIVE: 0, Show.Status.SCHEDULED: 1, Show.Status.ENDED: 2}


def show_list(*, fair, user, booth_id: int | None = None, status: str | None = None) -> list[Show]:
    """The fair's shows ``user`` may see (show:view), for the API: live, then scheduled (by start), then
    ended (the latest first); ``booth_id`` and ``status`` narrow it. Products and interpretations are
    prefetched for the answer's shape."""
    rows = (
        Show.objects.filter(fair=fair)
        .select_related("booth__company", "booth__fair", "fair", "pinned")
        .prefetch_related("products", "interpretations")
    )
    if booth_id is not None:
        rows = rows.filter(booth_id=booth_id)
    if status:
        rows = rows.filter(status=status)
    shows = [s for s in rows if allowed(user, "show:view", s)]
    shows.sort(key=lambda s: (_STATUS_ORDER.get(s.status, 3), s.starts_at, s.pk))
    ended = [s for s in shows if s.status == Show.Status.ENDED]
    ended.sort(key=lambda s: (s.starts_at, s.pk), reverse=True)
    return [s for s in shows if s.status != Show.Status.ENDED] + ended


def followed_ids(*, user, shows) -> set[int]:
    """Which of ``shows`` ``user`` follows (one query; none for a visitor)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    ids = [s.pk for s in shows]
    return set(
        ShowFollower.objects.filter(user_id=user.pk, show_id__in=ids).values_list("show_id", flat=True)
    )


def booth_shows(*, booth: Booth, now: datetime | None = None) -> QuerySet[Show]:
    now = now or timezone.now()
    return (
        Show.objects.filter(booth=booth, ends_at__gt=now - RECENT)
        .exclude(status=Show.Status.ENDED, janus_room="")
        .select_related("fair")
        .order_by("starts_at")
    )


def show_counts(*, show_id: int) -> dict:
    stats = ShowStats.objects.filter(show_id=show_id).first()
    return {"now": stats.viewers_now if stats else 0, "peak": stats.viewers_peak if stats else 0}


def product_payload(product) -> dict | None:
    if product is None:
        return None
    return {"id": product.pk, "name": product.name, "hs_code": product.hs_code}


def message_payload(message: ShowChatMessage) -> dict:
    return {
        "id": message.pk,
        "author": message.author_name,
        "staff": message.author_is_staff,
        "body": message.body,
        "at": message.created_at.isoformat(),
    }


def sounds(*, show_id: int) -> list[dict]:
    """What a viewer may hear besides the original: the show's confirmed interpretations."""
    rows = ShowInterpretation.objects.filter(show_id=show_id, status=ShowInterpretation.Status.CONFIRMED)
    return [{"language": r.language, "name": r.get_language_display()} for r in rows.order_by("language")]


def snapshot(*, show: Show, viewer: ShowViewer) -> dict:
    messages = list(ShowChatMessage.objects.filter(show=show).order_by("-pk")[: p.SNAPSHOT_MESSAGES])
    show.refresh_from_db(fields=["status", "pinned"])
    return {
        "type": p.SNAPSHOT,
        "status": show.status,
        "pinned": product_payload(show.pinned),
        "messages": [message_payload(m) for m in reversed(messages)],
        "viewers": show_counts(show_id=show.pk),
        "sounds": sounds(show_id=show.pk),
        "me": {
            "name": viewer.name,
            "role": viewer.role,
            "can_chat": viewer.can_chat,
            "can_present": viewer.can_present,
        },
    }


def fair_show_figures(*, fair) -> list[dict]:
    """Every show of the fair with its figures, for the organizers' dashboard."""
    rows = (
        Show.objects.filter(fair=fair)
        .exclude(status=Show.Status.SCHEDULED, starts_at__lt=timezone.now() - RECENT)
        .select_related("booth__company", "stats")
        .order_by("-starts_at")
    )
    figures = []
    for show in rows:
        stats = getattr(show, "stats", None) or ShowStats(show=show)
        figures.append(
            {
                "show": show,
                "viewers_now": stats.viewers_now,
                "viewers_peak": stats.viewers_peak,
                "viewers_total": stats.viewers_total,
                "watch_minutes": round(stats.watch_seconds / 60),
                "pins": stats.pins,
                "quote_clicks": stats.quote_clicks,
                "sample_clicks": stats.sample_clicks,
                "consult_clicks": stats.consult_clicks,
            }
        )
    return figures


def recording_files(*, show: Show) -> list[str]:
    """The names of the show's recording files (Janus's .mjr, one per track of each presenter) in
    JANUS_RECORDINGS_DIR, when this process can read that folder (docs/janus.md, "Recordings")."""
    folder = getattr(settings, "JANUS_RECORDINGS_DIR", "")
    if not (show.record and show.janus_room and folder) or not Path(folder).is_dir():
        return []
    return sorted(p.name for p in Path(folder).glob(f"videoroom-{show.janus_room}-user-*.mjr"))


def interpreting(*, user, fair=None, now: datetime | None = None) -> list[ShowInterpretation]:
    """The shows ``user`` is asked to interpret or interprets (not declined, not over), by start: what
    their agenda lists."""
    now = now or timezone.now()
    rows = (
        ShowInterpretation.objects.filter(
            interpreter__user_id=user.pk,
            interpreter__status="approved",
            show__ends_at__gt=now,
        )
        .exclude(status=ShowInterpretation.Status.DECLINED)
        .exclude(show__status=Show.Status.ENDED)
    )
    if fair is not None:
        rows = rows.filter(show__fair=fair)
    return list(rows.select_related("show__fair", "show__booth__company").order_by("show__starts_at", "pk"))
