"""Public pages under load: a hall page and a booth page beside a trivial Django view, one server.

    .venv/bin/python bench/http_pages.py                      # PostgreSQL at 127.0.0.1, wrk if installed
    .venv/bin/python bench/http_pages.py --duration 5 --connections 16 --client python
    .venv/bin/python bench/http_pages.py --signed-in          # a buyer's pages, with a session cookie
    .venv/bin/python bench/http_pages.py --server daphne uvicorn  # both, side by side in one run

One daphne process serves config.asgi (DEBUG off, static files collected, PostgreSQL from
--database-url, created and filled on first use: a fair, a hall of 24 published booths with three
products each). The same server also answers two bench-only views, added by a URL module written
in the bench's temporary folder (nothing in config/urls.py):

- /bench/trivial-sync: `def view(request): return HttpResponse("ok")`, the issue's baseline;
- /bench/trivial-async: the same as an `async def` view.

With --signed-in every request (the trivial views' too) carries the session cookie of an approved
buyer of the fair, and the pages are what that buyer sees most: the hall page, a booth page, the
agenda (/schedule/, four meetings) and the recommendations. Without it the requests carry no cookie:
the hall and booth pages as a visitor who is not signed in sees them (kept whole by the page cache).

--server uvicorn serves the same application with uvicorn (one process, uvloop and httptools as
`uvicorn[standard]` installs them) instead of daphne; --server daphne uvicorn runs both at once
and alternates the rounds between them, so both are measured under the same load.

Every request goes through the project's whole middleware stack. The client is wrk (Debian's
package, keep-alive, --connections in flight) or, without it, a small asyncio keep-alive client
in this file. Rounds alternate the URLs so that a noisy neighbour hits all of them alike; the
printed rate is the median over the rounds, p99 the highest.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ws_booth as wb  # noqa: E402  (server start/stop helpers)

BENCH_URLS = """
from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as _project


def trivial_sync(request):
    return HttpResponse("ok")


async def trivial_async(request):
    return HttpResponse("ok")


urlpatterns = [
    path("bench/trivial-sync", trivial_sync),
    path("bench/trivial-async", trivial_async),
    *_project,
]
"""

BENCH_SETTINGS = """
from config.settings import *  # noqa: F401,F403

ROOT_URLCONF = "bench_urls"
LOGGING["root"]["level"] = "WARNING"
"""

SETUP = """
from exhibitors.models import Booth
from fair.models import Fair
from tests import factories
f = Fair.objects.filter(slug="bench-expo").first()
if f is None:
    f = factories.fair(slug="bench-expo")
    hall = factories.hall(f, name="Beauty & Cosmetics", slug="beauty")
    for i in range(24):
        b = factories.booth(f, hall=hall, company_obj=factories.company(name=f"Maker {i:02d}"))
        for k in range(3):
            factories.product(b, name=f"Product {i}-{k}")
booth = Booth.objects.filter(fair=f, status="published").order_by("id").first()
print("BENCH", f.slug, booth.hall.slug, booth.pk)
"""

SETUP_SIGNED_IN = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from exhibitors.models import Booth
from fair.models import Fair, Participant
from meetings import services as meetings
from meetings.models import Meeting
from tests import factories
f = Fair.objects.get(slug="bench-expo")
buyer = Participant.objects.filter(fair=f, role="buyer", user__email="bench-buyer@example.test").first()
booths = list(Booth.objects.filter(fair=f, status="published").order_by("id")[:4])
if buyer is None:
    buyer = factories.buyer(f, user_obj=factories.user(email="bench-buyer@example.test"))
    organizer = factories.participant(f, "organizer").user
    slots = meetings.slots_generate(fair=f)
    meetings.availability_set(actor=organizer, fair=f, slots=slots, participant=buyer)
    for i, b in enumerate(booths):
        meetings.availability_set(actor=organizer, fair=f, slots=slots, booth=b)
        m = meetings.meeting_request(actor=buyer.user, buyer=buyer, booth=b, slot=slots[i])
        if i % 2 == 0:
            staff = factories.staff(b)
            meetings.meeting_accept(actor=staff.user, meeting=m)
user = buyer.user
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print("SESSION", session.session_key, Meeting.objects.filter(buyer=buyer).count())
"""


def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def parse_wrk(out: str) -> tuple[float, float]:
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
    return rate, float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


COOKIE = ""  # "sessionid=..." with --signed-in


def load_wrk(url: str, duration: float, connections: int) -> tuple[float, float, int]:
    header = ["-H", f"Cookie: {COOKIE}"] if COOKIE else []
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration:g}s", "--timeout", "30s", "--latency", *header, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"timeout (\d+)", out)  # wrk: "Socket errors: connect 0, read 0, write 0, timeout N"
    bad = (int(errors.group(1)) if errors else 0) + (int(timeouts.group(1)) if timeouts else 0)
    return (*parse_wrk(out), bad)


async def _python_load(url: str, duration: float, connections: int) -> tuple[float, float, int]:
    host, port_path = url.split("//", 1)[1].split(":", 1)
    port, path = port_path.split("/", 1)
    cookie = f"Cookie: {COOKIE}\r\n" if COOKIE else ""
    request = f"GET /{path} HTTP/1.1\r\nHost: {host}:{port}\r\n{cookie}\r\n".encode()
    latencies: list[float] = []
    bad = 0
    stop_at = time.perf_counter() + duration

    async def one_connection():
        nonlocal bad
        reader, writer = await asyncio.open_connection(host, int(port))
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            writer.write(request)
            status = await reader.readline()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            bad += not status.startswith(b"HTTP/1.1 200")
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(one_connection() for _ in range(connections)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return len(latencies) / elapsed, statistics.quantiles(latencies, n=100)[98] * 1000, bad


def load_python(url: str, duration: float, connections: int) -> tuple[float, float, int]:
    return asyncio.run(_python_load(url, duration, connections))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tf_bench_http"),
    )
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per URL per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--signed-in", action="store_true", help="a buyer's pages, with a session cookie")
    parser.add_argument(
        "--server",
        nargs="+",
        choices=["daphne", "uvicorn"],
        default=["daphne"],
        help="one or both: both run at once and the rounds alternate between them",
    )
    args = parser.parse_args()
    global COOKIE
    client = args.client if args.client != "auto" else ("wrk" if shutil.which("wrk") else "python")
    load = load_wrk if client == "wrk" else load_python

    tmp = Path(tempfile.mkdtemp(prefix="http-pages-bench-"))
    (tmp / "bench_urls.py").write_text(textwrap.dedent(BENCH_URLS))
    (tmp / "bench_settings.py").write_text(textwrap.dedent(BENCH_SETTINGS))
    ensure_database(args.database_url)
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(
        DATABASE_URL=args.database_url,
        DATABASE_CONN_MAX_AGE="60",
        DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=f"{tmp}:{wb.ROOT}",
        TRADEFAIR_VAR_DIR=str(tmp),
        # BENCH_STATIC_ROOT: collected static files kept between runs (collectstatic takes minutes on
        # a loaded box); collected again when its manifest is missing
        STATIC_ROOT=os.environ.get("BENCH_STATIC_ROOT") or str(tmp / "static"),
        DEBUG="0",
        LOG_LEVEL="WARNING",
    )
    manage = [wb.PYTHON, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=wb.ROOT, check=True)
    if not (Path(env["STATIC_ROOT"]) / "staticfiles.json").exists():
        subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, cwd=wb.ROOT, check=True)
    out = subprocess.run(
        [*manage, "shell", "-c", SETUP], env=env, cwd=wb.ROOT, check=True, capture_output=True, text=True
    ).stdout
    fair_slug, hall_slug, booth_id = next(ln for ln in out.splitlines() if ln.startswith("BENCH")).split()[1:]
    if args.signed_in:
        out = subprocess.run(
            [*manage, "shell", "-c", SETUP_SIGNED_IN],
            env=env,
            cwd=wb.ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        session_key = next(ln for ln in out.splitlines() if ln.startswith("SESSION")).split()[1]
        COOKIE = f"sessionid={session_key}"

    pages = {
        "trivial sync view": "/bench/trivial-sync",
        "trivial async view": "/bench/trivial-async",
        "hall page": f"/fairs/{fair_slug}/halls/{hall_slug}/",
        "booth page": f"/fairs/{fair_slug}/booths/{booth_id}/",
    }
    if args.signed_in:
        pages["agenda"] = "/schedule/"
        pages["recommendations"] = f"/fairs/{fair_slug}/recommended/"
    # Every server named runs at once (each idle while another is measured); the rounds alternate
    # servers as they alternate URLs, so that a noisy neighbour hits them alike.
    servers = {}
    for server in args.server:
        port = wb.free_port()
        command = wb.server_command(server, port, "config.asgi:application")
        servers[server] = (f"http://127.0.0.1:{port}", port, wb.start(command, env, tmp))
    results = {(server, name): [] for server in servers for name in pages}
    try:
        for base, port, _proc in servers.values():
            asyncio.run(wb.wait_port(port))
            for path in pages.values():  # warm up: imports, templates, connections
                load(base + path, 2, 4)
        for _ in range(args.rounds):
            for server, (base, _port, _proc) in servers.items():
                for name, path in pages.items():
                    results[server, name].append(load(base + path, args.duration, args.connections))
                    print(server, name, results[server, name][-1], file=sys.stderr, flush=True)
    finally:
        for _base, _port, proc in servers.values():
            err = wb.stop(proc)
            if err.strip():
                print(err, file=sys.stderr)

    print(
        f"\n{client}, {args.connections} connections, {args.rounds} rounds x {args.duration:g} s per URL, "
        f"one process per server, PostgreSQL, {'signed in as a buyer' if args.signed_in else 'no cookie'}"
    )
    first = args.server[0]
    print(
        f"{'server':<8} {'page':<20} {'req/s':>8} {'p99 ms':>8} {'failed':>8} {'vs sync':>8} {'vs async':>8} "
        f"{'vs ' + first:>10}"
    )
    rate = {key: statistics.median(r[0] for r in rows) for key, rows in results.items()}
    for (server, name), rows in results.items():
        p99 = max(r[1] for r in rows)
        bad = sum(r[2] for r in rows)
        print(
            f"{server:<8} {name:<20} {rate[server, name]:>8.0f} {p99:>8.1f} {bad:>8} "
            f"{rate[server, name] / rate[server, 'trivial sync view']:>8.2f} "
            f"{rate[server, name] / rate[server, 'trivial async view']:>8.2f} "
            f"{rate[server, name] / rate[first, name]:>10.2f}"
        )


if __name__ == "__main__":
    main()
