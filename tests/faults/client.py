"""A booth visitor that behaves like the page (frontend/static/frontend/js/booth.js), for the fault
tests and bench/faults.py.

It keeps its socket open whatever happens: on a close (4503 "try again later", 1011, a killed
process) it reconnects with backoff, to the next server in its list, and asks for what it missed
(``chat.resume`` after the last id it saw); on ``resync`` it asks too. A line it posts carries a
client id and stays pending until ``chat.ack``; it is sent again after a reconnect and after a
``chat.unavailable`` error. So every line ends acknowledged (stored, id known) or refused with an
error the sender saw; ``silent()`` counts the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
import uuid

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

_names = itertools.count()


class Visitor:
    def __init__(self, urls: list[str], *, cookie: str | None = None, name: str = ""):
        self.urls, self.cookie = urls, cookie
        self.name = name or f"visitor{next(_names)}"
        self.ws = None
        self.target = 0
        self.seen: set[int] = set()
        self.last_id = 0
        self.snapshots = 0
        self.presence: dict | None = None
        self.close_codes: list[int | None] = []
        self.pending: dict[str, dict] = {}  # client id -> frame
        self.sent_at: dict[str, float] = {}
        self.acked: dict[str, int] = {}  # client id -> stored message id
        self.refused: dict[str, str] = {}  # client id -> error code
        self.unavailable = 0  # chat.unavailable errors received
        self.connected = asyncio.Event()
        self.task: asyncio.Task | None = None
        self.stopping = False
        self.retry: asyncio.TimerHandle | None = None

    # --- life ------------------------------------------------------------------------------

    def start(self) -> None:
        self.task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        self.stopping = True
        if self.retry is not None:
            self.retry.cancel()
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task

    async def _run(self) -> None:
        attempts = 0
        while not self.stopping:
            url = self.urls[self.target % len(self.urls)]
            try:
                origin = "http://" + url.split("/")[2]
                headers = {"Cookie": self.cookie} if self.cookie else None
                async with connect(
                    url, origin=origin, additional_headers=headers, open_timeout=10, ping_interval=None
                ) as ws:
                    self.ws = ws
                    async for text in ws:
                        attempts = 0
                        self._on_frame(json.loads(text))
                    self.close_codes.append(ws.close_code)
            except (OSError, ConnectionClosed, InvalidHandshake, InvalidStatus, TimeoutError) as e:
                code = getattr(getattr(e, "rcvd", None), "code", None)
                self.close_codes.append(code)
            finally:
                self.ws = None
                self.connected.clear()
            if self.stopping:
                return
            attempts += 1
            self.target += 1  # the next server (a killed process stays dead)
            await asyncio.sleep(min(2.0, 0.2 * 2 ** min(attempts, 4)))

    # --- frames ----------------------------------------------------------------------------

    def _send(self, frame: dict) -> None:
        ws = self.ws
        if ws is not None and self.connected.is_set():
            task = asyncio.ensure_future(ws.send(json.dumps(frame)))
            task.add_done_callback(lambda t: t.cancelled() or t.exception())

    def _see(self, message: dict) -> None:
        self.seen.add(message["id"])
        self.last_id = max(self.last_id, message["id"])

    def _on_frame(self, frame: dict) -> None:
        kind = frame.get("type")
        if kind == "snapshot":
            resume_from = self.last_id
            for m in frame["messages"]:
                self._see(m)
            self.presence = frame["presence"]
            self.snapshots += 1
            self.connected.set()
            if self.snapshots > 1 and resume_from:
                self._send({"type": "chat.resume", "after": resume_from})
            for line in list(self.pending.values()):
                self._send(line)
        elif kind == "chat.message":
            self._see(frame)
        elif kind == "chat.missed":
            for m in frame["messages"]:
                self._see(m)
            if not frame["complete"]:
                self._send({"type": "chat.resume", "after": self.last_id})
        elif kind == "resync":  # lines may have been missed: from before the trouble began
            after = self.last_id if frame.get("after") is None else min(self.last_id, frame["after"])
            self._send({"type": "chat.resume", "after": max(0, after)})
        elif kind == "presence":
            self.presence = frame
        elif kind == "chat.ack":
            if self.pending.pop(frame["client_id"], None) is not None:
                self.acked[frame["client_id"]] = frame["id"]
        elif kind == "error":
            cid = frame.get("client_id")
            if frame["code"] in ("chat.unavailable", "live.unavailable"):
                self.unavailable += 1
                if cid in self.pending and self.retry is None:
                    delay = min(float(frame.get("retry_after", 2)), 0.5)
                    self.retry = asyncio.get_running_loop().call_later(delay, self._resend)
            elif cid in self.pending:
                del self.pending[cid]
                self.refused[cid] = frame["code"]

    def _resend(self) -> None:
        self.retry = None
        for line in list(self.pending.values()):
            self._send(line)

    # --- what a test does ------------------------------------------------------------------

    def post(self, body: str) -> str:
        cid = uuid.uuid4().hex
        frame = {"type": "chat.post", "body": body, "client_id": cid}
        self.pending[cid] = frame
        self.sent_at[cid] = time.monotonic()
        self._send(frame)
        return cid

    def silent(self) -> int:
        """Lines neither acknowledged nor refused with an error (0 once everything settled)."""
        return len(self.sent_at) - len(self.acked) - len(self.refused)


async def settle(visitors: list[Visitor], *, timeout: float) -> None:
    """Until no line is pending (acked or refused), or timeout."""
    deadline = time.monotonic() + timeout
    while any(v.pending for v in visitors) and time.monotonic() < deadline:
        for v in visitors:  # a line sent while the socket was down goes with the next snapshot
            if v.pending and v.connected.is_set() and v.retry is None:
                v.retry = asyncio.get_running_loop().call_later(1.0, v._resend)
        await asyncio.sleep(0.2)


async def all_received(receivers: list[Visitor], ids: set[int], *, timeout: float) -> dict[str, set[int]]:
    """Wait until every receiver saw every id; returns what each still misses (empty when all arrived)."""
    deadline = time.monotonic() + timeout
    while True:
        missing = {v.name: ids - v.seen for v in receivers if ids - v.seen}
        if not missing or time.monotonic() > deadline:
            return missing
        await asyncio.sleep(0.2)
