"""The redis-py client is configured on purpose (settings.REDIS_CLIENT_OPTIONS), and it holds.

redis-py 8 changed two defaults that break channels_redis's core layer: a 5 s socket timeout, equal
to the layer's blocking pop, so idle sockets die; and a connection pool capped at 100 that raises
instead of waiting, so group_discard fails under load and dead members stay in groups. These tests
run on the real Redis of this machine (REDIS_URL) with the options the application uses.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer
from django.conf import settings
from redis import asyncio as aioredis

from exhibitors import live, presence
from exhibitors import protocol as p
from tests.exhibitors.conftest import Socket

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (the real Redis)"),
]

IDLE_SECONDS = float(os.environ.get("TRADEFAIR_REDIS_IDLE_SECONDS", "61"))


@pytest.fixture(autouse=True)
def _no_garbage_from_earlier_tests():
    """Collect what earlier tests left for the garbage collector (their Redis clients) before this
    file counts connections, so their unclosed-socket warnings are not blamed on these tests."""
    import gc
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
    yield
    with warnings.catch_warnings():  # and what these tests' event loops leave, before later tests
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def host() -> dict:
    return {"address": settings.REDIS_URL, **settings.REDIS_CLIENT_OPTIONS}


def test_the_client_options_are_chosen_not_inherited():
    options = settings.REDIS_CLIENT_OPTIONS
    assert options["socket_timeout"] is None  # never shorter than channels_redis's 5 s blocking pop
    assert options["max_connections"] >= 5000  # no pool cap that raises under a crowd
    layer_host = settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0]
    assert layer_host == host()  # the channel layer uses exactly these options


def test_no_idle_connection_is_dropped_over_a_minute():
    async def scenario():
        # One connection per client, built with the application's options, so a silent reconnect
        # would show as a new CLIENT ID.
        options = settings.REDIS_CLIENT_OPTIONS
        clients = [
            aioredis.Redis.from_url(settings.REDIS_URL, single_connection_client=True, **options)
            for _ in range(10)
        ]
        errors: list[BaseException] = []
        ids_before = [await c.client_id() for c in clients]

        async def blocking_pops(client):  # what the core layer's receive loop does all day
            key = f"tradefair-test-idle:{uuid.uuid4().hex}"
            deadline = time.monotonic() + IDLE_SECONDS
            while time.monotonic() < deadline:
                try:
                    await client.bzpopmin(key, timeout=5)
                except Exception as e:  # noqa: BLE001 - a dropped socket is what we count
                    errors.append(e)

        layer = RedisChannelLayer(hosts=[host()], prefix=f"test-idle-{uuid.uuid4().hex[:8]}")
        channel = await layer.new_channel()
        await layer.group_add("idle", channel)
        waiting = asyncio.create_task(layer.receive(channel))  # a hub waiting for a quiet booth

        # Half of the connections block in BZPOPMIN, the other half sit with nothing to do.
        await asyncio.gather(*(blocking_pops(c) for c in clients[:5]), asyncio.sleep(IDLE_SECONDS))
        pings = [await c.ping() for c in clients[5:]]
        ids_after = [await c.client_id() for c in clients]
        await layer.group_send("idle", {"type": "booth.frame", "text": "still here"})
        message = await asyncio.wait_for(waiting, 5)
        await layer.group_discard("idle", channel)
        await layer.flush()
        await layer.close_pools()
        for c in clients:
            await c.aclose()
        return errors, pings, ids_before, ids_after, message

    errors, pings, before, after, message = async_to_sync(scenario)()
    assert errors == []
    assert pings == [True] * 5
    assert len(set(before)) == 10
    assert before == after  # the same connections, never silently replaced
    assert message["text"] == "still here"


def test_5000_concurrent_group_joins_and_leaves_leave_no_dead_member():
    async def scenario():
        layer = RedisChannelLayer(hosts=[host()], prefix=f"test-crowd-{uuid.uuid4().hex[:8]}")
        channels = [await layer.new_channel() for _ in range(5000)]
        # 500 at a time: more than a pool capped at 100 could hold, so a cap that raises would fail here.
        for i in range(0, 5000, 500):
            await asyncio.gather(*(layer.group_add("crowd", c) for c in channels[i : i + 500]))
        joined = await layer.connection(0).zcard(layer._group_key("crowd"))
        for i in range(0, 5000, 500):
            await asyncio.gather(*(layer.group_discard("crowd", c) for c in channels[i : i + 500]))
        left = await layer.connection(0).zcard(layer._group_key("crowd"))
        await layer.flush()
        await layer.close_pools()  # no pooled socket left for the garbage collector to warn about
        return joined, left

    joined, left = async_to_sync(scenario)()
    assert (joined, left) == (5000, 0)


@pytest.mark.django_db(transaction=True)
def test_booth_visitors_come_and_go_and_leave_no_dead_member_or_presence(small_fair, live_settings):
    """Visitors through the real application in waves of 250: 2,000 (TRADEFAIR_BOOTH_CROWD=5000: slow)."""
    live_settings.BOOTH_LIVE = {**live_settings.BOOTH_LIVE, "PRESENCE_DEBOUNCE": 0.5}
    booth = small_fair["booths"]["cosmetics"]
    total = int(os.environ.get("TRADEFAIR_BOOTH_CROWD", "2000"))
    wave = min(total, 250)

    async def scenario():
        layer = get_channel_layer(p.LAYER)
        group = p.booth_group(booth.pk)
        hub_channels = set()
        for _batch in range(total // wave):  # waves of visitors, all connected at once, then all gone
            socks = [Socket(booth.pk) for _ in range(wave)]
            await asyncio.gather(*(s.open(timeout=60) for s in socks))
            hub_channels.add(live._hubs[booth.pk].channel)
            assert presence.summary(await presence.backend().members(booth.pk))["count"] == wave
            await asyncio.gather(*(s.close(timeout=60) for s in socks))
        members = await presence.backend().members(booth.pk)
        if isinstance(layer, RedisChannelLayer):
            conn = layer.connection(layer.consistent_hash(group))
            dead = [c for c in hub_channels if await conn.zscore(layer._group_key(group), c) is not None]
        else:  # the PubSub layer keeps no group list: a dead member would be a subscription
            dead = [c for c in hub_channels if c in getattr(layer, "channels", {})]
        await live.shutdown()
        return members, dead, booth.pk in live._hubs

    members, dead, hub_left = async_to_sync(scenario)()
    assert members == []
    assert dead == []
    assert not hub_left
