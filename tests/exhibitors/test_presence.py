"""Presence: who is in a booth, across processes, and how the visitors of a dead process disappear.

"Two processes" are two booth hubs (each process has one per booth, subscribed to the booth's group);
with REDIS_URL they share the real Redis presence sets and the real Redis channel layer.
"""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from exhibitors import live, presence
from exhibitors.presence import Member
from tests.exhibitors.conftest import Socket, run

pytestmark = pytest.mark.django_db(transaction=True)
needs_redis = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (the real Redis)")


def test_a_member_not_seen_for_the_ttl_is_not_counted(small_fair):
    booth_id = small_fair["booths"]["cosmetics"].pk

    async def scenario():
        store = presence.backend()
        await store.enter(booth_id, Member("fresh", 1, "buyer", "Aiko (Tokyo Trading)", True))
        await store.enter(
            booth_id, Member("stale", 2, "buyer", "Ghost (Dead Process)", True), now=time.time() - 120
        )
        members = await store.members(booth_id)
        assert [m.conn_id for m in members] == ["fresh"]
        assert presence.summary(members) == {"count": 1, "staff": [], "visible": ["Aiko (Tokyo Trading)"]}
        # A heartbeat comes only from a hub that still holds the socket: it writes the member back.
        await store.touch(booth_id, [Member("stale", 2, "buyer", "Ghost (Dead Process)", True)])
        assert sorted(m.conn_id for m in await store.members(booth_id)) == ["fresh", "stale"]

    run(scenario)


def test_summary_counts_people_not_tabs_and_keeps_staff_apart():
    members = [
        Member("a", 1, "buyer", "Aiko", False),
        Member("b", 1, "buyer", "Aiko", False),  # the same buyer in a second tab
        Member("c", None, "anonymous", "", False),
        Member("d", None, "anonymous", "", False),
        Member("e", 7, "staff", "Min (Seoul Glow Co.)", False),
    ]
    assert presence.summary(members) == {"count": 4, "staff": ["Min (Seoul Glow Co.)"], "visible": []}


def test_visitors_of_a_process_that_died_disappear_within_the_ttl(small_fair, live_settings):
    live_settings.BOOTH_LIVE = {**live_settings.BOOTH_LIVE, "PRESENCE_TTL": 1.0, "PRESENCE_HEARTBEAT": 0.3}
    booth = small_fair["booths"]["cosmetics"]
    staff, buyer = small_fair["staff"], small_fair["buyer"]

    async def scenario():
        worker = Socket(booth.pk, staff.user)
        await worker.open()
        survivor = live._hubs.pop(booth.pk)  # the next socket lands on "another process" with its own hub
        visitor = Socket(booth.pk, buyer.user)
        snap = await visitor.open()
        assert snap["presence"]["count"] == 2
        doomed = live._hubs[booth.pk]
        assert doomed is not survivor
        # The other process dies: its tasks stop, nobody says goodbye, nobody refreshes its members.
        for task in doomed.tasks:
            task.cancel()
        doomed.closing = True
        started = time.monotonic()
        while (await worker.recv_type("presence", timeout=3))["count"] != 1:
            pass
        assert time.monotonic() - started < 1.0 + 0.3 + 0.5  # ttl + heartbeat + slack
        await worker.close()
        await survivor.stop()

    run(scenario)


@needs_redis
@pytest.mark.redis
def test_two_processes_share_presence_and_chat_through_the_real_redis(small_fair):
    booth = small_fair["booths"]["cosmetics"]
    staff, buyer = small_fair["staff"], small_fair["buyer"]
    assert isinstance(presence.backend(), presence.RedisPresence)

    async def scenario():
        worker = Socket(booth.pk, staff.user)
        await worker.open()
        first = live._hubs.pop(booth.pk)  # a second hub, as in a second daphne process
        visitor = Socket(booth.pk, buyer.user)
        snap = await visitor.open()
        assert live._hubs[booth.pk] is not first
        assert snap["presence"]["count"] == 2 and snap["presence"]["staff"]
        while (await worker.recv_type("presence"))["count"] != 2:
            pass
        # A member left behind by a process that died long ago, injected with an old timestamp.
        await presence.backend().enter(
            booth.pk, Member("ghost", None, "anonymous", "", False), now=time.time() - 300
        )
        assert presence.summary(await presence.backend().members(booth.pk))["count"] == 2
        await visitor.send({"type": "chat.post", "body": "From process B"})
        got = await worker.recv_type("chat.message")
        assert got["body"] == "From process B"
        assert await worker.nothing(0.3)  # delivered once, not once per hub
        await visitor.close()
        while (await worker.recv_type("presence"))["count"] != 1:
            pass
        await worker.close()
        await first.stop()

    run(scenario)


@needs_redis
@pytest.mark.redis
def test_a_crowd_entering_at_once_is_written_in_a_few_batches_on_few_connections(small_fair):
    """Each enter still waits for its own write; together they share transactions and connections."""
    booth_id = small_fair["booths"]["cosmetics"].pk

    async def scenario():
        store = presence.backend()
        crowd = [Member(f"c{i}", None, "anonymous", "", False) for i in range(500)]
        await asyncio.gather(*(store.enter(booth_id, m) for m in crowd))
        entered = len(await store.members(booth_id))
        pool = store.client().connection_pool
        connections = len(pool._available_connections) + len(pool._in_use_connections)
        await asyncio.gather(*(store.leave(booth_id, m.conn_id) for m in crowd[:300]))
        # in one batch, in order: a member entering and leaving again is gone
        await asyncio.gather(store.enter(booth_id, crowd[0]), store.leave(booth_id, crowd[0].conn_id))
        left = len(await store.members(booth_id))
        return entered, connections, left

    entered, connections, left = run(scenario)
    assert entered == 500
    assert connections <= 3
    assert left == 200


async def _lose_presence(booth_id: int) -> None:
    """What a Redis restart without its data does to presence (only this test's keys are deleted)."""
    store = presence.backend()
    if isinstance(store, presence.RedisPresence):
        await store.client().delete(*store.keys(booth_id), store.occupied_key)
    else:
        store.booths.clear()


def test_presence_heals_within_one_heartbeat_after_the_store_lost_its_data(small_fair, live_settings):
    """Redis restarted empty: the open sockets are counted again after the next heartbeat, and the
    organizer's dashboard (members_occupied) sees them again too."""
    live_settings.BOOTH_LIVE = {**live_settings.BOOTH_LIVE, "PRESENCE_HEARTBEAT": 0.3, "PRESENCE_TTL": 5.0}
    booth = small_fair["booths"]["cosmetics"]

    async def scenario():
        sockets = [Socket(booth.pk, small_fair["staff"].user), Socket(booth.pk, small_fair["buyer"].user)]
        sockets += [Socket(booth.pk) for _ in range(2)]
        for s in sockets:
            await s.open()
        store = presence.backend()
        assert len(await store.members(booth.pk)) == 4
        await _lose_presence(booth.pk)
        assert await store.members(booth.pk) == []
        started = time.monotonic()
        while len(await store.members(booth.pk)) != 4:
            assert time.monotonic() - started < 0.3 * 2, "not back within two heartbeats"
            await asyncio.sleep(0.05)
        healed = await store.members(booth.pk)
        occupied = await store.members_occupied()
        for s in sockets:
            await s.close()
        return healed, occupied

    healed, occupied = run(scenario)
    assert presence.summary(healed)["count"] == 4
    assert len(presence.summary(healed)["staff"]) == 1  # descriptions came back too, not bare ids
    assert len(occupied[booth.pk]) == 4
