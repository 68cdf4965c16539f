"""fair/websocket.CleanExit: however a consumer's socket ends, its disconnect() runs.

Daphne (through autobahn) raises Disconnected for a frame sent to a socket the client has already
closed: a visitor who closed the tab while the server was still answering them. `client_gone`
wraps the real ASGI application so that its sends do exactly that once the test says the client
has gone; the client's websocket.disconnect then follows, as daphne sends it.
"""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from asgiref.sync import sync_to_async
from autobahn.exception import Disconnected
from channels.testing import WebsocketCommunicator

from config.asgi import application
from exhibitors import live, presence
from meetings.models import RoomVisit
from tests.exhibitors.conftest import headers_for, live_settings, run  # noqa: F401  (a fixture)
from tests.meetings.test_room import make_meeting, room_timings  # noqa: F401  (a fixture)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("live_settings", "room_timings"),
]


def client_gone(gone: asyncio.Event):
    async def app(scope, receive, send):
        async def daphne_send(message):
            if gone.is_set() and message["type"] == "websocket.send":
                raise Disconnected("Attempt to send on a closed protocol")
            await send(message)

        await application(scope, receive, daphne_send)

    return app


async def _open(path: str, user, gone: asyncio.Event) -> WebsocketCommunicator:
    headers = await sync_to_async(headers_for)(user)
    ws = WebsocketCommunicator(client_gone(gone), path, headers=headers)
    connected, _ = await ws.connect(timeout=5)
    assert connected
    await ws.receive_from(timeout=5)  # the snapshot, or the room's welcome
    return ws


async def _leave(ws: WebsocketCommunicator) -> None:
    with contextlib.suppress(Exception):  # without CleanExit, the application's error surfaces here
        await ws.disconnect(timeout=5)


def test_a_booth_visitor_who_left_while_answered_is_no_longer_counted(small_fair):
    booth = small_fair["booths"]["cosmetics"]

    async def scenario():
        gone = asyncio.Event()
        ws = await _open(f"/ws/booths/{booth.pk}/", None, gone)
        gone.set()
        await ws.send_json_to({"type": "chat.post", "body": "hello"})  # answered: sign in first
        await asyncio.sleep(0.3)  # the answer meets the closed socket
        await _leave(ws)
        return await presence.backend().members(booth.pk)

    assert run(scenario) == []


def test_a_handler_that_fails_still_takes_the_visitor_out(small_fair, monkeypatch):
    booth = small_fair["booths"]["cosmetics"]

    async def broken(consumer, content):
        raise RuntimeError("a bug")

    monkeypatch.setitem(live.HANDLERS, "ping", broken)

    async def scenario():
        ws = await _open(f"/ws/booths/{booth.pk}/", small_fair["buyer"].user, asyncio.Event())
        await ws.send_json_to({"type": "ping"})
        with pytest.raises(RuntimeError):  # daphne logs it and closes the socket
            await ws.wait(timeout=5)
        return await presence.backend().members(booth.pk)

    assert run(scenario) == []


def test_a_video_room_peer_who_left_while_answered_has_left(small_fair):
    meeting = make_meeting(small_fair)

    async def scenario():
        gone = asyncio.Event()
        ws = await _open(f"/ws/meetings/{meeting.pk}/room/", small_fair["buyer"].user, gone)
        gone.set()
        await ws.send_to(text_data="not json")  # answered with an error
        await asyncio.sleep(0.3)
        await _leave(ws)

    run(scenario)
    visit = RoomVisit.objects.get(meeting=meeting)
    assert visit.left_at is not None
