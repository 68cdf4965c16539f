"""ws/booths/<booth_id>/: the live booth. Thin: it parses frames and routes them (exhibitors/live.py)."""

from __future__ import annotations

from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer

from exhibitors import live
from exhibitors import protocol as p
from kernel.errors import DomainError
from kernel.websocket import CleanExit


class BoothConsumer(CleanExit, AsyncWebsocketConsumer):
    # No channel-layer channel per socket (see __call__): the booth's hub in this process receives
    # for all of them.
    hub = None
    backlog: list[str] | None = None
    wire = None  # (daphne server, protocol): the hub's one-frame-for-all fast path

    async def serve(self, scope, receive, send):
        """Channels' AsyncConsumer.__call__ for a consumer with no channel layer: one loop on receive.

        Channels' await_many_dispatch keeps a task on receive() and makes a new one per frame (and an
        asyncio.wait per frame); with one source there is nothing to wait for but receive() itself.
        Fewer objects per idle socket, less work per frame.
        """
        self.scope, self.channel_layer, self.base_send = scope, None, send
        try:
            while True:
                await self.dispatch(await receive())
        except StopConsumer:
            pass

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
        booth_id = self.scope["url_route"]["kwargs"]["booth_id"]
        self.booth, self.viewer = await live.booth_open(booth_id, self.scope.get("user"))
        await self.accept()  # accept first, so the browser sees why we close
        if self.booth is None:
            return await self.close(code=p.CLOSE_NOT_FOUND)
        if not self.viewer.can_view:  # booth:view, read from the rule when the viewer was built
            return await self.close(code=p.CLOSE_DENIED)
        self.backlog = []  # frames broadcast while the snapshot is being read: sent right after it
        self.wire = live.daphne_wire(self.base_send)
        self.hub = await live.hub_join(self, live.new_member(self))
        await self.send(text_data=p.encode(await live.snapshot(self)))
        backlog, self.backlog = self.backlog, None
        for text in backlog:
            await self.send(text_data=text)
        await live.visit_record(self.booth, self.viewer)
        return None

    async def websocket_disconnect(self, message):
        """Channels' websocket_disconnect minus aclose_old_connections(): a thread hop per closing
        socket, for a consumer whose database work already runs in database_sync_to_async."""
        await self.disconnect(message.get("code"))
        raise StopConsumer()

    async def disconnect(self, code):
        await live.hub_leave(self)

    async def receive(self, text_data=None, bytes_data=None):
        try:
            content = p.parse_frame(text_data, bytes_data)
            reply = await live.dispatch(self, content) if self.hub else None
        except DomainError as e:
            reply = e.as_dict()
        if reply:
            await self.send(text_data=p.encode(reply))
