"""The live booth's websocket protocol: routes, group names, message types, limits and close codes.

Every name the consumer, the services and the tests share lives here; docs/booth-protocol.md
describes each message with an example.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kernel.errors import DomainError

# --- client -> server -------------------------------------------------------------------
CHAT_POST = "chat.post"
CHAT_HIDE = "chat.hide"
CHAT_RESUME = "chat.resume"
PRESENCE_VISIBLE = "presence.visible"
STATUS_SET = "status.set"
KNOCK = "knock"
KNOCK_ANSWER = "knock.answer"
KNOCK_MESSAGE = "knock.message"
PING = "ping"

# --- server -> client -------------------------------------------------------------------
SNAPSHOT = "snapshot"
CHAT_MESSAGE = "chat.message"
CHAT_HIDDEN = "chat.hidden"
CHAT_MISSED = "chat.missed"  # the answer to chat.resume
PRESENCE = "presence"
STATUS = "status"
KNOCK_WAITING = "knock.waiting"  # to the buyer: your knock rings, with its deadline
KNOCK_RECEIVED = "knock.received"  # to every staff member in the booth
KNOCK_ANSWERED = "knock.answered"  # to the buyer and the staff: a private thread is open
KNOCK_MISSED = "knock.missed"  # to the buyer and the staff: nobody answered in time
KNOCK_MESSAGE_LEFT = "knock.message_left"  # to the staff: the buyer left a message on a missed knock
KNOCK_OFFERS = "knock.offers"  # to the buyer of a missed knock: meeting slots to book (sent by meetings)
PONG = "pong"
CHAT_ACK = "chat.ack"  # to the sender only: its chat.post (by client_id) is stored, with the line's id
RESYNC = "resync"  # frames may have been missed (a broadcast failed): ask chat.resume after the last id
ERROR = "error"
SERVER_KINDS = frozenset(
    (SNAPSHOT, CHAT_MESSAGE, CHAT_HIDDEN, CHAT_MISSED, PRESENCE, STATUS, KNOCK_WAITING, KNOCK_RECEIVED)
    + (KNOCK_ANSWERED, KNOCK_MISSED, KNOCK_MESSAGE_LEFT, KNOCK_OFFERS, PONG, CHAT_ACK, RESYNC, ERROR)
)

# --- channel layer ------------------------------------------------------------------------
# One group per booth. Its members are not sockets but one hub per process (exhibitors/live.py),
# which writes the already encoded frame to each of its local sockets that may see it.
LAYER = "booth"  # the channel layer alias of the booth hubs (config/settings.py: PubSub on Redis)
LAYER_FRAME = "booth.frame"
STAFF_ONLY = -1  # as "private_to": a frame for the booth's staff only (no user has this id)


def resync_frame(after: int | None) -> dict:
    """Ask the page to resume: chat.resume after min(its last id, ``after``)."""
    return {"type": RESYNC} if after is None else {"type": RESYNC, "after": int(after)}


def booth_group(booth_id: int) -> str:
    return f"booth.{int(booth_id)}"


def layer_frame(frame: dict, *, private_to: int | None = None, staff: bool = True) -> dict:
    """The channel-layer message that has every hub of the booth write ``frame`` to its sockets: all
    of them, or (private_to=a user id) the staff and that user only; staff=False: that user only.
    "kind" lets every hub keep its caches right (a new chat line, a hidden one, a new status)
    without decoding the text."""
    message = {"type": LAYER_FRAME, "text": encode(frame), "kind": frame["type"]}
    if private_to is not None:
        message["private_to"] = private_to
        if not staff:
            message["no_staff"] = True
    return message


# --- close codes (the socket is accepted, then closed, so the browser sees the code) ------
CLOSE_NOT_FOUND = 4404  # no such booth
CLOSE_DENIED = 4403  # a draft booth: only its staff and the fair's organizers may enter
# "Try again later": the database or Redis is away; the page reconnects with backoff. RFC 6455 has 1013
# for this, but autobahn (daphne) lets a server close only with 1000 or 3000-4999: 4503, like HTTP 503.
CLOSE_TRY_AGAIN = 4503
RETRY_AFTER = 2.0  # seconds: the retry hint of a chat.unavailable error frame

# --- limits -------------------------------------------------------------------------------
MAX_FRAME_CHARS = 16_384
MAX_CHAT_CHARS = 2_000
SNAPSHOT_MESSAGES = 50
RESUME_MESSAGES = 500


def setting(name: str, default):
    """Tunables (tests shorten the timers): settings.BOOTH_LIVE.get(name, default)."""
    return getattr(settings, "BOOTH_LIVE", {}).get(name, default)


def chat_rate() -> tuple[int, int]:
    """(messages, seconds): how many chat lines one user may post in a window."""
    return setting("CHAT_RATE", (5, 10))


def knock_timeout() -> float:
    return setting("KNOCK_TIMEOUT", 120.0)


def presence_ttl() -> float:
    """A connection not refreshed for this long is gone (its process died)."""
    return setting("PRESENCE_TTL", 45.0)


def presence_heartbeat() -> float:
    return setting("PRESENCE_HEARTBEAT", 15.0)


def presence_debounce() -> float:
    """Presence changes are gathered for this long and broadcast once (per booth and process)."""
    return setting("PRESENCE_DEBOUNCE", 1.0)


def presence_fanout() -> float:
    """Presence frames per second a process may send to one booth's sockets: in a booth of more than
    this many local sockets, presence changes are gathered for longer than presence_debounce()."""
    return setting("PRESENCE_FANOUT", 1000.0)


def snapshot_cache() -> float:
    """How long a process shares the booth row and the public chat lines among the snapshots of new
    public visitors. A status change, a new or hidden chat line drops them at once; a booth
    unpublished meanwhile still admits anonymous visitors for at most this long."""
    return setting("SNAPSHOT_CACHE", 2.0)


def parse_frame(text: str | None, data: bytes | None) -> dict:
    """A client frame as a dict with a string "type", or a DomainError; nothing else gets through."""
    if text is None:
        raise DomainError("protocol.bad_frame", _("Send JSON text frames, not binary ones."))
    if len(text) > MAX_FRAME_CHARS:
        raise DomainError(
            "protocol.too_large", _("The frame is larger than %(n)d characters.") % {"n": MAX_FRAME_CHARS}
        )
    try:
        content = json.loads(text)
    except ValueError:
        raise DomainError("protocol.bad_json", _("The frame is not valid JSON.")) from None
    if not isinstance(content, dict):
        raise DomainError("protocol.bad_json", _("The frame must be a JSON object."))
    if not isinstance(content.get("type"), str):
        raise DomainError("protocol.unknown_type", _('The frame has no "type".'))
    return content


def int_field(content: dict, name: str, *, required: bool = True) -> int | None:
    value = content.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DomainError("protocol.bad_field", _('"%(name)s" must be a whole number.') % {"name": name})
    return value


def encode(frame: dict) -> str:
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))
