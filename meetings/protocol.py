"""Websocket group names and message types of the meetings app (documented in docs/meetings.md)."""

from __future__ import annotations

NOTIFICATIONS_PATH = "ws/notifications/"


def user_group(user_id: int) -> str:
    """Every socket of one user, on any daphne process."""
    return f"notify.user.{user_id}"


# server -> client
HELLO = "hello"
PONG = "pong"
ERROR = "error"
MEETING_REQUESTED = "meeting.requested"
MEETING_ACCEPTED = "meeting.accepted"
MEETING_DECLINED = "meeting.declined"
MEETING_PROPOSED = "meeting.proposed"
MEETING_RESCHEDULED = "meeting.rescheduled"
MEETING_CANCELLED = "meeting.cancelled"
MEETING_INTERPRETER = "meeting.interpreter"
MEETING_REMINDER = "meeting.reminder"
MEETING_OUTCOME = "meeting.outcome"
ROUND_PUBLISHED = "round.published"

# client -> server
PING = "ping"

# the handler name of the group message the consumer relays
RELAY = "notify.relay"
