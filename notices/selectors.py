"""Reads of the notification centre."""

from __future__ import annotations

from django.db.models import QuerySet

from notices import kinds
from notices.models import Notice

PAGE = 50


def unread_count(*, user) -> int:
    """The bell's number: the person's unread notices (0 for a visitor who is not signed in)."""
    if user is None or not user.is_authenticated:
        return 0
    return Notice.objects.filter(user=user, read_at__isnull=True).count()


def notice_list(*, user, unread_only: bool = False) -> QuerySet[Notice]:
    """The person's notices, newest first."""
    rows = Notice.objects.filter(user=user)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows


def notice_text(notice: Notice) -> str:
    """The notice's line in the active language."""
    return kinds.render(notice.kind, notice.params or {}, notice.text)


def notice_payload(notice: Notice, *, text: str | None = None) -> dict:
    """A notice as the API and the socket give it."""
    return {
        "id": notice.pk,
        "kind": notice.kind,
        "text": text if text is not None else notice_text(notice),
        "url": notice.url,
        "fair": notice.fair_id,
        "created_at": notice.created_at.isoformat(),
        "read": notice.read_at is not None,
        "toast": kinds.toast(notice.kind),
    }
