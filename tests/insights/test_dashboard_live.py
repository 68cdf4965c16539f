"""The dashboard socket on config.asgi.application: who may open it, and fresh counts within 2 seconds.

With REDIS_URL the channel layer and the presence are the real Redis; two booth hubs stand for
two daphne processes, one of which dies.
"""

from __future__ import annotations

import json
import time
import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from exhibitors import live, presence
from exhibitors.presence import Member
from fair.models import Interaction
from tests import factories
from tests.exhibitors.conftest import Socket, headers_for, run

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fast(settings):
    settings.BOOTH_LIVE = {"PRESENCE_DEBOUNCE": 0.05, "PRESENCE_TTL": 1.5, "PRESENCE_HEARTBEAT": 0.3}
    settings.DASHBOARD_LIVE = {"MIN_INTERVAL": 1.0, "REFRESH_EVERY": 0.5}
    run_id = f"test-{uuid.uuid4().hex[:8]}"
    settings.CHANNELS_PREFIX = run_id
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": run_id}}
    presence._backend = None
    live._hubs.clear()
    yield
    presence._backend = None
    live._hubs.clear()


class Dashboard:
    def __init__(self, slug: str, user=None):
        self.slug, self.user = slug, user

    async def connect(self):
        from config.asgi import application

        headers = await sync_to_async(headers_for)(self.user)
        self.comm = WebsocketCommunicator(application, f"/ws/fairs/{self.slug}/dashboard/", headers=headers)
        return await self.comm.connect(timeout=3)

    async def snapshot(self, timeout: float = 3) -> dict:
        frame = json.loads(await self.comm.receive_from(timeout=timeout))
        assert frame["type"] == "snapshot"
        return frame["snapshot"]

    async def until(self, check, timeout: float = 2.0) -> tuple[dict, float]:
        """The first snapshot for which check(snapshot) holds, and how long it took."""
        started = time.monotonic()
        while True:
            left = timeout - (time.monotonic() - started)
            assert left > 0, "no snapshot in time"
            snap = await self.snapshot(timeout=left)
            if check(snap):
                return snap, time.monotonic() - started

    async def close(self):
        await self.comm.disconnect(timeout=1)


def booth_online(snap, booth_id):
    return next((b["online"] for b in snap["online"]["booths"] if b["booth"] == booth_id), 0)


@pytest.mark.parametrize("who", ["anonymous", "buyer", "staff", "other_organizer"])
def test_only_the_fairs_organizers_may_open_it(small_fair, who):
    other = factories.participant(factories.fair(slug="other-expo"), "organizer")
    user = {
        "anonymous": None,
        "buyer": small_fair["buyer"].user,
        "staff": small_fair["staff"].user,
        "other_organizer": other.user,
    }[who]

    async def scenario():
        board = Dashboard("demo-expo", user)
        await board.connect()
        assert await board.comm.receive_output(timeout=2) == {"type": "websocket.close", "code": 4403}

    run(scenario)


def test_an_unknown_fair_is_4404(small_fair):
    async def scenario():
        board = Dashboard("no-such-fair", small_fair["organizer"].user)
        await board.connect()
        assert await board.comm.receive_output(timeout=2) == {"type": "websocket.close", "code": 4404}

    run(scenario)


def test_a_buyer_entering_a_booth_shows_within_two_seconds_and_leaving_too(small_fair):
    booth = small_fair["booths"]["cosmetics"]

    async def scenario():
        board = Dashboard("demo-expo", small_fair["organizer"].user)
        connected, _ = await board.connect()
        assert connected
        first = await board.snapshot()
        assert first["online"]["total"] == 0 and first["busiest_booths"] == []
        visitor = Socket(booth.pk, small_fair["buyer"].user)
        await visitor.open()
        snap, took = await board.until(
            lambda s: s["online"]["total"] == 1 and s["busiest_booths"] and booth_online(s, booth.pk) == 1
        )
        assert took < 2.0
        assert snap["online"]["by_role"] == [["buyer", 1]] and snap["online"]["by_country"] == [["JP", 1]]
        assert snap["busiest_booths"][0] == {"booth": booth.pk, "name": "Seoul Glow Co.", "visits": 1}
        await visitor.close()
        _snap, took = await board.until(lambda s: s["online"]["total"] == 0)
        assert took < 2.0
        await board.close()

    run(scenario)


def test_a_burst_of_changes_gives_at_most_one_snapshot_a_second(small_fair):
    f, booth = small_fair["fair"], small_fair["booths"]["snacks"]
    buyers = [factories.buyer(f) for _ in range(20)]

    async def scenario():
        board = Dashboard("demo-expo", small_fair["organizer"].user)
        await board.connect()
        await board.snapshot()

        @sync_to_async
        def burst():
            now = timezone.now()  # visits in the current hour, which the dashboard counts live
            for b in buyers:
                Interaction.objects.create(fair=f, buyer=b, booth=booth, kind="booth_visit", at=now)

        started = time.monotonic()
        await burst()
        snaps = []
        while time.monotonic() - started < 2.2:
            if not await board.comm.receive_nothing(timeout=0.3):
                snaps.append(await board.snapshot())
        assert snaps[-1]["busiest_booths"][0]["visits"] == 20
        assert len(snaps) <= 3  # 20 announcements; snapshots at most once a second (plus the idle refresh)
        await board.close()

    run(scenario)


def test_counts_across_two_processes_and_a_dead_ones_visitors_fade_out(small_fair):
    """Two hubs (two processes); the second dies; its visitor and an injected stale member leave the count."""
    booth, snacks = small_fair["booths"]["cosmetics"], small_fair["booths"]["snacks"]

    async def scenario():
        board = Dashboard("demo-expo", small_fair["organizer"].user)
        other_board = Dashboard("demo-expo", small_fair["organizer"].user)  # a dashboard on "another process"
        await board.connect()
        await other_board.connect()
        await board.snapshot()
        await other_board.snapshot()
        staff = Socket(booth.pk, small_fair["staff"].user)
        await staff.open()
        survivor = live._hubs.pop(booth.pk)
        visitor = Socket(booth.pk, small_fair["buyer"].user)  # lands on "the other process"
        await visitor.open()
        doomed = live._hubs[booth.pk]
        assert doomed is not survivor
        # A member a crashed process left behind in another booth: nobody refreshes it.
        await presence.backend().enter(snacks.pk, Member("ghost", None, "anonymous", ""))
        for b in (board, other_board):
            await b.until(lambda s: s["online"]["total"] == 3 and booth_online(s, booth.pk) == 2)
        # The second process dies: no goodbye, no heartbeat.
        for task in doomed.tasks:
            task.cancel()
        doomed.closing = True
        snap, took = await board.until(lambda s: s["online"]["total"] == 1, timeout=4.0)
        assert took < 1.5 + 1.0 + 0.6  # ttl + one refresh (+ margin)
        assert snap["online"]["by_role"] == [["staff", 1]] and booth_online(snap, snacks.pk) == 0
        await other_board.until(lambda s: s["online"]["total"] == 1, timeout=3.0)
        await board.close()
        await other_board.close()
        await staff.close()
        survivor.sockets.clear()
        await survivor.stop()

    run(scenario)


def test_a_fair_open_all_year_shows_each_hall_month_by_month_live(small_fair):
    from datetime import timedelta

    from rfq import services as rfq_services

    f = small_fair["fair"]
    f.permanent = True
    f.save(update_fields=["permanent"])
    buyer = small_fair["buyer"]

    async def scenario():
        board = Dashboard("demo-expo", small_fair["organizer"].user)
        await board.connect()
        assert (await board.snapshot())["standing_halls"] == []

        @sync_to_async
        def post():
            rfq_services.rfq_post(
                actor=buyer.user, fair=f, product="Serum", hs_code="3304.99", quantity="100", unit="pcs",
                target_price=None, currency="USD", incoterm="CIF", destination_country="JP",
                destination_port="", certifications=[], deadline=timezone.now() + timedelta(days=3),
            )  # fmt: skip

        await post()
        snap, took = await board.until(lambda s: any(r["requests"] == 1 for r in s["standing_halls"]))
        assert took < 2.0
        row = snap["standing_halls"][0]
        assert row["month"] == timezone.now().astimezone(f.zone).strftime("%Y-%m") and row["hall"]
        await board.close()

    run(scenario)
