"""One permission vocabulary and one function that answers it.

Every entry point asks ``has_perm(user, perm, obj)``:

- Django views: ``PermissionMixin`` (class-based) or ``@permission_required`` (functions);
- the REST API: ``HasPerm(Perm.X)`` as a DRF permission class;
- Channels consumers: ``@consumer_requires(Perm.X, get_obj)`` on ``connect`` or a handler.

The answer comes from the user's ``Participant`` rows in the object's fair (role
and approval status) and, for booths, which booth a staff member works in.
Superusers may do everything. Pending or rejected participants count as outsiders.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from rest_framework.permissions import BasePermission

from kernel.errors import PermissionDenied


class Perm(StrEnum):
    """Namespaced permission strings: ``<object>:<action>``."""

    FAIR_VIEW = "fair:view"  # see the fair, its halls and published booths
    FAIR_ORGANIZE = "fair:organize"  # edit the fair, approve participants, dashboard, exports
    FAIR_ATTEND = "fair:attend"  # an approved participant of the fair, any role
    BOOTH_VIEW = "booth:view"  # published booths: anyone; drafts: their staff and the organizers
    BOOTH_EDIT = "booth:edit"  # the booth's approved staff and the fair's organizers
    BOOTH_STAFF = "booth:staff"  # answer the live booth's chat as the exhibitor
    BOOTH_CHAT = "booth:chat"  # chat in a published booth: approved participants of its fair
    MEETING_REQUEST = "meeting:request"  # approved buyers of the fair, towards a published booth
    MEETING_JOIN = "meeting:join"  # the meeting's buyer, its booth's staff, its interpreter, organizers
    MEETING_INTERPRET = "meeting:interpret"  # approved interpreters of the fair


_ROLES_ATTR = "_tradefair_roles"


def _roles(user, fair_id: int) -> list[tuple[str, int | None]]:
    """(role, booth_id) of the user's approved participations in one fair; cached on the user object."""
    from fair.models import Participant

    cache = getattr(user, _ROLES_ATTR, None)
    if cache is None:
        cache = {}
        setattr(user, _ROLES_ATTR, cache)
    if fair_id not in cache:
        cache[fair_id] = list(
            Participant.objects.filter(
                user_id=user.pk, fair_id=fair_id, status=Participant.Status.APPROVED
            ).values_list("role", "booth_id")
        )
    return cache[fair_id]


def forget_roles(user) -> None:
    """Drop the cached roles (after a participation changed within the same request)."""
    if hasattr(user, _ROLES_ATTR):
        delattr(user, _ROLES_ATTR)


def _fair_id(obj) -> int | None:
    from fair.models import Fair

    if isinstance(obj, Fair):
        return obj.pk
    return getattr(obj, "fair_id", None)


def _booth_published(booth) -> bool:
    return booth.status == "published"


def _meeting_members(meeting) -> tuple[set[int], set[int]]:
    """(user ids, booth ids) taking part in a meeting-like object.

    A meeting names its ``buyer`` and ``exhibitor`` participants and maybe an
    ``interpreter``; the exhibitor side is the whole staff of its booth.
    """
    users: set[int] = set()
    booths: set[int] = set()
    for name in ("buyer", "exhibitor", "interpreter"):
        p = getattr(meeting, name, None)
        if p is None:
            continue
        if p.user_id:
            users.add(p.user_id)
        if name == "exhibitor" and p.booth_id:
            booths.add(p.booth_id)
    booth_id = getattr(meeting, "booth_id", None)
    if booth_id:
        booths.add(booth_id)
    return users, booths


def has_perm(user, perm: Perm | str, obj: Any) -> bool:
    """May ``user`` do ``perm`` on ``obj`` (a Fair, a Booth, a meeting, or anything with ``fair_id``)?"""
    perm = Perm(perm)
    from exhibitors.models import Booth

    booth = obj if isinstance(obj, Booth) else None
    # Public reads first: they need no account.
    if perm is Perm.FAIR_VIEW:
        return obj is not None
    if perm is Perm.BOOTH_VIEW and booth is not None and _booth_published(booth):
        return True

    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    fair_id = _fair_id(obj)
    if fair_id is None:
        return False
    roles = _roles(user, fair_id)
    role_names = {role for role, _booth in roles}
    organizer = "organizer" in role_names
    staff_of = {booth_id for role, booth_id in roles if role == "exhibitor" and booth_id}

    if perm is Perm.FAIR_ORGANIZE:
        return organizer
    if perm is Perm.FAIR_ATTEND:
        return bool(role_names)
    if perm is Perm.MEETING_INTERPRET:
        return "interpreter" in role_names
    if perm is Perm.BOOTH_VIEW:
        return booth is not None and (booth.pk in staff_of or organizer)
    if perm is Perm.BOOTH_EDIT:
        return booth is not None and (booth.pk in staff_of or organizer)
    if perm is Perm.BOOTH_STAFF:
        return booth is not None and booth.pk in staff_of
    if perm is Perm.BOOTH_CHAT:
        if booth is None:
            return False
        return booth.pk in staff_of or (_booth_published(booth) and bool(role_names))
    if perm is Perm.MEETING_REQUEST:
        if booth is not None and not _booth_published(booth):
            return False
        return "buyer" in role_names
    if perm is Perm.MEETING_JOIN:
        if organizer:
            return True
        users, booths = _meeting_members(obj)
        return user.pk in users or bool(staff_of & booths)
    return False  # pragma: no cover - every Perm is answered above


# --- Django views ------------------------------------------------------------------


class PermissionMixin(AccessMixin):
    """Class-based views: set ``permission`` and implement ``get_permission_object()``.

    Anonymous users are sent to the login page; signed-in users without the
    permission get 403.
    """

    permission: Perm

    def get_permission_object(self):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not has_perm(request.user, self.permission, self.get_permission_object()):
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)


def permission_required(perm: Perm, get_obj: Callable[..., Any]):
    """Function views: ``@permission_required(Perm.BOOTH_EDIT, lambda request, booth_id: ...)``."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if has_perm(request.user, perm, get_obj(request, *args, **kwargs)):
                return view(request, *args, **kwargs)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise DjangoPermissionDenied(perm.value)

        return wrapped

    return decorator


# --- REST API ----------------------------------------------------------------------


class HasPerm(BasePermission):
    """DRF: ``permission_classes = [HasPerm(Perm.BOOTH_VIEW)]`` checks each object the view looks up."""

    def __init__(self, perm: Perm):
        self.perm = Perm(perm)
        self.message = {"code": "protocol.denied", "message": f"{self.perm.value} denied"}

    def __call__(self):  # DRF instantiates what it finds in permission_classes
        return self

    def has_object_permission(self, request, view, obj):
        return has_perm(request.user, self.perm, obj)


# --- Channels consumers --------------------------------------------------------------


def consumer_requires(perm: Perm, get_obj: Callable[[Any], Any]):
    """Channels: guard ``connect`` or a handler of an async consumer.

    ``get_obj(consumer)`` returns the object (it may be a coroutine function).
    On ``connect`` a refusal closes the socket with code 4403; in a handler it
    raises ``PermissionDenied("protocol.denied")`` for the consumer to answer.
    """

    check = sync_to_async(has_perm)

    def decorator(method):
        @functools.wraps(method)
        async def wrapped(self, *args, **kwargs):
            obj = get_obj(self)
            if hasattr(obj, "__await__"):
                obj = await obj
            if await check(self.scope.get("user"), perm, obj):
                return await method(self, *args, **kwargs)
            if method.__name__ == "connect":
                return await self.close(code=4403)
            raise PermissionDenied("protocol.denied", f"{Perm(perm).value} denied")

        return wrapped

    return decorator
