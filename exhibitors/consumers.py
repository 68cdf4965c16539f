"""ws/booths/<booth_id>/: the live booth. Thin: it parses frames and routes them (exhibitors/live.py)."""

from __future__ import annotations

from channels.generic.websocket import AsyncWebsocketConsumer

from exhibitors import live
from exhibitors import protocol as p
from kernel.errors import DomainError
from kernel.server_tuning import OneReceiveLoop, daphne_wire
from kernel.websocket import CleanExit


class BoothConsumer(OneReceiveLoop, CleanExit, AsyncWebsocketConsumer):
    # No channel-layer channel per socket (OneReceiveLoop reads receive() alone): the booth's hub in
    # this process receives for all of them.
    hub = None
    backlog: list[str] | None = None
    wire = None  # (daphne server, protocol): the hub's one-frame-for-all fast path

    async def connect(self):
        booth_id = self.scope["url_route"]["kwargs"]["booth_id"]
        self.booth, self.viewer = await live.booth_open(booth_id, self.scope.get("user"))
        await self.accept()  # accept first, so the browser sees why we close
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
        try:
            content = p.parse_frame(text_data, bytes_data)
            reply = await live.dispatch(self, content) if self.hub else None
        except DomainError as e:
            reply = e.as_dict()
        if reply:
            await self.send(text_data=p.encode(reply))
