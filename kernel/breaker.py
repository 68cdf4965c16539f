"""Fail fast while the database is away: after a call fails because the database (or Redis) cannot be
reached, calls made in the next BREAKER_SECONDS fail at once instead of each waiting for the pool.

The websocket consumers run their database work through one shared thread (database_sync_to_async);
without this, every frame received while PostgreSQL is down would queue behind the previous one's
pool timeout, and the sockets would answer minutes late. With it, the first call waits (at most the
pool's timeout), the calls behind it fail at once with ``Unavailable`` (the consumers answer
``chat.unavailable`` or close with 4503), and one call per window tries again.

    database_sync_to_async(guarded(services.chat_post))(...)
"""

from __future__ import annotations

import functools
import threading
import time

from django.conf import settings
from django.db import OperationalError

from kernel.errors import unavailable_errors


class Unavailable(OperationalError):
    """Refused without trying: a call failed for the same reason a moment ago."""


_lock = threading.Lock()
_open_until = 0.0


def window() -> float:
    return float(getattr(settings, "BREAKER_SECONDS", 1.0))


def trip() -> None:
    global _open_until
    with _lock:
        _open_until = time.monotonic() + window()


def reset() -> None:
    global _open_until
    with _lock:
        _open_until = 0.0


def is_open() -> bool:
    return time.monotonic() < _open_until


def guarded(fn):
    @functools.wraps(fn)
    def call(*args, **kwargs):
        if is_open():
            raise Unavailable("the database was unreachable a moment ago; try again shortly")
        try:
            return fn(*args, **kwargs)
        except unavailable_errors():
            trip()
            raise

    return call
