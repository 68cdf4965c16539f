"""The video room's rules: who may enter when, frames, in-call chat, ICE servers and attendance.

The consumer (meetings/room_consumer.py) only parses, calls these and relays. Every function is
sync and keyword-only; the consumer wraps them with database_sync_to_async. Reads are in
meetings/room_selectors.py; names and limits in meetings/protocol.py; the protocol in
docs/video-protocol.md.

Attendance: each socket's stay is a RoomVisit. The buyer side is the buyer, the exhibitor side any
staff member of the booth. Their time *together* inside [slot start, room close] reaching
ROOM_MIN_HELD_SECONDS marks the meeting held through services.meeting_mark_held. When the room
closes (the django-q2 job meetings.room_jobs.rooms_close, or the last one leaving after the end
once both sides came) a RoomReport is written once; a side that never came is recorded as the
no-show and an accepted meeting becomes a no-show.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel import ratelimit
from kernel.access import allowed
from kernel.errors import DomainError
from kernel.websocket import already_stored, clean_client_id, create_once, with_client_id
from meetings import access, services
from meetings import protocol as p
from meetings.models import Meeting
from meetings.room_models import RoomMessage, RoomReport, RoomVisit

Role = RoomVisit.Role
OPEN_STATUSES = (Meeting.Status.ACCEPTED, Meeting.Status.HELD, Meeting.Status.NO_SHOW)
SIDE_ROLES = {Role.BUYER: Meeting.Side.BUYER, Role.EXHIBITOR: Meeting.Side.EXHIBITOR}


class RoomRefused(DomainError):
    """Entry refused: the socket answers with this error frame, then closes with ``close_code``."""

    status = 403

    def __init__(self, code: str, message: str, close_code: int):
        super().__init__(code, message)
        self.close_code = close_code


# --- the window ----------------------------------------------------------------------------------


def room_opens_at(meeting: Meeting) -> datetime:
    return meeting.slot.starts_at - timedelta(seconds=settings.ROOM_OPENS_BEFORE_SECONDS)


def room_closes_at(meeting: Meeting) -> datetime:
    return meeting.slot.ends_at + timedelta(seconds=settings.ROOM_CLOSES_AFTER_SECONDS)


ROOM_ROLES = {
    access.BUYER: Role.BUYER,
    access.EXHIBITOR: Role.EXHIBITOR,
    access.INTERPRETER: Role.INTERPRETER,
    access.ORGANIZER: Role.OBSERVER,
}


def room_role(*, user, meeting: Meeting) -> str | None:
    """The user's place in this meeting's room, or None: the access rule decides, then the role."""
    if not allowed(user, "meeting:join", meeting):
        return None
    return ROOM_ROLES.get(access.member_side(user, meeting), Role.OBSERVER)


def room_check(*, user, meeting: Meeting | None, now: datetime | None = None) -> str:
    """The role the user enters with, or RoomRefused with a close code (same order as the docs)."""
    now = now or timezone.now()
    if user is None or not user.is_authenticated:
        raise RoomRefused("room.anonymous", _("Sign in to join the meeting."), p.ROOM_CLOSE_ANONYMOUS)
    if meeting is None:
        raise RoomRefused("room.not_found", _("There is no such meeting."), p.ROOM_CLOSE_NOT_FOUND)
    role = room_role(user=user, meeting=meeting)
    if role is None:
        raise RoomRefused(
            "room.denied", _("Only this meeting's participants can enter its room."), p.ROOM_CLOSE_DENIED
        )
    if meeting.status not in OPEN_STATUSES:
        raise RoomRefused(
            "room.not_accepted",
            _("This meeting is not confirmed, so there is no call."),
            p.ROOM_CLOSE_NOT_ACTIVE,
        )
    if now < room_opens_at(meeting):
        raise RoomRefused(
            "room.too_early",
            _("The room opens %(minutes)d minutes before the meeting.")
            % {"minutes": round(settings.ROOM_OPENS_BEFORE_SECONDS / 60)},
            p.ROOM_CLOSE_TOO_EARLY,
        )
    if now >= room_closes_at(meeting):
        raise RoomRefused("room.too_late", _("This meeting's room has closed."), p.ROOM_CLOSE_TOO_LATE)
    return role


# --- entering and leaving --------------------------------------------------------------------------


@dataclass
class Entry:
    visit: RoomVisit
    meeting: Meeting
    held_check_in: float | None  # seconds until both sides will have been together long enough


def load_meeting(meeting_id) -> Meeting | None:
    """The meeting a room's socket names (None when there is none: room_check refuses it)."""
    return (
        Meeting.objects.select_related("fair", "slot", "booth", "buyer", "interpreter")
        .filter(pk=meeting_id)
        .first()
    )


@transaction.atomic
def room_enter(*, meeting_id: int, user, channel: str, now: datetime | None = None) -> Entry:
    now = now or timezone.now()
    meeting = load_meeting(meeting_id)
    role = room_check(user=user, meeting=meeting, now=now)
    visit = RoomVisit.objects.create(
        meeting=meeting, user=user, role=role, peer=secrets.token_hex(8), channel=channel, joined_at=now
    )
    return Entry(visit=visit, meeting=meeting, held_check_in=held_check_in(meeting=meeting, now=now))


@transaction.atomic
def room_leave(*, visit_id: int, now: datetime | None = None) -> RoomVisit | None:
    """Record the leave; decide held; close the room when the last one leaves after the end."""
    now = now or timezone.now()
    visit = RoomVisit.objects.select_for_update().filter(pk=visit_id, left_at__isnull=True).first()
    if visit is None:
        return None
    visit.left_at = max(now, visit.joined_at)
    visit.save(update_fields=["left_at"])
    meeting = load_meeting(visit.meeting_id)
    attendance_check(meeting=meeting, now=now)
    present = RoomVisit.objects.filter(meeting=meeting, left_at__isnull=True).exists()
    came = set(RoomVisit.objects.filter(meeting=meeting).values_list("role", flat=True))
    if not present and now >= meeting.slot.ends_at and {Role.BUYER, Role.EXHIBITOR} <= came:
        room_close(meeting=meeting, now=now)
    return visit


# --- attendance ----------------------------------------------------------------------------------


def _union(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[list[float]] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def _length(intervals) -> float:
    return sum(b - a for a, b in intervals)


def _overlap(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> float:
    total, i, j = 0.0, 0, 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        total += max(0.0, hi - lo)
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


@dataclass
class Attendance:
    buyer_seconds: float
    exhibitor_seconds: float
    together_seconds: float
    came: set[str]
    present: set[str]


def attendance(*, meeting: Meeting, now: datetime | None = None) -> Attendance:
    """Seconds each side spent in the room, and together, between the slot's start and the close."""
    now = now or timezone.now()
    lo, hi = meeting.slot.starts_at.timestamp(), min(now, room_closes_at(meeting)).timestamp()
    sides: dict[str, list[tuple[float, float]]] = {Role.BUYER: [], Role.EXHIBITOR: []}
    came, present = set(), set()
    for role, joined, left in RoomVisit.objects.filter(meeting=meeting).values_list(
        "role", "joined_at", "left_at"
    ):
        came.add(role)
        if left is None:
            present.add(role)
        if role in sides:
            start = max(joined.timestamp(), lo)
            end = min((left or now).timestamp(), hi)
            sides[role].append((start, end))
    buyer, exhibitor = _union(sides[Role.BUYER]), _union(sides[Role.EXHIBITOR])
    return Attendance(_length(buyer), _length(exhibitor), _overlap(buyer, exhibitor), came, present)


def held_check_in(*, meeting: Meeting, now: datetime | None = None) -> float | None:
    """While both sides are in the room and the meeting is not held yet: seconds until it will be."""
    now = now or timezone.now()
    if meeting.status == Meeting.Status.HELD:
        return None
    seen = attendance(meeting=meeting, now=now)
    if not {Role.BUYER, Role.EXHIBITOR} <= seen.present:
        return None
    not_started = max(0.0, (meeting.slot.starts_at - now).total_seconds())
    return not_started + max(0.0, settings.ROOM_MIN_HELD_SECONDS - seen.together_seconds)


@transaction.atomic
def attendance_check(*, meeting: Meeting, now: datetime | None = None) -> bool:
    """Mark the meeting held once both sides were together long enough; True when it is held."""
    now = now or timezone.now()
    meeting.refresh_from_db(fields=["status"])
    if meeting.status == Meeting.Status.HELD:
        return True
    if meeting.status not in OPEN_STATUSES or now < meeting.slot.starts_at:
        return False
    if attendance(meeting=meeting, now=now).together_seconds < settings.ROOM_MIN_HELD_SECONDS:
        return False
    services.meeting_mark_held(actor=None, meeting=meeting, held=True, by_room=True)
    return True


@transaction.atomic
def room_close(*, meeting: Meeting, now: datetime | None = None) -> RoomReport:
    """Write the room's report once; the side that never came is the no-show."""
    now = now or timezone.now()
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    existing = RoomReport.objects.filter(meeting=meeting).first()
    if existing is not None:
        return existing
    held = attendance_check(meeting=meeting, now=now)
    seen = attendance(meeting=meeting, now=now)
    missing = [role for role in (Role.BUYER, Role.EXHIBITOR) if role not in seen.came]
    no_show = "both" if len(missing) == 2 else (missing[0] if missing else "")
    report = RoomReport.objects.create(
        meeting=meeting,
        buyer_seconds=seen.buyer_seconds,
        exhibitor_seconds=seen.exhibitor_seconds,
        together_seconds=seen.together_seconds,
        no_show=no_show,
        closed_at=now,
    )
    meeting.refresh_from_db(fields=["status"])
    if no_show and not held and meeting.status == Meeting.Status.ACCEPTED:
        services.meeting_mark_held(actor=None, meeting=meeting, held=False, by_room=True)
    return report


def rooms_close_due(*, now: datetime | None = None, horizon_days: int = 2) -> list[RoomReport]:
    """Close every room whose time is over and that has no report yet (the worker's job)."""
    now = now or timezone.now()
    last_end = now - timedelta(seconds=settings.ROOM_CLOSES_AFTER_SECONDS)
    due = Meeting.objects.filter(
        status__in=OPEN_STATUSES,
        slot__ends_at__lte=last_end,
        slot__ends_at__gte=last_end - timedelta(days=horizon_days),
        room_report__isnull=True,
    ).select_related("slot")
    return [room_close(meeting=m, now=now) for m in due]


# --- frames ----------------------------------------------------------------------------------------


def _bad(message: str) -> DomainError:
    return DomainError("protocol.bad_field", message)


def signal_payload(content: dict) -> dict:
    """The part of an offer/answer/ice frame that is relayed, checked field by field."""
    kind = content["type"]
    if kind in (p.ROOM_OFFER, p.ROOM_ANSWER):
        sdp = content.get("sdp")
        if not isinstance(sdp, str) or not sdp.startswith("v=0") or len(sdp) > p.ROOM_MAX_SDP_CHARS:
            raise _bad(_('"sdp" must be a session description (text starting with "v=0").'))
        return {"sdp": sdp}
    candidate = content.get("candidate")
    if candidate is None:  # the end of candidates
        return {"candidate": None}
    if not isinstance(candidate, dict):
        raise _bad(_('"candidate" must be an ICE candidate object or null.'))
    text, mid, index = candidate.get("candidate"), candidate.get("sdpMid"), candidate.get("sdpMLineIndex")
    if not isinstance(text, str) or len(text) > p.ROOM_MAX_CANDIDATE_CHARS:
        raise _bad(_('"candidate.candidate" must be text.'))
    if mid is not None and (not isinstance(mid, str) or len(mid) > 64):
        raise _bad(_('"candidate.sdpMid" must be short text.'))
    if index is not None and (isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < 64):
        raise _bad(_('"candidate.sdpMLineIndex" must be a small whole number.'))
    return {"candidate": {"candidate": text, "sdpMid": mid, "sdpMLineIndex": index}}


def media_payload(content: dict) -> dict:
    out = {}
    for name in ("audio", "video", "screen"):
        value = content.get(name, False)
        if not isinstance(value, bool):
            raise _bad(_('"%(name)s" must be true or false.') % {"name": name})
        out[name] = value
    return out


def chat_checked(*, body, user_id: int) -> str:
    """The line to store, stripped: or DomainError when it is not text, empty, too long, or the user
    sends too fast (every chat of a call: the one-to-one room's, a group room's, a ceremony's)."""
    if not isinstance(body, str):
        raise _bad(_('"body" must be text.'))
    body = body.strip()
    if not body:
        raise DomainError("chat.empty", _("Write a message first."))
    if len(body) > p.ROOM_MAX_CHAT_CHARS:
        raise DomainError(
            "chat.too_long", _("A message is at most %(n)d characters.") % {"n": p.ROOM_MAX_CHAT_CHARS}
        )
    n, seconds = p.room_chat_rate()
    if ratelimit.over_limit("room-chat-rate", user_id, n=n, seconds=seconds):
        raise DomainError(
            "chat.rate_limited",
            _("Slow down: at most %(n)d messages in %(s)d seconds.") % {"n": n, "s": seconds},
        )
    return body


def room_chat_post(*, visit: RoomVisit, body, client_id: str | None = None) -> RoomMessage:
    """Store an in-call chat line of the one-to-one room before anyone sees it (meeting_chat_post)."""
    return meeting_chat_post(
        meeting_id=visit.meeting_id, user=visit.user, role=visit.role, body=body, client_id=client_id
    )


def meeting_chat_post(*, meeting_id: int, user, role: str, body, client_id: str | None = None) -> RoomMessage:
    """Store a chat line of a meeting's call (its one-to-one or its group room) before anyone sees it.

    ``client_id``: the sender's page's id for the line; the same id again returns the line already
    stored (``message.duplicate`` is True) and stores nothing, so a page may resend a line it has no
    acknowledgement for (after a reconnect, or a chat.unavailable error).
    """
    mine = RoomMessage.objects.filter(meeting_id=meeting_id, author_id=user.pk)
    return chat_line_once(
        mine, model=RoomMessage, user=user, body=body, client_id=client_id, meeting_id=meeting_id, role=role
    )


def chat_line_once(mine, *, model, user, body, client_id: str | None, **fields):
    """Store a call's chat line (a row of ``model`` by ``user`` with ``fields``) once per client_id
    among the author's lines ``mine``: the same id again returns the line already stored and stores
    nothing; a new line passes the chat's rules first (chat_checked). Shared by the meetings' rooms and
    the signing ceremony's room."""
    client_id = clean_client_id(client_id)
    stored = already_stored(mine, client_id)
    if stored is not None:
        return stored
    body = chat_checked(body=body, user_id=user.pk)
    return create_once(
        mine,
        client_id,
        lambda: model.objects.create(
            author=user,
            author_name=user.get_full_name() or user.email or user.username,
            body=body,
            created_at=timezone.now(),
            client_id=client_id,
            **fields,
        ),
    )


def unavailable(content: dict | None) -> dict:
    """The error frame for a frame that failed because the database or Redis is away: nothing was
    changed (a chat line sent again with the same client_id is stored once)."""
    kind = content.get("type") if isinstance(content, dict) else None
    reply = {
        "type": p.ERROR,
        "code": "chat.unavailable" if kind == p.ROOM_CHAT_POST else "room.unavailable",
        "message": str(_("The service is briefly unavailable; it will be sent again in a moment.")),
        "retry_after": p.RETRY_AFTER,
    }
    return with_client_id(reply, content)


# --- ICE servers --------------------------------------------------------------------------------------


def turn_credentials(*, user_id: int, secret: str, ttl: int, now: float | None = None) -> tuple[str, str]:
    """coturn's REST API credentials: username "<expiry>:<user id>", base64(HMAC-SHA1(secret, username))."""
    expiry = int((now if now is not None else time.time()) + ttl)
    username = f"{expiry}:{user_id}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()


def ice_servers(*, user) -> list[dict]:
    """RTCPeerConnection's iceServers for this user: the STUN list, and TURN with fresh credentials."""
    servers: list[dict] = []
    if settings.STUN_URLS:
        servers.append({"urls": list(settings.STUN_URLS)})
    if settings.TURN_URLS and settings.TURN_SECRET:
        username, credential = turn_credentials(
            user_id=user.pk, secret=settings.TURN_SECRET, ttl=settings.TURN_CREDENTIAL_TTL_SECONDS
        )
        servers.append({"urls": list(settings.TURN_URLS), "username": username, "credential": credential})
    return servers


KNOWN_TYPES = (*p.ROOM_SIGNALS, p.ROOM_CHAT_POST, p.ROOM_MEDIA, p.PING)


def parse_frame(text: str | None) -> dict:
    """A client frame as a dict of a known type, or a DomainError: nothing else gets through."""
    if text is None:
        raise DomainError("protocol.bad_frame", _("Send JSON text frames, not binary ones."))
    if len(text) > p.ROOM_MAX_FRAME_CHARS:
        raise DomainError(
            "protocol.too_large",
            _("The frame is larger than %(n)d characters.") % {"n": p.ROOM_MAX_FRAME_CHARS},
        )
    try:
        content = json.loads(text)
    except ValueError:
        raise DomainError("protocol.bad_json", _("The frame is not valid JSON.")) from None
    if not isinstance(content, dict):
        raise DomainError("protocol.bad_json", _("The frame must be a JSON object."))
    if content.get("type") not in KNOWN_TYPES:
        raise DomainError("protocol.unknown_type", _("Unknown message type."))
    return content
