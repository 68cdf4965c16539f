"""Every dashboard statistic against a fair whose numbers were worked out by hand (dashboard_world.py)."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync

from exhibitors import presence
from exhibitors.presence import Member
from fair.models import Interaction
from insights import stats
from tests import factories
from tests.insights.dashboard_world import NOW, build


@pytest.fixture
def world(db):
    return build()


@pytest.fixture
def own_presence(settings):
    settings.CHANNELS_PREFIX = f"test-{uuid.uuid4().hex[:8]}"
    presence._backend = None
    yield
    presence._backend = None


def test_visits_per_hour_covers_the_last_24_hours_with_empty_hours(world):
    hours = stats.visits_per_hour(world["fair"], now=NOW)
    assert len(hours) == 24
    assert hours[0] == [(NOW.replace(minute=0) - timedelta(hours=23)).isoformat(), 1]  # C, 23 h 05 ago
    assert hours[-1] == [NOW.replace(minute=0).isoformat(), 3]  # two at A, one at B in this hour
    assert hours[-2][1] == 2 and hours[-3][1] == 2 and hours[-4][1] == 0
    assert sum(n for _h, n in hours) == 8  # the ninth visit was 30 hours ago


def test_busiest_and_unvisited_booths(world):
    busiest = stats.busiest_booths(world["fair"])
    assert [(b["name"], b["visits"]) for b in busiest] == [("A Glow", 5), ("B Snacks", 3), ("C Mixed", 1)]
    quiet = stats.unvisited_booths(world["fair"])
    assert quiet["count"] == 2  # D (only a product view) and E; the draft F is not open to visitors
    assert [b["name"] for b in quiet["booths"]] == ["D Quiet", "E Lonely"]
    assert stats.unvisited_booths(world["fair"], limit=1)["count"] == 2


def test_chats_waiting_for_an_answer(world):
    waiting = stats.chats_waiting(world["fair"])
    assert waiting["count"] == 3
    assert [(t["name"], t["private"]) for t in waiting["threads"]] == [
        ("C Mixed", False),  # waiting since 50 minutes: first
        ("B Snacks", False),  # answered once, asked again 20 minutes ago
        ("A Glow", True),  # the private thread of a knock; A's public chat is answered
    ]
    assert waiting["threads"][0]["since"] == (NOW - timedelta(minutes=50)).isoformat()


def test_meeting_funnel(world):
    assert stats.meeting_funnel(world["fair"]) == {
        "requested": 18,
        "accepted": 12,
        "held": 7,
        "no_show": 2,
        "deal": 2,
    }


def test_meetings_by_buyer_country(world):
    assert stats.meetings_by_country(world["fair"]) == [
        {"country": "JP", "requested": 9, "agreed": 6, "held": 4},
        {"country": "US", "requested": 6, "agreed": 4, "held": 2},
        {"country": "VN", "requested": 3, "agreed": 2, "held": 1},
    ]


def test_meetings_by_hs_chapter_count_a_meeting_once_per_chapter(world):
    assert stats.meetings_by_chapter(world["fair"]) == [
        {"chapter": "33", "requested": 12, "held": 5},
        {"chapter": "19", "requested": 6, "held": 2},
        {"chapter": "21", "requested": 6, "held": 2},
    ]


def test_interpreter_load_leaves_out_declined_meetings_and_lists_idle_interpreters(world):
    assert [(r["name"], r["meetings"], r["held"]) for r in stats.interpreter_load(world["fair"])] == [
        ("Yuki One", 3, 2),
        ("Lan Two", 1, 0),
        ("Zed Idle", 0, 0),
    ]


def test_expected_deal_size_counts_each_meeting_once(world):
    # 12,000 (the larger side of the first meeting) + 5,000; the ledger's 3 deals are not estimates.
    assert stats.deal_value(world["fair"]) == {"usd": "17000.00", "meetings": 2, "deal_interactions": 3}


def test_headline_deals_come_from_the_outcome_ledger(world):
    figures = stats.ledger(world["fair"])
    assert figures["deals"] == 3  # two contracts and an order; the quotation is not a deal
    assert figures["deal_usd"] == "25500.00"  # 20,000,000 KRW at 0.00075 + 8,000 + 2,500
    assert figures["usd_by_stage"] == {
        "sample_sent": "0.00",
        "quotation": "1000.00",
        "order": "2500.00",
        "contract": "23000.00",
    }
    assert figures["updates_by_stage"] == {"sample_sent": 0, "quotation": 1, "order": 1, "contract": 2}
    other = build.__globals__["factories"].fair(slug="no-deals-expo")
    assert stats.ledger(other)["deals"] == 0 and stats.ledger(other)["deal_usd"] == "0.00"


def test_statistics_do_not_leak_between_fairs(world):
    other = build.__globals__["factories"].fair(slug="other-expo")
    assert stats.meeting_funnel(other)["requested"] == 0
    assert stats.busiest_booths(other) == []
    assert stats.chats_waiting(other)["count"] == 0


def test_people_online_by_role_hall_and_country_from_presence(world, own_presence):
    b = world["booths"]
    jp0, us0, staff_a = world["jp"][0], world["us"][0], world["staff_a"]

    async def scenario():
        store = presence.backend()
        try:
            await store.enter(b["a"].pk, Member("a1", jp0.user_id, "buyer", "Aiko"))
            await store.enter(b["a"].pk, Member("a2", jp0.user_id, "buyer", "Aiko"))  # a second tab
            await store.enter(b["a"].pk, Member("a3", staff_a.user_id, "staff", "Min"))
            await store.enter(b["a"].pk, Member("a4", None, "anonymous", ""))
            await store.enter(
                b["b"].pk, Member("b1", jp0.user_id, "buyer", "Aiko")
            )  # the same buyer, elsewhere
            await store.enter(b["b"].pk, Member("b2", us0.user_id, "buyer", "Sam"))
            # A member of a process that died two minutes ago.
            await store.enter(b["c"].pk, Member("c1", 999, "buyer", "Ghost"), now=time.time() - 120)
            return await stats.online_now(world["fair"])
        finally:
            await store.aclose()

    online = async_to_sync(scenario)()
    assert online["total"] == 4
    assert online["by_role"] == [["buyer", 2], ["anonymous", 1], ["staff", 1]]
    assert online["by_hall"] == [["Beauty", 3], ["Food", 2]]
    assert online["by_country"] == [["", 1], ["JP", 1], ["KR", 1], ["US", 1]]
    assert online["by_booth"] == {b["a"].pk: 3, b["b"].pk: 2}


def test_snapshot_has_every_table_in_a_bounded_number_of_queries(
    world, own_presence, django_assert_max_num_queries
):
    async def scenario():
        try:
            return await stats.snapshot(world["fair"], now=NOW)
        finally:
            await presence.backend().aclose()

    with django_assert_max_num_queries(19):  # nobody online: presence needs no query
        snap = async_to_sync(scenario)()
    with django_assert_max_num_queries(17):  # the hours before this one are read once an hour
        assert async_to_sync(scenario)() == snap
    assert snap["funnel"]["held"] == 7 and snap["online"]["total"] == 0
    assert snap["ledger"]["deals"] == 3 and snap["ledger"]["deal_usd"] == "25500.00"
    assert snap["deal_value"]["usd"] == "17000.00"
    assert set(snap) >= {
        "online",
        "visits_per_hour",
        "busiest_booths",
        "unvisited_booths",
        "chats_waiting",
        "funnel",
        "meetings_by_country",
        "meetings_by_chapter",
        "interpreter_load",
        "deal_value",
        "ledger",
    }


def test_the_worker_counts_the_past_hours_before_any_dashboard(
    world, own_presence, django_assert_num_queries
):
    from django.utils import timezone

    from insights import jobs

    today = timezone.now().date()
    on_now = factories.fair(starts_on=today, ends_on=today + timedelta(days=2))
    factories.fair(starts_on=today - timedelta(days=30), ends_on=today - timedelta(days=28))  # long over
    assert jobs.dashboard_history_warm() == 1  # the fair on now; the world's fair is in ten days
    assert jobs.dashboard_history_warm() == 0  # done already
    assert stats.history_warm(on_now) is False

    assert stats.history_warm(world["fair"], now=NOW) is True
    with django_assert_num_queries(1):  # this hour's visits alone
        assert stats.visits_per_hour(world["fair"], now=NOW)[-1][1] == 3


def test_people_online_forget_a_booth_everyone_left(world, own_presence):
    b = world["booths"]

    async def scenario():
        store = presence.backend()
        try:
            await store.enter(b["a"].pk, Member("a1", None, "anonymous", ""))
            await store.enter(b["b"].pk, Member("b1", None, "anonymous", ""))
            await store.leave(b["a"].pk, "a1")
            online = await stats.online_now(world["fair"])
            occupied = await store.members_occupied()
            if isinstance(store, presence.RedisPresence):  # the empty booth left the occupied set
                kept = await store.client().smembers(store.occupied_key)
                assert {int(x) for x in kept} == {b["b"].pk}
            return online, occupied
        finally:
            await store.aclose()

    online, occupied = async_to_sync(scenario)()
    assert online["total"] == 1 and online["by_booth"] == {b["b"].pk: 1}
    assert set(occupied) == {b["b"].pk}


def test_people_online_of_another_fair_are_not_counted(world, own_presence):
    other = build.__globals__["factories"].booth(build.__globals__["factories"].fair(slug="elsewhere"))

    async def scenario():
        store = presence.backend()
        try:
            await store.enter(other.pk, Member("x1", None, "anonymous", ""))
            return await stats.online_now(world["fair"])
        finally:
            await store.aclose()

    assert async_to_sync(scenario)()["total"] == 0


def test_dashboards_share_the_tables_only_when_read_after_the_last_change(world):
    from django.core.cache import cache

    from fair.models import Interaction

    fair, a = world["fair"], world["booths"]["a"]
    cache.delete(f"fair:dashboard:tables:{fair.pk}")
    heard = time.time()
    first = stats.shared_tables(fair, fresh_after=heard, now=NOW)
    visit, buyer = Interaction.Kind.BOOTH_VISIT, world["vn"]
    Interaction.objects.create(fair=fair, buyer=buyer, booth=a, kind=visit, at=NOW - timedelta(minutes=2))
    # Another dashboard that heard of nothing newer takes what the first one read.
    assert stats.shared_tables(fair, fresh_after=heard, now=NOW) == first
    # One that heard of the visit reads again, and shares that from now on.
    fresh = stats.shared_tables(fair, fresh_after=time.time(), now=NOW)
    assert fresh["busiest_booths"][0]["visits"] == 6 and first["busiest_booths"][0]["visits"] == 5
    cache.delete(f"fair:dashboard:tables:{fair.pk}")


def _visits_by_name(fair, now):
    return {b["name"]: b["visits"] for b in stats.busiest_booths(fair, now=now)}


def test_past_hours_are_read_once_and_the_current_hour_live(world):
    f, b = world["fair"], world["booths"]["b"]
    assert _visits_by_name(f, NOW)["B Snacks"] == 3
    before = stats.visits_per_hour(f, now=NOW)

    # A visit now counts at once, though the hours before are taken from the cache.
    Interaction.objects.create(
        fair=f, buyer=world["us"][0], booth=b, kind=Interaction.Kind.BOOTH_VISIT, at=NOW
    )
    assert _visits_by_name(f, NOW + timedelta(minutes=1))["B Snacks"] == 4
    assert stats.visits_per_hour(f, now=NOW + timedelta(minutes=1)) == before[:-1] + [[before[-1][0], 4]]

    # An hour later that hour is history: the same totals, the window moved on by one hour.
    later = NOW + timedelta(hours=1)
    assert _visits_by_name(f, later)["B Snacks"] == 4
    assert stats.visits_per_hour(f, now=later)[-2:] == [
        [before[-1][0], 4],
        [later.replace(minute=0).isoformat(), 0],
    ]


def test_an_import_that_adds_past_visits_shows_in_the_dashboard(world, tmp_path):
    from datasets.importing import fair_export, fair_import

    f = world["fair"]
    assert _visits_by_name(f, NOW)["A Glow"] == 5  # the hours before now are cached from here on
    fair_export(fair=f, path=tmp_path)
    with open(tmp_path / "interactions.csv", encoding="utf-8") as lines:
        header, *rows = lines.read().splitlines()
    visit = next(row for row in rows if ",booth_visit," in row)
    columns = header.split(",")
    cells = visit.split(",")
    cells[columns.index("at")] = (NOW - timedelta(hours=5)).isoformat()
    with open(tmp_path / "interactions.csv", "a", encoding="utf-8") as out:
        out.write(",".join(cells) + "\n")

    fair_import(path=tmp_path, fair_slug=f.slug)

    assert sum(_visits_by_name(f, NOW).values()) == 10  # nine, and the imported one five hours ago
    assert stats.visits_per_hour(f, now=NOW)[-6][1] == 1


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_statistics_run_side_by_side_with_the_same_answers(monkeypatch):
    import threading

    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("on SQLite the statistics run one after another: DATABASE_URL names no PostgreSQL")
    world = build()
    ledger, threads = stats.ledger, []

    def ledger_seen(fair):
        threads.append(threading.current_thread().name)
        return ledger(fair)

    monkeypatch.setattr(stats, "ledger", ledger_seen)
    assert stats._can_run_apart()
    apart = stats.snapshot_tables(world["fair"], now=NOW)
    assert threads[0].startswith("dashboard")  # a worker of its own, on a connection of its own
    with transaction.atomic():  # another connection would not see this transaction's rows
        assert not stats._can_run_apart()
        one_by_one = stats.snapshot_tables(world["fair"], now=NOW)
    assert threads[1] == threading.current_thread().name
    assert apart == one_by_one
    assert apart["funnel"]["held"] == 7 and apart["busiest_booths"][0]["visits"] == 5
