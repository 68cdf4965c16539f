"""Reads for the live booth: who the viewer is, what they may see, the chat history, knocks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, timedelta

from django.db.models import Q
from django.utils import timezone

from exhibitors.models import Booth, ChatMessage, Knock
from exhibitors.protocol import RESUME_MESSAGES, SNAPSHOT_MESSAGES, knock_timeout
from fair.models import Participant


@dataclass(frozen=True)
class Viewer:
    """A person in a booth, as the live booth sees them. Never carries contact details."""

    user_id: int | None
    role: str  # staff, organizer, buyer, participant (another role in the fair), user, anonymous
    name: str  # what others see: a first name and a company, never an e-mail address
    participant_id: int | None = None

    @property
    def is_staff(self) -> bool:
        return self.role == "staff"

    @property
    def can_view_draft(self) -> bool:
        return self.role in ("staff", "organizer")

    @property
    def can_post(self) -> bool:
        """booth:chat: approved participants of the booth's fair."""
        return self.role in ("staff", "organizer", "buyer", "participant")

    @property
    def can_moderate(self) -> bool:
        return self.role in ("staff", "organizer")


ANONYMOUS = Viewer(user_id=None, role="anonymous", name="")


def booth_get_live(*, booth_id: int) -> Booth | None:
    return Booth.objects.select_related("company", "fair").filter(pk=booth_id).first()


def display_name(participant: Participant | None, user, *, booth: Booth | None = None) -> str:
    """A first name and the company: what exhibitors and other visitors see of a person."""
    first = (getattr(user, "first_name", "") or "").strip()
    company = (
        booth.company.name
        if booth is not None
        else (participant.company.name if participant and participant.company_id else "")
    )
    if first and company:
        return f"{first} ({company})"
    return first or company or f"Visitor {user.pk}"


def viewer_get(*, user, booth: Booth) -> Viewer:
    """The one place that decides what a user may do in a booth (booth:view, booth:chat, booth:staff).

    Kept in one function so it can later answer through fair.permissions.has_perm.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    parts = list(
        Participant.objects.select_related("company").filter(
            user_id=user.pk, fair_id=booth.fair_id, status=Participant.Status.APPROVED
        )
    )
    staff = next((p for p in parts if p.role == Participant.Role.EXHIBITOR and p.booth_id == booth.pk), None)
    if staff is not None:
        return Viewer(user.pk, "staff", display_name(staff, user, booth=booth), staff.pk)
    by_role = {p.role: p for p in parts}
    for role, name in ((Participant.Role.BUYER, "buyer"), (Participant.Role.ORGANIZER, "organizer")):
        if role in by_role:
            p = by_role[role]
            return Viewer(user.pk, name, display_name(p, user), p.pk)
    if user.is_superuser:
        return Viewer(user.pk, "organizer", display_name(None, user), None)
    if parts:
        return Viewer(user.pk, "participant", display_name(parts[0], user), parts[0].pk)
    return Viewer(user.pk, "user", display_name(None, user), None)


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


MISSED_SLOTS = 3  # how many meeting slots a missed knock offers the buyer


def knock_missed_slots(*, knock: Knock, limit: int = MISSED_SLOTS) -> list[dict]:
    """The next slots the knock's buyer and booth are both free in, labelled in the buyer's zone.

    Each: id, start (ISO 8601 UTC), the label ("Tue 07:00 your time / 09:00 in Seoul", in the
    buyer's language) and the booking page with that slot chosen. Empty for a knock whose buyer
    is not an approved buyer of the fair, or when no slot is free.
    """
    from django.urls import reverse
    from django.utils import translation

    from meetings import selectors as meeting_selectors
    from meetings.slots import format_dual

    buyer = Participant.objects.select_related("user", "fair").filter(pk=knock.buyer_id).first()
    if (
        buyer is None
        or buyer.user is None
        or buyer.role != Participant.Role.BUYER
        or buyer.status != Participant.Status.APPROVED
    ):
        return []
    booth = Booth.objects.select_related("fair").get(pk=knock.booth_id)
    slots = list(meeting_selectors.slots_mutually_free(buyer=buyer, booth=booth)[:limit])
    if not slots:
        return []
    other_zone = meeting_selectors.booth_time_zone(booth=booth)
    book_url = reverse("meeting_book", args=[booth.fair.slug, booth.pk])
    with translation.override(buyer.user.language or None):
        return [
            {
                "id": slot.pk,
                "starts_at": slot.starts_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                "label": format_dual(slot.starts_at, viewer_zone=buyer.user.time_zone, other_zone=other_zone),
                "url": f"{book_url}?slot={slot.pk}",
            }
            for slot in slots
        ]


def knock_missed_frame(knock: Knock) -> dict:
    """knock.missed for the buyer: the knock, plus the meeting slots to book instead."""
    return {**knock_frame("knock.missed", knock), "slots": knock_missed_slots(knock=knock)}


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
