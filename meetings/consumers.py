"""The per-user notification socket at ws/notifications/ (protocol: docs/meetings.md)."""

from __future__ import annotations

import json

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from kernel.websocket import CleanExit, keep_in_groups, stop_task
from meetings import protocol


class NotificationConsumer(CleanExit, AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return await self.close(code=4401)
        self.group = protocol.user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        self.renewal = keep_in_groups(self, self.group)  # heard again after Redis lost the group
        return await self.send_json({"type": protocol.HELLO, "user": user.pk})

    async def disconnect(self, code):
        await stop_task(getattr(self, "renewal", None))
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        try:
            content = json.loads(text_data or "")
        except ValueError:
            content = None
        if not isinstance(content, dict):
            return await self.send_json(
                {"type": protocol.ERROR, "code": "protocol.bad_json", "message": "Send a JSON object."}
            )
        return await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        if content.get("type") == protocol.PING:
            return await self.send_json({"type": protocol.PONG})
        return await self.send_json(
            {"type": protocol.ERROR, "code": "protocol.unknown_type", "message": "Unknown message type."}
        )

    async def notify_relay(self, event):
        await self.send_json(event["payload"])
