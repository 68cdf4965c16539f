"""Domain events: what happened, said once by the service that did it, heard by whoever cares.

    events.emit("meeting.accepted", fair_id=meeting.fair_id, subject=meeting, actor=actor, status="accepted")

A service emits inside its transaction. Subscribers say when they want to hear it:

- ``NOW``: at once, inside the same transaction. What they write commits or rolls back with the
  change, and an error they raise undoes it. The transactional outbox is written here (mail and
  live notifications to people, webhooks: kernel/outbox.py), and so is the audit log.
- ``COMMITTED``: in this process once the transaction has committed; never when it rolls back.
  For hints whose loss costs nothing but a later refresh: "this fair changed" to open dashboards,
  a new version of the public page cache. An error is logged, never raised.

Names are ``<object>.<what happened>`` (``booth.published``, ``chat.posted``); a subscription
names one event, or every event of an object with ``<object>.*``, or all with ``*``. docs/events.md
lists every event with its data. Nothing else in the project listens to model signals.
"""

from __future__ import annotations

import fnmatch
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from django.db import transaction
from django.utils import timezone

log = logging.getLogger(__name__)

_NAME = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_.]*$")


class Phase(Enum):
    NOW = "now"
    COMMITTED = "committed"


NOW, COMMITTED = Phase.NOW, Phase.COMMITTED


@dataclass(frozen=True)
class Event:
    name: str
    fair_id: int | None
    subject_type: str  # "meeting", "booth"... (the model's name), or "" for none
    subject_id: int | None
    actor_id: int | None
    data: dict[str, Any] = field(default_factory=dict)
    at: datetime = field(default_factory=timezone.now)
    actor: Any = field(default=None, compare=False, repr=False)  # the user object, in this process only
    subject: Any = field(default=None, compare=False, repr=False)  # the instance, in this process only


Handler = Callable[[Event], None]
_subscribers: list[tuple[str, Phase, Handler]] = []


def subscribe(*patterns: str, phase: Phase):
    """Decorator: call the function with every emitted Event whose name matches one of ``patterns``."""

    def decorator(handler: Handler) -> Handler:
        for pattern in patterns:
            if any(p == pattern and h is handler for p, _ph, h in _subscribers):
                continue  # a module imported twice registers once
            _subscribers.append((pattern, phase, handler))
        return handler

    return decorator


def _matching(name: str, phase: Phase) -> list[Handler]:
    return [h for pattern, ph, h in _subscribers if ph is phase and fnmatch.fnmatchcase(name, pattern)]


def emit(
    name: str,
    *,
    fair_id: int | None = None,
    subject=None,
    actor=None,
    **data,
) -> Event:
    """Say that ``name`` happened (to ``subject``, a model instance, in fair ``fair_id``, done by
    ``actor``, a user or None for the system). ``data``: JSON-able facts subscribers need."""
    if not _NAME.match(name):
        raise ValueError(f"{name!r} is not an event name like 'meeting.accepted'")
    user = actor if getattr(actor, "is_authenticated", False) else None
    event = Event(
        name=name,
        fair_id=fair_id,
        subject_type=subject._meta.model_name if subject is not None else "",
        subject_id=subject.pk if subject is not None else None,
        actor_id=user.pk if user is not None else None,
        data=data,
        actor=user,
        subject=subject,
    )
    for handler in _matching(name, NOW):
        handler(event)
    later = _matching(name, COMMITTED)
    if later:
        transaction.on_commit(lambda: _run_committed(event, later))
    return event


def _run_committed(event: Event, handlers: list[Handler]) -> None:
    for handler in handlers:
        try:
            handler(event)
        except Exception:  # a hint must never break what it reports on
            log.exception("event %s: subscriber %s failed", event.name, handler.__qualname__)
