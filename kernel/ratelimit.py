"""Fixed-window rate limits in the shared cache (Redis across processes, local memory embedded).

Used by the live booth's chat and the video room's chat: at most ``n`` lines per ``seconds`` per user.
"""

from __future__ import annotations

import time

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

# INCR, and a new counter expires: one round trip instead of cache.add + cache.incr.
_INCR_EXPIRE = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
"""


def count(key: str, timeout: int) -> int:
    """Add one to a counter in the shared cache that lives `timeout` seconds from its first count."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):  # the key and value cache.add/incr would use (ints are stored as is)
        full = backend.make_and_validate_key(key)
        return int(backend._cache.get_client(full, write=True).eval(_INCR_EXPIRE, 1, full, timeout))
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def over_limit(name: str, who, *, n: int, seconds: int) -> bool:
    """Count one more event ``name`` of ``who`` in the current window; True past ``n`` in ``seconds``."""
    window = int(time.time() // seconds)
    return count(f"{name}:{who}:{window}", seconds + 1) > n
