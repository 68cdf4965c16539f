"""Who may do what in a fair: a person's roles in it, the fair's rules, and access_fair.

A person's part in a fair is their approved Participant rows (role, and for exhibitor staff the
booth they work in); pending and rejected registrations count as outsiders. The booth and meeting
rules (exhibitors/access.py, meetings/access.py) answer from the same roles.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from fair.models import Fair, Participant
from kernel.access import allowed, require, rule, signed_in
from kernel.errors import NotFound, PermissionDenied

Role = Participant.Role


@dataclass(frozen=True)
class Roles:
    """A signed-in person's approved roles in one fair."""

    roles: frozenset[str] = frozenset()
    staff_of: dict[int, int] = field(default_factory=dict)  # booth id -> their staff Participant id
    participant_ids: dict[str, int] = field(default_factory=dict)  # role -> Participant id

    @property
    def organizer(self) -> bool:
        return Role.ORGANIZER in self.roles

    @property
    def buyer(self) -> bool:
        return Role.BUYER in self.roles

    @property
    def interpreter(self) -> bool:
        return Role.INTERPRETER in self.roles

    @property
    def any(self) -> bool:
        return bool(self.roles)


NOBODY = Roles()
_CACHE_ATTR = "_tradefair_roles"


def roles_in(user, fair_id: int | None) -> Roles:
    """The user's approved roles in one fair, read once per request (cached on the user object)."""
    if not signed_in(user) or not fair_id:
        return NOBODY
    cache = user.__dict__.setdefault(_CACHE_ATTR, {})
    if fair_id not in cache:
        rows = Participant.objects.filter(
            user_id=user.pk, fair_id=fair_id, status=Participant.Status.APPROVED
        ).values_list("role", "booth_id", "pk")
        roles, staff_of, ids = set(), {}, {}
        for role, booth_id, pk in rows.order_by("pk"):
            roles.add(role)
            ids.setdefault(role, pk)
            if role == Role.EXHIBITOR and booth_id:
                staff_of.setdefault(booth_id, pk)
        cache[fair_id] = Roles(frozenset(roles), staff_of, ids)
    return cache[fair_id]


def forget_roles(user) -> None:
    """Drop the cached roles (after a participation changed within the same request)."""
    if user is not None:
        user.__dict__.pop(_CACHE_ATTR, None)


def fair_id_of(obj) -> int | None:
    return obj.pk if isinstance(obj, Fair) else getattr(obj, "fair_id", None)


# --- the rules of a fair ----------------------------------------------------------------------


@rule("fair:view", code="fair.not_found", message=_("No such fair."), public=True)
def _fair_view(user, fair) -> bool:
    """Anyone sees a fair, its halls and its published booths."""
    return fair is not None


@rule("fair:organize", code="fair.denied", message=_("Only the fair's organizers may do this."))
def _fair_organize(user, obj) -> bool:
    """The fair's approved organizers: edit it, decide registrations, dashboard, exports, rounds."""
    return roles_in(user, fair_id_of(obj)).organizer


@rule("fair:attend", code="fair.denied", message=_("Only participants of this fair may do this."))
def _fair_attend(user, obj) -> bool:
    """Any approved participant of the fair, whatever the role: slots, recommendations."""
    return roles_in(user, fair_id_of(obj)).any


# --- access functions --------------------------------------------------------------------------


def access_fair(user, slug: str, *, perm: str = "fair:view") -> Fair:
    """The fair at ``slug`` if ``user`` may ``perm`` it: NotFound when there is none (or it is hidden
    from them), PermissionDenied when they see it but may not do this."""
    fair = Fair.objects.filter(slug=str(slug or "")[:80]).first()
    if fair is None or not allowed(user, "fair:view", fair):
        raise NotFound("fair.not_found", _("No such fair."))
    if perm != "fair:view":
        require(user, perm, fair)
    return fair


def my_participant(user, fair: Fair, role: str) -> Participant | None:
    """The user's approved participation in ``role`` (None for anyone else)."""
    pk = roles_in(user, fair.pk).participant_ids.get(role)
    if pk is None:
        return None
    return Participant.objects.select_related("user", "company", "fair").get(pk=pk)


def access_participation(user, fair: Fair, role: str, *, code: str, message) -> Participant:
    """The user's approved participation in ``role``, or PermissionDenied(code, message)."""
    participant = my_participant(user, fair, role)
    if participant is None:
        raise PermissionDenied(code, message)
    return participant
