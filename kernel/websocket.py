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

import contextlib
import logging

from autobahn.exception import Disconnected  # daphne's websocket protocol (autobahn)
from django.utils.translation import gettext as _

from kernel.errors import DomainError

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


# --- client ids: a page's own id for a line it sends, so that sending it again stores it once ---

CLIENT_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:")


def clean_client_id(client_id) -> str:
    """The id a page gives a chat line so that sending it again stores it once: 1 to 64 of [A-Za-z0-9-_.:]."""
    if client_id is None or client_id == "":
        return ""
    if not isinstance(client_id, str) or len(client_id) > 64 or not set(client_id) <= CLIENT_ID_CHARS:
        raise DomainError("protocol.bad_field", _('"client_id" is 1 to 64 letters, digits or -_.:'))
    return client_id
