"""One fault at a time on a private stack (tests/faults/stack.py): Redis restarted empty, Redis away for
a few seconds, PostgreSQL away, a daphne process killed, the worker killed. Visitors behave like the
page (tests/faults/client.py). What must hold, whatever the fault:

- every chat line is stored once and reaches every receiver, or was refused with an error its sender
  saw: 0 silent losses;
- presence returns to the true count within two heartbeats;
- every booking made gets exactly one e-mail and its live notification is delivered once;
- while PostgreSQL is away, /healthz answers 503 within 3 s and pages 503 (Retry-After) within 5 s.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.faults.client import Visitor, all_received, settle
from tests.faults.conftest import BUYERS
from tests.faults.stack import Process

HEARTBEAT = 1.0  # PRESENCE_HEARTBEAT in stack.FAULT_SETTINGS


def urls(stack, path: str, first: int) -> list[str]:
    """Every daphne's address for ``path``, starting with the first-th (visitors spread over both)."""
    ws = [d.ws(path) for d in stack.daphnes]
    return ws[first % len(ws) :] + ws[: first % len(ws)]


async def wait_for(predicate, timeout: float, what: str) -> float:
    started = time.monotonic()
    while not predicate():
        assert time.monotonic() - started < timeout, f"{what}: not within {timeout}s"
        await asyncio.sleep(0.05)
    return time.monotonic() - started


def http(url: str, *, cookie: str | None = None, data: dict | None = None, timeout: float = 10):
    """(status, headers, body text) of a GET, or of a POST of JSON with a CSRF pair."""
    headers = {"Cookie": cookie} if cookie else {}
    body = None
    if data is not None:
        token = "a" * 32
        headers.update(
            {
                "Content-Type": "application/json",
                "Cookie": f"{cookie}; csrftoken={token}",
                "X-CSRFToken": token,
            }
        )
        body = json.dumps(data).encode()
    request = urllib.request.Request(url, data=body, headers=headers, method="POST" if body else "GET")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:  # noqa: S310 (our own server)
            return r.status, dict(r.headers), r.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        with contextlib.closing(e):
            return e.code, dict(e.headers), e.read().decode(errors="replace")


def book(stack, booth: dict, buyer: dict, slot: int) -> int:
    status, _h, body = http(
        stack.daphnes[slot % 2].url + "/api/meetings/",
        cookie=buyer["cookie"],
        data={"booth": booth["id"], "slot": slot, "message": "Samples?"},
        timeout=20,
    )
    if status not in (201, 503):
        print(f"booking {slot}: {status} {body[:300]}")
    return status


def chat_rows(stack, booth_id: int) -> tuple[int, int]:
    """(lines stored, distinct client ids among them) in this booth."""
    return stack.postgres.query(
        "SELECT count(*), count(DISTINCT (author_id, client_id)) FROM exhibitors_chatmessage "
        "WHERE booth_id = %s",
        (booth_id,),
    )[0]


def meeting_mails(stack, booth: dict) -> int:
    return sum(1 for m in stack.mails() if booth["staff_email"] in m and "Meeting request from" in m)


def booth_meetings(stack, booth: dict) -> int:
    return stack.postgres.query("SELECT count(*) FROM meetings_meeting WHERE booth_id = %s", (booth["id"],))[
        0
    ][0]


async def start_crowd(stack, booth_id: int, *, senders: list[dict], watchers: int) -> list[Visitor]:
    path = f"/ws/booths/{booth_id}/"
    crowd = [
        Visitor(urls(stack, path, i), cookie=b["cookie"], name=f"sender{i}") for i, b in enumerate(senders)
    ]
    crowd += [Visitor(urls(stack, path, i), name=f"watcher{i}") for i in range(watchers)]
    for v in crowd:
        v.start()
    await wait_for(lambda: all(v.connected.is_set() for v in crowd), 30, "everyone connected")
    return crowd


async def check_chat(stack, booth_id: int, crowd: list[Visitor]) -> dict:
    """Settle, then: no silent loss, each acknowledged line stored once and received by everyone."""
    await settle(crowd, timeout=40)
    acked = {i for v in crowd for i in v.acked.values()}
    missing = await all_received(crowd, acked, timeout=20)
    stored, distinct = chat_rows(stack, booth_id)
    figures = {
        "sent": sum(len(v.sent_at) for v in crowd),
        "acknowledged": len(acked),
        "refused": sum(len(v.refused) for v in crowd),
        "silent": sum(v.silent() for v in crowd),
        "stored": stored,
        "unavailable_errors": sum(v.unavailable for v in crowd),
    }
    assert figures["silent"] == 0, figures
    assert not missing, f"lines acknowledged but not received: {missing}"
    assert stored == distinct == len(acked), figures  # each line stored once, every stored line acknowledged
    return figures


async def steady_chat(crowd: list[Visitor], *, seconds: float, every: float, tag: str) -> None:
    senders = [v for v in crowd if v.cookie]
    end, i = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        senders[i % len(senders)].post(f"{tag} line {i}")
        i += 1
        await asyncio.sleep(every)


async def stop_all(crowd: list[Visitor]) -> None:
    for v in crowd:
        await v.stop()


# --- Redis ------------------------------------------------------------------------------------


def test_presence_heals_within_two_heartbeats_after_redis_restarts_empty(stack):
    booth = stack.data["booths"][0]
    key = f"{stack.prefix}:presence:{booth['id']}:who"

    async def scenario():
        crowd = await start_crowd(stack, booth["id"], senders=stack.data["buyers"][:2], watchers=8)
        with contextlib.closing(stack.redis.client()) as r:
            await wait_for(lambda: r.hlen(key) == 10, 10, "10 members in presence")
            stack.redis.stop()
            stack.redis.start()  # no persistence: every key is gone
            assert r.hlen(key) < 10
            healed = await wait_for(lambda: r.hlen(key) == 10, 2 * HEARTBEAT + 0.5, "presence back to 10")
        newcomer = Visitor(urls(stack, f"/ws/booths/{booth['id']}/", 1), name="newcomer")
        newcomer.start()
        await wait_for(newcomer.connected.is_set, 15, "newcomer connected")
        await wait_for(
            lambda: newcomer.presence["count"] == 11,
            2 * HEARTBEAT + 1.5,
            f"count 11 shown (shown: {newcomer.presence})",
        )
        await steady_chat(crowd, seconds=1.0, every=0.2, tag="after restart")  # the booth's broadcast works
        figures = await check_chat(stack, booth["id"], [*crowd, newcomer])
        await stop_all([*crowd, newcomer])
        return healed, figures

    healed, figures = asyncio.run(scenario())
    assert healed <= 2 * HEARTBEAT + 0.5
    assert figures["refused"] == 0


def test_a_redis_outage_delays_but_loses_no_chat_line_mail_or_notification(stack):
    booth = stack.data["booths"][1]
    buyers = stack.data["buyers"]
    slots = stack.data["slots"]
    statuses: list[int] = []

    async def bookings(seconds: float, every: float):
        end, i = time.monotonic() + seconds, 0
        while time.monotonic() < end and i < BUYERS:
            statuses.append(await asyncio.to_thread(book, stack, booth, buyers[i], slots[i]))
            i += 1
            await asyncio.sleep(every)

    async def outage():
        await asyncio.sleep(2.0)
        stack.redis.stop()
        try:
            await asyncio.sleep(5.0)
        finally:
            stack.redis.start()

    async def scenario():
        crowd = await start_crowd(stack, booth["id"], senders=buyers[:6], watchers=4)
        await asyncio.gather(
            steady_chat(crowd, seconds=10, every=0.2, tag="redis"), bookings(10, 0.5), outage()
        )
        figures = await check_chat(stack, booth["id"], crowd)
        await stop_all(crowd)
        return figures

    figures = asyncio.run(scenario())
    assert figures["refused"] == 0, figures
    made = statuses.count(201)
    assert made == booth_meetings(stack, booth) and made >= 5, statuses
    assert all(s in (201, 503) for s in statuses), f"{statuses}"  # a refusal is a 503 the person saw
    deadline = time.monotonic() + 30
    while meeting_mails(stack, booth) < made and time.monotonic() < deadline:
        time.sleep(0.3)
    time.sleep(1.0)  # anything sent twice would be there by now
    assert meeting_mails(stack, booth) == made
    pushes = stack.postgres.query(
        "SELECT count(*), count(delivered_at), count(failed_at) FROM kernel_outboxmessage "
        "WHERE kind = 'push' AND event = 'meeting.requested' AND payload->>'group' LIKE 'notify.user.%%' "
        "AND fair_id = %s",
        (stack.data["fair"],),
    )[0]
    assert pushes[0] >= made and pushes[1] == pushes[0] and pushes[2] == 0, pushes


# --- PostgreSQL -------------------------------------------------------------------------------


def test_while_postgres_is_away_everything_answers_fast_and_no_line_is_lost(stack):
    booth = stack.data["booths"][2]
    d0 = stack.daphnes[0]
    seen: dict[str, float] = {}

    def probe_health(stopped_at: float):
        while "health" not in seen and time.monotonic() - stopped_at < 10:
            started = time.monotonic()
            status, _h, body = http(d0.url + "/healthz", timeout=10)
            if status == 503 and "database" in body:
                seen["health"] = time.monotonic() - stopped_at
                seen["health_answer"] = time.monotonic() - started
            time.sleep(0.2)

    def probe_page(stopped_at: float):
        while "page" not in seen and time.monotonic() - stopped_at < 10:
            cookie = stack.data["buyers"][0]["cookie"]
            status, headers, body = http(d0.url + "/fairs/", cookie=cookie, timeout=10)
            if status == 503:
                assert headers.get("Retry-After") == "5" and "503" in body, (status, headers, body[:300])
                seen["page"] = time.monotonic() - stopped_at
            time.sleep(0.2)

    async def outage(crowd):
        await asyncio.sleep(1.5)
        stack.postgres.stop()
        stopped_at = time.monotonic()
        late = Visitor(urls(stack, f"/ws/booths/{booth['id']}/", 0), name="late")  # arrives while it is away
        try:
            await asyncio.gather(
                asyncio.to_thread(probe_health, stopped_at), asyncio.to_thread(probe_page, stopped_at)
            )
            late.start()
            await asyncio.sleep(max(0.0, 8.0 - (time.monotonic() - stopped_at)))
        finally:
            stack.postgres.start()
        await wait_for(late.connected.is_set, 30, "the late visitor got in after the database came back")
        crowd.append(late)

    async def scenario():
        crowd = await start_crowd(stack, booth["id"], senders=stack.data["buyers"][6:9], watchers=2)
        await asyncio.gather(steady_chat(crowd, seconds=11, every=0.3, tag="pg"), outage(crowd))
        figures = await check_chat(stack, booth["id"], crowd)
        await stop_all(crowd)
        return figures, crowd[-1].close_codes

    figures, late_codes = asyncio.run(scenario())
    assert seen["health"] <= 3.5 and seen["health_answer"] <= 3.5, seen
    assert seen["page"] <= 5.0, seen
    assert 4503 in late_codes, late_codes  # "try again later", then it got in
    assert figures["unavailable_errors"] > 0, figures  # the senders were told, and their pages resent
    assert figures["refused"] == 0, figures


def test_a_database_stall_does_not_rate_limit_people_who_stay_under_the_limit(stack):
    """Lines held by a 12 s stall are processed in one burst; they are counted by when they arrived, so
    senders posting under the limit (1.8 a second, the limit being 20 in 10 s) are never refused."""
    booth = stack.data["booths"][4]

    async def scenario():
        crowd = await start_crowd(stack, booth["id"], senders=stack.data["buyers"][13:15], watchers=1)

        async def stall():
            await asyncio.sleep(1.0)
            paused = stack.postgres.pause()
            try:
                await asyncio.sleep(12.0)
            finally:
                stack.postgres.resume(paused)

        async def chat():
            end, i = time.monotonic() + 14.0, 0
            while time.monotonic() < end:
                for v in crowd[:2]:
                    v.post(f"stall line {i}")
                i += 1
                await asyncio.sleep(0.55)

        await asyncio.gather(chat(), stall())
        figures = await check_chat(stack, booth["id"], crowd)
        refusals = [code for v in crowd for code in v.refused.values()]
        await stop_all(crowd)
        return figures, refusals

    figures, refusals = asyncio.run(scenario())
    assert refusals == [], refusals  # no chat.rate_limited for anyone
    assert figures["acknowledged"] == figures["sent"] >= 40, figures


# --- processes --------------------------------------------------------------------------------


def test_a_killed_daphne_loses_no_line_its_visitors_sent(stack):
    booth = stack.data["booths"][3]

    async def scenario():
        crowd = await start_crowd(stack, booth["id"], senders=stack.data["buyers"][9:13], watchers=4)

        async def kill():
            await asyncio.sleep(1.5)
            stack.daphnes[0].kill()  # SIGKILL: in-flight lines are not acknowledged; their pages resend

        await asyncio.gather(steady_chat(crowd, seconds=5, every=0.1, tag="kill"), kill())
        figures = await check_chat(stack, booth["id"], crowd)
        await stop_all(crowd)
        return figures

    try:
        figures = asyncio.run(scenario())
    finally:
        restart_daphne(stack, 0)
    assert figures["refused"] == 0, figures


def restart_daphne(stack, i: int) -> None:
    old = stack.daphnes[i]
    old.stop()
    new = Process(old.args, env=old.env, log_path=old.log_path, port=old.port)
    new.start()
    new.wait_ready()
    stack.daphnes[i] = new


def _alive_in_group(pgid: int) -> list[int]:
    """Processes of this group that still run (zombies waiting for a reaper do not count)."""
    alive = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, pgrp = fields[0], int(fields[2])
        if pgrp == pgid and state != "Z":
            alive.append(int(proc.name))
    return alive


def test_the_worker_killed_mid_load_sends_each_mail_once_and_takes_its_children_along(stack):
    booth = stack.data["booths"][0]
    buyers, slots = stack.data["buyers"], stack.data["slots"]
    made = 0
    worker = stack.worker
    for i in range(12):
        made += book(stack, booth, buyers[i], slots[BUYERS + i]) == 201
        if i == 4:
            # kill -9 of the main process only: its sentinel and job workers must not live on (a
            # supervisor would start a second cluster beside them).
            pgid = worker.process.pid
            worker.process.kill()
            worker.process.wait(timeout=10)
            worker.close_log()
            deadline = time.monotonic() + 10
            while _alive_in_group(pgid) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert not _alive_in_group(pgid), "the worker's children outlived it"
        if i == 8:
            stack.worker = worker = Process(worker.args, env=worker.env, log_path=worker.log_path)
            worker.start()
    assert made == 12
    deadline = time.monotonic() + 40
    while meeting_mails(stack, booth) < made and time.monotonic() < deadline:
        time.sleep(0.3)
    time.sleep(1.0)
    assert meeting_mails(stack, booth) == made
    assert os.path.isdir(stack.mail_dir)
