"""Helpers for the show tests: a scheduled show of Seoul Glow, and sockets on the real ASGI application."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from shows import services
from tests.exhibitors.conftest import headers_for


@pytest.fixture(autouse=True)
def show_settings(settings):
    run_id = f"test-{uuid.uuid4().hex[:8]}"
    settings.BOOTH_LIVE = {"CHAT_RATE": (5, 10)}
    settings.CHANNELS_PREFIX = run_id
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": run_id}}
    for name in ("JANUS_ADMIN_URL", "JANUS_ADMIN_SECRET", "JANUS_TOKEN_SECRET", "JANUS_ROOM_ADMIN_KEY"):
        setattr(settings, name, "")
    settings.JANUS_PUBLIC_URL = ""
    return settings


def schedule(small_fair, *, in_minutes: int = 60, zone: str = "Asia/Seoul", minutes: int = 30, **kw):
    booth = small_fair["booths"]["cosmetics"]
    start = timezone.now().astimezone(__import__("zoneinfo").ZoneInfo(zone)) + timedelta(minutes=in_minutes)
    return services.show_schedule(
        actor=small_fair["staff"].user,
        booth=booth,
        title=kw.pop("title", "New serums, live"),
        language=kw.pop("language", "en"),
        starts_local=datetime(start.year, start.month, start.day, start.hour, start.minute),
        zone=zone,
        minutes=minutes,
        products=list(booth.products.all()),
        **kw,
    )


@pytest.fixture
def show(small_fair):
    return schedule(small_fair)


class ShowSocket:
    def __init__(self, show_id: int, user=None):
        self.show_id, self.user = show_id, user
        self.comm = None

    async def open(self, timeout: float = 3) -> dict:
        from config.asgi import application

        headers = await sync_to_async(headers_for)(self.user)
        self.comm = WebsocketCommunicator(application, f"/ws/shows/{self.show_id}/", headers=headers)
        connected, _ = await self.comm.connect(timeout=timeout)
        assert connected
        return await self.recv(timeout)

    async def send(self, frame) -> None:
        await self.comm.send_to(text_data=frame if isinstance(frame, str) else json.dumps(frame))

    async def recv(self, timeout: float = 3) -> dict:
        return json.loads(await self.comm.receive_from(timeout=timeout))

    async def recv_type(self, kind: str, timeout: float = 3) -> dict:
        while True:
            frame = await self.recv(timeout)
            if frame["type"] == kind:
                return frame

    async def nothing(self, timeout: float = 0.3) -> bool:
        while not await self.comm.receive_nothing(timeout=timeout):
            frame = await self.recv()
            if frame["type"] != "viewers":
                self.unexpected = frame
                return False
        return True

    async def close(self) -> None:
        await self.comm.disconnect(timeout=2)
