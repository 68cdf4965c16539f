"""The show socket's protocol (ws/shows/<show_id>/): message types, group names, limits, close codes.

docs/show-protocol.md describes each message with an example.
"""

from __future__ import annotations

import json

# --- client -> server -------------------------------------------------------------------
CHAT_POST = "chat.post"  # {"body", "client_id"?}
PIN = "pin"  # staff: {"product_id": int | null}
CLICK = "click"  # a viewer pressed a pinned product's button: {"product_id", "action"}
PING = "ping"

# --- server -> client -------------------------------------------------------------------
SNAPSHOT = "snapshot"
CHAT_MESSAGE = "chat.message"
CHAT_ACK = "chat.ack"
PINNED = "pinned"
VIEWERS = "viewers"
STATUS = "status"
SOUNDS = "sounds"  # the show's confirmed interpretations changed: {"sounds": [{"language", "name"}]}
PONG = "pong"
ERROR = "error"

# --- channel layer ------------------------------------------------------------------------
# {"type": "show.frame", "text": "<the encoded frame>"} (or "frame": {...}, from the outbox): written to
# every socket of the show.
LAYER_FRAME = "show.frame"


def show_group(show_id: int) -> str:
    return f"show.{int(show_id)}"


# --- close codes ------------------------------------------------------------------------
CLOSE_NOT_FOUND = 4404
CLOSE_TRY_AGAIN = 4503

# --- limits -------------------------------------------------------------------------------
MAX_FRAME_CHARS = 16_384
SNAPSHOT_MESSAGES = 50
VIEWERS_DEBOUNCE = 1.0  # seconds: viewer counts are broadcast at most once per second per process
BUTTONS = ("quote", "sample", "consult")


def encode(frame: dict) -> str:
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))
