"""ws/shows/<show_id>/: a live show's socket (chat, pinned products, viewer counts). Thin: it parses
frames and routes them (shows/live.py). docs/show-protocol.md is its protocol."""

from __future__ import annotations

import contextlib
import logging
import time

from channels.generic.websocket import AsyncWebsocketConsumer

from kernel.errors import DomainError, is_unavailable
from kernel.websocket import CleanExit
from shows import live
from shows import protocol as p

log = logging.getLogger(__name__)


class ShowConsumer(CleanExit, AsyncWebsocketConsumer):
    show = None
    viewer = None
    entered: float | None = None
    arrived: float | None = None

    async def connect(self):
        await self.accept()  # accept first, so the browser sees why we close
        try:
            self.show, self.viewer = await live.show_open(
                self.scope["url_route"]["kwargs"]["show_id"], self.scope.get("user")
            )
            if self.show is None:
                return await self.close(code=p.CLOSE_NOT_FOUND)
            await self.channel_layer.group_add(p.show_group(self.show.pk), self.channel_name)
            snapshot = await live.enter(self)
            self.entered = time.monotonic()
        except Exception as e:
            if not is_unavailable(e):
                raise
            log.warning("show socket refused for now: %s: %s", type(e).__name__, e)
            return await self.close(code=p.CLOSE_TRY_AGAIN)
        await self.send(text_data=p.encode(snapshot))
        return None

    async def disconnect(self, code):
        if self.show is None:
            return
        await self.channel_layer.group_discard(p.show_group(self.show.pk), self.channel_name)
        if self.entered is not None:
            seconds, self.entered = time.monotonic() - self.entered, None
            with contextlib.suppress(Exception):
                await live.leave(self, seconds)

    async def receive(self, text_data=None, bytes_data=None):
        if self.entered is None:
            return
        self.arrived = time.time()
        content = None
        try:
            content = live.parse_frame(text_data, bytes_data)
            reply = await live.dispatch(self, content)
        except DomainError as e:
            reply = e.as_dict()
            if isinstance(content, dict) and content.get("client_id"):
                reply["client_id"] = content["client_id"]
        if reply:
            await self.send(text_data=p.encode(reply))

    async def show_frame(self, message):
        text = message.get("text")
        await self.send(text_data=text if text is not None else p.encode(message["frame"]))
