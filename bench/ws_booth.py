"""Live booth fan-out: N clients in one booth, one sender; delivered messages per second and latency.

    .venv/bin/python bench/ws_booth.py                       # 100 and 1,000 clients, memory and Redis
    .venv/bin/python bench/ws_booth.py --clients 100 --layers memory --targets booth bare
    .venv/bin/python bench/ws_booth.py --clients 1000 --layers redis --targets booth bare --servers 1 2

Each run starts a server as a subprocess on 127.0.0.1 and connects N receiving clients plus one
sender (a signed-in staff member) from this process. With --servers 2 (Redis layers only), two
daphne processes on two ports share the Redis and the database: the receiving client processes
take turns between them, the sender talks to the first, so half the deliveries cross Redis to the
other process's hub, as behind a load balancer. The sender keeps at most --window messages
in flight (a message counts as done when its own copy comes back) until --deliveries deliveries
have been asked for; every receiver checks it got every message. Targets:

- booth: daphne serving config.asgi's ws/booths/<id>/ (the real consumer: each message is stored
  in the database, then fanned out by the per-process booth hub);
- plain: daphne, a plain Channels consumer in the same run (one group member per socket,
  channel-layer group_send, no database): the cost the hub avoids;
- bare: a bare `websockets` server that decodes each message once and broadcasts it: the baseline.

Layers: memory (InMemoryChannelLayer), redis (the layers config/settings.py sets on Redis: the
booth hubs on channels_redis.pubsub.RedisPubSubChannelLayer, the plain consumer on the default
channels_redis.core.RedisChannelLayer), redis-core (the booth hubs on the core layer too, as before,
for comparison). The database is a throw-away SQLite file.

--server uvicorn serves the booth and plain targets with uvicorn (uvloop, httptools, its websockets
protocol) instead of daphne: the same application, without daphne's prepared-frame broadcast
(kernel/server_tuning.daphne_wire answers None there, so the hub sends to each socket in turn).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
DAPHNE = str(ROOT / ".venv" / "bin" / "daphne")
UVICORN = str(ROOT / ".venv" / "bin" / "uvicorn")

BENCH_SETTINGS = """
from config.settings import *  # noqa: F401,F403

BOOTH_LIVE = {"CHAT_RATE": (10**9, 1)}  # the sender is a bench, not a person
LOGGING["root"]["level"] = "WARNING"
if os.environ.get("BENCH_LAYER") == "redis-core":  # the booth hubs on the default (core) layer
    CHANNEL_LAYERS["booth"] = CHANNEL_LAYERS["default"]
"""

BENCH_ASGI = """
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench_settings")
from config.asgi import application as _app  # noqa: E402
from config.asgi import AuthMiddlewareStack  # noqa: E402  (the project's: no thread hop without a cookie)
from channels.generic.websocket import AsyncJsonWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402
from config.routing import websocket_urlpatterns  # noqa: E402


class PlainConsumer(AsyncJsonWebsocketConsumer):
    # The textbook Channels way: every socket joins the group; group_send reaches each one.
    async def connect(self):
        self.group = "plain.%d" % self.scope["url_route"]["kwargs"]["booth_id"]
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "snapshot"})

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        await self.channel_layer.group_send(self.group, {"type": "chat.message", "body": content["body"]})

    async def chat_message(self, event):
        await self.send_json({"type": "chat.message", "body": event["body"]})


application = ProtocolTypeRouter({
    "http": _app,
    "websocket": AuthMiddlewareStack(URLRouter(
        [path("ws/plain/<int:booth_id>/", PlainConsumer.as_asgi())] + websocket_urlpatterns)),
})
"""

SETUP = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from tests import factories
f = factories.fair()
booth = factories.booth(f)
staff = factories.staff(booth)
s = SessionStore()
s[SESSION_KEY] = str(staff.user.pk)
s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
s[HASH_SESSION_KEY] = staff.user.get_session_auth_hash()
s.save()
print("BENCH", booth.pk, s.session_key)
"""

BARE_SERVER = """
import asyncio, gc, json, sys
from websockets.asyncio.server import broadcast, serve

clients = set()

async def handler(ws):
    clients.add(ws)
    try:
        await ws.send(json.dumps({"type": "snapshot"}))
        async for text in ws:
            frame = json.loads(text)
            broadcast(clients, json.dumps({"type": "chat.message", "body": frame["body"]}))
    finally:
        clients.discard(ws)

async def main():
    gc.collect(); gc.freeze(); gc.set_threshold(10_000, 10, 10)  # as kernel/server_tuning does
    async with serve(handler, "127.0.0.1", int(sys.argv[1]), max_queue=None, ping_interval=None):
        await asyncio.Future()

asyncio.run(main())
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def quiet_gc() -> None:
    """In a client process: fewer, shorter garbage collections (as kernel/server_tuning does for the
    server), so that the clients' own pauses with thousands of sockets do not show as latency.
    The same for every target, the bare baseline included."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def raise_file_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            _r, w = await asyncio.open_connection("127.0.0.1", port)
            w.close()
            return
        except OSError:
            await asyncio.sleep(0.1)
    raise RuntimeError(f"server on {port} did not start")


async def open_sockets(url: str, n: int, origin: str, headers=None) -> list:
    from websockets.asyncio.client import connect

    handshakes = asyncio.Semaphore(50)

    async def open_one():
        async with handshakes:
            ws = await connect(
                url,
                origin=origin,
                additional_headers=headers,
                max_size=2**22,
                ping_interval=None,
                max_queue=None,
                open_timeout=60,
            )
            while json.loads(await ws.recv())["type"] != "snapshot":
                pass
            return ws

    return await asyncio.gather(*(open_one() for _ in range(n)))


async def receivers_main(url: str, origin: str, n: int, messages: int, ready, results) -> None:
    """One client process: n sockets, each expecting `messages` chat messages."""
    sockets = await open_sockets(url, n, origin)
    ready.put(n)
    latencies: list[float] = []
    counts = [0] * n
    last = 0.0

    async def receive(i, ws):
        nonlocal last
        async for text in ws:
            frame = json.loads(text)
            if frame["type"] != "chat.message":
                continue
            now = time.perf_counter()  # CLOCK_MONOTONIC: the same clock in every process
            latencies.append(now - float(frame["body"]))
            last = max(last, now)
            counts[i] += 1
            if counts[i] == messages:
                return

    tasks = [asyncio.create_task(receive(i, ws)) for i, ws in enumerate(sockets)]
    _done, pending = await asyncio.wait(tasks, timeout=90 + messages)
    for t in pending:
        t.cancel()
    results.put((sum(counts), latencies, last))
    for ws in sockets:
        await ws.close()


def receivers_process(*args) -> None:
    raise_file_limit()
    quiet_gc()
    asyncio.run(receivers_main(*args))


def run_clients(
    urls: list[str],
    n: int,
    deliveries: int,
    window: int,
    origin: str,
    cookie: str | None,
    procs: int,
    rate: float = 0.0,
):
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    ready, results = ctx.Queue(), ctx.Queue()
    messages = max(10, deliveries // n)
    shares = [n // procs + (1 if i < n % procs else 0) for i in range(procs)]
    workers = [  # client process i talks to server i mod len(urls)
        ctx.Process(
            target=receivers_process,
            args=(urls[i % len(urls)], origin, k, messages, ready, results),
            daemon=True,
        )
        for i, k in enumerate(shares)
        if k
    ]
    for w in workers:
        w.start()
    for _ in workers:
        ready.get(timeout=300)
    start_at, end_at = asyncio.run(
        send_all(urls[0], origin, cookie, messages, window, settle=1.0 + n / 1000, n_clients=n, rate=rate)
    )
    got, lat, last = 0, [], 0.0
    for _ in workers:
        c, latencies, last_seen = results.get(timeout=180 + messages)
        got, last = got + c, max(last, last_seen)
        lat.extend(latencies)
    for w in workers:
        w.join(timeout=10)
    lat.sort()
    q = statistics.quantiles(lat, n=100) if len(lat) > 2 else [float("nan")] * 99
    return {
        "clients": n,
        "messages": messages,
        "expected": messages * n,
        "delivered": got,
        "lost": messages * n - got,
        "per_second": got / (last - start_at) if last > start_at else 0.0,
        "p50_ms": q[49] * 1000,
        "p99_ms": q[98] * 1000,
    }


async def send_all(url, origin, cookie, messages, window, settle, n_clients=1, rate=0.0):
    """The sender keeps `window` messages in flight: its own copy coming back frees a place."""
    (sender,) = await open_sockets(url, 1, origin, {"Cookie": cookie} if cookie else None)
    await asyncio.sleep(settle)  # let the presence updates of the joins go by
    in_flight = asyncio.Semaphore(window)
    done = asyncio.Event()
    echoed = 0

    async def echoes():
        nonlocal echoed
        async for text in sender:
            frame = json.loads(text)
            if frame["type"] == "chat.message":
                echoed += 1
                in_flight.release()
                if echoed == messages:
                    done.set()
                    return
            elif frame["type"] == "error":
                raise RuntimeError(frame)

    task = asyncio.create_task(echoes())
    start_at = time.perf_counter()
    interval = n_clients / rate if rate else 0.0
    for i in range(messages):
        if interval:  # paced: the i-th message leaves at start + i * interval
            delay = start_at + i * interval - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        await in_flight.acquire()
        await sender.send(json.dumps({"type": "chat.post", "body": repr(time.perf_counter())}))
    await asyncio.wait_for(task, 60 + messages)
    end_at = time.perf_counter()
    await sender.close()
    return start_at, end_at


def server_command(server: str, port: int, app: str) -> list[str]:
    """One ASGI server process for ``app``: daphne (the default), or uvicorn with uvloop and httptools
    (what `uvicorn[standard]` installs) and its websockets protocol, access log off as daphne's."""
    if server == "uvicorn":
        return [UVICORN, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"] + [
            "--no-access-log",
            "--ws-max-size",
            str(1 << 20),
            app,
        ]
    return [DAPHNE, "-b", "127.0.0.1", "-p", str(port), app]


def start(cmd: list[str], env: dict, cwd: Path) -> subprocess.Popen:
    # stderr goes to a file, not a pipe: nobody reads a pipe during the run, and once its 64 KiB
    # are full a server that logs (tracebacks under load) blocks in write() and stalls entirely.
    err = tempfile.TemporaryFile()  # noqa: SIM115  (closed by stop())
    proc = subprocess.Popen(  # noqa: PLW1509
        cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err, preexec_fn=raise_file_limit
    )
    proc.err_file = err
    return proc


def stop(proc: subprocess.Popen) -> str:
    proc.send_signal(signal.SIGINT)  # daphne stops cleanly on ^C (and a profiler gets to write)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    err = proc.err_file
    err.seek(max(0, err.seek(0, 2) - 4000))
    text = err.read().decode(errors="replace")
    err.close()
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[100, 1000])
    parser.add_argument(
        "--layers", nargs="+", default=["memory", "redis"], choices=["memory", "redis", "redis-core"]
    )
    parser.add_argument(
        "--targets", nargs="+", default=["booth", "plain", "bare"], choices=["booth", "plain", "bare"]
    )
    parser.add_argument("--deliveries", type=int, default=40_000, help="messages x clients per run")
    parser.add_argument("--window", type=int, default=4, help="messages the sender keeps in flight")
    parser.add_argument(
        "--rate",
        type=float,
        default=0.0,
        help="offered deliveries per second (0: as fast as the window allows)",
    )
    parser.add_argument(
        "--servers",
        type=int,
        nargs="+",
        default=[1],
        choices=[1, 2],
        help="daphne processes behind the clients (2: Redis layers only; the bare baseline is always one)",
    )
    parser.add_argument(
        "--client-procs",
        type=int,
        default=2,
        help="processes holding the receiving clients (at least one per server)",
    )
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--server", choices=["daphne", "uvicorn"], default="daphne", help="the ASGI server")
    args = parser.parse_args()
    raise_file_limit()

    tmp = Path(tempfile.mkdtemp(prefix="ws-booth-bench-"))
    (tmp / "bench_settings.py").write_text(textwrap.dedent(BENCH_SETTINGS))
    (tmp / "bench_asgi.py").write_text(textwrap.dedent(BENCH_ASGI))
    (tmp / "bare_server.py").write_text(textwrap.dedent(BARE_SERVER))
    base_env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    base_env.update(
        TRADEFAIR_VAR_DIR=str(tmp),
        DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=f"{tmp}:{ROOT}",
        LOG_LEVEL="WARNING",
    )
    # Keep database connections between messages, as a deployment should (DATABASE_CONN_MAX_AGE):
    # with 0, every chat message opens a new database connection.
    base_env.setdefault("DATABASE_CONN_MAX_AGE", "60")
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], env=base_env, cwd=ROOT, check=True)
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", SETUP],
        env=base_env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    _tag, booth_id, session_key = next(line for line in out.splitlines() if line.startswith("BENCH")).split()

    rows = []
    for n in args.clients:
        plan = [("bare", "-", 1)] if "bare" in args.targets else []
        plan += [
            (t, layer, k)
            for layer in args.layers
            for t in args.targets
            if t != "bare"
            for k in args.servers
            if k == 1 or layer.startswith("redis")  # processes share nothing in memory
        ]
        for target, layer, servers in plan:
            ports = [free_port() for _ in range(servers)]
            env = dict(base_env)
            if layer.startswith("redis"):
                env.update(
                    REDIS_URL=args.redis_url,
                    CHANNELS_PREFIX=f"bench-{uuid.uuid4().hex[:8]}",
                    BENCH_LAYER=layer,
                )
            procs = []
            if target == "bare":
                procs.append(start([PYTHON, str(tmp / "bare_server.py"), str(ports[0])], env, tmp))
                path = "/"
            else:
                for i, port in enumerate(ports):
                    cmd = server_command(args.server, port, "bench_asgi:application")
                    if os.environ.get("BENCH_PROFILE_DIR"):  # profile the server's event loop thread
                        out = Path(os.environ["BENCH_PROFILE_DIR"]) / f"{target}-{layer}-{n}-{i}.prof"
                        cmd = [PYTHON, "-m", "cProfile", "-o", str(out), *cmd]
                    procs.append(start(cmd, env, tmp))
                path = f"/ws/booths/{booth_id}/" if target == "booth" else f"/ws/plain/{booth_id}/"
            try:
                for port in ports:
                    asyncio.run(wait_port(port))
                result = run_clients(
                    [f"ws://127.0.0.1:{port}{path}" for port in ports],
                    n,
                    args.deliveries,
                    args.window,
                    f"http://127.0.0.1:{ports[0]}",
                    f"sessionid={session_key}",
                    max(args.client_procs, servers),
                    args.rate,
                )
            except Exception as e:  # noqa: BLE001
                result = {"clients": n, "error": repr(e)[:200]}
            finally:
                err = "\n".join(stop(proc) for proc in procs).strip()
            if err and os.environ.get("BENCH_SHOW_STDERR") or "error" in result and err:
                print(err, file=sys.stderr)
            result.update(target=target, layer=layer, servers=servers, server=args.server)
            rows.append(result)
            print(json.dumps(result), file=sys.stderr, flush=True)

    print(
        f"\n{'clients':>7} {'target':<6} {'layer':<12} {'servers':>7} {'delivered/s':>11} {'p50 ms':>8} "
        f"{'p99 ms':>8} {'lost':>6} {'vs bare':>7}"
    )
    bare = {r["clients"]: r.get("per_second") for r in rows if r["target"] == "bare"}
    for r in rows:
        head = f"{r['clients']:>7} {r['target']:<6} {r['layer']:<12} {r['servers']:>7}"
        if "error" in r:
            print(f"{head} error: {r['error']}")
            continue
        ratio = r["per_second"] / bare[r["clients"]] if bare.get(r["clients"]) else float("nan")
        print(
            f"{head} {r['per_second']:>11.0f} "
            f"{r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f} {r['lost']:>6} {ratio:>7.2f}"
        )


if __name__ == "__main__":
    main()
