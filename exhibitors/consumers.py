"""ws/booths/<booth_id>/: the live booth. Thin: it parses frames and routes them (exhibitors/live.py)."""

from __future__ import annotations

from channels.generic.websocket import AsyncWebsocketConsumer

from exhibitors import live
from exhibitors import protocol as p
from fair.errors import DomainError


class BoothConsumer(AsyncWebsocketConsumer):
    # No channel-layer channel per socket: the booth's hub in this process receives for all of them.
    channel_layer_alias = "__booth_sockets_use_the_hub__"
    hub = None
    backlog: list[str] | None = None

    async def connect(self):
        booth_id = self.scope["url_route"]["kwargs"]["booth_id"]
        self.booth, self.viewer = await live.booth_open(booth_id, self.scope.get("user"))
        await self.accept()  # accept first, so the browser sees why we close
        if self.booth is None:
            return await self.close(code=p.CLOSE_NOT_FOUND)
        if not self.booth.is_published and not self.viewer.can_view_draft:
            return await self.close(code=p.CLOSE_DENIED)
        self.backlog = []  # frames broadcast while the snapshot is being read: sent right after it
        self.hub = await live.hub_join(self, live.new_member(self))
        await self.send(text_data=p.encode(await live.snapshot(self)))
        backlog, self.backlog = self.backlog, None
        for text in backlog:
            await self.send(text_data=text)
        await live.database_sync_to_async(live.services.booth_visit_record)(
            booth=self.booth, viewer=self.viewer
        )
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
