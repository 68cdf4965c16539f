"""Reproduction for the two reference-cycle patches in this folder: every closed websocket served by
daphne stays in memory until the cyclic garbage collector's next full collection.

    python docs/upstream/reproduce_socket_cycles.py            # plain daphne, autobahn and Twisted
    python docs/upstream/reproduce_socket_cycles.py --patched  # the same with both fixes applied

Needs daphne and the `websockets` client. No Django, no Channels: a bare ASGI application that
accepts a websocket and waits for it to close. The server runs in a child process with its cyclic
collector off (gc.disable() before the first connection); the client opens and closes --sockets
websockets, then asks the server (GET /garbage) how many objects a full collection finds, by type.

Without the fixes every closed socket leaves a cycle of about 60 objects (twisted.web's HTTPChannel
and daphne's WebRequest, autobahn's protocol and its is_closed Deferred, the transport, buffers and
headers they reach). With them, reference counting frees a closed socket at once and the
collection finds next to nothing. --patched applies the two patches' changes at run time, exactly
as the .patch files change the sources (daphne-upgrade-request-cycle.patch against daphne 4.2.3,
autobahn-is-closed-cycle.patch against autobahn 26.11.1).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

SERVER = r"""
import gc
import json
import sys
from collections import Counter


def patch():
    from autobahn.twisted.websocket import WebSocketAdapterProtocol
    from daphne.http_protocol import WebRequest

    lost = WebSocketAdapterProtocol.connectionLost

    def connection_lost(self, reason=None, *args):
        lost(self, reason, *args) if reason is not None else lost(self)
        if self.is_closed.called and self.is_closed.result is self:  # autobahn-is-closed-cycle.patch
            self.is_closed.result = None

    WebSocketAdapterProtocol.connectionLost = connection_lost
    process = WebRequest.process

    def process_then_let_go(self):
        result = process(self)
        if self.transport is None and self in self.channel.requests:  # daphne-upgrade-request-cycle
            self.channel.requests.remove(self)
        return result

    WebRequest.process = process_then_let_go


async def application(scope, receive, send):
    if scope["type"] == "http":
        await receive()
        gc.set_debug(gc.DEBUG_SAVEALL)
        found = gc.collect()
        types = Counter(f"{type(o).__module__}.{type(o).__qualname__}" for o in gc.garbage)
        gc.set_debug(0)
        gc.garbage.clear()
        body = json.dumps({"found": found, "types": dict(types.most_common(8))}).encode()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})
        return
    while True:
        message = await receive()
        if message["type"] == "websocket.connect":
            await send({"type": "websocket.accept"})
        elif message["type"] == "websocket.disconnect":
            return


if __name__ == "__main__":  # (daphne imports this file again as server_app)
    if "--patched" in sys.argv:
        patch()
    gc.collect()
    gc.disable()
    sys.argv = ["daphne", "-b", "127.0.0.1", "-p", sys.argv[1], "server_app:application"]
    from daphne.cli import CommandLineInterface

    CommandLineInterface.entrypoint()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def churn(port: int, n: int) -> None:
    import websockets

    for _ in range(n):
        async with websockets.connect(f"ws://127.0.0.1:{port}/"):
            pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sockets", type=int, default=200)
    parser.add_argument("--patched", action="store_true")
    args = parser.parse_args()
    import tempfile

    folder = tempfile.mkdtemp(prefix="socket-cycles-")
    with open(os.path.join(folder, "server_app.py"), "w") as f:
        f.write(SERVER)
    port = free_port()
    command = [sys.executable, os.path.join(folder, "server_app.py"), str(port)]
    if args.patched:
        command.append("--patched")
    env = {**os.environ, "PYTHONPATH": folder}
    server = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)  # noqa: S603
    try:
        for _ in range(600):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        asyncio.run(churn(port, args.sockets))
        time.sleep(0.5)  # the last close reaches the server
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/garbage", timeout=30) as r:  # noqa: S310
            result = json.loads(r.read())
    finally:
        server.terminate()
        server.wait()
    per_socket = result["found"] / args.sockets
    print(f"{'patched' if args.patched else 'unpatched'}: {args.sockets} websockets opened and closed")
    print(f"a full collection then finds {result['found']} objects ({per_socket:.1f} per socket)")
    for name, count in result["types"].items():
        print(f"    {count:6}  {name}")


if __name__ == "__main__":
    main()
