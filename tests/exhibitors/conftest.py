"""Helpers for the live booth tests: real communicators on config.asgi.application, signed in by cookie."""

from __future__ import annotations

import json
import uuid

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings
from django.test import Client

from exhibitors import live, presence

ORIGIN = (b"origin", b"http://testserver")


@pytest.fixture(autouse=True)
def live_settings(settings):
    """Short timers, and a Redis prefix of our own so runs never see each other's presence."""
    settings.BOOTH_LIVE = {"PRESENCE_DEBOUNCE": 0.05, "KNOCK_TIMEOUT": 120.0, "CHAT_RATE": (5, 10)}
    run_id = f"test-{uuid.uuid4().hex[:8]}"
    settings.CHANNELS_PREFIX = run_id
    # Rate limits and once-a-day marks live in the shared cache (Redis when REDIS_URL is set), where
    # another run's keys for the same ids would leak in: a key prefix of this test's own.
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": run_id}}
    presence._backend = None
    live._hubs.clear()
    yield settings
    live._hubs.clear()  # the presence backend stays: tests/conftest.py checks its clients were closed


def run(fn):
    """Run the async scenario fn(), then close this loop's booth hubs and Redis clients."""

    async def scenario():
        try:
            return await fn()
        finally:
            await live.shutdown()

    return async_to_sync(scenario)()


def cookie_for(user) -> list[tuple[bytes, bytes]]:
    client = Client()
    client.force_login(user)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    return [(b"cookie", f"{django_settings.SESSION_COOKIE_NAME}={session}".encode())]


def headers_for(user=None) -> list[tuple[bytes, bytes]]:
    return [ORIGIN] + (cookie_for(user) if user is not None else [])


class Socket:
    """A communicator on the real ASGI application with JSON helpers; signs in as `user` (None: anonymous)."""

    def __init__(self, booth_id: int, user=None, *, app=None):
        self.booth_id, self.user, self.app = booth_id, user, app
        self.comm = None

    async def connect(self, timeout: float = 2):
        from config.asgi import application

        headers = await sync_to_async(headers_for)(self.user)
        path = f"/ws/booths/{self.booth_id}/"
        self.comm = WebsocketCommunicator(self.app or application, path, headers=headers)
        return await self.comm.connect(timeout=timeout)

    async def open(self, timeout: float = 2) -> dict:
        connected, _sub = await self.connect(timeout)
        assert connected
        return await self.recv(timeout)

    async def send(self, frame) -> None:
        await self.comm.send_to(text_data=frame if isinstance(frame, str) else json.dumps(frame))

    async def recv(self, timeout: float = 2) -> dict:
        return json.loads(await self.comm.receive_from(timeout=timeout))

    async def recv_type(self, kind: str, timeout: float = 2) -> dict:
        """The next frame of this type, skipping presence updates and others."""
        while True:
            frame = await self.recv(timeout)
            if frame["type"] == kind:
                return frame

    async def nothing(self, timeout: float = 0.2) -> bool:
        """True when nothing but presence updates arrives within `timeout`."""
        while not await self.comm.receive_nothing(timeout=timeout):
            frame = await self.recv()
            if frame["type"] != "presence":
                self.unexpected = frame
                return False
        return True

    async def close(self, timeout: float = 1) -> None:
        await self.comm.disconnect(timeout=timeout)
