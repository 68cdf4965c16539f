"""Faults under a steady load: what is sent, acknowledged, stored, delivered, refused, lost silently.

    .venv/bin/python bench/faults.py                       # every fault, default load
    .venv/bin/python bench/faults.py --faults redis-stop --senders 10 --watchers 30

Starts the private stack of tests/faults (its own redis-server and PostgreSQL, two daphne processes,
the worker; nothing of the machine's servers is touched), then for each fault: a booth with
``--senders`` signed-in senders and ``--watchers`` anonymous watchers spread over both processes
(clients that behave like the page: tests/faults/client.py), ``--rate`` chat lines per second in
all and ``--bookings`` meeting bookings per second, the fault injected ``--before`` seconds in, the
load kept up ``--load`` seconds in all, then everything given ``--settle`` seconds to settle.

Per fault it prints: lines sent, acknowledged, stored (rows, and distinct client ids), delivered (an
acknowledged line seen by every receiver), refused with an error, lost silently (neither acknowledged
nor refused); bookings made, e-mails sent (each exactly once?); seconds to recover (the last line
acknowledged after the fault ended, and for presence the seconds until the count was right again).
The baseline row is the same load with no fault.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.faults.client import Visitor, all_received, settle  # noqa: E402
from tests.faults.stack import Process, Stack, missing_tools  # noqa: E402

FAULTS = ["none", "redis-restart", "redis-stop", "postgres-stop", "daphne-kill", "worker-kill"]


def http_book(stack, booth: dict, buyer: dict, slot: int) -> int:
    import json
    import urllib.error
    import urllib.request

    token = "a" * 32
    request = urllib.request.Request(  # noqa: S310 (our own server)
        stack.daphnes[slot % 2].url + "/api/meetings/",
        data=json.dumps({"booth": booth["id"], "slot": slot, "message": "bench"}).encode(),
        headers={
            "Content-Type": "application/json",
            "Cookie": f"{buyer['cookie']}; csrftoken={token}",
            "X-CSRFToken": token,
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as r:  # noqa: S310 (our own server)
            return r.status
    except urllib.error.HTTPError as e:
        with contextlib.closing(e):
            return e.code
    except OSError:
        return 0  # no answer (a killed process): the person saw an error


async def inject(stack, fault: str, seconds: float) -> dict:
    """Inject the fault, keep it ``seconds``, undo it; returns what was measured meanwhile."""
    out: dict = {}
    if fault == "redis-restart":
        stack.redis.stop()
        stack.redis.start()
    elif fault == "redis-stop":
        stack.redis.stop()
        try:
            await asyncio.sleep(seconds)
        finally:
            stack.redis.start()
    elif fault == "postgres-stop":
        stack.postgres.stop()
        try:
            await asyncio.sleep(seconds)
        finally:
            stack.postgres.start()
    elif fault == "daphne-kill":
        stack.daphnes[0].kill()
    elif fault == "worker-kill":
        worker = stack.worker
        worker.process.kill()  # the main process only: its children follow it
        worker.process.wait(timeout=10)
        worker.close_log()
        await asyncio.sleep(seconds)
        stack.worker = Process(worker.args, env=worker.env, log_path=worker.log_path)
        stack.worker.start()
    return out


async def run_fault(stack, args, fault: str, index: int) -> dict:
    data = stack.data
    booth = data["booths"][index]
    path = f"/ws/booths/{booth['id']}/"
    ws = [d.ws(path) for d in stack.daphnes]
    senders = [
        Visitor(ws[i % 2 :] + ws[: i % 2], cookie=b["cookie"], name=f"s{i}")
        for i, b in enumerate(data["buyers"][: args.senders])
    ]
    watchers = [Visitor(ws[i % 2 :] + ws[: i % 2], name=f"w{i}") for i in range(args.watchers)]
    crowd = senders + watchers
    for v in crowd:
        v.start()
    deadline = time.monotonic() + 60
    while not all(v.connected.is_set() for v in crowd) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    key = f"{stack.prefix}:presence:{booth['id']}:who"
    statuses: list[int] = []
    fault_end = [0.0]
    presence_back = [None]

    async def chat():
        end, i = time.monotonic() + args.load, 0
        while time.monotonic() < end:
            senders[i % len(senders)].post(f"{fault} {i}")
            i += 1
            await asyncio.sleep(1 / args.rate)

    async def bookings():
        end, k = time.monotonic() + args.load, 0
        while time.monotonic() < end and k < len(data["slots"]):
            buyer = data["buyers"][(k + 7 * index) % len(data["buyers"])]
            statuses.append(await asyncio.to_thread(http_book, stack, booth, buyer, data["slots"][k]))
            k += 1
            await asyncio.sleep(1 / args.bookings)

    async def fault_task():
        await asyncio.sleep(args.before)
        started = time.monotonic()
        if fault != "none":
            await inject(stack, fault, args.seconds)
        fault_end[0] = time.monotonic()
        if fault.startswith("redis"):  # presence: seconds until the true count is back
            import redis

            with contextlib.closing(redis.Redis.from_url(stack.redis.url)) as r:
                while time.monotonic() - started < 30:
                    with contextlib.suppress(Exception):
                        if r.hlen(key) == len(crowd):
                            presence_back[0] = time.monotonic() - fault_end[0]
                            break
                    await asyncio.sleep(0.05)

    await asyncio.gather(chat(), bookings(), fault_task())
    await settle(crowd, timeout=args.settle)
    acked = {i for v in crowd for i in v.acked.values()}
    missing = await all_received(crowd, acked, timeout=args.settle)
    delivered = len([i for i in acked if not any(i in m for m in missing.values())])
    last_ack = max((v.sent_at[c] for v in crowd for c in v.acked), default=0.0)
    stored, distinct = stack.postgres.query(
        "SELECT count(*), count(DISTINCT (author_id, client_id)) FROM exhibitors_chatmessage "
        "WHERE booth_id = %s",
        (booth["id"],),
    )[0]
    made = statuses.count(201)
    deadline = time.monotonic() + args.settle
    while time.monotonic() < deadline:
        mails = sum(1 for m in stack.mails() if booth["staff_email"] in m and "Meeting request from" in m)
        if mails >= made:
            break
        await asyncio.sleep(0.5)
    await asyncio.sleep(1.0)
    mails = sum(1 for m in stack.mails() if booth["staff_email"] in m and "Meeting request from" in m)
    for v in crowd:
        await v.stop()
    if fault == "daphne-kill":
        old = stack.daphnes[0]
        old.stop()
        stack.daphnes[0] = Process(old.args, env=old.env, log_path=old.log_path, port=old.port)
        stack.daphnes[0].start()
        stack.daphnes[0].wait_ready()
    return {
        "fault": fault,
        "sent": sum(len(v.sent_at) for v in crowd),
        "acknowledged": len(acked),
        "stored": stored,
        "stored once": stored == distinct,
        "delivered to all": delivered,
        "refused (error seen)": sum(len(v.refused) for v in crowd),
        "lost silently": sum(v.silent() for v in crowd),
        "unavailable errors": sum(v.unavailable for v in crowd),
        "bookings 201": made,
        "bookings refused": len(statuses) - made,
        "mails": mails,
        "last line acked (s after fault end)": round(max(0.0, last_ack - fault_end[0]), 1) if acked else None,
        "presence back (s)": None if presence_back[0] is None else round(presence_back[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--faults", nargs="+", default=FAULTS, choices=FAULTS)
    parser.add_argument("--senders", type=int, default=20)
    parser.add_argument("--watchers", type=int, default=60)
    parser.add_argument("--rate", type=float, default=12.0, help="chat lines per second, all senders")
    parser.add_argument("--bookings", type=float, default=2.0, help="bookings per second")
    parser.add_argument("--load", type=float, default=14.0, help="seconds of load per fault")
    parser.add_argument("--before", type=float, default=3.0, help="seconds of load before the fault")
    parser.add_argument(
        "--seconds", type=float, default=5.0, help="how long Redis/PostgreSQL/the worker stay away"
    )
    parser.add_argument("--settle", type=float, default=40.0)
    args = parser.parse_args()
    if missing_tools():
        sys.exit(f"missing: {', '.join(missing_tools())}")
    workdir = Path(tempfile.mkdtemp(prefix="tradefair-bench-faults-"))
    stack = Stack(workdir)
    rows = []
    try:
        stack.data = stack.start(booths=len(args.faults), buyers=max(args.senders, 24))
        for index, fault in enumerate(args.faults):
            row = asyncio.run(run_fault(stack, args, fault, index))
            print(row, flush=True)
            rows.append(row)
    finally:
        stack.stop()
    print()
    print("| " + " | ".join(rows[0]) + " |")
    print("|" + "---|" * len(rows[0]))
    for row in rows:
        print("| " + " | ".join(str(v) for v in row.values()) + " |")
    print(f"\nlogs: {workdir}")


if __name__ == "__main__":
    main()
