"""A closed websocket is freed at once, not left for Python's cycle collector (kernel/server_tuning.py).

Twisted's HTTP channel and its upgrade request, and autobahn's is_closed Deferred, each held a
reference cycle: every closed socket (about 60 objects) waited for a full collection, which with
thousands of sockets open stops the process for most of a second. Real daphne, real sockets.
"""

from __future__ import annotations

import asyncio
import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from django.db import connections
from websockets.asyncio.client import connect

from tests.e2e.harness import ARTIFACTS, Daphne

SERVERS = ("daphne.", "twisted.", "autobahn.", "channels.")


def run_apart(fn) -> None:
    """asyncio.run(fn()) in a thread of its own: Playwright's sync API, used by the other tests of this
    package, keeps an event loop running in the test thread."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(lambda: asyncio.run(fn())).result()


def test_closed_sockets_leave_nothing_for_the_cycle_collector(small_fair):
    booth = small_fair["booths"]["cosmetics"]
    server = Daphne(
        db=connections["default"].settings_dict,
        log_path=ARTIFACTS / "daphne-gc-probe.log",
        app="tests.e2e.gc_probe:application",
    )
    try:
        server.wait_ready()
        url = server.url.replace("http://", "ws://") + f"/ws/booths/{booth.pk}/"

        async def visit():
            async with connect(url, origin=server.url) as ws:
                while json.loads(await ws.recv())["type"] != "snapshot":
                    pass

        async def visitors():
            for _ in range(3):
                await asyncio.gather(*(visit() for _ in range(20)))

        def probe(what: str) -> dict:
            with urllib.request.urlopen(f"{server.url}/__gc__/{what}", timeout=30) as answer:  # noqa: S310
                return json.load(answer)

        run_apart(visitors)  # imports, caches: whatever the first visitors leave
        probe("start")  # the collector off: what the next visitors leave in cycles stays to be counted
        run_apart(visitors)
        left = probe("found")
    finally:
        server.stop()
    kept = {name: n for name, n in left["types"].items() if name.startswith(SERVERS)}
    assert kept == {}, f"60 closed sockets left cyclic garbage: {kept}"
