"""Invited staff hear of a request live, on their notification socket (ws/notifications/)."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from config.asgi import application
from rfq import services
from tests.rfq.conftest import post, quote


def _communicator(client: Client):
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    return WebsocketCommunicator(
        application,
        "/ws/notifications/",
        headers=[(b"cookie", cookie.encode()), (b"origin", b"http://testserver")],
    )


@pytest.mark.django_db(transaction=True)
def test_invited_staff_and_the_buyer_hear_live(rfq_world):
    staff, buyer = Client(), Client()
    staff.force_login(rfq_world["staff"]["seoul"].user)
    buyer.force_login(rfq_world["buyer"].user)
    async_to_sync(_scenario)(rfq_world, staff, buyer)


async def _scenario(w, staff_client, buyer_client):
    staff_ws, buyer_ws = _communicator(staff_client), _communicator(buyer_client)
    for ws in (staff_ws, buyer_ws):
        connected, _ = await ws.connect()
        assert connected and (await ws.receive_json_from())["type"] == "hello"
    rfq = await sync_to_async(post)(w)
    await sync_to_async(services.rfq_invite)(
        actor=w["buyer"].user, rfq=rfq, booth_ids=[w["booths"]["seoul"].pk]
    )
    event = await staff_ws.receive_json_from(timeout=5)
    assert event["type"] == "rfq.invited" and event["rfq_id"] == rfq.pk
    assert event["link"].endswith(f"/fairs/{w['fair'].slug}/rfq/{rfq.pk}/")
    q = await sync_to_async(quote)(w, "seoul", rfq)
    event = await buyer_ws.receive_json_from(timeout=5)
    assert event["type"] == "quote.submitted" and event["quote_id"] == q.pk
    assert await staff_ws.receive_nothing(timeout=0.3)  # the author is not told of their own quote
    for ws in (staff_ws, buyer_ws):
        await ws.disconnect()
