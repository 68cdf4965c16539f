"""The transactional outbox: everything that leaves the process, written with the change it tells of.

    outbox.mail(to=[...], subject=..., body=..., attachments=[("invite.ics", text, "text/calendar")])
    outbox.push(group="user.12", message={"type": "relay", "payload": {...}})

Each call writes one OutboxMessage row in the current transaction, so a rolled-back change sends
nothing and a committed one cannot lose its mail or notification when Redis, SMTP or the process
goes away. Delivery:

- at once, after the commit, by the process that made the change, for the kinds that people wait
  for (live notifications: ``push``), and for every kind when settings.OUTBOX_DELIVER_AT_ONCE
  (the test suite);
- by the worker (``manage.py worker`` runs ``relay()`` beside the job queue) for everything still
  due: mail, a push whose first try failed, webhooks. A failed try is retried with exponential
  backoff (2 s, 4 s, 8 s... at most OUTBOX_MAX_BACKOFF_SECONDS apart); after
  OUTBOX_GIVE_UP_SECONDS the row is marked given up and stays listed in the admin.

Each row is claimed before it is delivered (a conditional UPDATE, on PostgreSQL and SQLite alike),
so two deliverers never send it twice; a deliverer that dies mid-send leaves a claim that expires
after OUTBOX_CLAIM_SECONDS, and the row is sent again then (at least once).
"""

from __future__ import annotations

import base64
import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from datetime import timedelta

from asgiref.sync import async_to_sync
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kernel.models import OutboxMessage

log = logging.getLogger(__name__)

MAIL, PUSH = "mail", "push"
AT_ONCE_KINDS = {PUSH}

Deliver = Callable[[dict], None]
_deliverers: dict[str, Deliver] = {}


def deliverer(kind: str):
    """Register the function that delivers one payload of ``kind`` (it raises when it could not)."""

    def decorator(fn: Deliver) -> Deliver:
        _deliverers[kind] = fn
        return fn

    return decorator


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


# --- writing -------------------------------------------------------------------------------------


def put(kind: str, payload: dict, *, event: str = "", fair_id: int | None = None) -> OutboxMessage:
    """Write one message in the current transaction; it is delivered after the commit."""
    if kind not in _deliverers:
        raise ValueError(f"no deliverer for outbox messages of kind {kind!r}")
    row = OutboxMessage.objects.create(kind=kind, payload=payload, event=event[:64], fair_id=fair_id)
    if kind in AT_ONCE_KINDS or getattr(settings, "OUTBOX_DELIVER_AT_ONCE", False):
        transaction.on_commit(lambda: deliver([row.pk]))
    return row


def mail(
    *,
    to: Sequence[str],
    subject: str,
    body: str,
    html: str | None = None,
    reply_to: Sequence[str] = (),
    attachments: Sequence[tuple[str, str | bytes, str]] = (),
    event: str = "",
    fair_id: int | None = None,
) -> OutboxMessage:
    """One e-mail (the one way mail leaves Tradefair). ``attachments``: (filename, content, mimetype)."""
    files = []
    for filename, content, mimetype in attachments:
        if isinstance(content, bytes):
            files.append({"name": filename, "base64": base64.b64encode(content).decode(), "type": mimetype})
        else:
            files.append({"name": filename, "text": content, "type": mimetype})
    payload = {
        "to": list(to),
        "subject": str(subject),
        "body": str(body),
        "html": html,
        "reply_to": list(reply_to),
        "attachments": files,
    }
    return put(MAIL, payload, event=event, fair_id=fair_id)


def push(
    *, group: str, message: dict, layer: str = "default", event: str = "", fair_id: int | None = None
) -> OutboxMessage:
    """A channel-layer message to ``group`` (every socket of a person, a booth, a room...) on the
    channel layer ``layer`` (settings.CHANNEL_LAYERS)."""
    return put(PUSH, {"group": group, "message": message, "layer": layer}, event=event, fair_id=fair_id)


# --- delivering ----------------------------------------------------------------------------------


@deliverer(MAIL)
def _deliver_mail(payload: dict) -> None:
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=payload["to"],
        reply_to=payload.get("reply_to") or None,
    )
    if payload.get("html"):
        message.attach_alternative(payload["html"], "text/html")
    for f in payload.get("attachments", []):
        content = base64.b64decode(f["base64"]) if "base64" in f else f["text"].encode()
        message.attach(f["name"], content, f["type"])
    message.send(fail_silently=False)


@deliverer(PUSH)
def _deliver_push(payload: dict) -> None:
    from channels.layers import get_channel_layer

    layer = get_channel_layer(payload.get("layer", "default"))
    if layer is None:
        return
    async_to_sync(layer.group_send)(payload["group"], payload["message"])


def _claim(pk: int, now) -> bool:
    lease = now + timedelta(seconds=_setting("OUTBOX_CLAIM_SECONDS", 120))
    return bool(
        OutboxMessage.objects.filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
            pk=pk,
            delivered_at__isnull=True,
            failed_at__isnull=True,
        ).update(claimed_until=lease)
    )


def _backoff(attempts: int) -> float:
    ceiling = _setting("OUTBOX_MAX_BACKOFF_SECONDS", 600)
    return min(ceiling, 2.0**attempts) * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not secrecy


def deliver_one(row: OutboxMessage) -> bool:
    """Deliver a claimed row; True when it went out. A failure schedules the next try."""
    now = timezone.now()
    try:
        _deliverers[row.kind](row.payload)
    except Exception as e:
        attempts = row.attempts + 1
        give_up = now - row.created_at > timedelta(seconds=_setting("OUTBOX_GIVE_UP_SECONDS", 86400))
        OutboxMessage.objects.filter(pk=row.pk).update(
            attempts=attempts,
            claimed_until=None,
            next_attempt_at=now + timedelta(seconds=_backoff(attempts)),
            failed_at=now if give_up else None,
            last_error=f"{type(e).__name__}: {e}"[:2000],
        )
        log.warning("outbox %s #%s (%s): try %d failed: %s", row.kind, row.pk, row.event, attempts, e)
        return False
    OutboxMessage.objects.filter(pk=row.pk).update(
        delivered_at=timezone.now(), attempts=row.attempts + 1, claimed_until=None
    )
    return True


def deliver(ids: Sequence[int]) -> int:
    """Deliver these rows now if nobody else has (after the commit that wrote them); returns how many
    went out. Never raises: what fails stays due for the worker."""
    sent = 0
    try:
        now = timezone.now()
        for row in OutboxMessage.objects.filter(pk__in=list(ids)).order_by("pk"):
            if _claim(row.pk, now):
                sent += deliver_one(row)
    except Exception:  # the database itself is away: the rows are committed, the worker sends them
        log.exception("outbox: delivering %d message(s) at once failed", len(ids))
    return sent


def deliver_due(*, limit: int = 200) -> int:
    """Deliver every row whose time has come (the worker's loop calls this); returns how many went out."""
    now = timezone.now()
    due = list(
        OutboxMessage.objects.filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
            delivered_at__isnull=True,
            failed_at__isnull=True,
            next_attempt_at__lte=now,
        ).order_by("next_attempt_at", "pk")[:limit]
    )
    sent = 0
    for row in due:
        if _claim(row.pk, now):
            sent += deliver_one(row)
    return sent


def relay(*, stop: threading.Event, interval: float | None = None) -> None:
    """Deliver what is due until ``stop`` is set, every ``interval`` seconds (OUTBOX_POLL_SECONDS)."""
    from django.db import close_old_connections

    interval = interval if interval is not None else _setting("OUTBOX_POLL_SECONDS", 0.5)
    while not stop.is_set():
        busy = False
        try:
            close_old_connections()
            busy = deliver_due() > 0
        except Exception:  # the database is away: try again next round
            log.exception("outbox relay: a round failed")
            time.sleep(min(5.0, interval * 4))
        if not busy:
            stop.wait(interval)
