"""ws/fairs/<slug>/dashboard/: the organizer's live dashboard. Thin: check, subscribe, send snapshots.

Announcements (fair.changed) are gathered: the first one schedules a snapshot no sooner than
min_interval() after the previous one, later ones ride along. Without announcements a snapshot
still goes out every refresh_every() seconds, so visitors of a dead process fade out.
The database part of a snapshot is shared with the fair's other dashboards when it was read after
the last announcement this one heard (stats.snapshot's fresh_after).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from fair.access import access_fair
from fair.models import Fair
from insights import protocol as p
from insights import stats
from kernel import live
from kernel.access import allowed
from kernel.errors import NotFound
from kernel.websocket import CleanExit, keep_in_groups


@database_sync_to_async
def _fair_for(slug: str, user) -> tuple[Fair | None, bool]:
    try:
        fair = access_fair(user, slug)
    except NotFound:
        return None, False
    return fair, allowed(user, "fair:organize", fair)


class DashboardConsumer(CleanExit, AsyncWebsocketConsumer):
    fair: Fair | None = None
    pending: asyncio.Task | None = None
    ticker: asyncio.Task | None = None
    renewal: asyncio.Task | None = None
    last_sent = 0.0
    changed_at = 0.0  # time.time() of the last announcement or refresh request

    async def connect(self):
        self.fair, allowed = await _fair_for(
            self.scope["url_route"]["kwargs"]["slug"], self.scope.get("user")
        )
        await self.accept()  # accept first, so the browser sees why we close
        if self.fair is None:
            return await self.close(code=p.CLOSE_NOT_FOUND)
        if not allowed:
            return await self.close(code=p.CLOSE_DENIED)
        await self.channel_layer.group_add(live.fair_group(self.fair.pk), self.channel_name)
        self.changed_at = time.time()  # the first snapshot is read after the socket opened
        await self.send_snapshot()
        self.ticker = asyncio.create_task(self._tick())
        self.renewal = keep_in_groups(self, live.fair_group(self.fair.pk))  # heals after Redis lost it
        return None

    async def disconnect(self, code):
        for task in (self.pending, self.ticker, self.renewal):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        if self.fair is not None:
            await self.channel_layer.group_discard(live.fair_group(self.fair.pk), self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        try:
            content = json.loads(text_data or "")
            kind = content.get("type") if isinstance(content, dict) else None
        except ValueError:
            kind = None
        if kind == p.PING:
            await self.send(text_data=json.dumps({"type": p.PONG}))
        elif kind == p.REFRESH:
            self.changed_at = time.time()
            self.schedule()
        else:
            error = {"type": p.ERROR, "code": "protocol.unknown_type", "message": "Send ping or refresh."}
            await self.send(text_data=json.dumps(error))

    async def fair_changed(self, event):  # the channel-layer announcement (kernel.live.FAIR_CHANGED)
        self.changed_at = time.time()
        self.schedule()

    def schedule(self) -> None:
        """One snapshot for any number of announcements, no sooner than min_interval() after the last."""
        if self.pending is None or self.pending.done():
            delay = max(0.0, self.last_sent + p.min_interval() - time.monotonic())
            self.pending = asyncio.create_task(self._send_later(delay))

    async def _send_later(self, delay: float) -> None:
        await asyncio.sleep(delay)
        self.pending = None  # announcements from now on need a later snapshot
        await self.send_snapshot()

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(p.refresh_every())
            if time.monotonic() - self.last_sent >= p.refresh_every() / 2:
                self.schedule()

    async def send_snapshot(self) -> None:
        self.last_sent = time.monotonic()
        snapshot = await stats.snapshot(self.fair, fresh_after=self.changed_at)
        await self.send(text_data=json.dumps({"type": p.SNAPSHOT, "snapshot": snapshot}, ensure_ascii=False))
