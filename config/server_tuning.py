"""Per-connection costs of the websocket server (daphne on autobahn) that buy nothing.

Measured with cProfile on bench/ws_idle.py (idle booth sockets) and bench/ws_booth.py (fan-out):

- autobahn formats the arguments of its debug log calls whether or not debug logging is on:
  ``pformat`` of 29 protocol options for every new connection (about half of the server's CPU per
  handshake), and ``hltype``/``hlval`` (colour codes through click) for every frame sent and
  every chunk received. The log call itself is a no-op below debug level; only the arguments
  were paid for. Here they become lazy: the same text, built only if a debug line is written.

- Twisted buffers every write and waits for the socket to be writable: two epoll_ctl calls and a
  loop callback per frame around the one send() that does the work. A socket with nothing buffered
  is writable; a write to it is sent at once, and only what the kernel does not take is buffered
  as before (TLS connections, and anything unusual, take Twisted's own path). A broadcast to
  1,000 sockets was 3,000 system calls, now 1,000.

- The cyclic garbage collector scans every tracked object in a full collection: with 10,000
  sockets open, collections of 0.3-1.3 s stalled the loop (13 of them while the sockets opened,
  most of them finding nothing). after_startup() moves what start-up built (Django, the URL
  conf, the models: most of the heap, none of it garbage) out of the collector's sight with
  gc.freeze(), and collects the youngest generation every GC_THRESHOLD allocations instead of
  700, so that far fewer full collections happen.

- What the freeze leaves in the oldest generation is next to nothing, so CPython's own spacing of
  full collections (only once the old generation has grown by a quarter since the last) does not
  bite, and every 10th middle collection was a full one: while 10,000 sockets opened, one of
  600 ms (1.07 M tracked objects, about 107 per socket) fell as the last ones joined.
  GC_FULL_EVERY middle collections between full ones space them ten times wider. That is only
  safe because a closed socket is no longer cyclic garbage (_free_closed_sockets): before, every
  closed socket waited for a full collection, and with the wider spacing eight rounds of 5,000
  sockets opened and closed grew the process from 233 to 882 MiB. Measured with both: 216 MiB
  after the first round, 221 MiB after the sixth; signed-in page traffic grows the process no
  faster than with the default spacing.

apply() runs once, from config/asgi.py, before the first connection. Anything that does not look
as expected is left alone: the server then only runs slower.
"""

from __future__ import annotations

import gc
import pprint

_applied = False
# Allocations between young collections (CPython's default: 700). Measured on bench/ws_idle.py,
# 10,000 sockets: 700 -> 8.5 s of collections while they opened, 18 full ones up to 1 s;
# 10,000 -> 2.7 s, 4 full ones; 50,000 -> the middle generation grows so large between its
# collections that those take up to 1 s instead.
GC_THRESHOLD = 10_000
# Middle collections between two full ones (CPython's default: 10); see the module's docstring.
GC_FULL_EVERY = 100


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
    return wrapper


def apply() -> None:
    global _applied
    if _applied:
        return
    _applied = True
    try:
        from autobahn.twisted import websocket as tx_websocket
        from autobahn.websocket import protocol
    except ImportError:  # another ASGI server: nothing to tune
        return
    _write_through()
    _free_closed_sockets()
    if getattr(protocol, "pformat", None) is pprint.pformat:
        protocol.pformat = _lazy(pprint.pformat)
    for module in (protocol, tx_websocket):
        for name in ("hltype", "hlval"):
            fn = getattr(module, name, None)
            if callable(fn) and not hasattr(fn, "__wrapped__"):
                setattr(module, name, _lazy(fn))


def _write_through() -> None:
    try:
        from twisted.internet import tcp
    except ImportError:
        return
    buffered = tcp.Connection.write
    expected = ("TLS", "dataBuffer", "offset", "_writeDisconnected", "disconnecting")
    if hasattr(buffered, "__wrapped__") or not all(hasattr(tcp.Connection, name) for name in expected):
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
    tcp.Connection.write = write


def _free_closed_sockets() -> None:
    """Break the two reference cycles that kept each closed websocket for a full collection.

    - twisted.web keeps the upgrade request in its HTTP channel's list of requests, and the request
      points back at its channel: after daphne hands the connection to the websocket protocol,
      nobody needs either, but the pair only goes with the cyclic collector. The request leaves
      the list once the hand-over is done.
    - autobahn fires its ``is_closed`` Deferred with the protocol itself: protocol -> Deferred ->
      protocol. Once the connection is lost the Deferred keeps its "fired" state and lets go of
      the protocol.

    With both cycles gone, reference counting frees a closed socket (about 60 objects: the
    protocol, its transport, buffers, headers) at once.
    """
    try:
        from autobahn.twisted.websocket import WebSocketAdapterProtocol
        from daphne.http_protocol import WebRequest
    except ImportError:
        return
    lost = WebSocketAdapterProtocol.connectionLost
    if not hasattr(lost, "__wrapped__"):

        def connection_lost(self, *args, **kwargs):
            try:
                lost(self, *args, **kwargs)
            finally:
                closed = getattr(self, "is_closed", None)
                if getattr(closed, "called", False) and getattr(closed, "result", None) is self:
                    closed.result = None

        connection_lost.__wrapped__ = lost
        WebSocketAdapterProtocol.connectionLost = connection_lost

    process = WebRequest.process
    if not getattr(process, "_lets_go", False):  # (inlineCallbacks already gives it a __wrapped__)

        def process_then_let_go(self):
            result = process(self)
            channel = getattr(self, "channel", None)
            requests = getattr(channel, "requests", None)
            # daphne sets the request's transport to None when it hands the connection over
            if self.transport is None and isinstance(requests, list) and self in requests:
                requests.remove(self)
            return result

        process_then_let_go._lets_go = True
        WebRequest.process = process_then_let_go


def after_startup() -> None:
    """Once the application is built: start-up objects frozen, young collections less often."""
    gc.collect()
    gc.freeze()
    _threshold, middle, _old = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, middle, GC_FULL_EVERY)
