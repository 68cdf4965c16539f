"""Who is in a booth now, shared by every web process.

Each open booth socket is one member: ``conn_id`` (unique per connection) with a small
description (user id, role, display name, visible or not) and a last-seen time. The hub
of each process refreshes its members every ``presence_heartbeat()`` seconds, writing back any
that are missing (Redis restarted without its data), so the counts heal within one heartbeat;
members not seen for ``presence_ttl()`` seconds are dropped on the next read, so the visitors of a
process that died disappear within ttl + heartbeat (45 + 15 = 60 s by default).

With REDIS_URL: a sorted set per booth (member -> last seen) and a hash (member ->
description), pruned atomically by a Lua script, and one set of the booths that may have
members (``occupied``) so the organizer's dashboard reads those booths only. Without it (the
embedded default, one process, in-memory channel layer): a dictionary in this process.
"""

from __future__ import annotations

import asyncio
import json
import time
import weakref
from collections import Counter
from dataclasses import dataclass

from django.conf import settings

from exhibitors.protocol import presence_ttl


@dataclass(frozen=True)
class Member:
    conn_id: str
    user_id: int | None
    role: str  # staff, organizer, buyer, participant, user, anonymous
    name: str
    visible: bool = False

    def encode(self) -> str:
        return json.dumps([self.user_id, self.role, self.name, self.visible], ensure_ascii=False)

    @classmethod
    def decode(cls, conn_id: str, raw: str | bytes) -> Member:
        user_id, role, name, visible = json.loads(raw)
        return cls(conn_id, user_id, role, name, visible)


NAMES_MAX = 100  # names listed per kind (staff, visible buyers); the count covers everyone


def summary(members: list[Member]) -> dict:
    """What everyone in the booth may see: a head count, staff names, buyers who chose to be visible."""
    people = {("u", m.user_id) if m.user_id else ("c", m.conn_id) for m in members}
    staff = sorted({m.name for m in members if m.role == "staff"})[:NAMES_MAX]
    visible = sorted({m.name for m in members if m.visible and m.role != "staff"})[:NAMES_MAX]
    return {"count": len(people), "staff": staff, "visible": visible}


class PresenceMirror:
    """A process's copy of one booth's members, kept up to date in O(1) per change.

    Loaded from the backend (every process's members) by the hub at most once per debounce
    interval; the changes of this process's own sockets are applied at once, so a joining socket's
    snapshot counts itself and everyone before it without reading every member again.
    Same result as summary(members), from counters.
    """

    def __init__(self, members: list[Member] = ()):
        self.members: dict[str, Member] = {}
        self.people: Counter = Counter()
        self.staff: Counter = Counter()
        self.visible: Counter = Counter()
        for member in members:
            self.put(member)

    @staticmethod
    def _keys(m: Member) -> tuple[tuple, str | None, str | None]:
        person = ("u", m.user_id) if m.user_id else ("c", m.conn_id)
        staff = m.name if m.role == "staff" else None
        return person, staff, m.name if m.visible and m.role != "staff" else None

    def _count(self, m: Member, step: int) -> None:
        person, staff, visible = self._keys(m)
        for counter, key in ((self.people, person), (self.staff, staff), (self.visible, visible)):
            if key is not None:
                counter[key] += step
                if counter[key] <= 0:
                    del counter[key]

    def put(self, member: Member) -> None:
        old = self.members.get(member.conn_id)
        if old is not None:
            self._count(old, -1)
        self.members[member.conn_id] = member
        self._count(member, +1)

    def drop(self, conn_id: str) -> None:
        old = self.members.pop(conn_id, None)
        if old is not None:
            self._count(old, -1)

    def summary(self) -> dict:
        return {
            "count": len(self.people),
            "staff": sorted(self.staff)[:NAMES_MAX],
            "visible": sorted(self.visible)[:NAMES_MAX],
        }


class MemoryPresence:
    """One process: a dict per booth."""

    def __init__(self):
        self.booths: dict[int, dict[str, tuple[float, Member]]] = {}

    async def enter(self, booth_id: int, member: Member, *, now: float | None = None) -> None:
        self.booths.setdefault(booth_id, {})[member.conn_id] = (now or time.time(), member)

    update = enter

    async def leave(self, booth_id: int, conn_id: str) -> None:
        self.booths.get(booth_id, {}).pop(conn_id, None)

    async def touch(self, booth_id: int, members: list[Member]) -> bool:
        """Refresh these members (the sockets a hub holds), adding back any that are missing; True when
        some were missing."""
        now, booth = time.time(), self.booths.setdefault(booth_id, {})
        missing = any(member.conn_id not in booth for member in members)
        for member in members:
            booth[member.conn_id] = (now, member)
        return missing

    def has_client(self) -> bool:
        """Whether this event loop has a connection open (never: nothing to connect to)."""
        return False

    async def aclose(self) -> None:
        pass

    async def members(self, booth_id: int) -> list[Member]:
        cutoff, members = time.time() - presence_ttl(), self.booths.get(booth_id, {})
        for conn_id in [c for c, (seen, _m) in members.items() if seen < cutoff]:
            del members[conn_id]
        return [m for _seen, m in members.values()]

    async def members_many(self, booth_ids) -> dict[int, list[Member]]:
        """The members of many booths at once (the organizer's dashboard): booth id -> members, if any."""
        found = {}
        for booth_id in [b for b in booth_ids if self.booths.get(b)]:
            if members := await self.members(booth_id):
                found[booth_id] = members
        return found

    async def members_occupied(self) -> dict[int, list[Member]]:
        """The members of every booth that has any (of every fair): booth id -> members."""
        return await self.members_many(list(self.booths))


# Drop members not seen since ARGV[1] from the sorted set and the hash, then return the hash.
_PRUNE = """
local stale = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
for i = 1, #stale, 500 do
  local chunk = {unpack(stale, i, math.min(i + 499, #stale))}
  redis.call('ZREM', KEYS[1], unpack(chunk))
  redis.call('HDEL', KEYS[2], unpack(chunk))
end
return redis.call('HGETALL', KEYS[2])
"""


# The same for many booths (KEYS: seen, who, seen, who...): [position (1-based), HGETALL, ...] if not empty.
_PRUNE_MANY = """
local found = {}
for b = 1, #KEYS, 2 do
  if redis.call('EXISTS', KEYS[b]) == 1 then
    local stale = redis.call('ZRANGEBYSCORE', KEYS[b], '-inf', ARGV[1])
    for i = 1, #stale, 500 do
      local chunk = {unpack(stale, i, math.min(i + 499, #stale))}
      redis.call('ZREM', KEYS[b], unpack(chunk))
      redis.call('HDEL', KEYS[b + 1], unpack(chunk))
    end
    local who = redis.call('HGETALL', KEYS[b + 1])
    if #who > 0 then
      found[#found + 1] = (b + 1) / 2
      found[#found + 1] = who
    end
  end
end
return found
"""


# The same for the booths listed in the occupied set (KEYS[1]; KEYS: set, seen, who, seen, who...; ARGV[2...]:
# the booth ids), taking a booth out of the set when nobody is left: atomic with enter(), which adds it back.
_PRUNE_OCCUPIED = """
local found = {}
for b = 2, #KEYS, 2 do
  local stale = redis.call('ZRANGEBYSCORE', KEYS[b], '-inf', ARGV[1])
  for i = 1, #stale, 500 do
    local chunk = {unpack(stale, i, math.min(i + 499, #stale))}
    redis.call('ZREM', KEYS[b], unpack(chunk))
    redis.call('HDEL', KEYS[b + 1], unpack(chunk))
  end
  local who = redis.call('HGETALL', KEYS[b + 1])
  if #who > 0 then
    found[#found + 1] = b / 2
    found[#found + 1] = who
  else
    redis.call('SREM', KEYS[1], ARGV[b / 2 + 1])
  end
end
return found
"""


class _Writes:
    """Enters and leaves of one event loop, written in batches: one MULTI/EXEC in flight at a time.

    Each caller still waits for its own write. While a batch is in flight the next one gathers, so
    a crowd joining costs a few round trips (and one pooled connection) instead of one per socket.
    """

    def __init__(self):
        self.queue: list[tuple[tuple, asyncio.Future]] = []
        self.running = False
        self.task: asyncio.Task | None = None  # the flush in progress (a reference keeps it alive)


class RedisPresence:
    """Several processes: one sorted set and one hash per booth in Redis."""

    def __init__(self, url: str, prefix: str, options: dict):
        self.url, self.prefix, self.options = url, prefix, options
        self._clients: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # one client per event loop
        self._writes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # one _Writes per event loop

    def client(self):
        from redis import asyncio as aioredis

        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = aioredis.Redis.from_url(self.url, **self.options)
            self._clients[loop] = client
        return client

    def has_client(self) -> bool:
        """Whether this event loop already has its client (then someone else closes it)."""
        return asyncio.get_running_loop() in self._clients

    async def aclose(self) -> None:
        """Close this event loop's client (at shutdown, and at the end of each test's loop)."""
        client = self._clients.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.aclose()

    def keys(self, booth_id: int) -> tuple[str, str]:
        base = f"{self.prefix}:presence:{int(booth_id)}"
        return base, base + ":who"

    @property
    def occupied_key(self) -> str:
        return f"{self.prefix}:presence:occupied"

    async def enter(self, booth_id: int, member: Member, *, now: float | None = None) -> None:
        await self._write(("enter", int(booth_id), member, now or time.time()))

    update = enter

    async def leave(self, booth_id: int, conn_id: str) -> None:
        await self._write(("leave", int(booth_id), conn_id, None))

    async def _write(self, op: tuple) -> None:
        loop = asyncio.get_running_loop()
        writes = self._writes.get(loop)
        if writes is None:
            writes = self._writes[loop] = _Writes()
        done = loop.create_future()
        writes.queue.append((op, done))
        if not writes.running:
            writes.running = True
            writes.task = loop.create_task(self._flush(writes))
        await done

    async def _flush(self, writes: _Writes) -> None:
        """Write what is queued in one transaction, then what queued meanwhile, until nothing is left."""
        try:
            while writes.queue:
                batch, writes.queue = writes.queue, []
                try:
                    async with self.client().pipeline(transaction=True) as pipe:
                        booths = set()
                        for (kind, booth_id, arg, now), _done in batch:  # in order: a leave after its enter
                            seen, who = self.keys(booth_id)
                            if kind == "enter":
                                pipe.zadd(seen, {arg.conn_id: now})
                                pipe.hset(who, arg.conn_id, arg.encode())
                                booths.add(booth_id)
                            else:
                                pipe.zrem(seen, arg)
                                pipe.hdel(who, arg)
                        for booth_id in sorted(booths):
                            for key in self.keys(booth_id):
                                pipe.expire(key, 86400)
                        if booths:
                            pipe.sadd(self.occupied_key, *sorted(booths))
                        await pipe.execute()
                except Exception as e:  # every caller of the batch sees the error
                    for _op, done in batch:
                        if not done.done():
                            done.set_exception(e)
                else:
                    for _op, done in batch:
                        if not done.done():
                            done.set_result(None)
        finally:
            writes.running = False

    async def touch(self, booth_id: int, members: list[Member]) -> bool:
        """Refresh these members (the sockets a hub holds), adding back any that are missing; True when
        some were missing (Redis lost its data: the caller checks its subscriptions too).

        One round trip when every member is still there (ZADD XX CH counts the refreshed ones); when
        some are gone (Redis restarted empty, or a stall let them expire while the sockets stayed
        open) a second one writes them all again, description included, so the counts are right
        again within one heartbeat.
        """
        if not members:
            return False
        seen, _who = self.keys(booth_id)
        now = time.time()
        async with self.client().pipeline(transaction=True) as pipe:
            pipe.zadd(seen, {m.conn_id: now for m in members}, xx=True, ch=True)
            pipe.sadd(self.occupied_key, int(booth_id))  # members entered before the set existed
            refreshed, _added = await pipe.execute()
        if int(refreshed) < len({m.conn_id for m in members}):
            await self._readd(int(booth_id), members, now)
            return True
        return False

    async def _readd(self, booth_id: int, members: list[Member], now: float) -> None:
        seen, who = self.keys(booth_id)
        async with self.client().pipeline(transaction=True) as pipe:
            pipe.zadd(seen, {m.conn_id: now for m in members})
            pipe.hset(who, mapping={m.conn_id: m.encode() for m in members})
            for key in (seen, who):
                pipe.expire(key, 86400)
            pipe.sadd(self.occupied_key, booth_id)
            await pipe.execute()

    async def members(self, booth_id: int) -> list[Member]:
        seen, who = self.keys(booth_id)
        flat = await self.client().eval(_PRUNE, 2, seen, who, time.time() - presence_ttl())
        return [Member.decode(k.decode(), v) for k, v in zip(flat[::2], flat[1::2], strict=True)]

    async def members_many(self, booth_ids) -> dict[int, list[Member]]:
        """The members of many booths in one call: one script prunes them all, returns the non-empty ones."""
        booth_ids = list(booth_ids)
        if not booth_ids:
            return {}
        keys = [key for booth_id in booth_ids for key in self.keys(booth_id)]
        reply = await self.client().eval(_PRUNE_MANY, len(keys), *keys, time.time() - presence_ttl())
        return {
            booth_ids[int(index) - 1]: [
                Member.decode(k.decode(), v) for k, v in zip(flat[::2], flat[1::2], strict=True)
            ]
            for index, flat in zip(reply[::2], reply[1::2], strict=True)
        }

    async def members_occupied(self) -> dict[int, list[Member]]:
        """The members of every booth in the occupied set (of every fair): booth id -> members.

        Two calls: the set, then one script that prunes those booths and drops the empty ones from it.
        """
        client = self.client()
        booth_ids = sorted(int(b) for b in await client.smembers(self.occupied_key))
        if not booth_ids:
            return {}
        keys = [self.occupied_key, *(key for booth_id in booth_ids for key in self.keys(booth_id))]
        reply = await client.eval(_PRUNE_OCCUPIED, len(keys), *keys, time.time() - presence_ttl(), *booth_ids)
        return {
            booth_ids[int(index) - 1]: [
                Member.decode(k.decode(), v) for k, v in zip(flat[::2], flat[1::2], strict=True)
            ]
            for index, flat in zip(reply[::2], reply[1::2], strict=True)
        }


def redis_client_options() -> dict:
    return getattr(settings, "REDIS_CLIENT_OPTIONS", {})


_backend = None


def backend() -> MemoryPresence | RedisPresence:
    global _backend
    if _backend is None:
        url = getattr(settings, "REDIS_URL", "")
        if url:
            prefix = getattr(settings, "CHANNELS_PREFIX", "tradefair")
            _backend = RedisPresence(url, prefix, redis_client_options())
        else:
            _backend = MemoryPresence()
    return _backend
