"""The per-user notification socket (ws/notifications/, docs/notices.md): its group and the frames
the notification centre adds to it. The socket itself is meetings/consumers.py; every app that
tells a person something pushes to ``user_group``."""

from __future__ import annotations

NOTIFICATIONS_PATH = "ws/notifications/"

# the handler name of the group message the socket relays to the browser as it is
RELAY = "notify.relay"

# server -> client
NOTICE = "notice"  # {"type": "notice", "notice": {...}, "unread": 3, "toast": true}
NOTICE_READ = "notice.read"  # {"type": "notice.read", "ids": [12] | "all", "unread": 2}


def user_group(user_id: int) -> str:
    """Every socket of one user, on any daphne process."""
    return f"notify.user.{int(user_id)}"
