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

TIMEOUT_SECONDS = 3.0
PAYLOAD = b"tradefair-healthz"


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone()[0] != 1:
            raise RuntimeError("SELECT 1 did not return 1")


async def check_channel_layer() -> None:
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
    "database": sync_to_async(check_database),
    "channel_layer": check_channel_layer,
    "storage": sync_to_async(check_storage),
}


async def _run(check) -> dict:
    started = time.perf_counter()
    try:
        await asyncio.wait_for(check(), timeout=TIMEOUT_SECONDS)
    except TimeoutError:
        return {"ok": False, "error": f"no answer within {TIMEOUT_SECONDS:g} s"}
    except Exception as e:  # any failure is the answer
        return {"ok": False, "error": f"{type(e).__name__}: {e}"[:300]}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


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
