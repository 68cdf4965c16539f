"""/healthz: is this process able to serve? For load balancers and orchestrators.

Checks, each with a time limit, and answers 200 when all pass or 503 naming the
failing ones:

- database: one query;
- channel layer: a message sent to a fresh channel and received back;
- storage: a tiny file saved through default_storage, read back and deleted.

{"status": "ok", "checks": {"database": {"ok": true, "ms": 0.4}, ...}}
{"status": "fail", "failing": ["channel_layer"],
 "checks": {"channel_layer": {"ok": false, "error": "..."}, ...}}
"""

from __future__ import annotations

import asyncio
import time
import uuid

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from kernel.errors import is_unavailable

TIMEOUT_SECONDS = 3.0
PAYLOAD = b"tradefair-healthz"


def check_database() -> None:
    """One query, in a thread of its own (never queued behind requests stuck on a lost database)."""
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET statement_timeout = %s", [int(TIMEOUT_SECONDS * 1000)])
            cursor.execute("SELECT 1")
            if cursor.fetchone()[0] != 1:
                raise RuntimeError("SELECT 1 did not return 1")
            if connection.vendor == "postgresql":
                cursor.execute("RESET statement_timeout")
    finally:
        connection.close()  # back to the pool (or closed): this thread may not serve again soon


async def check_channel_layer() -> None:
    """A message there and back. Tried twice: after Redis restarted, the first use of a pooled
    connection from before fails once (and is dropped); that alone is no reason to answer 503."""
    try:
        await _channel_layer_round_trip()
    except Exception as e:
        if not is_unavailable(e):
            raise
        await _channel_layer_round_trip()


async def _channel_layer_round_trip() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    channel = await layer.new_channel("healthz.")
    token = uuid.uuid4().hex
    await layer.send(channel, {"type": "healthz.ping", "token": token})
    message = await layer.receive(channel)
    if message.get("token") != token:
        raise RuntimeError("received a different message than was sent")


def check_storage() -> None:
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(PAYLOAD))
    try:
        with default_storage.open(name, "rb") as f:
            if f.read() != PAYLOAD:
                raise RuntimeError("read back different bytes than were saved")
    finally:
        default_storage.delete(name)


CHECKS = {
    # thread_sensitive=False: a worker thread of its own, not the thread every sync request shares,
    # so a database that hangs delays this check by TIMEOUT_SECONDS at most.
    "database": sync_to_async(check_database, thread_sensitive=False),
    "channel_layer": check_channel_layer,
    "storage": sync_to_async(check_storage),
}


async def _run(check) -> dict:
    started = time.perf_counter()
    task = asyncio.ensure_future(check())
    # asyncio.wait, not wait_for: the answer does not wait for a hung check to finish cancelling.
    done, _pending = await asyncio.wait({task}, timeout=TIMEOUT_SECONDS)
    if not done:
        task.cancel()
        task.add_done_callback(_ignore_result)
        return {"ok": False, "error": f"no answer within {TIMEOUT_SECONDS:g} s"}
    try:
        task.result()
    except Exception as e:  # any failure is the answer
        return {"ok": False, "error": f"{type(e).__name__}: {e}"[:300]}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _ignore_result(task: asyncio.Future) -> None:
    if not task.cancelled():
        task.exception()  # retrieved: no "exception was never retrieved" warning


async def run_checks() -> dict[str, dict]:
    results = await asyncio.gather(*(_run(check) for check in CHECKS.values()))
    return dict(zip(CHECKS, results, strict=True))


@never_cache
async def healthz(request):
    checks = await run_checks()
    failing = [name for name, result in checks.items() if not result["ok"]]
    body = {"status": "fail" if failing else "ok", "checks": checks}
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)
