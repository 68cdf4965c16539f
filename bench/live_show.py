"""Live show: N viewers joining a show, chat fan-out over the show socket, time to first frame.

    .venv/bin/python bench/live_show.py                 # 200 viewers, every phase
    .venv/bin/python bench/live_show.py --viewers 50 --messages 20
    .venv/bin/python bench/live_show.py --phases first-frame   # only the time to first frame

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
- first-frame: the presenter (the booth's staff member) loads the show page on air, gets the
  application's presenter admission and publishes a synthetic camera (sliding stripes, 320x240,
  15 frames a second, VP8) into the show's Janus room with aiortc, over Janus's HTTP API
  (JanusSession: create, attach, join, publish with its SDP offer). Then each viewer (--concurrency
  at a time) loads the show page (the application's admission: the page's sfu-params), joins the
  room as a participant (its private id and the presenter's feed), subscribes to the feed in a
  second handle, answers Janus's SDP offer with an aiortc peer connection and waits for the first
  decoded frame (`await track.recv()`), then hangs up: the time from the page request to that frame,
  and how many got one within --frame-timeout (15 s). Baseline, in the same run: the same
  subscription with tokens the bench signs itself (JanusAdmin.admission_issue), timed from the Janus
  session's creation. Media stays on this machine but flows over its own network address (neither
  Janus nor aiortc offers loopback candidates); no STUN or TURN.

aiortc is a benchmark-only dependency, not the application's: `.venv/bin/pip install aiortc` (it
brings PyAV's `av` wheel, with libvpx). Without it the first-frame phase prints why and is skipped.
tests/e2e/test_live_show.py measures the first frame of three real Chromium viewers (docs/janus.md).

--phases picks among join, chat and first-frame (comma-separated; chat needs join's sockets).
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
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = str(ROOT / ".venv" / "bin" / "python")
DAPHNE = str(ROOT / ".venv" / "bin" / "daphne")

from bench.ws_booth import BARE_SERVER, free_port, raise_file_limit, wait_port  # noqa: E402

if TYPE_CHECKING:
    from kernel.janus import JanusRoom
    from tests.janus_server import JanusServer

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

PHASES = ("join", "chat", "first-frame")

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


# --- time to first frame (aiortc: optional, benchmark-only) ----------------------------------------

FRAME_SIZE = (320, 240)
FRAME_RATE = 15
AIORTC_MISSING = (
    "time to first frame: skipped, aiortc is missing (a benchmark-only dependency, not the"
    " application's: .venv/bin/pip install aiortc)"
)


def aiortc_available() -> bool:
    try:
        import aiortc  # noqa: F401
    except ImportError:
        return False
    return True


def pattern_track() -> Any:
    """A synthetic camera: diagonal stripes sliding by, 320x240 at 15 frames a second."""
    from aiortc import MediaStreamTrack
    from av import VideoFrame

    width, height = FRAME_SIZE
    ramp = bytes((i * 4) & 0xFF for i in range(2 * width))
    rows = [ramp[(y * 2) % width :][:width] for y in range(height)]
    chroma = bytes([128]) * (width * height // 4)

    class PatternTrack(MediaStreamTrack):
        kind = "video"

        def __init__(self) -> None:
            super().__init__()
            self._count = 0
            self._start = 0.0

        async def recv(self) -> VideoFrame:
            if self._count == 0:
                self._start = time.monotonic()
            else:
                await asyncio.sleep(max(0.0, self._start + self._count / FRAME_RATE - time.monotonic()))
            shift = (self._count * 8) % width
            frame = VideoFrame(width, height, "yuv420p")
            frame.planes[0].update(b"".join(row[shift:] + row[:shift] for row in rows))
            frame.planes[1].update(chroma)
            frame.planes[2].update(chroma)
            frame.pts = self._count * (90000 // FRAME_RATE)
            frame.time_base = Fraction(1, 90000)
            self._count += 1
            return frame

    return PatternTrack()


def peer_connection() -> Any:
    """An aiortc peer connection with no STUN server (aiortc's default asks Google's): host candidates,
    the machine's own address (neither aiortc nor Janus offers loopback)."""
    from aiortc import RTCConfiguration, RTCPeerConnection

    return RTCPeerConnection(RTCConfiguration(iceServers=[]))


async def sfu_params(http: Any, page: str, cookie: str) -> dict:
    """The show page's sfu.js parameters: where the application admits (or refuses) the person."""
    html = (await http.get(page, headers={"Cookie": cookie})).text
    start = html.index('<script id="sfu-params" type="application/json">')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])


class Presenter:
    """The presenter on stage: joins with the application's presenter admission and publishes the
    pattern (VP8) over Janus's HTTP API, as sfu.js does with a camera; keeps its session alive."""

    def __init__(self, janus_url: str, params: dict):
        from kernel.janus import JanusSession

        self.params = params
        self.session = JanusSession(janus_url, token=params["token"])
        self.pc = peer_connection()
        self._keepalive: asyncio.Task | None = None

    async def start(self) -> str:
        """Publish; returns the feed id viewers subscribe to once Janus has the media."""
        from aiortc import RTCRtpSender, RTCSessionDescription

        await asyncio.to_thread(self.session.create)
        handle = await asyncio.to_thread(self.session.attach)
        joined = await asyncio.to_thread(
            self.session.request,
            handle,
            {
                "request": "join",
                "ptype": "publisher",
                "room": self.params["room"],
                "id": self.params["id"],
                "display": "presenter",
                "token": self.params["roomToken"],
            },
        )
        assert joined.get("videoroom") == "joined", joined
        transceiver = self.pc.addTransceiver(pattern_track(), direction="sendonly")
        transceiver.setCodecPreferences(
            [c for c in RTCRtpSender.getCapabilities("video").codecs if c.mimeType == "video/VP8"]
        )
        await self.pc.setLocalDescription(await self.pc.createOffer())
        offer = {"type": "offer", "sdp": self.pc.localDescription.sdp}
        answer = await asyncio.to_thread(
            self.session.request, handle, {"request": "publish", "video": True}, jsep=offer
        )
        await self.pc.setRemoteDescription(RTCSessionDescription(**answer["jsep"]))
        self._keepalive = asyncio.create_task(self._keep())
        deadline = time.monotonic() + 20
        while self.pc.connectionState != "connected":
            if time.monotonic() > deadline or self.pc.connectionState == "failed":
                raise RuntimeError(f"the presenter's media did not connect ({self.pc.connectionState})")
            await asyncio.sleep(0.05)
        await asyncio.sleep(1)  # Janus has the first frames
        return self.params["id"]

    async def _keep(self) -> None:
        while True:
            await asyncio.sleep(15)
            await asyncio.to_thread(self.session.keepalive)

    async def stop(self) -> None:
        if self._keepalive is not None:
            self._keepalive.cancel()
        await self.pc.close()
        await asyncio.to_thread(self.session.destroy)


async def first_frame(janus_url: str, params: dict, timeout: float) -> float | None:
    """One viewer as sfu.js: join the room as a participant (its private id, the presenters), subscribe
    to the presenter, answer Janus's offer, wait for the first decoded frame. Seconds from the Janus
    session's creation, or None when no frame came within `timeout`."""
    from aiortc import RTCSessionDescription

    from kernel.janus import JanusSession

    session = JanusSession(janus_url, token=params["token"])
    pc = peer_connection()
    track: asyncio.Future = asyncio.get_running_loop().create_future()

    @pc.on("track")
    def on_track(received: Any) -> None:
        if received.kind == "video" and not track.done():
            track.set_result(received)

    async def subscribe() -> None:
        await asyncio.to_thread(session.create)
        handle = await asyncio.to_thread(session.attach)
        joined = await asyncio.to_thread(
            session.request,
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
        feed = joined["publishers"][0]["id"]
        listener = await asyncio.to_thread(session.attach)
        attached = await asyncio.to_thread(
            session.request,
            listener,
            {
                "request": "join",
                "ptype": "subscriber",
                "room": params["room"],
                "streams": [{"feed": feed}],
                "private_id": joined["private_id"],
                "token": params["roomToken"],
            },
        )
        await pc.setRemoteDescription(RTCSessionDescription(**attached["jsep"]))
        await pc.setLocalDescription(await pc.createAnswer())
        answer = {"type": "answer", "sdp": pc.localDescription.sdp}
        await asyncio.to_thread(session.request, listener, {"request": "start"}, jsep=answer)
        await (await track).recv()

    started = time.perf_counter()
    try:
        await asyncio.wait_for(subscribe(), timeout)
        return time.perf_counter() - started
    except TimeoutError:
        return None
    finally:
        await pc.close()
        await asyncio.to_thread(session.destroy)


async def first_frames(
    base: str,
    slug: str,
    show_id: int,
    staff_key: str,
    keys: list[str],
    janus: JanusServer,
    room: JanusRoom,
    concurrency: int,
    timeout: float,
) -> tuple[list[float | None], list[float | None], list[float]]:
    """The presenter publishes; each viewer (`concurrency` at a time) loads the show page (admission)
    and subscribes until its first frame; then the baseline: the same with tokens the bench signs."""
    import httpx

    from kernel.janus import JanusAdmin

    loop = asyncio.get_running_loop()
    loop.set_default_executor(ThreadPoolExecutor(max_workers=concurrency + 8))
    page = f"{base}/fairs/{slug}/shows/{show_id}/"
    limit = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(timeout=60) as http:
        presenter = Presenter(
            janus.url, await sfu_params(http, page + "?on_air=camera", f"sessionid={staff_key}")
        )
        await presenter.start()
        try:
            pages: list[float] = []

            async def viewer(key: str) -> float | None:
                async with limit:
                    started = time.perf_counter()
                    params = await sfu_params(http, page, f"sessionid={key}")
                    pages.append(time.perf_counter() - started)
                    seconds = await first_frame(janus.url, params, timeout - (time.perf_counter() - started))
                    return None if seconds is None else time.perf_counter() - started

            app = await asyncio.gather(*(viewer(k) for k in keys))

            def sign() -> list[dict]:
                values = janus.values
                with JanusAdmin(
                    admin_url=janus.admin_url,
                    admin_secret=values["JANUS_ADMIN_SECRET"],
                    token_secret=values["JANUS_TOKEN_SECRET"],
                    room_admin_key=values["JANUS_ROOM_ADMIN_KEY"],
                ) as admin:
                    until = datetime.now(UTC) + timedelta(hours=1)
                    return [
                        admin.admission_issue(room=room, person=f"b{i}", expires_at=until).for_browser(
                            server="", display="b", role="viewer"
                        )
                        for i in range(len(keys))
                    ]

            async def signed(params: dict) -> float | None:
                async with limit:
                    return await first_frame(janus.url, params, timeout)

            bare = await asyncio.gather(*(signed(p) for p in await asyncio.to_thread(sign)))
        finally:
            await presenter.stop()
    return app, bare, pages


def frame_line(label: str, seconds: list[float | None], timeout: float) -> str:
    """ "label p50, p99, max; how many of all got a frame within the timeout" (None: no frame in time)."""
    got = [s for s in seconds if s is not None]
    if not got:
        return f"{label} no viewer got a frame within {timeout:.0f} s"
    p50, p99 = quantiles(got)
    return (
        f"{label} p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, max {max(got) * 1000:.0f} ms;"
        f" {len(got)}/{len(seconds)} within {timeout:.0f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--viewers", type=int, default=200)
    parser.add_argument("--messages", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=20, help="viewers joining at once")
    parser.add_argument(
        "--phases",
        default=",".join(PHASES),
        help=f"comma-separated, among {', '.join(PHASES)} (chat needs join's sockets); default: all",
    )
    parser.add_argument(
        "--frame-timeout", type=float, default=15.0, help="seconds a viewer waits for its first frame"
    )
    args = parser.parse_args()
    phases = {p.strip() for p in args.phases.split(",") if p.strip()}
    if phases - set(PHASES) or not phases:
        parser.error(f"--phases: choose among {', '.join(PHASES)}")
    if "chat" in phases and "join" not in phases:
        parser.error("--phases: chat fans out to the sockets join opened; add join")
    media = "first-frame" in phases and aiortc_available()
    if phases == {"first-frame"} and not media:
        print(AIORTC_MISSING)
        return
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
            chat, bare = [], []
            if "chat" in phases:
                ws_url = base.replace("http://", "ws://") + f"/ws/shows/{show_id}/"
                chat = await fan_out(ws_url, base, f"sessionid={staff_key}", sockets, args.messages, "show")
            for ws in sockets:
                await ws.close()
            if "chat" in phases:
                bare = await bare_fan_out(args.viewers, args.messages, tmp)
            return joins, joined_in, chat, bare

        if "join" in phases:
            joins, joined_in, chat, bare = asyncio.run(run())
            base_joins = baseline_joins(janus, room[0], room[1], args.viewers, args.concurrency)
        if media:
            from kernel.janus import JanusRoom

            frames, base_frames, pages = asyncio.run(
                first_frames(
                    base,
                    slug,
                    int(show_id),
                    staff_key,
                    keys,
                    janus,
                    JanusRoom(id=room[0], secret=room[1]),
                    args.concurrency,
                    args.frame_timeout,
                )
            )
    finally:
        if daphne is not None:
            daphne.terminate()
            daphne.wait()
        janus.stop()

    print(
        f"live show, {args.viewers} viewers, {args.concurrency} joining at once,"
        " one daphne, Janus on loopback"
    )
    if "join" in phases:
        j50, j99 = quantiles(joins)
        b50, b99 = quantiles(base_joins)
        print(
            f"join (socket + page admission + Janus join): p50 {j50 * 1000:.0f} ms, p99 {j99 * 1000:.0f} ms;"
            f" all {args.viewers} in {joined_in:.1f} s"
        )
        print(
            f"  baseline, Janus join alone:                p50 {b50 * 1000:.0f} ms, p99 {b99 * 1000:.0f} ms"
            f"  -> ratio p50 {j50 / b50:.1f}x, p99 {j99 / b99:.1f}x"
        )
    if "chat" in phases:
        c50, c99 = quantiles(chat)
        r50, r99 = quantiles(bare)
        print(
            f"chat fan-out to {args.viewers} ({args.messages} lines, {len(chat)} deliveries):"
            f" p50 {c50 * 1000:.1f} ms, p99 {c99 * 1000:.1f} ms"
        )
        print(
            f"  baseline, bare websockets broadcast:       p50 {r50 * 1000:.1f} ms, p99 {r99 * 1000:.1f} ms"
            f"  -> ratio p50 {c50 / r50:.1f}x, p99 {c99 / r99:.1f}x"
        )
    if "first-frame" in phases and not media:
        print(AIORTC_MISSING)
    if media:
        print(
            frame_line(
                "time to first frame (page admission + Janus join, subscribe, first decoded frame):",
                frames,
                args.frame_timeout,
            )
        )
        print(
            frame_line("  baseline, bench-signed tokens, same subscription:", base_frames, args.frame_timeout)
        )
        f50, f99 = quantiles([f for f in frames if f is not None])
        g50, g99 = quantiles([f for f in base_frames if f is not None])
        a50, a99 = quantiles(pages)
        print(
            f"  -> ratio p50 {f50 / g50:.1f}x, p99 {f99 / g99:.1f}x;"
            f" of it the show page (admission): p50 {a50 * 1000:.0f} ms, p99 {a99 * 1000:.0f} ms"
        )
    if "chat" in phases:
        assert len(chat) == args.messages * args.viewers, (
            f"lost {args.messages * args.viewers - len(chat)} deliveries"
        )


if __name__ == "__main__":
    main()
