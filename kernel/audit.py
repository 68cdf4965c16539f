"""The audit log: who did what, when, to which object, in which fair, and whose data it touched.

One function writes it, in the spirit of pretix's ``LoggedModel.log_action``::

    audit.log_action(actor, "meeting.accepted", meeting, {"status": "accepted"}, fair_id=meeting.fair_id)

and it is called from two places only:

- ``_record``, a ``NOW`` subscriber to every domain event (kernel/events.py): the services already
  say what changed, with the actor, inside their transaction, so the log line commits or rolls back
  with the change. Events that are traffic rather than a change (visits, chat lines, knocks, reading
  an agreement) are left out: ``NOT_LOGGED``.
- ``AuditMixin`` / ``AuditedAdmin``, the base of every ModelAdmin (tests/kernel/test_audit.py checks):
  additions, changes and deletions made in /admin/

Whose data a line touches ("people") is asked of the app that owns the object: it registers a
function with ``@audit.people_of("meeting")`` (in its subscribers.py); without one, an object with a
``user_id`` concerns that user, and a user concerns themselves. The kernel knows no app.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model

from kernel import events
from kernel.models import AuditEntry

# Traffic, not changes: these events are heard by the dashboard, not written to the log.
NOT_LOGGED = frozenset(
    {
        "interaction.recorded",
        "chat.posted",
        "knock.created",
        "knock.answered",
        "knock.message_left",
        "knock.missed",
        "agreement.viewed",
    }
)

PeopleOf = Callable[[Any], Iterable[int]]
_people_of: dict[str, PeopleOf] = {}


def people_of(model_name: str):
    """Decorator: the function that answers which user ids an object of ``model_name`` concerns."""

    def decorator(fn: PeopleOf) -> PeopleOf:
        _people_of[model_name] = fn
        return fn

    return decorator


def _people(obj) -> set[int]:
    if obj is None:
        return set()
    name = obj._meta.model_name
    if name in _people_of:
        return {pk for pk in _people_of[name](obj) if pk}
    if obj._meta.label_lower == _user_label():
        return {obj.pk}
    user_id = getattr(obj, "user_id", None)
    return {user_id} if user_id else set()


def _user_label() -> str:
    from django.conf import settings

    return settings.AUTH_USER_MODEL.lower()


def _fair_of(obj) -> int | None:
    if obj is None:
        return None
    if obj._meta.model_name == "fair":
        return obj.pk
    return getattr(obj, "fair_id", None)


def _jsonable(data: dict | None) -> dict:
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder, default=str))


def log_action(
    actor,
    action: str,
    obj: Model | None = None,
    data: dict | None = None,
    *,
    fair_id: int | None = None,
    people: Iterable[int] = (),
) -> AuditEntry:
    """Write one line of the audit log. ``actor``: the user who did it (None or anonymous: the
    platform itself); ``obj``: the object it was done to; ``fair_id``: the fair whose organizers read
    it (taken from ``obj`` when not given); ``people``: user ids whose data it touched, added to those
    the owning app names for ``obj``."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry.objects.create(
        actor=user,
        actor_name=(user.get_full_name() or user.get_username()) if user else "",
        action=action,
        fair_id=fair_id if fair_id is not None else _fair_of(obj),
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        data=_jsonable(data),
    )
    concerned = _people(obj) | {pk for pk in people if pk}
    if concerned:
        entry.people.add(*concerned)
    return entry


@events.subscribe("*", phase=events.NOW)
def _record(event: events.Event) -> None:
    if event.name in NOT_LOGGED:
        return
    log_action(event.actor, event.name, event.subject, event.data, fair_id=event.fair_id)


class AuditMixin:
    """For a ModelAdmin: its additions, changes and deletions also go to the audit log."""

    def log_addition(self, request, obj, message):
        log_action(request.user, "admin.added", obj, {"message": _message(message)})
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        log_action(request.user, "admin.changed", obj, {"message": _message(message)})
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            log_action(request.user, "admin.deleted", obj)
        return super().log_deletions(request, queryset)


class AuditedAdmin(AuditMixin, admin.ModelAdmin):
    """The ModelAdmin every app registers its models with."""


def _message(message) -> str:
    return message if isinstance(message, str) else json.dumps(message, cls=DjangoJSONEncoder, default=str)


# --- reading the log ---------------------------------------------------------------------------------

# What an organizer filters the fair's log by: a name -> the object types it covers.
TOPICS: dict[str, tuple[str, ...]] = {
    "registrations": ("participant", "company"),
    "booths": ("booth", "product", "message"),
    "meetings": ("meeting", "round"),
    "outcomes": ("outcome", "tradeoutcome", "shipment", "leadupdate"),
    "agreements": ("agreement", "ceremony"),
    "fair": ("fair", "hall", "faircurrencyrate", "user", "fairretention"),
}


def fair_entries(fair_id: int, *, topic: str = "", who: str = "", since=None, until=None):
    """The audit log of one fair, newest first, filtered (for its organizers' console page)."""
    entries = AuditEntry.objects.filter(fair_id=fair_id)
    if topic == "admin":
        entries = entries.filter(action__startswith="admin.")
    elif topic in ("imports", "exports"):
        entries = entries.filter(action__startswith="dataset." if topic == "imports" else "report.")
    elif topic in TOPICS:
        entries = entries.filter(object_type__in=TOPICS[topic]).exclude(action__startswith="admin.")
    if who:
        entries = entries.filter(actor_name__icontains=who) | entries.filter(actor__email__iexact=who)
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    return entries.select_related("actor").order_by("-at", "-id")


def entries_about(user) -> Any:
    """What was done to this person's data (by anyone, themselves included), newest first."""
    return AuditEntry.objects.filter(people=user).select_related("actor").order_by("-at", "-id")
