"""config.asgi.application plus /__gc__/start and /__gc__/found: the server process's cyclic garbage.

Served by tests/e2e/test_socket_memory.py only. start: a full collection, then the collector off,
so that nothing cyclic is freed behind the test's back. found: a full collection that keeps what it
finds (gc.DEBUG_SAVEALL), the collector on again, and {"found": n, "types": {"module.Class": n}}.
"""

import gc
import json
from collections import Counter

from config.asgi import application as project


def _start() -> dict:
    gc.collect()
    gc.disable()
    return {}


def _found() -> dict:
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        found = gc.collect()
        types = Counter(f"{type(o).__module__}.{type(o).__qualname__}" for o in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    return {"found": found, "types": types}


PROBES = {"/__gc__/start": _start, "/__gc__/found": _found}


async def application(scope, receive, send):
    probe = PROBES.get(scope["path"]) if scope["type"] == "http" else None
    if probe is None:
        return await project(scope, receive, send)
    body = json.dumps(probe()).encode()
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})
    return None
