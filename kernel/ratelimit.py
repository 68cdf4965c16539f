"""A token bucket per key, counted at the time a request arrived (not when it was processed).

    ratelimit.allow("booth-chat:12", rate=(5, 10), at=arrived)  # True, or False: refuse it
    ratelimit.over_limit("room-chat-rate", user_id, n=20, seconds=10)  # True: refuse it

``rate=(n, seconds)``: a burst of n, then one more every seconds / n. ``at`` is the arrival time
(time.time()) the caller took when the request came in, so requests held up by a database stall
and processed in one burst are counted as they were sent, not as they were processed.

The bucket lives in Redis when the cache is Redis (one Lua script: every process shares it);
when Redis is away, or without Redis (the embedded default), it lives in this process's memory:
posts are still limited, per process, rather than refused because the limiter cannot count.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from kernel.redis_cache import redis_of

log = logging.getLogger(__name__)

# KEYS[1]: the bucket (a hash: tokens, at); ARGV: capacity, seconds per token, arrival time, ttl.
_BUCKET = """
local cap = tonumber(ARGV[1])
local per = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 't', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = cap
  at = now
end
if now > at then
  tokens = math.min(cap, tokens + (now - at) / per)
  at = now
end
local ok = 0
if tokens >= 1 then
  tokens = tokens - 1
  ok = 1
end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'at', tostring(at))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
return ok
"""

_local: dict[str, tuple[float, float]] = {}
_local_lock = threading.Lock()
_LOCAL_MAX = 100_000  # keys kept in memory; the oldest half goes when full


def _take_local(key: str, cap: float, per: float, at: float) -> bool:
    with _local_lock:
        tokens, last = _local.get(key, (cap, at))
        if at > last:
            tokens, last = min(cap, tokens + (at - last) / per), at
        ok = tokens >= 1
        if ok:
            tokens -= 1
        if len(_local) >= _LOCAL_MAX and key not in _local:
            for old in sorted(_local, key=lambda k: _local[k][1])[: _LOCAL_MAX // 2]:
                del _local[old]
        _local[key] = (tokens, last)
        return ok


def allow(key: str, *, rate: tuple[int, float], at: float | None = None) -> bool:
    """Take one token from ``key``'s bucket; False when it is empty."""
    n, seconds = rate
    cap, per = float(n), float(seconds) / float(n)
    at = time.time() if at is None else float(at)
    backend = caches["default"]
    full = backend.make_key(key)
    if isinstance(backend, RedisCache):
        try:
            client = redis_of("default")
            return bool(client.eval(_BUCKET, 1, full, cap, per, at, int(seconds) + 1))
        except Exception as e:  # Redis is away: count in this process instead of refusing
            log.warning("rate limit %s: Redis unavailable (%s), counting in this process", key, e)
    return _take_local(full, cap, per, at)


def over_limit(name: str, who, *, n: int, seconds: float, at: float | None = None) -> bool:
    """True when ``who`` has used up ``name``'s bucket of n per ``seconds`` (the video room's chat)."""
    return not allow(f"{name}:{who}", rate=(n, seconds), at=at)
