"""The show socket over real websockets (config.asgi.application through Channels' communicator):
chat with the booth chat's rules, a pinned product reaching every viewer, button clicks, counts."""

from __future__ import annotations

import time

import pytest
from asgiref.sync import async_to_sync

from fair.models import Interaction
from shows.models import Show, ShowChatMessage, ShowClick, ShowStats, ShowViewer
from tests import factories
from tests.shows.conftest import ShowSocket

pytestmark = pytest.mark.django_db(transaction=True)


def run(fn):
    return async_to_sync(fn)()


def test_chat_reaches_every_viewer_and_is_stored_first(small_fair, show):
    buyer, staff = small_fair["buyer"].user, small_fair["staff"].user
    other = factories.buyer(small_fair["fair"]).user

    async def scenario():
        sockets = [ShowSocket(show.pk, u) for u in (staff, buyer, other, None)]
        snaps = [await s.open() for s in sockets]
        assert snaps[0]["me"]["can_present"] and not snaps[1]["me"]["can_present"]
        assert snaps[1]["me"]["can_chat"] and not snaps[3]["me"]["can_chat"]
        await sockets[1].send({"type": "chat.post", "body": "Is it HALAL certified?", "client_id": "m1"})
        ack = await sockets[1].recv_type("chat.ack")
        assert ack["client_id"] == "m1"
        for s in sockets:
            line = await s.recv_type("chat.message")
            assert line["message"]["body"] == "Is it HALAL certified?"
        # The same line again is stored once and reaches nobody again.
        await sockets[1].send({"type": "chat.post", "body": "Is it HALAL certified?", "client_id": "m1"})
        assert (await sockets[1].recv_type("chat.ack"))["id"] == ack["id"]
        assert await sockets[2].nothing()
        # A visitor who is not signed in cannot write; a script is text; a bad frame is an error.
        await sockets[3].send({"type": "chat.post", "body": "hi"})
        assert (await sockets[3].recv_type("error"))["code"] == "chat.login_required"
        await sockets[2].send("not json")
        assert (await sockets[2].recv_type("error"))["code"] == "protocol.bad_json"
        await sockets[2].send({"type": "chat.post", "body": "<script>alert(1)</script>"})
        line = await sockets[0].recv_type("chat.message")
        assert line["message"]["body"] == "<script>alert(1)</script>"  # pages set it as text
        for s in sockets:
            await s.close()

    run(scenario)
    assert ShowChatMessage.objects.count() == 2
    assert Interaction.objects.filter(kind="chat", buyer=small_fair["buyer"]).count() == 1


def test_the_booth_chats_rate_limit_holds_in_a_show(small_fair, show):
    buyer = small_fair["buyer"].user

    async def scenario():
        s = ShowSocket(show.pk, buyer)
        await s.open()
        codes = []
        for n in range(7):
            await s.send({"type": "chat.post", "body": f"line {n}"})
            while True:
                frame = await s.recv()
                if frame["type"] in ("chat.ack", "error"):
                    codes.append(frame.get("code", "ok"))
                    break
        await s.close()
        return codes

    codes = run(scenario)
    assert codes[:5] == ["ok"] * 5 and codes[5:] == ["chat.rate_limited"] * 2


def test_a_pinned_product_reaches_every_viewer_within_a_second_and_clicks_count(small_fair, show):
    staff, buyer = small_fair["staff"].user, small_fair["buyer"].user
    product = show.booth.products.first()
    viewers = [buyer] + [factories.buyer(small_fair["fair"]).user for _ in range(4)]
    latecomer = factories.buyer(small_fair["fair"]).user
    other = small_fair["booths"]["snacks"].products.first()

    async def scenario():
        presenter = ShowSocket(show.pk, staff)
        await presenter.open()
        sockets = [ShowSocket(show.pk, u) for u in viewers]
        for s in sockets:
            await s.open()
        # Only the presenter pins.
        await sockets[0].send({"type": "pin", "product_id": product.pk})
        assert (await sockets[0].recv_type("error"))["code"] == "show.denied"
        started = time.monotonic()
        await presenter.send({"type": "pin", "product_id": product.pk})
        waits = []
        for s in sockets:
            frame = await s.recv_type("pinned", timeout=1)
            waits.append(time.monotonic() - started)
            assert frame["product"] == {"id": product.pk, "name": "Snail repair cream", "hs_code": "330499"}
        assert max(waits) < 1.0, waits
        # A product of another booth cannot be pinned.
        await presenter.send({"type": "pin", "product_id": other.pk})
        assert (await presenter.recv_type("error"))["code"] == "show.no_such_product"
        # A viewer who joins later finds it pinned.
        late = ShowSocket(show.pk, latecomer)
        assert (await late.open())["pinned"]["id"] == product.pk
        await sockets[0].send({"type": "click", "product_id": product.pk, "action": "quote"})
        assert (await sockets[0].recv_type("click.ack"))["action"] == "quote"
        await sockets[1].send({"type": "click", "product_id": product.pk, "action": "sample"})
        await sockets[1].recv_type("click.ack")
        await sockets[1].send({"type": "click", "product_id": product.pk, "action": "steal"})
        assert (await sockets[1].recv_type("error"))["code"] == "protocol.bad_field"
        counts = await late.recv_type("viewers", timeout=3)
        assert counts["now"] == 7 and counts["peak"] == 7
        for s in [presenter, late, *sockets]:
            await s.close()

    run(scenario)
    stats = ShowStats.objects.get(show=show)
    assert (stats.pins, stats.quote_clicks, stats.sample_clicks, stats.consult_clicks) == (1, 1, 1, 0)
    assert stats.viewers_now == 0 and stats.viewers_peak == 7
    assert stats.viewers_total == 6  # the presenter is not a viewer
    assert ShowClick.objects.count() == 2
    buyer_p = small_fair["buyer"]
    assert Interaction.objects.filter(kind="product_view", buyer=buyer_p, product=product).exists()
    assert Interaction.objects.filter(kind="booth_visit", buyer=small_fair["buyer"]).exists()
    assert ShowViewer.objects.filter(show=show).count() == 6


def test_an_unknown_show_closes_the_socket(small_fair):
    async def scenario():
        from channels.testing import WebsocketCommunicator

        from config.asgi import application
        from tests.exhibitors.conftest import ORIGIN

        comm = WebsocketCommunicator(application, "/ws/shows/999999/", headers=[ORIGIN])
        connected, _ = await comm.connect()
        assert connected
        closed = await comm.receive_output(timeout=2)
        assert closed == {"type": "websocket.close", "code": 4404}
        await comm.disconnect()

    run(scenario)


def test_every_page_hears_when_an_interpretation_is_confirmed_or_taken_off(small_fair, show):
    from asgiref.sync import sync_to_async

    from shows import services

    Show.objects.filter(pk=show.pk).update(language="ko")
    show.language = "ko"
    interpreter = small_fair["interpreter"].user
    row = services.interpretation_assign(
        actor=small_fair["staff"].user, show=show, interpreter=small_fair["interpreter"], language="ja"
    )

    async def scenario():
        socket = ShowSocket(show.pk, small_fair["buyer"].user)
        snap = await socket.open()
        assert snap["sounds"] == []  # proposed only: nothing to choose yet
        await sync_to_async(services.interpretation_answer)(user=interpreter, interpretation=row, accept=True)
        frame = await socket.recv_type("sounds")
        assert frame["sounds"] == [{"language": "ja", "name": "日本語"}]
        await sync_to_async(services.interpretation_remove)(
            actor=small_fair["staff"].user, interpretation=row
        )
        assert (await socket.recv_type("sounds"))["sounds"] == []
        await socket.close()

    run(scenario)
