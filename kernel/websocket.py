"""What every websocket consumer of the project shares: how it ends.

- A frame sent to a client that has already gone is dropped. Under daphne such a send raises
  autobahn's Disconnected (under uvicorn, its ClientDisconnected, an OSError): a handler still busy
  when the visitor closed the tab (storing a chat
  line, reading a snapshot) died on its reply, and the consumer with it, before its disconnect()
  ran. The visitor then stayed counted in the booth for as long as the process lived (its hub
  kept refreshing the presence) and present in a video room. The client's websocket.disconnect
  is already queued behind the frame being handled: disconnect() runs next, as usual.
- If a handler fails anyway (a bug, a lost database), disconnect() still runs before the error
  goes on to daphne, which logs it and closes the socket.

Consumers put CleanExit first among their bases; one that runs its own receive loop overrides
serve() instead of __call__.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random

from autobahn.exception import Disconnected  # daphne's websocket protocol (autobahn)
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kernel.errors import DomainError, is_unavailable

log = logging.getLogger(__name__)

CLOSE_INTERNAL_ERROR = 1011  # RFC 6455: the server met a condition that kept it from going on
# "Try again later" (the database or Redis is away; pages reconnect with backoff). RFC 6455's 1013 means
# this, but autobahn (daphne) lets a server close only with 1000 or 3000-4999: 4503, like HTTP 503.
CLOSE_TRY_AGAIN = 4503


async def try_again_later(receive, send) -> None:
    """Answer a websocket handshake with accept + close 4503, so the page reads the code and retries
    with backoff (a refused handshake would only show as a failed connection)."""
    message = await receive()
    if message["type"] == "websocket.connect":
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.close", "code": CLOSE_TRY_AGAIN})


class CleanExit:
    async def __call__(self, scope, receive, send):
        try:
            await self.serve(scope, receive, send)
        except Exception:
            with contextlib.suppress(Exception):
                await self.disconnect(CLOSE_INTERNAL_ERROR)
            raise

    async def serve(self, scope, receive, send):
        await super().__call__(scope, receive, send)

    async def send(self, *args, **kwargs):
        try:
            await super().send(*args, **kwargs)
        except (Disconnected, OSError):  # daphne (autobahn); uvicorn raises ClientDisconnected, an OSError
            log.debug("dropped a frame to a websocket that has closed")


# --- group membership that heals ------------------------------------------------------------------


def keep_in_groups(consumer, *groups: str) -> asyncio.Task:
    """Add ``consumer``'s channel to ``groups`` again every CHANNELS_GROUP_REFRESH seconds (with
    jitter), for as long as the socket is open; the caller cancels the task on disconnect.

    A group lives in Redis (channels_redis): when Redis restarts empty or is replaced, or after the
    layer's group_expiry (a day), the socket would stay open and hear nothing more. group_add is
    idempotent, so doing it again is how the membership comes back; a failure (Redis away) is tried
    again next time.
    """
    from django.conf import settings

    every = float(getattr(settings, "CHANNELS_GROUP_REFRESH", 30.0))

    async def refresh() -> None:
        while True:
            await asyncio.sleep(every * (0.75 + random.random() / 2))  # noqa: S311 (spreading load)
            for group in groups:
                try:
                    await consumer.channel_layer.group_add(group, consumer.channel_name)
                except Exception as e:  # Redis away: the next round tries again
                    log.info("could not renew group %s: %s", group, e)

    return asyncio.create_task(refresh())


async def stop_task(task: asyncio.Task | None) -> None:
    """Cancel ``task`` and wait for it to end (what it raised on the way out is of no interest)."""
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task


# --- client ids: a page's own id for a line it sends, so that sending it again stores it once ---

CLIENT_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:")


def clean_client_id(client_id) -> str:
    """The id a page gives a chat line so that sending it again stores it once: 1 to 64 of [A-Za-z0-9-_.:]."""
    if client_id is None or client_id == "":
        return ""
    if not isinstance(client_id, str) or len(client_id) > 64 or not set(client_id) <= CLIENT_ID_CHARS:
        raise DomainError("protocol.bad_field", _('"client_id" is 1 to 64 letters, digits or -_.:'))
    return client_id


async def answer_frame(text_data, *, parse, route, unavailable, what: str) -> dict | None:
    """One frame in, at most one reply out: ``parse`` the text, ``route`` the content (a coroutine
    answering the reply or None); a DomainError answers its code and message, and a failure because the
    database or Redis is away answers ``unavailable(content)`` (nothing changed: the page sends again).
    Each answer names the frame's client_id."""
    content = None
    try:
        content = parse(text_data)
        return await route(content)
    except DomainError as e:
        return with_client_id(e.as_dict(), content)
    except Exception as e:
        if not is_unavailable(e):
            raise
        log.warning("%s frame refused for now: %s: %s", what, type(e).__name__, e)
        return unavailable(content)


def with_client_id(reply: dict, content: dict | None) -> dict:
    """An answer to a frame that carried a client_id names it, so the page knows which line it is about."""
    if isinstance(content, dict) and isinstance(content.get("client_id"), str):
        reply = {**reply, "client_id": content["client_id"][:64]}
    return reply


def already_stored(rows, client_id: str):
    """The row of ``rows`` (the sender's own) stored under ``client_id`` by an earlier send, marked
    ``duplicate``; None for a new line (or no client id)."""
    stored = rows.filter(client_id=client_id).first() if client_id else None
    if stored is not None:
        stored.duplicate = True
    return stored


def create_once(rows, client_id: str, create):
    """``create()`` in a savepoint; when the same line arrived twice at once and the other send won
    (the table's unique constraint on the client id), the row it stored, marked ``duplicate``."""
    try:
        with transaction.atomic():
            row = create()
    except IntegrityError:
        if not client_id:
            raise
        row = rows.get(client_id=client_id)
        row.duplicate = True
        return row
    row.duplicate = False
    return row
