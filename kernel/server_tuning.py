"""Every use of another package's private internals, in one place, behind one entry point.

The websocket server (daphne on Twisted and autobahn) and Channels do per-connection and per-frame
work that buys this project nothing. Each item of ``PATCHES`` below removes one such cost by
reaching into a package's internals. Each names:

- the distribution and the exact versions it was written for (pyproject.toml pins them);
- the internals it relies on, each with a fingerprint of its source code.

``tests/kernel/test_server_tuning.py`` checks every fingerprint and version against what is
installed: an upgrade of daphne, Twisted, autobahn or Channels fails that test until someone has
read the changed internals, kept or dropped the patch and recorded the new fingerprints
(``.venv/bin/python -m kernel.server_tuning`` prints them). At run time a patch whose internals
do not match is not applied and a warning names it: the server then only runs slower.

The entry point is ``tune(build)`` (config/asgi.py): it applies the patches, builds the ASGI
application with ``build()`` and then tunes the garbage collector for a long-running server.
Two helpers are used where the application itself takes the fast path, both only under daphne:
``daphne_wire(send)`` (exhibitors/live.py) and ``OneReceiveLoop`` (exhibitors/consumers.py).

Under another ASGI server (uvicorn) nothing here is patched but the garbage collector's settings;
``daphne_wire`` answers None and the booth writes frame by frame. bench/README.md has what each
item was measured to save, and docs/upstream/ the two reference-cycle fixes offered upstream.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import importlib
import importlib.metadata
import inspect
import logging
import pprint
import sys
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)

# Allocations between young collections (CPython's default: 700). Fewer young collections means
# fewer middle and full ones; much higher and the middle generation grows so large between its
# collections that those stall instead (bench/README.md, ws_idle).
GC_THRESHOLD = 10_000
# Middle collections between two full ones (CPython's default: 10): see _gc_for_a_server().
GC_FULL_EVERY = 100


@dataclass(frozen=True)
class Patch:
    name: str
    why: str
    distribution: str  # the package whose internals are used ("Python" for the interpreter itself)
    versions: tuple[str, ...]  # exactly the versions it was written for
    internals: dict[str, str]  # dotted path of a module, class attribute or function -> fingerprint
    apply: Callable[[], None] | None  # None: the application calls into it (daphne_wire, OneReceiveLoop)


def _resolve(path: str):
    """A module, or an attribute of one: "package.module:Class.attribute"."""
    module_name, _, attribute = path.partition(":")
    obj = importlib.import_module(module_name)
    for part in attribute.split(".") if attribute else ():
        try:
            obj = inspect.getattr_static(obj, part)
        except AttributeError:  # a module behind a proxy (Twisted's deprecated-attribute modules)
            obj = getattr(obj, part)
        if isinstance(obj, staticmethod | classmethod):
            obj = obj.__func__
    return obj


def fingerprint(path: str) -> str:
    """The first 16 hex digits of the SHA-256 of the internal's source, as the package ships it."""
    obj = inspect.unwrap(_resolve(path))  # past our own wrappers and inlineCallbacks
    return hashlib.sha256(inspect.getsource(obj).encode()).hexdigest()[:16]


def installed_version(distribution: str) -> str:
    if distribution == "Python":
        return "{}.{}".format(*sys.version_info[:2])
    return importlib.metadata.version(distribution)


def mismatches(patch: Patch) -> list[str]:
    """What is not as the patch expects: a different version, or an internal that changed or went."""
    found = []
    try:
        version = installed_version(patch.distribution)
    except importlib.metadata.PackageNotFoundError:
        return [f"{patch.distribution} is not installed"]
    if version not in patch.versions:
        found.append(f"{patch.distribution} {version} (written for {', '.join(patch.versions)})")
    for path, expected in patch.internals.items():
        try:
            actual = fingerprint(path)
        except (ImportError, AttributeError, TypeError, OSError) as e:
            found.append(f"{path}: {type(e).__name__}: {e}")
            continue
        if actual != expected:
            found.append(f"{path}: source changed ({actual}, written for {expected})")
    return found


# --- autobahn: debug-log arguments built only when a debug line is written --------------------


class _Lazy:
    """A log argument formatted when (and only if) the log line is written."""

    __slots__ = ("args", "fn")

    def __init__(self, fn, *args):
        self.fn, self.args = fn, args

    def __str__(self) -> str:
        return str(self.fn(*self.args))

    __repr__ = __str__

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


def _lazy(fn):
    def wrapper(*args, **kwargs):
        if kwargs:
            return _Lazy(lambda: fn(*args, **kwargs))
        return _Lazy(fn, *args)

    wrapper.__wrapped__ = fn
    wrapper._tuned = True
    return wrapper


def _lazy_debug_arguments() -> None:
    from autobahn.twisted import websocket as tx_websocket
    from autobahn.websocket import protocol

    if protocol.pformat is pprint.pformat:
        protocol.pformat = _lazy(pprint.pformat)
    for module in (protocol, tx_websocket):
        for name in ("hltype", "hlval"):
            fn = getattr(module, name)
            if not getattr(fn, "_tuned", False):
                setattr(module, name, _lazy(fn))


# --- Twisted: a write to an idle socket goes out at once ----------------------------------------


def _write_through() -> None:
    from twisted.internet import tcp

    buffered = tcp.Connection.write
    if getattr(buffered, "_tuned", False):
        return

    def write(self, data):
        if (
            type(data) is bytes
            and data
            and not self.TLS
            and self.connected
            and not self.disconnecting
            and not self._writeDisconnected
            and not self._tempDataBuffer
            and len(self.dataBuffer) == self.offset
        ):
            try:
                sent = self.socket.send(data)
            except OSError:  # would block, or an error that Twisted's own doWrite meets and reports
                sent = 0
            if sent == len(data):
                return
            data = data[sent:]
        buffered(self, data)

    write.__wrapped__ = buffered
    write._tuned = True
    tcp.Connection.write = write


# --- the two reference cycles that kept each closed websocket for a full collection -----------


def _autobahn_lets_go_of_closed_protocol() -> None:
    """autobahn fires its ``is_closed`` Deferred with the protocol itself: protocol -> Deferred ->
    protocol. Once the connection is lost the Deferred keeps its "fired" state and lets go of the
    protocol (docs/upstream/autobahn-is-closed-cycle.patch)."""
    from autobahn.twisted.websocket import WebSocketAdapterProtocol

    lost = WebSocketAdapterProtocol.connectionLost
    if getattr(lost, "_tuned", False):
        return

    def connection_lost(self, *args, **kwargs):
        try:
            lost(self, *args, **kwargs)
        finally:
            closed = getattr(self, "is_closed", None)
            if getattr(closed, "called", False) and getattr(closed, "result", None) is self:
                closed.result = None

    connection_lost.__wrapped__ = lost
    connection_lost._tuned = True
    WebSocketAdapterProtocol.connectionLost = connection_lost


def _daphne_lets_go_of_upgrade_request() -> None:
    """twisted.web keeps the upgrade request in its HTTP channel's list of requests, and the
    request points back at its channel: once daphne hands the connection to the websocket protocol
    nobody needs either. The request leaves the list once the hand-over is done
    (docs/upstream/daphne-upgrade-request-cycle.patch)."""
    from daphne.http_protocol import WebRequest

    process = WebRequest.process
    if getattr(process, "_tuned", False):
        return

    @functools.wraps(process)
    def process_then_let_go(self):
        result = process(self)
        requests = getattr(getattr(self, "channel", None), "requests", None)
        # daphne sets the request's transport to None when it hands the connection over
        if self.transport is None and isinstance(requests, list) and self in requests:
            requests.remove(self)
        return result

    process_then_let_go._tuned = True
    WebRequest.process = process_then_let_go


# --- Channels: under daphne, one prepared frame for every socket of a booth -------------------


def daphne_wire(send) -> tuple | None:
    """(daphne server, autobahn protocol) behind an ASGI send callable, or None under any other server.

    daphne hands each application ``partial(server.handle_reply, protocol)``; Channels' session
    middleware wraps it (``real_send``). With the protocol, the booth's hub writes one prepared frame
    to every socket (autobahn's prepareMessage/sendPreparedMessage, made for broadcasting) instead
    of encoding the same message once per socket. None when the patch's internals do not match.
    """
    if not usable("daphne-prepared-broadcast"):
        return None
    for _depth in range(5):
        if isinstance(send, functools.partial):
            server = getattr(send.func, "__self__", None)
            protocol = send.args[0] if send.args else None
            if (
                server is not None
                and hasattr(server, "connections")
                and hasattr(protocol, "sendPreparedMessage")
                and hasattr(getattr(protocol, "factory", None), "prepareMessage")
            ):
                return server, protocol
            return None
        owner = getattr(send, "__self__", None)
        send = getattr(owner, "real_send", None)
        if send is None:
            return None
    return None


class OneReceiveLoop:
    """For a Channels consumer that holds no channel-layer channel: one loop on receive().

    Channels' AsyncConsumer.__call__ runs await_many_dispatch, which keeps a task on receive() and
    makes a new one (and an asyncio.wait) per frame; with one source there is nothing to wait for
    but receive() itself. Its dispatch() and websocket_disconnect() hop to a thread to close old
    database connections on every frame; a consumer whose database work all runs in
    database_sync_to_async (which closes them itself, in the thread that uses them) does without.
    Put it first among the bases, before kernel.websocket.CleanExit (whose serve() it replaces).
    """

    async def serve(self, scope, receive, send):
        from channels.exceptions import StopConsumer

        if not usable("channels-one-receive-loop"):
            return await super().serve(scope, receive, send)
        self.scope, self.channel_layer, self.base_send = scope, None, send
        try:
            while True:
                await self.dispatch(await receive())
        except StopConsumer:
            pass
        return None

    async def dispatch(self, message):
        from channels.consumer import get_handler_name

        if not usable("channels-one-receive-loop"):
            return await super().dispatch(message)
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        return await handler(message)

    async def websocket_disconnect(self, message):
        from channels.exceptions import StopConsumer

        if not usable("channels-one-receive-loop"):
            return await super().websocket_disconnect(message)
        await self.disconnect(message.get("code"))
        raise StopConsumer()


# --- the garbage collector of a long-running server ---------------------------------------------


def _gc_for_a_server() -> None:
    """Once the application is built: start-up objects frozen, collections far apart.

    A full collection scans every tracked object: with thousands of sockets open that stalls the
    loop. What start-up built (Django, the URL conf, the models: most of the heap, none of it
    garbage) goes out of the collector's sight with gc.freeze(), and the youngest generation is
    collected every GC_THRESHOLD allocations instead of 700. What the freeze leaves in the oldest
    generation is next to nothing, so CPython's own spacing of full collections (once the old
    generation has grown by a quarter) does not bite and every 10th middle collection would be a
    full one: GC_FULL_EVERY spaces them wider. That is only safe because a closed socket is no
    longer cyclic garbage (the two reference-cycle patches above); without them the process grows.
    Python 3.14's incremental collector gives the thresholds another meaning: the patch is written
    for 3.11-3.13.
    """
    gc.collect()
    gc.freeze()
    _young, middle, _old = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, middle, GC_FULL_EVERY)


# --- the table ----------------------------------------------------------------------------------

AUTOBAHN = ("26.11.1",)
TWISTED = ("26.10.0",)
DAPHNE = ("4.2.3",)
CHANNELS = ("4.3.2",)

PATCHES: list[Patch] = [
    Patch(
        "autobahn-lazy-debug-arguments",
        "autobahn formats the arguments of its debug log calls whether or not debug logging is on: "
        "pformat of its protocol options per handshake, colour codes per frame. Made lazy: the same "
        "text, built only if a debug line is written.",
        "autobahn",
        AUTOBAHN,
        {
            # the whole modules: the patch relies on every use of pformat/hltype/hlval in them being
            # a log argument
            "autobahn.websocket.protocol": "3953efe83eb3225b",
            "autobahn.twisted.websocket": "be17f344b1ed478b",
            "autobahn.util:hltype": "7db6418e1bc5e63a",
            "autobahn.util:hlval": "c6a73ec8e6664a13",
        },
        _lazy_debug_arguments,
    ),
    Patch(
        "twisted-write-through",
        "Twisted buffers every write and waits for the socket to be writable: two epoll_ctl calls "
        "and a loop callback per frame around the one send() that does the work. A write to a "
        "socket with nothing buffered is sent at once; only what the kernel does not take is "
        "buffered, as before (TLS takes Twisted's own path).",
        "Twisted",
        TWISTED,
        {
            "twisted.internet.abstract:FileDescriptor.write": "3e46c97fc173bc7e",
            "twisted.internet.abstract:FileDescriptor.doWrite": "a986d7b1b1054e43",
            "twisted.internet.tcp:Connection.writeSomeData": "2dd0d4209260b94e",
            "twisted.internet.tcp:Connection.__init__": "162e5439d76f8d2d",
        },
        _write_through,
    ),
    Patch(
        "autobahn-is-closed-cycle",
        "A closed websocket's protocol and its is_closed Deferred point at each other: freed only by "
        "a full collection. Broken once the connection is lost.",
        "autobahn",
        AUTOBAHN,
        {
            "autobahn.twisted.websocket:WebSocketAdapterProtocol.connectionLost": "cf4d8aab057cd161",
            "autobahn.websocket.protocol:WebSocketProtocol._connectionLost": "8d53cb80c1e9f3de",
            "autobahn.websocket.protocol:WebSocketProtocol.dropConnection": "149c74c9a251a7b1",
        },
        _autobahn_lets_go_of_closed_protocol,
    ),
    Patch(
        "daphne-upgrade-request-cycle",
        "After the websocket upgrade, twisted.web's HTTP channel keeps daphne's request in its list "
        "and the request keeps its channel: freed only by a full collection. The request leaves the "
        "list once daphne has handed the connection over.",
        "daphne",
        DAPHNE,
        {
            "daphne.http_protocol:WebRequest.process": "e9babd1c97ce710b",
            "twisted.web.http:HTTPChannel.__init__": "3c799fc1cbf9818b",
            "twisted.web.http:HTTPChannel.requestDone": "a75a186c66f7d38d",
        },
        _daphne_lets_go_of_upgrade_request,
    ),
    Patch(
        "daphne-prepared-broadcast",
        "The booth's hub sends one prepared autobahn frame to every socket instead of encoding the "
        "same message per socket: it finds daphne's protocol behind the ASGI send callable.",
        "daphne",
        DAPHNE,
        {
            "daphne.server:Server.create_application": "f1e300b4ecf636c8",
            "daphne.server:Server.handle_reply": "9d9dbaea6de0657a",
            "channels.sessions:InstanceSessionWrapper.__init__": "1aed8029d4065532",
            "channels.sessions:InstanceSessionWrapper.send": "e951315e4ef0f195",
            "autobahn.websocket.protocol:WebSocketProtocol.sendPreparedMessage": "207ccbb3f0d5085c",
        },
        None,
    ),
    Patch(
        "channels-one-receive-loop",
        "A consumer without a channel-layer channel reads receive() in one loop and dispatches "
        "without a thread hop per frame (OneReceiveLoop).",
        "channels",
        CHANNELS,
        {
            "channels.consumer:AsyncConsumer.__call__": "e52238720872dbc3",
            "channels.consumer:AsyncConsumer.dispatch": "39f34e7d4fb0f655",
            "channels.generic.websocket:AsyncWebsocketConsumer.websocket_disconnect": "10f38aa55fd51ff5",
        },
        None,
    ),
    Patch(
        "channels-anonymous-without-hop",
        "Channels' AuthMiddleware looks the user up in a thread even for a socket with no session "
        "cookie; config/asgi.SessionAuthMiddleware sets the anonymous user the way resolve_scope "
        "does (the lazy object's _wrapped), without the hop.",
        "channels",
        CHANNELS,
        {
            "channels.auth:AuthMiddleware.resolve_scope": "e4d45bbcc94f96a2",
            "channels.auth:AuthMiddleware.populate_scope": "5d41fdc0d5793fd9",
            # config/asgi.SessionAuthMiddleware.__call__ is a copy of it with "try again later" added
            "channels.auth:AuthMiddleware.__call__": "f3eba6fe6a0c9c36",
        },
        None,
    ),
]

GC_PATCH = Patch(
    "gc-for-a-server",
    _gc_for_a_server.__doc__.split("\n\n")[0],
    "Python",
    ("3.11", "3.12", "3.13"),
    {},
    None,
)

_usable: dict[str, bool] = {}
_applied = False


def usable(name: str) -> bool:
    """Whether the installed internals are what the patch of this name was written for."""
    if name not in _usable:
        _usable[name] = not mismatches(next(patch for patch in PATCHES if patch.name == name))
    return _usable[name]


def apply() -> dict[str, list[str]]:
    """Apply every patch whose internals match; answer {patch name: what did not match}.

    Idempotent. A patch left out is logged as a warning once.
    """
    global _applied
    skipped: dict[str, list[str]] = {}
    for patch in PATCHES:
        problems = mismatches(patch)
        _usable[patch.name] = not problems
        if problems:
            skipped[patch.name] = problems
        elif patch.apply is not None:
            patch.apply()
    if not _applied and skipped:
        for name, problems in skipped.items():
            log.warning("server tuning %s left out: %s", name, "; ".join(problems))
    _applied = True
    return skipped


def tune(build: Callable[[], object]):
    """The entry point (config/asgi.py): patch, build the ASGI application, tune the collector."""
    apply()
    application = build()
    if not mismatches(GC_PATCH):
        _gc_for_a_server()
    else:
        log.warning("server tuning %s left out: %s", GC_PATCH.name, "; ".join(mismatches(GC_PATCH)))
    return application


if __name__ == "__main__":  # print the fingerprints of what is installed, to record after an upgrade
    for patch in PATCHES:
        print(f"{patch.name} ({patch.distribution} {installed_version(patch.distribution)})")
        for path in patch.internals:
            try:
                print(f'    "{path}": "{fingerprint(path)}",')
            except Exception as e:
                print(f"    {path}: {type(e).__name__}: {e}")
