"""The organizer's statistics: each a function of the fair, each a few aggregate queries.

The live dashboard (insights/consumers.py), its page, the exports and the printable report all read
these functions and nothing else. Counting happens in the database (GROUP BY, COUNT ... FILTER,
EXISTS); Python only walks the aggregated rows (one per hour, booth, country or chapter).

People online come from the booth presence (exhibitors/presence.py), the same sets every
booth page shows, so the dashboard agrees with the booths and forgets the visitors of a dead
process within the presence time-to-live. Only booths that have people are read (the presence's
occupied set), then matched to this fair's booths in one query.

Query shapes are chosen for PostgreSQL on a big fair (bench/dashboard.py, docs/dashboard.md):
COUNT(*) so visits are counted from the (fair, kind, booth) and (fair, kind, at) indexes alone,
no GROUP BY on wide or joined columns, IN (subquery) rather than a correlated EXISTS per row.
The live dashboard shares the database part among all dashboards of a fair for a second
(``snapshot(..., fresh_after=...)``).
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db import connection, connections
from django.db.models import Count, Exists, F, Max, OuterRef, Q, TextField, Window
from django.db.models.functions import Cast, TruncHour

from exhibitors.models import Booth, ChatMessage
from exhibitors.presence import backend
from fair.models import Fair, Interaction, Participant
from meetings.models import Meeting, Outcome

TOP_BOOTHS = 10
LISTED = 50  # rows shown of the longer lists (unvisited booths, chats waiting); exports have them all

S = Meeting.Status
_CHAPTER = re.compile(r'[\[,]\s*"?(\d\d)')  # the first two digits of each code in a JSON list


def _person(member) -> tuple:
    return ("u", member.user_id) if member.user_id else ("c", member.conn_id)


# --- people online now -----------------------------------------------------------------------


def _booth_places(fair: Fair, booth_ids) -> dict[int, tuple[str, str]]:
    """booth id -> (hall name, company name) of those of ``booth_ids`` that are this fair's: one query."""
    rows = Booth.objects.filter(fair=fair, pk__in=list(booth_ids)).values_list(
        "pk", "hall__name", "company__name"
    )
    return {b: (hall or "", name or "") for b, hall, name in rows.order_by()}


def _countries(fair: Fair, user_ids: set[int]) -> dict[int, str]:
    """user id -> the country of the company they take part for (a buyer's first): one query."""
    rows = (
        Participant.objects.filter(fair=fair, user_id__in=user_ids, company__isnull=False)
        .order_by("user_id", "role")  # "buyer" sorts before "exhibitor"
        .values_list("user_id", "company__country")
    )
    found: dict[int, str] = {}
    for user_id, country in rows:
        found.setdefault(user_id, country)
    return found


async def online_now(fair: Fair) -> dict:
    """Distinct people in the fair's booths now: in total, by role, hall, country, and per booth."""
    from asgiref.sync import sync_to_async

    present = await backend().members_occupied()  # every fair's booths with people in them
    places = await sync_to_async(_booth_places)(fair, present) if present else {}
    present = {b: members for b, members in present.items() if b in places}
    everyone, by_role, by_hall, by_booth = {}, defaultdict(set), defaultdict(set), {}
    for booth_id, members in present.items():
        people = set()
        for m in members:
            person = _person(m)
            people.add(person)
            everyone.setdefault(person, m)
            by_role[m.role].add(person)
        by_booth[booth_id] = len(people)
        by_hall[places[booth_id][0]].update(people)
    user_ids = {key[1] for key in everyone if key[0] == "u"}
    countries = await sync_to_async(_countries)(fair, user_ids) if user_ids else {}
    by_country = Counter(countries.get(key[1], "") if key[0] == "u" else "" for key in everyone)
    return {
        "total": len(everyone),
        "by_role": _sorted_counts({role: len(people) for role, people in by_role.items()}),
        "by_hall": _sorted_counts({hall: len(people) for hall, people in by_hall.items()}),
        "by_country": _sorted_counts(dict(by_country)),
        "by_booth": by_booth,
        "names": {b: places[b][1] for b in by_booth},
    }


def _sorted_counts(counts: dict) -> list[list]:
    return [[k, v] for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))]


# --- booths ----------------------------------------------------------------------------------


# Visits before the current hour do not change (a visit is recorded when it happens), so they are
# counted once per hour and fair and kept in the cache; each dashboard counts only the visits since
# then. An import, which may add visits in the past, calls history_changed(). A few minutes' grace
# keeps a visit recorded just after the hour turned from falling between the two.
HISTORY_GRACE = timedelta(minutes=5)
HISTORY_HOURS = 24


def history_changed(fair_id: int) -> None:
    """Visits before the current hour changed (an import): the next dashboard counts them again."""
    cache.set(f"fair:stats:history-version:{fair_id}", uuid.uuid4().hex, timeout=None)


def _history_version(fair_id: int) -> str:
    key = f"fair:stats:history-version:{fair_id}"
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        version = cache.get(key) or "unkept"
    return version


def _cutoff(now: datetime) -> datetime:
    """Visits before this instant are history; after it they are counted live."""
    return (now - HISTORY_GRACE).replace(minute=0, second=0, microsecond=0)


def _visits(fair: Fair):
    return Interaction.objects.filter(fair=fair, kind=Interaction.Kind.BOOTH_VISIT)


def _history_key(fair: Fair, cutoff: datetime) -> str:
    return f"fair:stats:history:{fair.pk}:{_history_version(fair.pk)}:{cutoff.timestamp():.0f}"


def history_warm(fair: Fair, *, now: datetime | None = None) -> bool:
    """Count the visits before the current hour now unless done already (the worker, every minute)."""
    cutoff = _cutoff((now or datetime.now(UTC)).astimezone(UTC))
    if cache.get(_history_key(fair, cutoff)) is not None:
        return False
    _visit_history(fair, cutoff)
    return True


def _visit_history(fair: Fair, cutoff: datetime) -> dict:
    """Visits before ``cutoff``: per booth (all of them) and per hour (the HISTORY_HOURS before it)."""
    key = _history_key(fair, cutoff)
    history = cache.get(key)
    if history is None:
        before = _visits(fair).filter(at__lt=cutoff)
        # COUNT(*), not COUNT(id): the (fair, kind, booth) and (fair, kind, at) indexes alone answer.
        per_booth = before.values("booth_id").annotate(n=Count("*")).order_by().values_list("booth_id", "n")
        per_hour = (
            before.filter(at__gte=cutoff - timedelta(hours=HISTORY_HOURS))
            .annotate(hour=TruncHour("at", tzinfo=UTC))
            .values("hour")
            .annotate(n=Count("*"))
            .order_by()
            .values_list("hour", "n")
        )
        history = {
            "booths": dict(per_booth),
            "hours": {hour.astimezone(UTC).timestamp(): n for hour, n in per_hour},
        }
        cache.set(key, history, timeout=2 * 3600)
    return history


def visits_per_hour(fair: Fair, *, now: datetime | None = None) -> list[list]:
    """[hour start (UTC, ISO), visits] for each of the last 24 hours, the empty hours too."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    last = now.replace(minute=0, second=0, microsecond=0)
    first = last - timedelta(hours=23)
    cutoff = _cutoff(now)
    counts = Counter(_visit_history(fair, cutoff)["hours"])
    recent = (
        _visits(fair)
        .filter(at__gte=max(cutoff, first), at__lte=now)
        .annotate(hour=TruncHour("at", tzinfo=UTC))
        .values("hour")
        .annotate(n=Count("*"))
        .order_by()
        .values_list("hour", "n")
    )
    counts.update({hour.astimezone(UTC).timestamp(): n for hour, n in recent})
    hours = [first + timedelta(hours=i) for i in range(24)]
    return [[hour.isoformat(), counts.get(hour.timestamp(), 0)] for hour in hours]


def visits_per_booth(fair: Fair, *, now: datetime | None = None) -> Counter:
    """booth id -> visits, every visit of the fair (those recorded after ``now`` too)."""
    cutoff = _cutoff((now or datetime.now(UTC)).astimezone(UTC))
    counts = Counter(_visit_history(fair, cutoff)["booths"])
    recent = _visits(fair).filter(at__gte=cutoff).values("booth_id").annotate(n=Count("*")).order_by()
    counts.update(dict(recent.values_list("booth_id", "n")))
    return counts


def busiest_booths(fair: Fair, *, limit: int | None = TOP_BOOTHS, now: datetime | None = None) -> list[dict]:
    """The booths with the most visits: booth, company and visits."""
    ranked = sorted(visits_per_booth(fair, now=now).items(), key=lambda kv: (-kv[1], kv[0]))
    # A booth deleted this hour may still be in the history: a few more, in case.
    ranked = ranked[: 2 * limit] if limit else ranked
    names = dict(
        Booth.objects.filter(pk__in=[b for b, _n in ranked]).values_list("pk", "company__name").order_by()
    )
    rows = [{"booth": b, "name": names[b], "visits": n} for b, n in ranked if b in names]
    return rows[:limit] if limit else rows


def unvisited_booths(fair: Fair, *, limit: int | None = LISTED) -> dict:
    """Published booths nobody has visited: how many, and their names (up to ``limit``)."""
    qs = (
        Booth.objects.filter(fair=fair, status=Booth.Status.PUBLISHED)
        .exclude(Exists(Interaction.objects.filter(booth=OuterRef("pk"), kind=Interaction.Kind.BOOTH_VISIT)))
        .order_by("company__name", "pk")
        .values_list("pk", "company__name", "hall__name")
    )
    listed = list(qs[:limit] if limit else qs)
    count = len(listed) if limit is None or len(listed) < limit else qs.count()
    return {
        "count": count,
        "booths": [{"booth": pk, "name": name, "hall": hall or ""} for pk, name, hall in listed],
    }


def chats_waiting(fair: Fair, *, limit: int | None = LISTED) -> dict:
    """Chat threads whose last visitor message has no staff reply after it (oldest wait first)."""
    qs = (
        ChatMessage.objects.filter(booth__fair=fair, hidden=False)
        .values("booth_id", "knock_id")
        .annotate(
            last_visitor=Max("id", filter=Q(author_is_staff=False)),
            last_staff=Max("id", filter=Q(author_is_staff=True)),
            since=Max("created_at", filter=Q(author_is_staff=False)),
        )
        .filter(
            Q(last_visitor__isnull=False) & (Q(last_staff__isnull=True) | Q(last_staff__lt=F("last_visitor")))
        )
        .annotate(total=Window(Count("booth_id")))  # every waiting thread, counted before the LIMIT
        .order_by("since", "booth_id", "knock_id")
        .values("booth_id", "knock_id", "since", "total")
    )
    rows = list(qs[:limit] if limit else qs)
    count = rows[0]["total"] if rows else 0
    names = dict(
        Booth.objects.filter(pk__in={r["booth_id"] for r in rows}).values_list("pk", "company__name")
    )
    return {
        "count": count,
        "threads": [
            {
                "booth": r["booth_id"],
                "name": names.get(r["booth_id"], ""),
                "private": r["knock_id"] is not None,
                "since": r["since"].astimezone(UTC).isoformat(),
            }
            for r in rows
        ],
    }


# --- meetings --------------------------------------------------------------------------------


def _deal_meetings(fair: Fair):
    return Outcome.objects.filter(meeting__fair=fair, deal_size_usd__gt=0)


def meeting_funnel(fair: Fair) -> dict:
    """Requested (every meeting ever asked for), accepted (at some point), held, no-show, deal reported."""
    return Meeting.objects.filter(fair=fair).aggregate(
        requested=Count("id"),
        accepted=Count("id", filter=Q(status__in=[S.ACCEPTED, S.HELD, S.NO_SHOW])),
        held=Count("id", filter=Q(status=S.HELD)),
        no_show=Count("id", filter=Q(status=S.NO_SHOW)),
        # IN (subquery): hashed once, not an EXISTS per meeting.
        deal=Count("id", filter=Q(pk__in=_deal_meetings(fair).values("meeting_id"))),
    )


def meetings_by_country(fair: Fair) -> list[dict]:
    """Per buyer country: meetings asked for, agreed (accepted, held or no-show) and held."""
    rows = (
        Meeting.objects.filter(fair=fair)
        .values("buyer__company__country")
        .annotate(
            requested=Count("id"),
            agreed=Count("id", filter=Q(status__in=[S.ACCEPTED, S.HELD, S.NO_SHOW])),
            held=Count("id", filter=Q(status=S.HELD)),
        )
        .order_by("-requested", "buyer__company__country")
    )
    return [
        {
            "country": r["buyer__company__country"] or "",
            "requested": r["requested"],
            "agreed": r["agreed"],
            "held": r["held"],
        }
        for r in rows
    ]


def meetings_by_chapter(fair: Fair) -> list[dict]:
    """Per HS chapter of the booth met: meetings asked for and held (a meeting counts once per chapter)."""
    per_booth = (
        Meeting.objects.filter(fair=fair)
        .values("booth_id")
        .annotate(requested=Count("id"), held=Count("id", filter=Q(status=S.HELD)))
        .order_by()
        .values_list("booth_id", "requested", "held")
    )
    # Apart, and as text: grouping by the JSON column too, or decoding it row by row, costs more.
    chapters = {
        pk: set(_CHAPTER.findall(codes or ""))
        for pk, codes in Booth.objects.filter(fair=fair)
        .values_list("pk", Cast("hs_codes", TextField()))
        .order_by()
    }
    requested, held = Counter(), Counter()
    for booth_id, n_requested, n_held in per_booth:  # one row per booth met, not per meeting
        for chapter in chapters.get(booth_id, ()):
            requested[chapter] += n_requested
            held[chapter] += n_held
    return [
        {"chapter": c, "requested": requested[c], "held": held[c]}
        for c in sorted(requested, key=lambda c: (-requested[c], c))
    ]


def interpreter_load(fair: Fair) -> list[dict]:
    """Every approved interpreter: meetings assigned (proposed or confirmed), and those held."""
    assigned = Q(meetings_as_interpreter__status__in=[S.REQUESTED, S.PROPOSED, S.ACCEPTED, S.HELD, S.NO_SHOW])
    rows = (
        Participant.objects.filter(
            fair=fair, role=Participant.Role.INTERPRETER, status=Participant.Status.APPROVED
        )
        .annotate(
            meetings=Count("meetings_as_interpreter", filter=assigned),
            held=Count("meetings_as_interpreter", filter=Q(meetings_as_interpreter__status=S.HELD)),
        )
        .values(
            "pk", "user__first_name", "user__last_name", "user__email", "company__name", "meetings", "held"
        )
        .order_by("-meetings", "pk")
    )
    return [
        {
            "interpreter": r["pk"],
            "name": " ".join(x for x in (r["user__first_name"], r["user__last_name"]) if x)
            or r["user__email"]
            or r["company__name"]
            or str(r["pk"]),
            "meetings": r["meetings"],
            "held": r["held"],
        }
        for r in rows
    ]


def deal_value(fair: Fair) -> dict:
    """The expected deal size stated after meetings (Outcome.deal_size_usd, USD): per meeting the larger of
    the two sides' figures. An estimate, shown apart from the ledger's orders and contracts (``ledger``)."""
    per_meeting = (
        _deal_meetings(fair).values("meeting_id").annotate(v=Max("deal_size_usd")).values_list("v", flat=True)
    )
    values = list(per_meeting)
    deals = Interaction.objects.filter(fair=fair, kind=Interaction.Kind.DEAL).count()
    return {
        "usd": str(sum(values, Decimal(0)).quantize(Decimal("0.01"))),
        "meetings": len(values),
        "deal_interactions": deals,
    }


def ledger(fair: Fair) -> dict:
    """The headline deal figures, from the outcome ledger: buyer-booth pairs with an order or a contract,
    their value in USD at the fair's rates, and the USD recorded at each stage (JSON-ready strings)."""
    from meetings.selectors import ledger_totals

    totals = ledger_totals(fair)
    cent = Decimal("0.01")
    return {
        "deals": totals["deals"],
        "deal_usd": str(totals["deal_usd"].quantize(cent)),
        "usd_by_stage": {stage: str(usd.quantize(cent)) for stage, usd in totals["usd_by_stage"].items()},
        "updates_by_stage": totals["updates_by_stage"],
    }


def verified_outcomes(fair: Fair) -> dict:
    """Orders and contracts declared after meetings: verified (the other side confirmed them) apart from
    those still waiting or disputed, and the confirmed shipments (USD, JSON-ready strings)."""
    from agreements.selectors import verified_totals

    return verified_totals(fair)


def standing_halls(fair: Fair) -> list[dict]:
    """A fair open all year, month by month and hall by hall: meetings, knocks, sourcing requests and
    quotes (rfq.selectors.standing_halls_by_month); empty for a fair that is only open on its days."""
    from rfq.selectors import standing_halls_by_month

    return standing_halls_by_month(fair=fair)


# --- everything at once ----------------------------------------------------------------------


def _tables(now: datetime | None) -> dict:
    """name -> (statistic, keyword arguments), the slowest first (bench/dashboard.py)."""
    return {
        "meetings_by_chapter": (meetings_by_chapter, {}),
        "meetings_by_country": (meetings_by_country, {}),
        "chats_waiting": (chats_waiting, {}),
        "deal_value": (deal_value, {}),
        "funnel": (meeting_funnel, {}),
        "unvisited_booths": (unvisited_booths, {}),
        "interpreter_load": (interpreter_load, {}),
        "busiest_booths": (busiest_booths, {"now": now}),
        "visits_per_hour": (visits_per_hour, {"now": now}),
        "ledger": (ledger, {}),
        "verified": (verified_outcomes, {}),
        "standing_halls": (standing_halls, {}),
    }


# The statistics are independent queries: on PostgreSQL they run side by side, each worker on a
# connection of its own (taken from the pool and given back after each one).
WORKERS = 3
_workers = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="dashboard")  # threads start on use


def _apart(statistic, fair: Fair, kwargs: dict):
    try:
        return statistic(fair, **kwargs)
    finally:
        connections.close_all()


def _can_run_apart() -> bool:
    """Only where another connection sees what this one sees: not inside a transaction (tests)."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def snapshot_tables(fair: Fair, *, now: datetime | None = None) -> dict:
    """Every statistic read from the database (the dashboard adds the people online)."""
    tables = _tables(now)
    if not _can_run_apart():
        return {name: statistic(fair, **kwargs) for name, (statistic, kwargs) in tables.items()}
    futures = {
        name: _workers.submit(_apart, statistic, fair, kwargs) for name, (statistic, kwargs) in tables.items()
    }
    return {name: future.result() for name, future in futures.items()}


SHARED_SECONDS = 1


def shared_tables(fair: Fair, *, fresh_after: float, now: datetime | None = None) -> dict:
    """snapshot_tables() as computed by any dashboard of this fair (any process, through the cache)
    if that computation started after ``fresh_after`` (a time.time()) and at most SHARED_SECONDS ago."""
    key = f"fair:dashboard:tables:{fair.pk}"
    shared = cache.get(key)
    if shared is not None and shared["started"] >= fresh_after:
        return shared["tables"]
    started = time.time()
    tables = snapshot_tables(fair, now=now)
    cache.set(key, {"started": started, "tables": tables}, timeout=SHARED_SECONDS)
    return tables


async def snapshot(fair: Fair, *, now: datetime | None = None, fresh_after: float | None = None) -> dict:
    """The dashboard's whole picture: JSON-ready, times in UTC.

    ``fresh_after`` (the live dashboard: when it last heard of a change) lets it take the database
    part from another dashboard of the fair that started reading after that; people online are
    always read afresh. Without it (pages, reports, tests) everything is read now.
    """
    from asgiref.sync import sync_to_async

    if fresh_after is not None:
        read_tables = sync_to_async(shared_tables)(fair, fresh_after=fresh_after, now=now)
    else:
        read_tables = sync_to_async(snapshot_tables)(fair, now=now)
    tables, online = await asyncio.gather(read_tables, online_now(fair))
    names = online.pop("names")
    online["booths"] = [
        {"booth": b, "name": names.get(b, ""), "online": n}
        for b, n in sorted(online.pop("by_booth").items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_BOOTHS]
    ]
    return {"at": (now or datetime.now(UTC)).astimezone(UTC).isoformat(), "online": online, **tables}


def run_sync(statistic, *args, **kwargs):
    """An async statistic (snapshot, online_now) from sync code: pages, exports, reports.

    async_to_sync runs it in a loop of its own outside the ASGI server; the presence client opened
    for that loop is closed afterwards (one already there, the server's, is left alone).
    """
    from asgiref.sync import async_to_sync

    async def run():
        store = backend()
        had_client = store.has_client()
        try:
            return await statistic(*args, **kwargs)
        finally:
            if not had_client:
                await store.aclose()

    return async_to_sync(run)()
