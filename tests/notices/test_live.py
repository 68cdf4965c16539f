"""The bell hears its count live on the person's notification socket (ws/notifications/)."""

from __future__ import annotations

import asyncio

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


async def _lose_group(layer, group: str) -> None:
    """What Redis restarting empty (or the layer's group expiry) does to a group: its members are gone."""
    if hasattr(layer, "groups"):  # the in-memory layer of the embedded default
        layer.groups.pop(group, None)
        return
    connection = layer.connection(layer.consistent_hash(group))  # channels_redis: a sorted set per group
    await connection.delete(layer._group_key(group))


@pytest.mark.django_db(transaction=True)
def test_a_notification_socket_hears_again_once_its_lost_group_is_renewed(booking, settings):
    """Issue 16: after Redis lost its data a notification socket stayed open and heard nothing more.
    Each socket now renews its group membership (CHANNELS_GROUP_REFRESH)."""
    from channels.layers import get_channel_layer

    from notices.protocol import RELAY, user_group

    settings.CHANNELS_GROUP_REFRESH = 0.3
    staff = Client()
    staff.force_login(booking["staff"].user)
    group = user_group(booking["staff"].user.pk)

    async def scenario():
        layer = get_channel_layer()
        ws = _communicator(staff)
        assert (await ws.connect())[0]
        assert (await ws.receive_json_from())["type"] == "hello"
        await _lose_group(layer, group)
        await layer.group_send(group, {"type": RELAY, "payload": {"type": "notice", "n": 1}})
        lost = await ws.receive_nothing(timeout=0.2)  # the group is gone: nothing reaches the socket
        await asyncio.sleep(0.6)  # one renewal later
        await layer.group_send(group, {"type": RELAY, "payload": {"type": "notice", "n": 2}})
        heard = await _next(ws, "notice")
        await ws.disconnect()
        return lost, heard

    lost, heard = async_to_sync(scenario)()
    assert lost and heard == {"type": "notice", "n": 2}
