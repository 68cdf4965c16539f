"""The bell hears its count live on the person's notification socket (ws/notifications/)."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.test import Client

from tests.meetings.test_live_and_api import _communicator
from tests.meetings.test_services import request


async def _next(ws, kind: str) -> dict:
    while True:
        frame = await ws.receive_json_from(timeout=5)
        if frame["type"] == kind:
            return frame


@pytest.mark.django_db(transaction=True)
def test_a_request_rings_the_exhibitors_bell_and_reading_it_elsewhere_clears_it(booking):
    staff = Client()
    staff.force_login(booking["staff"].user)
    other_tab = Client()
    other_tab.force_login(booking["staff"].user)
    buyer = Client()
    buyer.force_login(booking["buyer"].user)

    async def scenario():
        ws = _communicator(staff)
        buyer_ws = _communicator(buyer)
        assert (await ws.connect())[0] and (await buyer_ws.connect())[0]
        assert (await ws.receive_json_from())["type"] == "hello"
        assert (await buyer_ws.receive_json_from())["type"] == "hello"
        meeting = await sync_to_async(request)(booking)
        frame = await _next(ws, "notice")
        assert frame["unread"] == 1 and frame["toast"] is True
        assert frame["notice"]["kind"] == "meeting.requested"
        assert frame["notice"]["url"] == f"/schedule/{meeting.pk}/"
        assert frame["notice"]["text"].startswith("Meeting request from")
        assert await buyer_ws.receive_nothing(timeout=0.3)  # the buyer acted: no bell for them
        answer = await sync_to_async(other_tab.post)(f"/api/notifications/{frame['notice']['id']}/read/")
        assert answer.status_code == 200
        cleared = await _next(ws, "notice.read")
        assert cleared == {"type": "notice.read", "ids": [frame["notice"]["id"]], "unread": 0}
        await ws.disconnect()
        await buyer_ws.disconnect()

    async_to_sync(scenario)()
