"""The show socket's work, between the consumer (thin) and the services: opening a show, the
snapshot, routing each frame to its service, the frames every viewer gets.

Every frame for all viewers goes to the show's channel-layer group (shows/protocol.py); each socket
writes it to its page. Viewer counts are gathered and broadcast at most once a second per process.
"""

from __future__ import annotations

import asyncio

from channels.db import database_sync_to_async
from django.utils.translation import gettext as _

from exhibitors.protocol import int_field, parse_frame  # the booth's frame rules: JSON objects with a "type"
from kernel.errors import DomainError, NotFound
from shows import protocol as p
from shows import selectors, services
from shows.access import access_show, show_viewer_of

__all__ = ["parse_frame", "show_open", "dispatch", "enter", "leave"]


@database_sync_to_async
def show_open(show_id, user):
    """(show, viewer), or (None, None) when there is no such show or the user may not see it."""
    try:
        show = access_show(user, show_id)
    except NotFound:
        return None, None
    return show, show_viewer_of(user, show)


async def broadcast(consumer, frame: dict) -> None:
    """``frame`` to every socket of the show, encoded once here rather than once per socket."""
    await consumer.channel_layer.group_send(
        p.show_group(consumer.show.pk), {"type": p.LAYER_FRAME, "text": p.encode(frame)}
    )


# Viewer counts: one pending broadcast per show and process.
_pending: dict[int, asyncio.Task] = {}


async def _counts_later(consumer, show_id: int) -> None:
    try:
        await asyncio.sleep(p.VIEWERS_DEBOUNCE)
        stats = await database_sync_to_async(selectors.show_counts)(show_id=show_id)
        await consumer.channel_layer.group_send(
            p.show_group(show_id), {"type": p.LAYER_FRAME, "text": p.encode({"type": p.VIEWERS, **stats})}
        )
    finally:
        _pending.pop(show_id, None)


def counts_changed(consumer) -> None:
    show_id = consumer.show.pk
    if show_id not in _pending:
        _pending[show_id] = asyncio.get_running_loop().create_task(_counts_later(consumer, show_id))


async def enter(consumer) -> dict:
    """Count the viewer in; the snapshot the page starts from."""
    await database_sync_to_async(services.viewer_enter)(show=consumer.show, viewer=consumer.viewer)
    counts_changed(consumer)
    return await database_sync_to_async(selectors.snapshot)(show=consumer.show, viewer=consumer.viewer)


async def leave(consumer, seconds: float) -> None:
    await database_sync_to_async(services.viewer_leave)(
        show=consumer.show, viewer=consumer.viewer, seconds=seconds
    )
    counts_changed(consumer)


# --- frames -------------------------------------------------------------------------------------


async def _chat_post(consumer, content: dict) -> dict:
    message = await database_sync_to_async(services.chat_post)(
        show=consumer.show,
        viewer=consumer.viewer,
        body=content.get("body"),
        client_id=content.get("client_id"),
        arrived=consumer.arrived,
    )
    if not message.duplicate:
        await broadcast(consumer, {"type": p.CHAT_MESSAGE, "message": selectors.message_payload(message)})
    return {"type": p.CHAT_ACK, "id": message.pk, "client_id": message.client_id}


async def _pin(consumer, content: dict) -> None:
    product_id = int_field(content, "product_id", required=False)
    product = await database_sync_to_async(services.product_pin)(
        show=consumer.show, viewer=consumer.viewer, product_id=product_id
    )
    await broadcast(consumer, {"type": p.PINNED, "product": selectors.product_payload(product)})


async def _click(consumer, content: dict) -> dict:
    product_id = int_field(content, "product_id")
    action = content.get("action")
    await database_sync_to_async(services.button_click)(
        show=consumer.show, viewer=consumer.viewer, product_id=product_id, action=action
    )
    return {"type": "click.ack", "product_id": product_id, "action": action}


async def _ping(consumer, content: dict) -> dict:
    return {"type": p.PONG, "t": content.get("t")}


HANDLERS = {p.CHAT_POST: _chat_post, p.PIN: _pin, p.CLICK: _click, p.PING: _ping}


async def dispatch(consumer, content: dict) -> dict | None:
    handler = HANDLERS.get(content["type"])
    if handler is None:
        raise DomainError(
            "protocol.unknown_type", _("Unknown message type: %(t)s") % {"t": content["type"][:40]}
        )
    return await handler(consumer, content)
