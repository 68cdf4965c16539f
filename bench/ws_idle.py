"""Idle booth sockets: how many one daphne process holds, what each costs, how fast they open.

    .venv/bin/python bench/ws_idle.py                                  # 1,000 / 5,000 / 10,000, a minute each
    .venv/bin/python bench/ws_idle.py --sizes 1000 --hold 5 --targets bare booth-memory

For each size N and target the server starts afresh as a subprocess on 127.0.0.1; client processes
open N websockets to one booth (anonymous visitors, as most of a fair's audience), hold them for
--hold seconds without a frame, then count how many are still open. Printed per run:

- open: sockets still open after the hold (of N); failed: no 101 within 60 s or no snapshot within
  60 s after it;
- KiB/conn: the server's resident memory (VmRSS in /proc) after the sockets opened, minus before,
  divided by N; the highest of the readings after opening and after the hold;
- conn/s: N divided by the time from the first connect to the last socket ready (its first frame);
- handshake p50/p99: connect() to the 101 answer; ready p99: to the first frame (the snapshot);
- cpu ms/conn: the server's CPU time (user + system) while the sockets opened, divided by N: the
  figure that other jobs on the box disturb least.

--server uvicorn serves the booth targets with uvicorn instead of daphne (same application).

BENCH_PROFILE_DIR=/some/dir writes a cProfile of each daphne run there (its RSS then means little).

Targets: bare (a bare `websockets` server sending one small frame per connection: the baseline),
booth-memory and booth-redis (daphne serving config.asgi's ws/booths/<id>/ on the in-memory and on
the Redis channel layer). Server and client processes raise their file-descriptor limit.
The server and client code are bench/ws_booth.py's (settings, booth set-up, start/stop); client
processes tune their garbage collector (ws_booth.quiet_gc) and turn it off while their sockets
open, for every target alike, so that their own pauses do not count as the server's.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ws_booth as wb  # noqa: E402  (the live booth bench: its server set-up is reused as it is)

SNAPSHOT_TIMEOUT = 60.0  # seconds from the 101 answer to the first frame

BARE_IDLE_SERVER = """
import asyncio, gc, json, sys
from websockets.asyncio.server import serve

async def handler(ws):
    await ws.send(json.dumps({"type": "snapshot"}))
    await ws.wait_closed()

async def main():
    gc.collect(); gc.freeze(); gc.set_threshold(10_000, 10, 10)  # as kernel/server_tuning does
    async with serve(handler, "127.0.0.1", int(sys.argv[1]), ping_interval=None):
        await asyncio.Future()

asyncio.run(main())
"""


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used (the server's, whatever else runs on the box)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


async def hold_clients(url: str, origin: str, n: int, concurrency: int, hold: float, opened, go_count):
    from websockets.asyncio.client import connect

    gate = asyncio.Semaphore(concurrency)
    handshakes: list[float] = []
    readies: list[float] = []
    failures = 0

    async def open_one():
        nonlocal failures
        async with gate:
            started = time.perf_counter()
            try:
                ws = await connect(url, origin=origin, ping_interval=None, max_queue=None, open_timeout=60)
                handshakes.append(time.perf_counter() - started)
                async with asyncio.timeout(SNAPSHOT_TIMEOUT):  # a snapshot that never comes is a failure
                    while json.loads(await ws.recv())["type"] != "snapshot":
                        pass
            except Exception:  # noqa: BLE001  (counted, not fatal: the figure is how many stay open)
                failures += 1
                return None
            readies.append(time.perf_counter() - started)
            return ws

    # The clients are the measuring instrument: their own garbage collections (bench/README.md has
    # how long) stalled every handshake in flight and showed as server latency. None while they
    # open; the same for every target, the bare baseline included.
    gc.disable()
    first = time.perf_counter()
    sockets = [ws for ws in await asyncio.gather(*(open_one() for _ in range(n))) if ws is not None]
    last = time.perf_counter()
    gc.enable()
    opened.put(
        {"handshakes": handshakes, "readies": readies, "first": first, "last": last, "failed": failures}
    )
    await asyncio.sleep(hold)
    # Presence frames keep arriving (the websockets client reads them in the background): "open"
    # means the connection is still in the OPEN state after the hold.
    from websockets.protocol import State

    go_count.put(sum(1 for ws in sockets if ws.state is State.OPEN))
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)


async def warm_up(url: str, origin: str) -> None:
    from websockets.asyncio.client import connect

    for _ in range(3):
        async with connect(url, origin=origin, ping_interval=None) as ws:
            await ws.recv()


def client_process(*args) -> None:
    wb.raise_file_limit()
    wb.quiet_gc()
    asyncio.run(hold_clients(*args))


def run(url: str, origin: str, n: int, procs: int, concurrency: int, hold: float, server_pid: int) -> dict:
    ctx = multiprocessing.get_context("spawn")
    opened, held = ctx.Queue(), ctx.Queue()
    shares = [n // procs + (1 if i < n % procs else 0) for i in range(procs)]
    asyncio.run(warm_up(url, origin))  # imports, the database connection: not per-connection costs
    time.sleep(1.0)
    before = rss_kib(server_pid)
    cpu_before = cpu_seconds(server_pid)
    workers = [
        ctx.Process(
            target=client_process, args=(url, origin, k, concurrency, hold, opened, held), daemon=True
        )
        for k in shares
        if k
    ]
    for w in workers:
        w.start()
    parts = [opened.get(timeout=300 + n / 10) for _ in workers]
    cpu_open = cpu_seconds(server_pid) - cpu_before
    time.sleep(1.0)
    after_open = rss_kib(server_pid)
    still_open = sum(held.get(timeout=hold + 300) for _ in workers)
    after_hold = rss_kib(server_pid)
    for w in workers:
        w.join(timeout=60)
    hs = sorted(x for p in parts for x in p["handshakes"])
    rd = sorted(x for p in parts for x in p["readies"])
    elapsed = max(p["last"] for p in parts) - min(p["first"] for p in parts)
    q = statistics.quantiles(hs, n=100) if len(hs) > 2 else [float("nan")] * 99
    qr = statistics.quantiles(rd, n=100) if len(rd) > 2 else [float("nan")] * 99
    return {
        "n": n,
        "open": still_open,
        "failed": sum(p["failed"] for p in parts),
        "kib_per_conn": (max(after_open, after_hold) - before) / n,
        "rss_before_mib": before / 1024,
        "rss_after_mib": max(after_open, after_hold) / 1024,
        "conn_per_s": len(rd) / elapsed if elapsed else 0.0,
        "cpu_ms_per_conn": cpu_open * 1000 / n,
        "handshake_p50_ms": q[49] * 1000,
        "handshake_p99_ms": q[98] * 1000,
        "ready_p99_ms": qr[98] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument(
        "--targets",
        nargs="+",
        default=["bare", "booth-memory", "booth-redis"],
        choices=["bare", "booth-memory", "booth-redis"],
    )
    parser.add_argument("--hold", type=float, default=60.0, help="seconds the sockets stay open, idle")
    parser.add_argument("--client-procs", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=32, help="handshakes in flight per client process")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--server", choices=["daphne", "uvicorn"], default="daphne", help="the ASGI server")
    args = parser.parse_args()
    wb.raise_file_limit()

    tmp = Path(tempfile.mkdtemp(prefix="ws-idle-bench-"))
    (tmp / "bench_settings.py").write_text(textwrap.dedent(wb.BENCH_SETTINGS))
    (tmp / "bench_asgi.py").write_text(textwrap.dedent(wb.BENCH_ASGI))
    (tmp / "bare_idle.py").write_text(textwrap.dedent(BARE_IDLE_SERVER))
    base_env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    base_env.update(
        TRADEFAIR_VAR_DIR=str(tmp),
        DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=f"{tmp}:{wb.ROOT}",
        LOG_LEVEL="WARNING",
        DATABASE_CONN_MAX_AGE="60",
    )
    subprocess.run([wb.PYTHON, "manage.py", "migrate", "-v0"], env=base_env, cwd=wb.ROOT, check=True)
    out = subprocess.run(
        [wb.PYTHON, "manage.py", "shell", "-c", wb.SETUP],
        env=base_env,
        cwd=wb.ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    booth_id = next(line for line in out.splitlines() if line.startswith("BENCH")).split()[1]

    rows = []
    for n in args.sizes:
        for target in args.targets:
            port = free = wb.free_port()
            env = dict(base_env)
            if target == "bare":
                proc = wb.start([wb.PYTHON, str(tmp / "bare_idle.py"), str(port)], env, tmp)
                path = "/"
            else:
                if target == "booth-redis":
                    env.update(REDIS_URL=args.redis_url, CHANNELS_PREFIX=f"bench-{uuid.uuid4().hex[:8]}")
                cmd = wb.server_command(args.server, free, "bench_asgi:application")
                if os.environ.get("BENCH_PROFILE_DIR"):  # profile the server (its RSS then means little)
                    out = Path(os.environ["BENCH_PROFILE_DIR"]) / f"idle-{target}-{n}.prof"
                    cmd = [wb.PYTHON, "-m", "cProfile", "-o", str(out), *cmd]
                proc = wb.start(cmd, env, tmp)
                path = f"/ws/booths/{booth_id}/"
            try:
                asyncio.run(wb.wait_port(port))
                result = run(
                    f"ws://127.0.0.1:{port}{path}",
                    f"http://127.0.0.1:{port}",
                    n,
                    args.client_procs,
                    args.concurrency,
                    args.hold,
                    proc.pid,
                )
            except Exception as e:  # noqa: BLE001
                result = {"n": n, "error": repr(e)[:200]}
            finally:
                err = wb.stop(proc)
            if "error" in result and err:
                print(err, file=sys.stderr)
            result["target"] = target
            rows.append(result)
            print(json.dumps(result), file=sys.stderr, flush=True)

    print(
        f"\nhold {args.hold:g} s, {args.client_procs} client processes"
        f" x {args.concurrency} handshakes in flight",
    )
    print(
        f"{'N':>6} {'target':<13} {'open':>6} {'failed':>6} {'KiB/conn':>8} {'conn/s':>7} "
        f"{'hs p50':>7} {'hs p99':>7} {'ready p99':>9} {'cpu ms/conn':>11}"
    )
    for r in rows:
        if "error" in r:
            print(f"{r['n']:>6} {r['target']:<13} error: {r['error']}")
            continue
        print(
            f"{r['n']:>6} {r['target']:<13} {r['open']:>6} {r['failed']:>6} {r['kib_per_conn']:>8.1f} "
            f"{r['conn_per_s']:>7.0f} {r['handshake_p50_ms']:>7.1f} {r['handshake_p99_ms']:>7.1f} "
            f"{r['ready_p99_ms']:>9.1f} {r['cpu_ms_per_conn']:>11.2f}"
        )


if __name__ == "__main__":
    main()
