"""ws/meetings/<meeting_id>/room/: the video room's signalling socket. Thin: rules in meetings/room.py.

Offers, answers and ICE candidates go to the one addressed peer's channel; joins, leaves, chat and
media states to the room's group. Each socket keeps the room's peers ({peer id: channel}) from its
welcome frame and the group's peer.joined / peer.left events, so a frame to anyone else is refused
without a database query.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.errors import DomainError
from kernel.websocket import CleanExit, answer_frame, keep_in_groups
from meetings import protocol as p
from meetings import room, room_selectors

log = logging.getLogger(__name__)


def encode(frame: dict) -> str:
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))


class RoomConsumer(CleanExit, AsyncWebsocketConsumer):
    visit = None
    group = None

    async def connect(self):
        await self.accept()  # accept first, so the browser sees why we close
        self.tasks: list[asyncio.Task] = []
        self.peers: dict[str, str] = {}
        try:
            entry = await database_sync_to_async(room.room_enter)(
                meeting_id=self.scope["url_route"]["kwargs"]["meeting_id"],
                user=self.scope.get("user"),
                channel=self.channel_name,
            )
        except room.RoomRefused as e:
            await self.send(text_data=encode(e.as_dict()))
            return await self.close(code=e.close_code)
        self.visit, self.meeting = entry.visit, entry.meeting
        self.group = p.room_group(self.meeting.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        self.tasks.append(keep_in_groups(self, self.group))  # heals after Redis lost the group
        frame, self.peers = await database_sync_to_async(room_selectors.welcome)(
            visit=self.visit, meeting=self.meeting
        )
        await self.send(text_data=encode(frame))
        me = room_selectors.peer_info(self.visit)
        await self._to_room({"type": p.ROOM_PEER_JOINED, "peer": me}, joined=self.channel_name)
        closes_in = (room.room_closes_at(self.meeting) - timezone.now()).total_seconds()
        self.tasks.append(asyncio.create_task(self._close_at(closes_in)))
        if entry.held_check_in is not None:
            self.tasks.append(asyncio.create_task(self._check_held(entry.held_check_in)))
        return None

    async def disconnect(self, code):
        for task in getattr(self, "tasks", []):
            task.cancel()
        if self.visit is None:
            return
        await self.channel_layer.group_discard(self.group, self.channel_name)
        await database_sync_to_async(room.room_leave)(visit_id=self.visit.pk)
        await self._to_room({"type": p.ROOM_PEER_LEFT, "peer": {"id": self.visit.peer}})

    async def receive(self, text_data=None, bytes_data=None):
        if self.visit is None:
            return
        reply = await answer_frame(
            text_data, parse=room.parse_frame, route=self.route, unavailable=room.unavailable, what="room"
        )
        if reply:
            await self.send(text_data=encode(reply))

    async def route(self, content: dict) -> dict | None:
        kind = content["type"]
        if kind == p.PING:
            return {"type": p.PONG}
        if kind in p.ROOM_SIGNALS:
            target = content.get("to")
            channel = self.peers.get(target) if isinstance(target, str) else None
            if channel is None or target == self.visit.peer:
                raise DomainError("room.no_such_peer", _("There is no such peer in the room."))
            frame = {"type": kind, "from": self.visit.peer, **room.signal_payload(content)}
            await self.channel_layer.send(channel, {"type": p.ROOM_LAYER_SIGNAL, "text": encode(frame)})
            return None
        if kind == p.ROOM_CHAT_POST:
            message = await database_sync_to_async(room.room_chat_post)(
                visit=self.visit, body=content.get("body"), client_id=content.get("client_id")
            )
            # A resend is broadcast again (the first broadcast may not have happened); pages show a
            # line once per id.
            await self._to_room(room_selectors.chat_frame(message, self.visit.peer))
            if message.client_id:  # the page keeps the line until this
                return {"type": p.ROOM_CHAT_ACK, "client_id": message.client_id, "id": message.pk}
            return None
        # p.ROOM_MEDIA
        await self._to_room({"type": p.ROOM_MEDIA, "from": self.visit.peer, **room.media_payload(content)})
        return None

    async def _to_room(self, frame: dict, joined: str | None = None) -> None:
        event = {"type": p.ROOM_LAYER_EVENT, "text": encode(frame)}
        if joined:
            event["channel"] = joined
        await self.channel_layer.group_send(self.group, event)

    # --- channel-layer handlers ---------------------------------------------------------------

    async def room_event(self, event):
        frame = json.loads(event["text"])
        if frame["type"] == p.ROOM_PEER_JOINED:
            if event.get("channel") == self.channel_name:
                return  # our own arrival
            self.peers[frame["peer"]["id"]] = event["channel"]
        elif frame["type"] == p.ROOM_PEER_LEFT:
            self.peers.pop(frame["peer"]["id"], None)
        await self.send(text_data=event["text"])

    async def room_signal(self, event):
        await self.send(text_data=event["text"])

    # --- timers -------------------------------------------------------------------------------

    async def _check_held(self, delay: float) -> None:
        while delay is not None:
            await asyncio.sleep(delay + 0.05)
            if await database_sync_to_async(room.attendance_check)(meeting=self.meeting):
                await self._to_room({"type": p.ROOM_HELD, "meeting": self.meeting.pk})
                return
            delay = await database_sync_to_async(room.held_check_in)(meeting=self.meeting)

    async def _close_at(self, delay: float) -> None:
        await asyncio.sleep(max(0.0, delay))
        with contextlib.suppress(Exception):
            await self.send(text_data=encode({"type": p.ROOM_CLOSED, "code": "room.too_late"}))
        await self.close(code=p.ROOM_CLOSE_TOO_LATE)
