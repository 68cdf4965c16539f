"""Announce "this fair changed" to its open dashboards: one place, cheap, after the commit.

Database changes the dashboard counts (meetings, outcomes, interactions, chat lines, knocks)
announce themselves through Django's post_save / post_delete here; presence (entering and
leaving a booth, no database write) calls ``afair_changed`` from exhibitors/live.py. The
message carries no data: the dashboard consumer reads a fresh snapshot, at most once a second.
"""

from __future__ import annotations

import asyncio
import logging
import os

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from insights import protocol

log = logging.getLogger(__name__)


async def afair_changed(fair_id: int | None) -> None:
    layer = get_channel_layer()
    if layer is None or not fair_id:
        return
    try:
        await layer.group_send(protocol.dashboard_group(fair_id), {"type": protocol.FAIR_CHANGED})
    except Exception:  # a dashboard must never break what it watches
        log.exception("dashboard announcement for fair %s failed", fair_id)


def _server_loop() -> asyncio.AbstractEventLoop | None:
    """The ASGI server's event loop when this thread runs sync code for it, else None.

    asgiref records it in the thread that runs a sync view or a database_sync_to_async call.
    """
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is None or getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    return loop if loop.is_running() and not loop.is_closed() else None


def _announce(fair_id: int) -> None:
    loop = _server_loop()
    if loop is not None:
        # Fire and forget on the server's loop: a page view or a chat line never waits for the
        # channel layer (a Redis round trip, a loop busy with sockets) to tell the dashboards.
        asyncio.run_coroutine_threadsafe(afair_changed(fair_id), loop)
    else:  # a command, the worker, a test's sync client: no server loop to hand it to
        async_to_sync(afair_changed)(fair_id)


def fair_changed(fair_id: int | None) -> None:
    """From sync code: announce once the current transaction commits (at once outside one)."""
    if fair_id:
        transaction.on_commit(lambda: _announce(fair_id))


def _fair_id_of(instance) -> int | None:
    if getattr(instance, "fair_id", None):
        return instance.fair_id
    for name in ("booth", "meeting"):  # ChatMessage, Knock: their booth; Outcome, LeadUpdate: their meeting
        related_id = getattr(instance, f"{name}_id", None)
        if related_id:
            cached = instance._state.fields_cache.get(name)
            if cached is not None:
                return cached.fair_id
            model = instance._meta.get_field(name).related_model
            return model.objects.filter(pk=related_id).values_list("fair_id", flat=True).first()
    return None


def _changed(sender, instance, **kwargs):
    if kwargs.get("raw"):  # loading fixtures
        return
    fair_changed(_fair_id_of(instance))


WATCHED = (
    "fair.Interaction",
    "meetings.Meeting",
    "meetings.Outcome",
    "meetings.LeadUpdate",  # the ledger's deals and values (headline figures)
    "exhibitors.ChatMessage",
    "exhibitors.Knock",
)


def connect() -> None:
    from django.apps import apps

    for label in WATCHED:
        model = apps.get_model(label)
        post_save.connect(_changed, sender=model, dispatch_uid=f"dashboard-save-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"dashboard-delete-{label}")
