"""ws/booths/<booth_id>/: the live booth. Thin: it parses frames and routes them (exhibitors/live.py)."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import time

from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer

from exhibitors import live
from exhibitors import protocol as p
from kernel.errors import DomainError, is_unavailable
from kernel.server_tuning import OneReceiveLoop, daphne_wire
from kernel.websocket import CleanExit, with_client_id

log = logging.getLogger(__name__)


class BoothConsumer(OneReceiveLoop, CleanExit, AsyncWebsocketConsumer):
    # No channel-layer channel per socket (OneReceiveLoop reads receive() alone): the booth's hub in
    # this process receives for all of them.
    hub = None
    backlog: list[str] | None = None
    wire = None  # (daphne server, protocol): the hub's one-frame-for-all fast path
    accepted = False
    arrived: float | None = None  # when the frame being handled arrived (time.time())
    member = None  # this socket's presence entry (exhibitors/presence.Member), written back by heartbeats

    async def serve(self, scope, receive, send):
        """Channels' AsyncConsumer.__call__ for a consumer with no channel layer: one loop on receive.

        Channels' await_many_dispatch keeps a task on receive() and makes a new one per frame (and an
        asyncio.wait per frame); with one source there is nothing to wait for but receive() itself.
        Fewer objects per idle socket, less work per frame.
        """
        self.scope, self.channel_layer, self.base_send = scope, None, send
        self.arrivals: collections.deque[float] = collections.deque()
        inbox: asyncio.Queue = asyncio.Queue()
        reader = asyncio.create_task(self._read(receive, inbox))
        try:
            while True:
                message = await inbox.get()
                if message is None:  # the reader failed: its error follows on the task
                    await reader
                self.arrived = self.arrivals.popleft() if message["type"] == "websocket.receive" else None
                await self.dispatch(message)
        except StopConsumer:
            pass
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reader

    async def _read(self, receive, inbox: asyncio.Queue) -> None:
        """Take each frame as it arrives, with its arrival time, while the loop handles the earlier ones:
        a frame held up behind a slow one (a database stall) is rate-limited by when it was sent."""
        try:
            while True:
                message = await receive()
                if message["type"] == "websocket.receive":
                    self.arrivals.append(time.time())
                inbox.put_nowait(message)
                if message["type"] == "websocket.disconnect":
                    return
        except Exception:
            inbox.put_nowait(None)
            raise

    async def dispatch(self, message):
        """Channels' dispatch without its aclose_old_connections() thread hop on every frame.

        Every handler here that touches the database goes through database_sync_to_async, which
        closes stale connections itself, in the thread that uses them; the extra hop per frame
        only added latency.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self):
        try:
            await self.enter()
        except Exception as e:
            if not is_unavailable(e):
                raise
            # The database or Redis is away: "try again later", and the page reconnects with backoff.
            log.warning("booth socket refused for now: %s: %s", type(e).__name__, e)
            with contextlib.suppress(Exception):
                await live.hub_leave(self)
            if not self.accepted:
                await self.accept()
            await self.close(code=p.CLOSE_TRY_AGAIN)

    async def enter(self):
        booth_id = self.scope["url_route"]["kwargs"]["booth_id"]
        self.booth, self.viewer = await live.booth_open(booth_id, self.scope.get("user"))
        await self.accept()  # accept first, so the browser sees why we close
        self.accepted = True
        if self.booth is None:
            return await self.close(code=p.CLOSE_NOT_FOUND)
        if not self.viewer.can_view:  # booth:view, read from the rule when the viewer was built
            return await self.close(code=p.CLOSE_DENIED)
        self.backlog = []  # frames broadcast while the snapshot is being read: sent right after it
        self.wire = daphne_wire(self.base_send)
        self.hub = await live.hub_join(self, live.new_member(self))
        await self.send(text_data=p.encode(await live.snapshot(self)))
        backlog, self.backlog = self.backlog, None
        for text in backlog:
            await self.send(text_data=text)
        await live.visit_record(self.booth, self.viewer)
        return None

    async def disconnect(self, code):
        await live.hub_leave(self)

    async def receive(self, text_data=None, bytes_data=None):
        content = None
        try:
            content = p.parse_frame(text_data, bytes_data)
            reply = await live.dispatch(self, content) if self.hub else None
        except DomainError as e:
            reply = with_client_id(e.as_dict(), content)
        except Exception as e:
            if not is_unavailable(e):
                raise
            log.warning("booth frame refused for now: %s: %s", type(e).__name__, e)
            reply = live.unavailable(content)
        if reply:
            await self.send(text_data=p.encode(reply))
