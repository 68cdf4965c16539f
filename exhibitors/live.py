"""The live booth's moving parts: a per-process hub per booth, and one handler per message type.

Fan-out happens once per process, not once per socket: the hub is the only member of the
booth's channel-layer group in its process. A broadcast is encoded to JSON once by the
sender, crosses Redis once per process, and the hub writes that same text to each local
socket allowed to see it (everyone, or the staff plus one buyer for a private thread). The
sockets themselves hold no channel-layer channel, so a group message costs no consumer
dispatch (no aclose_old_connections thread hop) and no per-socket Redis traffic.

Rules live in exhibitors/services.py; each handler parses, calls one service through
database_sync_to_async, answers the sender and broadcasts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.utils.translation import gettext as _

from exhibitors import protocol as p
from exhibitors import selectors, services
from exhibitors.access import viewer_of
from exhibitors.presence import Member, PresenceMirror, backend
from kernel.breaker import guarded
from kernel.errors import DomainError
from kernel.live import afair_changed
from kernel.websocket import with_client_id

log = logging.getLogger(__name__)


def db(fn):
    """database_sync_to_async, failing at once while the database is known to be away (kernel/breaker.py)."""
    return database_sync_to_async(guarded(fn))


# --- broadcasting -----------------------------------------------------------------------


async def broadcast(booth_id: int, frame: dict, *, private_to: int | None = None, staff: bool = True) -> None:
    """Send a frame to everyone in the booth, or (private_to=user id) to the staff and that user only.

    staff=False (with private_to): to that user only, not the staff.
    """
    event = p.layer_frame(frame, private_to=private_to, staff=staff)
    await get_channel_layer(p.LAYER).group_send(p.booth_group(booth_id), event)


PROBE = "booth.probe"  # a hub's message to itself: its channel-layer subscription works (again)
DELIVER_SLICE = 500  # sockets written between two turns of the event loop


class BoothHub:
    """This process's subscription to one booth: its local sockets, their presence heartbeat."""

    def __init__(self, booth_id: int, fair_id: int | None = None):
        self.booth_id, self.fair_id = booth_id, fair_id
        self.sockets: dict[str, object] = {}  # conn_id -> consumer
        self.loop = asyncio.get_running_loop()
        self.channel: str | None = None
        self.ready = asyncio.Event()
        self.tasks: list[asyncio.Task] = []
        self.presence_pending: asyncio.TimerHandle | None = None
        self.last_presence: dict | None = None
        self.closing = False
        self.probe: str | None = None  # token of the probe that shows the subscription works again
        self.trouble_since: float | None = None  # wall time (a little before) Redis was last lost
        self.resync_due: int | None = None  # a broadcast failed here: "after" for every process's sockets
        # Every member of the booth (all processes), as last read, plus this process's changes since.
        self.mirror: PresenceMirror | None = None
        self.mirror_at = 0.0  # loop time of the last read
        self.reading: asyncio.Future | None = None  # the read in flight, shared by whoever needs it
        self.changes: list[tuple[str, Member | str]] | None = None  # local changes during that read
        # What every new socket of a public viewer needs, read once and shared: the booth row and the
        # public chat lines (cached_booth(), public_messages()). A frame that changes one of them
        # (status; chat.message, chat.hidden) bumps its generation, so a read that raced it is not kept.
        self.booth: object | None = None
        self.booth_at = float("-inf")
        self.booth_gen = 0
        self.public: list[dict] | None = None
        self.public_at = float("-inf")
        self.public_gen = 0
        self.public_reading: tuple[int, asyncio.Future] | None = None  # (generation, read in flight)

    async def start(self) -> None:
        layer = get_channel_layer(p.LAYER)
        self.channel = await layer.new_channel(prefix="booth-hub.")
        await layer.group_add(p.booth_group(self.booth_id), self.channel)
        self.tasks = [asyncio.create_task(self._receive()), asyncio.create_task(self._heartbeat())]
        self.ready.set()

    async def stop(self) -> None:
        self.closing = True
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.channel:
            await get_channel_layer(p.LAYER).group_discard(p.booth_group(self.booth_id), self.channel)

    async def _receive(self) -> None:
        layer = get_channel_layer(p.LAYER)
        while True:
            try:
                event = await layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # a Redis hiccup: log, wait a little, go on
                log.exception("booth hub %s: receive failed", self.booth_id)
                await asyncio.sleep(1)
                continue
            if event.get("type") == PROBE:
                if self.probe is not None and event.get("token") == self.probe:
                    await self.resync()
                continue
            if event.get("type") == p.LAYER_FRAME:
                self.changed(event.get("kind"), private=event.get("private_to") is not None)
                await self.deliver(event["text"], event.get("private_to"), staff=not event.get("no_staff"))

    def changed(self, kind: str | None, *, private: bool = False) -> None:
        """A frame went out: forget what it makes stale (any kind unknown here: everything)."""
        unknown = kind not in p.SERVER_KINDS  # None: a process of an older release sent it
        unknown = unknown or kind == p.RESYNC  # frames may have been missed: forget everything
        if unknown or kind == p.STATUS:
            self.booth, self.booth_at, self.booth_gen = None, float("-inf"), self.booth_gen + 1
        if unknown or (kind in (p.CHAT_MESSAGE, p.CHAT_HIDDEN) and not private):
            self.public, self.public_at, self.public_gen = None, float("-inf"), self.public_gen + 1

    def cached_booth(self):
        if self.booth is not None and self.loop.time() - self.booth_at < p.snapshot_cache():
            return self.booth
        return None

    def keep_booth(self, booth, *, read_at: float, gen: int) -> None:
        if booth is not None and gen == self.booth_gen and read_at > self.booth_at:
            self.booth, self.booth_at = booth, read_at

    async def public_messages(self, booth, viewer) -> list[dict]:
        """The chat lines everyone may see (a snapshot's), read once for the new sockets of a period."""
        if self.public is not None and self.loop.time() - self.public_at < p.snapshot_cache():
            return self.public
        gen = self.public_gen
        reading = self.public_reading
        if reading is None or reading[0] != gen:  # none in flight, or one that a change made stale
            read = asyncio.ensure_future(self._read_public(booth, viewer, gen))
            reading = self.public_reading = (gen, read)
        return await asyncio.shield(reading[1])  # a crowd arriving at once shares one read

    async def _read_public(self, booth, viewer, gen: int) -> list[dict]:
        read_at = self.loop.time()
        try:
            messages = await db(selectors.chat_recent)(booth=booth, viewer=viewer)
        finally:
            if self.public_reading is not None and self.public_reading[0] == gen:
                self.public_reading = None
        if gen == self.public_gen and read_at > self.public_at:
            self.public, self.public_at = messages, read_at
        return messages

    async def deliver(self, text: str, private_to: int | None = None, *, staff: bool = True) -> None:
        """Write the frame to each local socket allowed to see it.

        Every DELIVER_SLICE sockets it lets the loop run (handshakes, other frames): a presence frame
        to 10,000 sockets is tens of milliseconds of writes. Deliveries stay in order, since the
        hub's receive loop awaits each one before the next.
        """
        prepared = None  # under daphne: the websocket frame, built once for every local socket
        for i, consumer in enumerate(list(self.sockets.values())):
            if i and not i % DELIVER_SLICE:
                await asyncio.sleep(0)
            if private_to is not None and not (
                (staff and consumer.viewer.is_staff) or consumer.viewer.user_id == private_to
            ):
                continue
            if consumer.backlog is not None:  # its snapshot is not out yet: the snapshot goes first
                consumer.backlog.append(text)
                continue
            wire = consumer.wire
            if wire is not None:
                server, protocol = wire
                if protocol in server.connections and protocol.state == protocol.STATE_OPEN:
                    if prepared is None:
                        prepared = protocol.factory.prepareMessage(text.encode(), isBinary=False)
                    protocol.sendPreparedMessage(prepared)
                continue
            try:
                await consumer.send(text_data=text)
            except Exception:  # a socket that went away meanwhile  # noqa: S112
                continue

    async def _heartbeat(self) -> None:
        failed_since: float | None = None
        while True:
            hurry = failed_since is not None or self.resync_due is not None or self.probe is not None
            await asyncio.sleep(p.presence_heartbeat() if not hurry else 0.5)
            try:
                lost = await self.touch()
                if lost or failed_since is not None:
                    # Redis was away or restarted empty: its PubSub subscription comes back a moment
                    # later, and what was published meanwhile reached nobody here. Once a probe sent
                    # to this hub's own channel comes back, the sockets are told to resume from the
                    # last line delivered before the trouble began.
                    since = failed_since if failed_since is not None else time.time()
                    since -= p.presence_heartbeat() + 1.0  # the trouble began at most a heartbeat before
                    self.trouble_since = min(since, self.trouble_since or since)
                    self.probe = uuid.uuid4().hex
                if self.probe is not None:
                    await get_channel_layer(p.LAYER).send(self.channel, {"type": PROBE, "token": self.probe})
                if self.resync_due is not None:  # a broadcast failed here: every process's sockets resume
                    await broadcast(self.booth_id, p.resync_frame(self.resync_due))
                    self.resync_due = None
                failed_since = None
                await self.broadcast_presence(only_if_changed=True)
            except asyncio.CancelledError:
                raise
            except Exception as e:
                if failed_since is None:
                    log.warning("booth hub %s: heartbeat failed: %s", self.booth_id, e)
                    failed_since = time.time()

    async def resync(self) -> None:
        """The subscription works again: every local socket resumes from the last line stored before the
        trouble began (the lines stored since may have been published while nobody here listened)."""
        since = self.trouble_since
        try:
            after = await db(selectors.chat_last_id_before)(booth_id=self.booth_id, before=since)
        except Exception as e:  # the database is away too: try again at the next heartbeat
            log.warning("booth hub %s: resync postponed: %s", self.booth_id, e)
            return
        self.probe, self.trouble_since = None, None
        self.changed(p.RESYNC)
        await self.deliver(p.encode(p.resync_frame(after or 0)))
        self.last_presence = None  # presence frames may have been lost too: everyone gets one again
        self.presence_changed()

    async def touch(self) -> bool:
        """Refresh (or write back) the members of this process's sockets.

        A socket that left while the write was in flight is removed again afterwards, so a heartbeat
        racing a leave never leaves a ghost behind.
        """
        members = [consumer.member for consumer in list(self.sockets.values())]
        lost = await backend().touch(self.booth_id, members)
        for gone in [m.conn_id for m in members if m.conn_id not in self.sockets]:
            await backend().leave(self.booth_id, gone)
        return lost

    def presence_interval(self) -> float:
        """presence_debounce(), longer in a crowded booth: each presence frame goes to every local socket,
        so at most presence_fanout() presence frames per second leave this process for the booth."""
        return p.presence_debounce() * max(1.0, len(self.sockets) / p.presence_fanout())

    def presence_changed(self) -> None:
        """Gather changes for presence_interval() seconds, then broadcast one presence frame."""
        if self.presence_pending is None and not self.closing:
            self.presence_pending = self.loop.call_later(self.presence_interval(), self._presence_due)

    def _presence_due(self) -> None:
        self.presence_pending = None
        task = asyncio.create_task(self.broadcast_presence())
        self.tasks = [t for t in self.tasks if not t.done()] + [task]

    # --- presence: one read of every member per debounce interval, not one per join ---------

    def local_enter(self, member: Member) -> None:
        if self.mirror is not None:
            self.mirror.put(member)
        if self.changes is not None:
            self.changes.append(("put", member))

    def local_leave(self, conn_id: str) -> None:
        if self.mirror is not None:
            self.mirror.drop(conn_id)
        if self.changes is not None:
            self.changes.append(("drop", conn_id))

    async def reload(self) -> PresenceMirror:
        """Read every member (pruning the dead) once; concurrent callers share the read."""
        if self.reading is None:
            self.reading = asyncio.ensure_future(self._read())
        reading = self.reading
        try:
            return await asyncio.shield(reading)
        finally:
            if self.reading is reading and reading.done():
                self.reading = None

    async def _read(self) -> PresenceMirror:
        self.changes = []
        try:
            mirror = PresenceMirror(await backend().members(self.booth_id))
            for op, arg in self.changes:  # local changes that raced the read: applied again, idempotent
                if op == "put":
                    mirror.put(arg)
                else:
                    mirror.drop(arg)
        finally:
            self.changes = None
        self.mirror, self.mirror_at = mirror, self.loop.time()
        return mirror

    async def presence_now(self) -> dict:
        """For a snapshot: the mirror with this process's changes; read again if older than the debounce."""
        if self.mirror is None or self.loop.time() - self.mirror_at > self.presence_interval():
            await self.reload()
        return self.mirror.summary()

    async def broadcast_presence(self, *, only_if_changed: bool = False) -> None:
        current = (await self.reload()).summary()
        if only_if_changed and current == self.last_presence:
            return
        self.last_presence = current
        await broadcast(self.booth_id, {"type": p.PRESENCE, **current})
        await afair_changed(self.fair_id)  # the organizers' dashboard counts people online


_hubs: dict[int, BoothHub] = {}
_hub_locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}


def _lock() -> asyncio.Lock:
    """One lock per event loop (daphne runs one; the tests run one per test)."""
    loop = asyncio.get_running_loop()
    lock = _hub_locks.get(loop)
    if lock is None:
        for old in [old for old in _hub_locks if old.is_closed()]:
            del _hub_locks[old]
        lock = _hub_locks[loop] = asyncio.Lock()
    return lock


async def hub_join(consumer, member: Member) -> BoothHub:
    """Subscribe the socket (the hub's group membership is in place on return) and enter presence."""
    booth_id = consumer.booth.pk
    async with _lock():
        hub = _hubs.get(booth_id)
        if hub is None or hub.loop is not asyncio.get_running_loop() or hub.closing:
            hub = _hubs[booth_id] = BoothHub(booth_id, consumer.booth.fair_id)
            await hub.start()
    hub.sockets[member.conn_id] = consumer
    await backend().enter(booth_id, member)
    hub.local_enter(member)
    hub.presence_changed()  # the broadcast that follows also tells the organizers' dashboard
    return hub


async def hub_leave(consumer) -> None:
    hub: BoothHub | None = getattr(consumer, "hub", None)
    if hub is None:
        return
    consumer.hub = None  # once only, however the consumer ended
    hub.sockets.pop(consumer.conn_id, None)
    try:
        await backend().leave(hub.booth_id, consumer.conn_id)
    except Exception as e:  # Redis is away: the member expires after the ttl (nobody refreshes it)
        log.warning("booth %s: leaving presence failed: %s", hub.booth_id, e)
    hub.local_leave(consumer.conn_id)
    async with _lock():
        if not hub.sockets and _hubs.get(hub.booth_id) is hub:
            del _hubs[hub.booth_id]
            if hub.presence_pending is not None:
                hub.presence_pending.cancel()
                hub.presence_pending = None
            await hub.broadcast_presence()  # the last one out still tells the other processes
            await hub.stop()
            return
    hub.presence_changed()


async def shutdown() -> None:
    """Stop this loop's hubs and close its Redis client (server shutdown; the end of a test)."""
    loop = asyncio.get_running_loop()
    for booth_id, hub in list(_hubs.items()):
        if hub.loop is loop:
            del _hubs[booth_id]
            await hub.stop()
    await backend().aclose()


# --- connecting -------------------------------------------------------------------------


def _live_hub(booth_id: int) -> BoothHub | None:
    hub = _hubs.get(int(booth_id))
    if hub is None or hub.closing or hub.loop is not asyncio.get_running_loop() or not hub.ready.is_set():
        return None
    return hub


async def booth_open(booth_id: int, user):
    """(booth, viewer), or (None, None) for no such booth.

    An anonymous visitor of a booth this process already serves costs no query: the hub's booth row
    (at most snapshot_cache() seconds old, dropped at once on a status change) and the anonymous
    viewer. Everyone else: the booth and the viewer's participations, in one thread hop.
    """
    anonymous = user is None or not user.is_authenticated
    hub = _live_hub(booth_id)
    if hub is not None and anonymous and (booth := hub.cached_booth()) is not None:
        return booth, viewer_of(None, booth)
    gen, read_at = (hub.booth_gen, hub.loop.time()) if hub is not None else (0, 0.0)
    booth, viewer = await _booth_open(booth_id, None if anonymous else user)
    if hub is not None and booth is not None:  # read while the hub listened: any change since bumped gen
        hub.keep_booth(booth, read_at=read_at, gen=gen)
    return booth, viewer


@db
def _booth_open(booth_id: int, user):
    booth = selectors.booth_get_live(booth_id=booth_id)
    if booth is None:
        return None, None
    return booth, viewer_of(user, booth)


async def visit_record(booth, viewer) -> None:
    """A buyer's visit becomes an Interaction (once per day); nobody else's is recorded: no thread hop."""
    if viewer.role == "buyer" and viewer.participant_id:
        await db(services.booth_visit_record)(booth=booth, viewer=viewer)


@db
def _snapshot_rows(booth, viewer):
    """Two queries for a visitor (booth_open just loaded the booth); staff and buyers also get knocks."""
    knocks = []
    if viewer.is_staff or viewer.role == "buyer":
        services.knock_expire_due(booth=booth)  # a check on read, besides the timers
        knocks = selectors.knocks_open(booth=booth, viewer=viewer)
    return selectors.chat_recent(booth=booth, viewer=viewer), knocks


async def snapshot(consumer) -> dict:
    booth, viewer = consumer.booth, consumer.viewer
    if viewer.is_staff or viewer.role == "buyer":  # private threads and knocks of their own
        messages, knocks = await _snapshot_rows(booth, viewer)
    else:  # everyone else sees the same public lines: shared through the hub
        messages, knocks = await consumer.hub.public_messages(booth, viewer), []
    return {
        "type": p.SNAPSHOT,
        "booth": {"id": booth.pk, "name": booth.company.name, "published": booth.is_published},
        "you": {
            "role": viewer.role,
            "name": viewer.name,
            "can_post": viewer.can_post,
            "staff": viewer.is_staff,
            "conn": consumer.conn_id,
        },
        "status": {"status": booth.live_status, "stream_url": booth.stream_url},
        "presence": await consumer.hub.presence_now(),
        "messages": messages,
        "knocks": knocks,
    }


def new_member(consumer) -> Member:
    consumer.conn_id = uuid.uuid4().hex
    v = consumer.viewer
    consumer.member = Member(consumer.conn_id, v.user_id, v.role, v.name, False)
    return consumer.member


# --- handlers: one per client message type -----------------------------------------------

Handler = Callable[[object, dict], Awaitable[dict | None]]
HANDLERS: dict[str, Handler] = {}


def handles(kind: str):
    def register(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        return fn

    return register


async def dispatch(consumer, content: dict) -> dict | None:
    handler = HANDLERS.get(content["type"])
    if handler is None:
        raise DomainError("protocol.unknown_type", f"Unknown message type {content['type'][:50]!r}.")
    return await handler(consumer, content)


@handles(p.PING)
async def on_ping(consumer, content):
    return {"type": p.PONG}


def unavailable(content: dict | None) -> dict:
    """The error frame for a frame that failed because the database or Redis is away: nothing was
    changed (or, for a chat line, a retry with the same client_id stores it once)."""
    kind = content.get("type") if isinstance(content, dict) else None
    code = "chat.unavailable" if kind in (p.CHAT_POST, p.KNOCK_MESSAGE) else "live.unavailable"
    reply = {
        "type": p.ERROR,
        "code": code,
        "message": str(_("The service is briefly unavailable; it will be sent again in a moment.")),
        "retry_after": p.RETRY_AFTER,
    }
    return with_client_id(reply, content)


async def broadcast_or_local(consumer, frame: dict, *, private_to: int | None = None) -> None:
    """Broadcast; when Redis is away, deliver to this process's sockets and have every process's
    sockets resume once Redis is back (what they missed is stored)."""
    try:
        await broadcast(consumer.booth.pk, frame, private_to=private_to)
    except Exception as e:
        log.warning("booth %s: broadcast failed, delivering locally: %s", consumer.booth.pk, e)
        hub = consumer.hub
        if hub is not None:
            hub.changed(frame["type"], private=private_to is not None)
            if frame.get("id") is not None:
                after = frame["id"] - 1
                hub.resync_due = after if hub.resync_due is None else min(hub.resync_due, after)
            await hub.deliver(p.encode(frame), private_to)


@handles(p.CHAT_POST)
async def on_chat_post(consumer, content):
    thread = p.int_field(content, "thread", required=False)
    message = await db(services.chat_post)(
        booth=consumer.booth,
        viewer=consumer.viewer,
        body=content.get("body"),
        thread=thread,
        client_id=content.get("client_id"),
        arrived=getattr(consumer, "arrived", None),
    )
    frame = selectors.message_frame(message)
    # A resend (message.duplicate) is broadcast again: the process that stored it may have died before
    # its broadcast. Pages show a line once per id.
    if message.knock_id is None:
        await broadcast_or_local(consumer, frame)
    else:
        buyer_user = await db(lambda: message.knock.buyer.user_id)()
        await broadcast_or_local(consumer, frame, private_to=buyer_user)
    if message.client_id:  # the page keeps the line until this; a resend stored nothing new
        return {"type": p.CHAT_ACK, "client_id": message.client_id, "id": message.pk}
    return None  # an old page: it sees its own message through the broadcast, with its id


@handles(p.CHAT_HIDE)
async def on_chat_hide(consumer, content):
    message = await db(services.chat_hide)(
        booth=consumer.booth, viewer=consumer.viewer, message_id=p.int_field(content, "id")
    )
    frame = {"type": p.CHAT_HIDDEN, "id": message.pk}
    if message.knock_id is None:
        await broadcast(consumer.booth.pk, frame)
    else:  # a private thread's line: only the sockets that saw it (the staff and the buyer) hear of it
        buyer_user = await database_sync_to_async(lambda: message.knock.buyer.user_id)()
        await broadcast(consumer.booth.pk, frame, private_to=buyer_user)


@handles(p.CHAT_RESUME)
async def on_chat_resume(consumer, content):
    after = p.int_field(content, "after")
    messages = await db(selectors.chat_since)(booth=consumer.booth, viewer=consumer.viewer, after=after)
    return {
        "type": p.CHAT_MISSED,
        "after": after,
        "messages": messages,
        "complete": len(messages) < p.RESUME_MESSAGES,
    }


@handles(p.PRESENCE_VISIBLE)
async def on_presence_visible(consumer, content):
    visible = content.get("visible", True)
    if not isinstance(visible, bool):
        raise DomainError("protocol.bad_field", '"visible" is true or false.')
    if consumer.viewer.role == "anonymous":
        raise DomainError("chat.login_required", "Sign in to show your name in the booth.")
    member = consumer.member = Member(
        consumer.conn_id, consumer.viewer.user_id, consumer.viewer.role, consumer.viewer.name, visible
    )
    await backend().update(consumer.booth.pk, member)
    consumer.hub.local_enter(member)
    consumer.hub.presence_changed()
    return {"type": p.PRESENCE_VISIBLE, "visible": visible}


@handles(p.STATUS_SET)
async def on_status_set(consumer, content):
    await db(services.booth_status_set)(
        booth=consumer.booth,
        viewer=consumer.viewer,
        status=content.get("status"),
        stream_url=content.get("stream_url", ""),
    )
    # Everyone in the booth hears the new status from the booth.status_changed subscriber (outbox),
    # whichever way it was set (this socket, or the form of the booth page).
    return


@handles(p.KNOCK)
async def on_knock(consumer, content):
    knock, created = await db(services.knock_create)(booth=consumer.booth, viewer=consumer.viewer)
    booth_id, user_id = consumer.booth.pk, consumer.viewer.user_id
    if created:
        frame = selectors.knock_frame(p.KNOCK_RECEIVED, knock, buyer_name=consumer.viewer.name)
        await broadcast(booth_id, frame, private_to=p.STAFF_ONLY)
        loop = asyncio.get_running_loop()
        loop.call_later(
            p.knock_timeout() + 0.05, lambda: asyncio.ensure_future(knock_timer(booth_id, knock.pk, user_id))
        )
    return {**selectors.knock_frame(p.KNOCK_WAITING, knock), "timeout": p.knock_timeout()}


async def knock_timer(booth_id: int, knock_id: int, buyer_user_id: int) -> None:
    """In whichever process took the knock; the conditional update lets only one process mark it,
    and marking it tells the buyer and the staff (exhibitors/subscribers.py)."""
    await db(services.knock_expire)(knock_id=knock_id)


@handles(p.KNOCK_ANSWER)
async def on_knock_answer(consumer, content):
    knock_id = p.int_field(content, "knock")
    knock = await db(services.knock_answer)(booth=consumer.booth, viewer=consumer.viewer, knock_id=knock_id)
    buyer_user = await db(lambda: knock.buyer.user_id)()
    frame = {**selectors.knock_frame(p.KNOCK_ANSWERED, knock), "by": consumer.viewer.name}
    await broadcast(consumer.booth.pk, frame, private_to=buyer_user)


@handles(p.KNOCK_MESSAGE)
async def on_knock_message(consumer, content):
    knock = await db(services.knock_leave_message)(
        booth=consumer.booth,
        viewer=consumer.viewer,
        knock_id=p.int_field(content, "knock"),
        body=content.get("body"),
        arrived=getattr(consumer, "arrived", None),
    )
    frame = {
        **selectors.knock_frame(p.KNOCK_MESSAGE_LEFT, knock, buyer_name=consumer.viewer.name),
        "body": knock.message,
    }
    await broadcast_or_local(consumer, frame, private_to=p.STAFF_ONLY)
    return with_client_id({"type": p.KNOCK_MESSAGE_LEFT, "knock": knock.pk}, content)
