"""A chat line with a client id: acknowledged to its sender, stored once however often it is sent."""

from __future__ import annotations

import pytest

from exhibitors.models import ChatMessage
from tests.exhibitors.conftest import Socket, run

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_line_sent_twice_with_its_client_id_is_stored_and_shown_once(small_fair):
    booth, buyer, staff = small_fair["booths"]["cosmetics"], small_fair["buyer"], small_fair["staff"]

    async def scenario():
        watcher = Socket(booth.pk, staff.user)
        await watcher.open()
        sender = Socket(booth.pk, buyer.user)
        await sender.open()
        line = {"type": "chat.post", "body": "Samples to Osaka?", "client_id": "c-1f3a"}
        await sender.send(line)
        ack = await sender.recv_type("chat.ack")
        shown = await watcher.recv_type("chat.message")
        # The page lost the ack (a reconnect) and sends the line again: the same id, nothing new stored.
        # It is broadcast again (the process that stored it may have died before its broadcast): the
        # same frame, the same id, which pages show once.
        await sender.send(line)
        again = await sender.recv_type("chat.ack")
        shown_again = await watcher.recv_type("chat.message")
        await sender.close()
        await watcher.close()
        return ack, shown, again, shown_again

    ack, shown, again, shown_again = run(scenario)
    assert ack == {"type": "chat.ack", "client_id": "c-1f3a", "id": shown["id"]}
    assert shown["client_id"] == "c-1f3a"
    assert again == ack
    assert shown_again == shown
    assert ChatMessage.objects.filter(body="Samples to Osaka?").count() == 1


def test_a_refused_line_names_its_client_id_and_a_bad_id_is_refused(small_fair):
    booth, buyer = small_fair["booths"]["cosmetics"], small_fair["buyer"]

    async def scenario():
        sender = Socket(booth.pk, buyer.user)
        await sender.open()
        await sender.send({"type": "chat.post", "body": "x" * 2001, "client_id": "c-long"})
        too_long = await sender.recv_type("error")
        await sender.send({"type": "chat.post", "body": "hello", "client_id": "no spaces <here>"})
        bad_id = await sender.recv_type("error")
        await sender.close()
        return too_long, bad_id

    too_long, bad_id = run(scenario)
    assert (too_long["code"], too_long["client_id"]) == ("chat.too_long", "c-long")
    assert bad_id["code"] == "protocol.bad_field"
    assert ChatMessage.objects.count() == 0


def test_two_people_may_use_the_same_client_id(small_fair):
    booth, buyer, staff = small_fair["booths"]["cosmetics"], small_fair["buyer"], small_fair["staff"]

    async def scenario():
        a, b = Socket(booth.pk, buyer.user), Socket(booth.pk, staff.user)
        await a.open()
        await b.open()
        await a.send({"type": "chat.post", "body": "from the buyer", "client_id": "1"})
        await a.recv_type("chat.ack")
        await b.send({"type": "chat.post", "body": "from the staff", "client_id": "1"})
        await b.recv_type("chat.ack")
        await a.close()
        await b.close()

    run(scenario)
    assert sorted(ChatMessage.objects.values_list("body", flat=True)) == ["from the buyer", "from the staff"]
