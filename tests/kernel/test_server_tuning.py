"""kernel/server_tuning.py: each patch on exactly the internals it was written for, and the same
bytes and log text as without it, only cheaper.

An upgrade of daphne, Twisted, autobahn or Channels fails test_patch_written_for_what_is_installed
for every patch whose internals changed: read the new internals, then keep the patch (record the new
version and the fingerprints printed by `.venv/bin/python -m kernel.server_tuning`) or drop it.
"""

from __future__ import annotations

import gc
import pprint
import re
import socket
import tomllib
from pathlib import Path

import pytest

from kernel import server_tuning

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("patch", server_tuning.PATCHES + [server_tuning.GC_PATCH], ids=lambda p: p.name)
def test_patch_written_for_what_is_installed(patch):
    assert server_tuning.mismatches(patch) == []
    assert patch is server_tuning.GC_PATCH or server_tuning.usable(patch.name)


@pytest.mark.parametrize("patch", server_tuning.PATCHES, ids=lambda p: p.name)
def test_patched_distribution_pinned_to_the_version_the_patch_was_written_for(patch):
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pins = {}
    for line in dependencies:
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)(\[[^]]*\])?==([0-9.]+)", line)
        if m:
            pins[m[1].lower()] = m[3]
    assert pins.get(patch.distribution.lower()) in patch.versions


def test_asgiref_pinned_too():
    """Channels' consumers and database_sync_to_async run on asgiref's thread hand-off."""
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert any(re.fullmatch(r"asgiref==[0-9.]+", line) for line in dependencies)


def test_a_changed_internal_is_named_and_the_patch_left_out(monkeypatch, caplog):
    patch = server_tuning.PATCHES[1]  # twisted-write-through
    first = next(iter(patch.internals))
    internals = {**patch.internals, first: "0" * 16}
    changed = server_tuning.Patch(
        patch.name, patch.why, patch.distribution, ("0.0.1",), internals, patch.apply
    )
    problems = server_tuning.mismatches(changed)
    assert any("written for 0.0.1" in line for line in problems)
    assert any("source changed" in line for line in problems)
    nothing = {"twisted.internet.tcp:Connection.nothing": "0"}
    gone = server_tuning.Patch("gone", "", "Twisted", patch.versions, nothing, None)
    assert "AttributeError" in server_tuning.mismatches(gone)[0]

    monkeypatch.setattr(server_tuning, "PATCHES", [changed])
    monkeypatch.setattr(server_tuning, "_usable", {})
    monkeypatch.setattr(server_tuning, "_applied", False)
    with caplog.at_level("WARNING", logger="kernel.server_tuning"):
        skipped = server_tuning.apply()
    assert set(skipped) == {"twisted-write-through"}
    assert "twisted-write-through left out" in caplog.text
    assert server_tuning.usable("twisted-write-through") is False


def test_the_application_is_built_through_the_one_entry_point():
    from config import asgi

    assert "server_tuning.tune(build)" in Path(asgi.__file__).read_text()
    assert gc.get_threshold()[0] == server_tuning.GC_THRESHOLD
    assert gc.get_threshold()[2] == server_tuning.GC_FULL_EVERY


def test_autobahn_debug_arguments_are_lazy_and_read_the_same():
    from autobahn import util
    from autobahn.twisted import websocket as tx_websocket
    from autobahn.websocket import protocol

    server_tuning.apply()
    server_tuning.apply()  # idempotent: nothing wrapped twice
    assert not getattr(protocol.pformat.__wrapped__, "_tuned", False)
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


def test_daphne_wire_finds_daphnes_protocol_behind_channels_session_middleware():
    """What daphne-prepared-broadcast relies on, with daphne's own Server and protocol factory."""
    import asyncio

    from channels.sessions import CookieMiddleware, SessionMiddleware
    from daphne.server import Server
    from daphne.ws_protocol import WebSocketFactory

    async def main():
        sends = []

        async def inner(scope, receive, send):
            sends.append(send)

        server = Server(application=CookieMiddleware(SessionMiddleware(inner)), endpoints=["tcp:port=0"])
        protocol = WebSocketFactory(server).buildProtocol(None)
        server.connections = {protocol: {}}  # as Server.run() starts it
        server.create_application(protocol, {"type": "websocket", "path": "/", "headers": []})
        await server.connections[protocol]["application_instance"]
        assert server_tuning.daphne_wire(sends[0]) == (server, protocol)

        async def elsewhere(message):  # any other server's send callable
            return None

        assert server_tuning.daphne_wire(elsewhere) is None

    asyncio.run(main())


def test_the_application_builds_in_a_fresh_process_with_every_patch_applied():
    """What daphne and uvicorn do: import config.asgi before anything else has set Django up."""
    import subprocess
    import sys

    code = (
        "import logging; logging.basicConfig(level=logging.WARNING)\n"
        "from config import asgi\n"
        "from kernel import server_tuning\n"
        "from twisted.internet import tcp\n"
        "assert getattr(tcp.Connection.write, '_tuned', False)\n"
        "print('built', type(asgi.application).__name__)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "built ServerLoop" in done.stdout
    assert "left out" not in done.stderr


@pytest.mark.parametrize(
    "name", ["daphne-upgrade-request-cycle", "autobahn-is-closed-cycle"], ids=lambda name: name
)
def test_the_upstream_patch_applies_to_the_pinned_version(name):
    """docs/upstream/<name>.patch: every hunk's context is in the installed file, so the patch sent
    upstream is the one the run-time patch of the same name stands in for."""
    import importlib.util

    text = (ROOT / "docs" / "upstream" / f"{name}.patch").read_text()
    target = re.search(r"^--- a/(\S+)", text, re.M)[1]
    package, _, rest = target.partition("/")
    installed = (Path(importlib.util.find_spec(package).origin).parent / rest).read_text()
    hunks = re.split(r"^@@.*@@$", text, flags=re.M)[1:]
    assert hunks
    for hunk in hunks:
        before = [line[1:] for line in hunk.strip("\n").splitlines() if line[:1] in (" ", "-")]
        after = [line[1:] for line in hunk.strip("\n").splitlines() if line[:1] in (" ", "+")]
        assert "\n".join(before) in installed
        assert "\n".join(after) not in installed  # not already fixed upstream: then drop the patch
    assert any(patch.name == name for patch in server_tuning.PATCHES)
