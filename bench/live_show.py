"""Live show: N viewers joining a show, and chat fan-out over the show socket.

    .venv/bin/python bench/live_show.py                 # 200 viewers
    .venv/bin/python bench/live_show.py --viewers 50 --messages 20

Starts a real Janus (tests/janus_server.py, configured from deploy/janus/) and one daphne on a
throw-away SQLite file with the JANUS_* settings pointing at it; a live show of a booth with N
approved buyers signed in. Then, on loopback:

- join: each viewer (--concurrency at a time) opens the show socket (until its snapshot), loads the
  show page (where the application checks show:watch and has Janus admit them: the page's
  sfu-params) and joins the Janus room with those tokens over Janus's HTTP API (JanusSession:
  create, attach, join), as sfu.js does over its websocket. Baseline, in the same run: the same
  Janus join with tokens the bench signs itself (JanusAdmin.admission_issue), no application.
- chat: the booth's staff member posts --messages chat lines (one in flight at a time) to all N
  open show sockets; latency from sending to each viewer's copy. Baseline: a bare `websockets`
  server that broadcasts each line to N clients (bench/ws_booth.py's).

Time to first frame needs media (WebRTC): not measured here; tests/e2e/test_live_show.py prints it
for three real Chromium viewers (docs/janus.md, "Tests").
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = str(ROOT / ".venv" / "bin" / "python")
DAPHNE = str(ROOT / ".venv" / "bin" / "daphne")

from bench.ws_booth import BARE_SERVER, free_port, raise_file_limit, wait_port  # noqa: E402

BENCH_SETTINGS = """
from config.settings import *  # noqa: F401,F403

BOOTH_LIVE = {"CHAT_RATE": (10**9, 1)}  # the sender is a bench, not a person
LOGGING["root"]["level"] = "WARNING"
"""

SETUP = """
import os
from datetime import timedelta
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from shows import services
from shows.models import Show
from tests import factories

def session(user):
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.save()
    return s.session_key

f = factories.fair()
booth = factories.booth(f)
factories.product(booth)
staff = factories.staff(booth)
now = timezone.now()
show = Show.objects.create(fair=f, booth=booth, title="Bench show", starts_at=now + timedelta(minutes=1),
                           ends_at=now + timedelta(hours=1), zone="Asia/Seoul")
services.show_go_live(actor=staff.user, show=show)
keys = [session(factories.buyer(f).user) for _ in range(int(os.environ["BENCH_VIEWERS"]))]
print("BENCH", f.slug, show.pk, session(staff.user), ",".join(keys))
"""

ROOM = (
    "from shows.models import Show; s = Show.objects.get(pk={show_id});"
    " print('ROOM', s.janus_room, s.janus_secret)"
)


def quantiles(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    if len(values) < 3:
        return (values[0], values[-1]) if values else (float("nan"), float("nan"))
    q = statistics.quantiles(values, n=100)
    return q[49], q[98]


def janus_join(janus_url: str, params: dict) -> float:
    """Join the room as sfu.js does (create, attach, join as a participant); seconds taken."""
    from kernel.janus import JanusSession

    started = time.perf_counter()
    session = JanusSession(janus_url, token=params["token"])
    try:
        session.create()
        handle = session.attach()
        joined = session.request(
            handle,
            {
                "request": "join",
                "ptype": "publisher",
                "room": params["room"],
                "id": params["id"],
                "display": "bench",
                "token": params["roomToken"],
            },
        )
        assert joined.get("videoroom") == "joined", joined
        return time.perf_counter() - started
    finally:
        session.destroy()


async def open_socket(url: str, origin: str, cookie: str | None):
    from websockets.asyncio.client import connect

    ws = await connect(
        url,
        origin=origin,
        additional_headers={"Cookie": cookie} if cookie else None,
        ping_interval=None,
        max_queue=None,
        open_timeout=60,
    )
    while json.loads(await ws.recv())["type"] != "snapshot":
        pass
    return ws


async def join_all(base: str, slug: str, show_id: int, keys: list[str], janus_url: str, concurrency: int):
    """Each viewer: the show socket, the show page (admission), the Janus join. Returns (sockets, times)."""
    import httpx

    origin = base
    ws_url = base.replace("http://", "ws://") + f"/ws/shows/{show_id}/"
    page = f"{base}/fairs/{slug}/shows/{show_id}/"
    limit = asyncio.Semaphore(concurrency)
    pool = ThreadPoolExecutor(max_workers=concurrency)
    loop = asyncio.get_running_loop()
    times, sockets = [], []
    async with httpx.AsyncClient(timeout=60) as http:

        async def one(key: str):
            cookie = f"sessionid={key}"
            async with limit:
                started = time.perf_counter()
                ws = await open_socket(ws_url, origin, cookie)
                html = (await http.get(page, headers={"Cookie": cookie})).text
                start = html.index('<script id="sfu-params" type="application/json">')
                start = html.index(">", start) + 1
                params = json.loads(html[start : html.index("</script>", start)])
                await loop.run_in_executor(pool, janus_join, janus_url, params)
                times.append(time.perf_counter() - started)
                sockets.append(ws)

        await asyncio.gather(*(one(k) for k in keys))
    pool.shutdown()
    return sockets, times


def baseline_joins(janus, room_id: str, room_secret: str, n: int, concurrency: int) -> list[float]:
    """The Janus join alone, with tokens the bench signs (no application in the way)."""
    from kernel.janus import JanusAdmin, JanusRoom

    values = janus.values
    with JanusAdmin(
        admin_url=janus.admin_url,
        admin_secret=values["JANUS_ADMIN_SECRET"],
        token_secret=values["JANUS_TOKEN_SECRET"],
        room_admin_key=values["JANUS_ROOM_ADMIN_KEY"],
    ) as admin:
        room = JanusRoom(id=room_id, secret=room_secret)
        until = datetime.now(UTC) + timedelta(hours=1)
        admissions = [admin.admission_issue(room=room, person=f"b{i}", expires_at=until) for i in range(n)]
    params = [a.for_browser(server="", display="b", role="viewer") for a in admissions]
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(lambda p: janus_join(janus.url, p), params))


async def fan_out(
    sender_url: str, origin: str, cookie: str | None, receivers: list, messages: int, kind: str
):
    """`messages` lines, one in flight; each receiver's latency for each line."""
    sender = await open_socket(sender_url, origin, cookie)
    latencies: list[float] = []

    async def receive(ws):
        got = 0
        async for text in ws:
            frame = json.loads(text)
            if frame["type"] == "chat.message":
                body = frame["message"]["body"] if kind == "show" else frame["body"]
                latencies.append(time.perf_counter() - float(body))
                got += 1
                if got == messages:
                    return

    tasks = [asyncio.create_task(receive(ws)) for ws in receivers]
    await asyncio.sleep(1.5)  # the viewers' count broadcasts go by
    for _ in range(messages):
        await sender.send(json.dumps({"type": "chat.post", "body": repr(time.perf_counter())}))
        while True:
            frame = json.loads(await sender.recv())
            if frame["type"] == "error":
                raise RuntimeError(frame)
            if frame["type"] == "chat.message":
                break
    await asyncio.wait_for(asyncio.gather(*tasks), 60)
    await sender.close()
    return latencies


async def bare_fan_out(n: int, messages: int, tmp: Path) -> list[float]:
    port = free_port()
    (tmp / "bare_server.py").write_text(textwrap.dedent(BARE_SERVER))
    server = subprocess.Popen([PYTHON, str(tmp / "bare_server.py"), str(port)])
    try:
        await wait_port(port)
        url, origin = f"ws://127.0.0.1:{port}/", f"http://127.0.0.1:{port}"
        receivers = [await open_socket(url, origin, None) for _ in range(n)]
        latencies = await fan_out(url, origin, None, receivers, messages, "bare")
        for ws in receivers:
            await ws.close()
        return latencies
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--viewers", type=int, default=200)
    parser.add_argument("--messages", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=20, help="viewers joining at once")
    args = parser.parse_args()
    raise_file_limit()
    from tests.janus_server import JanusServer

    tmp = Path(tempfile.mkdtemp(prefix="live-show-bench-"))
    janus = JanusServer(tmp / "janus")
    janus.start()
    daphne = None
    try:
        (tmp / "bench_settings.py").write_text(textwrap.dedent(BENCH_SETTINGS))
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
        env.update(
            TRADEFAIR_VAR_DIR=str(tmp),
            DJANGO_SETTINGS_MODULE="bench_settings",
            PYTHONPATH=f"{tmp}:{ROOT}",
            LOG_LEVEL="WARNING",
            DEBUG="1",
            DATABASE_CONN_MAX_AGE="60",
            **janus.settings,
        )
        subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], env=env, cwd=ROOT, check=True)
        out = subprocess.run(
            [PYTHON, "manage.py", "shell", "-c", SETUP],
            env={**env, "BENCH_VIEWERS": str(args.viewers)},
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        _tag, slug, show_id, staff_key, keys = next(
            line for line in out.splitlines() if line.startswith("BENCH")
        ).split()
        keys = keys.split(",")
        port = free_port()
        daphne = subprocess.Popen(
            [DAPHNE, "-v", "0", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
            env=env,
            cwd=ROOT,
        )
        asyncio.run(wait_port(port))
        base = f"http://127.0.0.1:{port}"
        room = (
            subprocess.run(
                [
                    PYTHON,
                    "manage.py",
                    "shell",
                    "-c",
                    ROOM.format(show_id=show_id),
                ],
                env=env,
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.split("ROOM ")[1]
            .split()
        )

        async def run():
            started = time.perf_counter()
            sockets, joins = await join_all(base, slug, int(show_id), keys, janus.url, args.concurrency)
            joined_in = time.perf_counter() - started
            ws_url = base.replace("http://", "ws://") + f"/ws/shows/{show_id}/"
            chat = await fan_out(ws_url, base, f"sessionid={staff_key}", sockets, args.messages, "show")
            for ws in sockets:
                await ws.close()
            bare = await bare_fan_out(args.viewers, args.messages, tmp)
            return joins, joined_in, chat, bare

        joins, joined_in, chat, bare = asyncio.run(run())
        base_joins = baseline_joins(janus, room[0], room[1], args.viewers, args.concurrency)
    finally:
        if daphne is not None:
            daphne.terminate()
            daphne.wait()
        janus.stop()

    j50, j99 = quantiles(joins)
    b50, b99 = quantiles(base_joins)
    c50, c99 = quantiles(chat)
    r50, r99 = quantiles(bare)
    print(
        f"live show, {args.viewers} viewers, {args.concurrency} joining at once,"
        " one daphne, Janus on loopback"
    )
    print(
        f"join (socket + page admission + Janus join): p50 {j50 * 1000:.0f} ms, p99 {j99 * 1000:.0f} ms;"
        f" all {args.viewers} in {joined_in:.1f} s"
    )
    print(
        f"  baseline, Janus join alone:                p50 {b50 * 1000:.0f} ms, p99 {b99 * 1000:.0f} ms"
        f"  -> ratio p50 {j50 / b50:.1f}x, p99 {j99 / b99:.1f}x"
    )
    print(
        f"chat fan-out to {args.viewers} ({args.messages} lines, {len(chat)} deliveries):"
        f" p50 {c50 * 1000:.1f} ms, p99 {c99 * 1000:.1f} ms"
    )
    print(
        f"  baseline, bare websockets broadcast:       p50 {r50 * 1000:.1f} ms, p99 {r99 * 1000:.1f} ms"
        f"  -> ratio p50 {c50 / r50:.1f}x, p99 {c99 / r99:.1f}x"
    )
    print("time to first frame: needs media; see tests/e2e/test_live_show.py (three Chromium viewers)")
    assert len(chat) == args.messages * args.viewers, (
        f"lost {args.messages * args.viewers - len(chat)} deliveries"
    )


if __name__ == "__main__":
    main()
