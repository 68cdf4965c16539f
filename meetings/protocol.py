"""Websocket group names and message types of the meetings app (documented in docs/meetings.md)."""

from __future__ import annotations

from notices.protocol import NOTIFICATIONS_PATH, RELAY, user_group  # noqa: F401 - one socket per person

# server -> client
HELLO = "hello"
PONG = "pong"
ERROR = "error"
MEETING_REQUESTED = "meeting.requested"
MEETING_INVITED = "meeting.invited"  # a booth invites a buyer (the buyer answers)
MEETING_ACCEPTED = "meeting.accepted"
MEETING_DECLINED = "meeting.declined"
MEETING_PROPOSED = "meeting.proposed"
MEETING_RESCHEDULED = "meeting.rescheduled"
MEETING_CANCELLED = "meeting.cancelled"
MEETING_INTERPRETER = "meeting.interpreter"
MEETING_REMINDER = "meeting.reminder"
MEETING_OUTCOME = "meeting.outcome"
ROUND_PUBLISHED = "round.published"
FOLLOW_UP_DUE = "lead.follow_up_due"  # the outcome ledger's nudge (meetings.ledger)

# client -> server
PING = "ping"


# --- the video room: ws/meetings/<id>/room/ (docs/video-protocol.md) ----------------------------


def room_group(meeting_id: int) -> str:
    """Every socket in one meeting's room, on any daphne process."""
    return f"room.{int(meeting_id)}"


def group_chat_group(meeting_id: int) -> str:
    """Every chat socket of one meeting's group video room (ws/meetings/<id>/group/)."""
    return f"room.{int(meeting_id)}.group"


# client -> server (PING as above)
ROOM_OFFER = "offer"  # {"to": peer, "sdp": "..."}: relayed to that peer only, as {"from": peer, ...}
ROOM_ANSWER = "answer"
ROOM_ICE = "ice"  # {"to": peer, "candidate": {...} | null}
ROOM_CHAT_POST = "chat.post"  # {"body": "...", "client_id": "..."}: the client id makes a resend store once
ROOM_MEDIA = "media"  # {"audio": bool, "video": bool, "screen": bool}: shown to the others

# server -> client (PONG and ERROR as above)
ROOM_WELCOME = "welcome"
ROOM_PEER_JOINED = "peer.joined"
ROOM_PEER_LEFT = "peer.left"
ROOM_CHAT_MESSAGE = "chat.message"
ROOM_CHAT_ACK = "chat.ack"  # to the sender only: its chat.post (by client_id) is stored, with the line's id
ROOM_HELD = "meeting.held"
ROOM_CLOSED = "room.closed"

ROOM_SIGNALS = (ROOM_OFFER, ROOM_ANSWER, ROOM_ICE)

# channel-layer handler names (the consumer's methods room_event / room_signal)
ROOM_LAYER_EVENT = "room.event"  # a frame for everyone in the room
ROOM_LAYER_SIGNAL = "room.signal"  # a frame for one socket

# close codes: the socket is accepted first, then closed, so the browser reads the reason
ROOM_CLOSE_ANONYMOUS = 4401
ROOM_CLOSE_DENIED = 4403  # not this meeting's buyer, booth staff, confirmed interpreter or organizer
ROOM_CLOSE_NOT_FOUND = 4404
ROOM_CLOSE_NOT_ACTIVE = 4409  # requested, declined or cancelled: there is no call
ROOM_CLOSE_TOO_LATE = 4410  # the room has closed (also sent when it closes during the call)
ROOM_CLOSE_TOO_EARLY = 4425  # the room is not open yet

# limits
ROOM_MAX_FRAME_CHARS = 65_536  # an SDP with several tracks is ~10 kB
ROOM_MAX_SDP_CHARS = 60_000
ROOM_MAX_CANDIDATE_CHARS = 1_000
ROOM_MAX_CHAT_CHARS = 2_000
ROOM_CHAT_BACKLOG = 50
RETRY_AFTER = 2.0  # seconds: the retry hint of a chat.unavailable error frame


def room_chat_rate() -> tuple[int, int]:
    """(messages, seconds): how many in-call chat lines one user may send in a window
    (settings.ROOM_CHAT_RATE; past it the frame answers chat.rate_limited and nothing is stored)."""
    from django.conf import settings

    return tuple(getattr(settings, "ROOM_CHAT_RATE", (10, 10)))
