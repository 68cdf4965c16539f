"""Hints to open pages that something changed, over the channel layer: cheap, after the commit.

``fair_changed(fair_id)`` tells every open live view of a fair (the organizers' dashboard) that
its figures moved; the message carries no data, the listeners read a fresh snapshot (at most once
a second). A hint that is lost costs a later refresh, never data: what people must receive goes
through the outbox (kernel/outbox.py) instead.

From sync code running for the ASGI server (a view, a database_sync_to_async call) the hint is
handed to the server's event loop and not waited for; the loop is the one ``ServerLoop``
(config/asgi.py) saw serving. Elsewhere (a command, the worker, a test) it is sent and waited for.
"""

from __future__ import annotations

import asyncio
import logging
import os

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

log = logging.getLogger(__name__)

FAIR_CHANGED = "fair.changed"  # the message type; consumers handle it as fair_changed()


def fair_group(fair_id: int) -> str:
    """Every open live view of one fair (dashboards), on any server process."""
    return f"dashboard.fair.{int(fair_id)}"


async def afair_changed(fair_id: int | None) -> None:
    layer = get_channel_layer()
    if layer is None or not fair_id:
        return
    try:
        await layer.group_send(fair_group(fair_id), {"type": FAIR_CHANGED})
    except Exception:  # a live view must never break what it watches
        log.exception("live hint for fair %s failed", fair_id)


_server: tuple[int, asyncio.AbstractEventLoop] | None = None


class ServerLoop:
    """ASGI middleware: remembers the event loop the server runs the application on."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        global _server
        loop = asyncio.get_running_loop()
        if _server is None or _server[1] is not loop:
            _server = (os.getpid(), loop)
        return await self.app(scope, receive, send)


def _server_loop() -> asyncio.AbstractEventLoop | None:
    if _server is None:
        return None
    pid, loop = _server
    if pid != os.getpid() or loop.is_closed() or not loop.is_running():
        return None
    return loop


def fair_changed(fair_id: int | None) -> None:
    """From sync code, after a commit: tell the fair's live views, without waiting when serving."""
    if not fair_id:
        return
    loop = _server_loop()
    if loop is not None:
        asyncio.run_coroutine_threadsafe(afair_changed(fair_id), loop)
    else:
        async_to_sync(afair_changed)(fair_id)
