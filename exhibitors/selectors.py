"""Reads for the live booth: who the viewer is, what they may see, the chat history, knocks."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from exhibitors.access import Viewer, display_name
from exhibitors.models import Booth, ChatMessage, Knock
from exhibitors.protocol import RESUME_MESSAGES, SNAPSHOT_MESSAGES, knock_timeout


def hall_booths_published(*, hall) -> QuerySet[Booth]:
    return (
        Booth.objects.filter(hall=hall, status=Booth.Status.PUBLISHED)
        .select_related("company")
        .order_by("company__name", "id")
    )


def booth_get_live(*, booth_id: int) -> Booth | None:
    return Booth.objects.select_related("company", "fair").filter(pk=booth_id).first()


def message_frame(message: ChatMessage) -> dict:
    return {
        "type": "chat.message",
        "id": message.pk,
        "author": message.author_name,
        "staff": message.author_is_staff,
        "body": message.body,
        "at": message.created_at.isoformat(),
        "thread": message.knock_id,
    }


def knock_frame(kind: str, knock: Knock, *, buyer_name: str = "") -> dict:
    frame = {"type": kind, "knock": knock.pk, "status": knock.status, "at": knock.created_at.isoformat()}
    if buyer_name:
        frame["buyer"] = buyer_name
    if knock.answered_by_id:
        frame["thread"] = knock.pk
    return frame


def _visible_messages(*, booth: Booth, viewer: Viewer):
    qs = ChatMessage.objects.filter(booth=booth, hidden=False)
    if viewer.is_staff:
        return qs  # staff see every private thread of their booth
    if viewer.participant_id and viewer.role == "buyer":
        return qs.filter(Q(knock__isnull=True) | Q(knock__buyer_id=viewer.participant_id))
    return qs.filter(knock__isnull=True)


def chat_recent(*, booth: Booth, viewer: Viewer, limit: int = SNAPSHOT_MESSAGES) -> list[dict]:
    rows = list(_visible_messages(booth=booth, viewer=viewer).order_by("-id")[:limit])
    return [message_frame(m) for m in reversed(rows)]


def chat_since(*, booth: Booth, viewer: Viewer, after: int, limit: int = RESUME_MESSAGES) -> list[dict]:
    rows = _visible_messages(booth=booth, viewer=viewer).filter(id__gt=after).order_by("id")[:limit]
    return [message_frame(m) for m in rows]


def knocks_open(*, booth: Booth, viewer: Viewer) -> list[dict]:
    """For the snapshot: staff see the pending knocks and open threads; a buyer sees their own."""
    deadline = timezone.now() - timedelta(seconds=knock_timeout())
    qs = Knock.objects.filter(
        Q(status=Knock.Status.ANSWERED) | Q(status=Knock.Status.PENDING, created_at__gt=deadline), booth=booth
    ).select_related("buyer__company", "buyer__user")
    if viewer.is_staff:
        return [
            knock_frame("knock.received", k, buyer_name=display_name(k.buyer, k.buyer.user)) for k in qs[:50]
        ]
    if viewer.role == "buyer":
        return [knock_frame("knock.waiting", k) for k in qs.filter(buyer_id=viewer.participant_id)[:5]]
    return []


def knocks_missed(*, booth: Booth, limit: int = 100) -> list[Knock]:
    """For the exhibitor's dashboard: knocks nobody answered, newest first, with any message left."""
    return list(
        Knock.objects.filter(booth=booth, status=Knock.Status.MISSED).select_related(
            "buyer__user", "buyer__company"
        )[:limit]
    )


def knocks_missed_counts(*, booth_ids) -> dict[int, int]:
    """booth id -> how many of its knocks nobody answered (for the exhibitor's home page)."""
    rows = (
        Knock.objects.filter(booth_id__in=list(booth_ids), status=Knock.Status.MISSED)
        .values("booth_id")
        .annotate(n=Count("pk"))
    )
    return {row["booth_id"]: row["n"] for row in rows}
