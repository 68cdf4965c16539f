"""redis-py's public client on the Redis server behind a Django cache, for what the cache API lacks.

Django's RedisCache has no public way to run a script or read a key's expiry; its client is
private (``backend._cache``). This is redis-py's own client on the same server, with the keys made
as the cache makes them (``make_and_validate_key``), so both read and write the same values.
"""

from __future__ import annotations

import threading

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

_clients: dict[str, object] = {}
_lock = threading.Lock()


def redis_of(alias: str = "default"):
    """A redis.Redis on the (first, writing) server of a RedisCache; None for any other backend."""
    backend = caches[alias]
    if not isinstance(backend, RedisCache):
        return None
    location = _first_server(alias)
    with _lock:
        client = _clients.get(location)
        if client is None:
            import redis

            client = _clients[location] = redis.Redis.from_url(location)
        return client


def _first_server(alias: str) -> str:
    """The cache's LOCATION as settings give it: one URL, a list, or URLs separated by commas.
    Django writes to the first."""
    from django.conf import settings

    location = settings.CACHES[alias]["LOCATION"]
    if isinstance(location, str):
        location = location.split(",")
    return location[0].strip()
