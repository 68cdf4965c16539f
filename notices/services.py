"""Writes of the notification centre: notices written by the subscribers of domain events (in the
transaction of the change they tell of), and marked read by their reader.

Each new notice is also pushed, through the outbox, to every open socket of its reader
(ws/notifications/): the bell's count changes and, for the kinds that want it, a toast appears.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation

from kernel import outbox
from kernel.page_versions import person_changed
from notices import kinds, protocol
from notices.models import Notice
from notices.selectors import notice_payload, unread_count


def _push(user_id: int, frame: dict, *, event: str, fair_id: int | None) -> None:
    outbox.push(
        group=protocol.user_group(user_id),
        message={"type": protocol.RELAY, "payload": frame},
        event=event,
        fair_id=fair_id,
    )


def notify(
    *,
    user_ids: Iterable[int],
    kind: str,
    params: dict | None = None,
    url: str = "",
    fair_id: int | None = None,
) -> list[Notice]:
    """One notice of ``kind`` for each of these users (duplicates and None dropped), each told live.

    Call it inside the transaction of the change (a NOW subscriber): a rollback leaves no notice.
    """
    ids = sorted({int(u) for u in user_ids if u is not None})
    if not ids:
        return []
    params = {k: str(v) for k, v in (params or {}).items()}
    now = timezone.now()
    written = []
    users = get_user_model().objects.filter(pk__in=ids, is_active=True).only("pk", "language")
    for user in users:
        with translation.override(getattr(user, "language", None) or None):
            text = kinds.render(kind, params)[:500]
        notice = Notice.objects.create(
            user=user, fair_id=fair_id, kind=kind, params=params, text=text, url=url[:500], created_at=now
        )
        written.append(notice)
        frame = {
            "type": protocol.NOTICE,
            "notice": notice_payload(notice, text=text),
            "unread": unread_count(user=user),
            "toast": kinds.toast(kind),
        }
        _push(user.pk, frame, event=kind, fair_id=fair_id)
    person_changed(*(n.user_id for n in written))  # their bell's count, on their kept pages
    return written


@transaction.atomic
def notice_mark_read(*, user, notice: Notice) -> Notice:
    """Mark one of the person's notices read (again: no change); their other tabs hear it."""
    if notice.user_id != user.pk:  # access_notice loads only the person's own: a second guard
        raise ValueError("not this person's notice")
    if notice.read_at is None:
        notice.read_at = timezone.now()
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=notice.read_at)
        frame = {"type": protocol.NOTICE_READ, "ids": [notice.pk], "unread": unread_count(user=user)}
        _push(user.pk, frame, event=protocol.NOTICE_READ, fair_id=notice.fair_id)
        person_changed(user.pk)
    return notice


@transaction.atomic
def notices_mark_all_read(*, user) -> int:
    """Mark every unread notice of the person read; returns how many."""
    marked = Notice.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
    if marked:
        frame = {"type": protocol.NOTICE_READ, "ids": "all", "unread": 0}
        _push(user.pk, frame, event=protocol.NOTICE_READ, fair_id=None)
        person_changed(user.pk)
    return marked
