"""config/server_tuning.py: the same bytes and log text as before, only cheaper."""

from __future__ import annotations

import pprint
import socket

import pytest

from config import server_tuning


def test_autobahn_debug_arguments_are_lazy_and_read_the_same():
    from autobahn import util
    from autobahn.twisted import websocket as tx_websocket
    from autobahn.websocket import protocol

    server_tuning.apply()
    server_tuning.apply()  # once only
    options = [("autoPingInterval", 0, "WebSocketServerFactory")] * 3
    lazy = protocol.pformat(options)
    assert not isinstance(lazy, str)
    assert str(lazy) == pprint.pformat(options) == f"{lazy}"
    assert str(tx_websocket.hltype(test_autobahn_debug_arguments_are_lazy_and_read_the_same)) == util.hltype(
        test_autobahn_debug_arguments_are_lazy_and_read_the_same
    )
    assert f"{protocol.hlval(42)}" == util.hlval(42)


@pytest.mark.parametrize("size", [10, 4 << 20])  # one send, or more than the kernel takes at once
def test_twisted_writes_go_out_whole_and_in_order(size):
    """A write to an idle socket is sent at once; what the kernel does not take is buffered as before."""
    from twisted.internet import tcp
    from twisted.internet.protocol import Protocol

    server_tuning.apply()
    assert hasattr(tcp.Connection.write, "__wrapped__")

    class Reactor:  # just enough reactor for a Connection: what it asks to be watched
        def __init__(self):
            self.writers = set()

        def addWriter(self, w):  # noqa: N802 (Twisted's names)
            self.writers.add(w)

        def removeWriter(self, w):  # noqa: N802
            self.writers.discard(w)

        def addReader(self, r):  # noqa: N802
            pass

        def removeReader(self, r):  # noqa: N802
            pass

    ours, theirs = socket.socketpair()
    reactor = Reactor()
    conn = tcp.Connection(ours, Protocol(), reactor=reactor)
    conn.connected = True
    first, second = b"a" * size, b"b" * size
    conn.write(first)
    conn.write(second)
    assert (conn in reactor.writers) == (size > 10)  # only a partial send waits for the reactor
    theirs.setblocking(False)
    got = bytearray()
    while len(got) < 2 * size:
        try:
            got += theirs.recv(1 << 20)
        except BlockingIOError:
            conn.doWrite()
    assert bytes(got) == first + second
    ours.close()
    theirs.close()
