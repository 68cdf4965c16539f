"""The chat of a group room (a meeting's group video, a signing ceremony's room): the one-to-one
room's chat protocol (docs/video-protocol.md, "Group rooms") on a socket of its own, since the media
go through Janus and the socket carries only the chat.

Frames, both directions as in the one-to-one room: the client sends ``chat.post`` {body, client_id}
and ``ping``; the server sends ``welcome`` {chat: the last lines}, ``chat.message`` to everyone in the
room, ``chat.ack`` {client_id, id} to the sender once the line is stored, ``error`` (``chat.empty``,
``chat.too_long``, ``chat.rate_limited``, ``chat.unavailable`` with ``retry_after``...) and ``room.closed``
before closing when the room's time is over. Refusals close with the one-to-one room's codes.

``GroupChatConsumer`` only routes; each room says who enters and how a line is stored (``enter``,
``post``, sync, run in the database thread). ``MeetingGroupChatConsumer``: ws/meetings/<id>/group/.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass

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


@dataclass
class Entered:
    group: str  # the channel-layer group of the room's chat
    backlog: list[dict]  # the last chat.message frames
    closes_at: object  # an aware datetime: the socket closes then (room.closed)


class GroupChatConsumer(CleanExit, AsyncWebsocketConsumer):
    group = None

    def enter(self) -> Entered:
        """Who may enter, when (raise room.RoomRefused with its close code otherwise)."""
        raise NotImplementedError

    def post(self, body, client_id):
        """Store a line; return (the stored row, its chat.message frame)."""
        raise NotImplementedError

    async def connect(self):
        await self.accept()  # accept first, so the browser sees why we close
        self.tasks: list[asyncio.Task] = []
        try:
            entered = await database_sync_to_async(self.enter)()
        except room.RoomRefused as e:
            await self.send(text_data=encode(e.as_dict()))
            return await self.close(code=e.close_code)
        self.group = entered.group
        await self.channel_layer.group_add(self.group, self.channel_name)
        self.tasks.append(keep_in_groups(self, self.group))  # heals after Redis lost the group
        await self.send(text_data=encode({"type": p.ROOM_WELCOME, "chat": entered.backlog}))
        closes_in = (entered.closes_at - timezone.now()).total_seconds()
        self.tasks.append(asyncio.create_task(self._close_at(closes_in)))
        return None

    async def disconnect(self, code):
        for task in getattr(self, "tasks", []):
            task.cancel()
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        if self.group is None:
            return
        reply = await answer_frame(
            text_data,
            parse=room.parse_frame,
            route=self.route,
            unavailable=room.unavailable,
            what="group chat",
        )
        if reply:
            await self.send(text_data=encode(reply))

    async def route(self, content: dict) -> dict | None:
        kind = content["type"]
        if kind == p.PING:
            return {"type": p.PONG}
        if kind != p.ROOM_CHAT_POST:
            raise DomainError("protocol.unknown_type", _("A group room's socket takes chat.post and ping."))
        message, frame = await database_sync_to_async(self.post)(
            content.get("body"), content.get("client_id")
        )
        await self.channel_layer.group_send(self.group, {"type": p.ROOM_LAYER_EVENT, "text": encode(frame)})
        if message.client_id:  # the page keeps the line until this
            return {"type": p.ROOM_CHAT_ACK, "client_id": message.client_id, "id": message.pk}
        return None

    async def room_event(self, event):
        await self.send(text_data=event["text"])

    async def _close_at(self, delay: float) -> None:
        await asyncio.sleep(max(0.0, delay))
        with contextlib.suppress(Exception):
            await self.send(text_data=encode({"type": p.ROOM_CLOSED, "code": "room.too_late"}))
        await self.close(code=p.ROOM_CLOSE_TOO_LATE)


class MeetingGroupChatConsumer(GroupChatConsumer):
    """ws/meetings/<meeting_id>/group/: the chat of a meeting's group video. Admitted by the one-to-one
    room's rules (room_check); the lines are the meeting's call chat (RoomMessage), so its backlog
    holds the one-to-one room's lines too."""

    def enter(self) -> Entered:
        meeting = room.load_meeting(self.scope["url_route"]["kwargs"]["meeting_id"])
        self.role = room.room_check(user=self.scope.get("user"), meeting=meeting)
        self.meeting = meeting
        return Entered(
            group=p.group_chat_group(meeting.pk),
            backlog=room_selectors.chat_backlog(meeting=meeting),
            closes_at=room.room_closes_at(meeting),
        )

    def post(self, body, client_id):
        message = room.meeting_chat_post(
            meeting_id=self.meeting.pk,
            user=self.scope["user"],
            role=self.role,
            body=body,
            client_id=client_id,
        )
        return message, room_selectors.chat_frame(message)
