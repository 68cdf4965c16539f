"""Telling people: live over the per-user websocket group, and by e-mail through the background worker.

Both go out only after the transaction that made the change commits, so a
rolled-back step notifies no one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction

from meetings import protocol

log = logging.getLogger(__name__)


def push_now(*, user_ids: Iterable[int], payload: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    for user_id in set(user_ids):
        try:
            async_to_sync(layer.group_send)(
                protocol.user_group(user_id), {"type": protocol.RELAY, "payload": payload}
            )
        except Exception:  # a down channel layer must not undo a stored change
            log.exception("live notification to user %s failed", user_id)


def push(*, user_ids: Iterable[int], payload: dict) -> None:
    ids = list(user_ids)
    transaction.on_commit(lambda: push_now(user_ids=ids, payload=payload))


def build_email(
    *, to: str, subject: str, body: str, ics: bytes | None = None, method: str = "REQUEST"
) -> EmailMessage:
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to])
    if ics is not None:
        message.attach("invite.ics", ics, f"text/calendar; charset=utf-8; method={method}")
    return message


def mail(messages: list[EmailMessage]) -> None:
    """Hand each message to the background worker (kernel.jobs.send_email) once the transaction commits."""
    jobs = [
        {
            "to": list(m.to),
            "subject": str(m.subject),
            "body": m.body,
            "attachments": [(a[0], a[1], a[2]) for a in m.attachments],
        }
        for m in messages
    ]

    def send():
        from kernel.jobs import send_email_later

        for job in jobs:
            try:
                send_email_later(**job)
            except Exception:  # a down queue must not undo a stored change
                log.exception("queueing mail to %s failed", job["to"])

    transaction.on_commit(send)
