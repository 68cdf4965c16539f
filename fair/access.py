"""Who may do what in a fair: a person's roles in it, the fair's rules, and access_fair.

A person's part in a fair is their approved Participant rows (role, and for exhibitor staff the
booth they work in); pending and rejected registrations count as outsiders. The booth and meeting
rules (exhibitors/access.py, meetings/access.py) answer from the same roles.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from fair.models import Fair, Participant
from kernel import access as access_kernel
from kernel.access import allowed, require, rule, signed_in, token_fair_id
from kernel.errors import NotFound, PermissionDenied

Role = Participant.Role


@dataclass(frozen=True)
class Roles:
    """A signed-in person's approved roles in one fair."""

    roles: frozenset[str] = frozenset()
    staff_of: dict[int, int] = field(default_factory=dict)  # booth id -> their staff Participant id
    participant_ids: dict[str, int] = field(default_factory=dict)  # role -> Participant id
    # Registrations the organizers have not approved (no rights: what the pages say about them).
    pending: frozenset[str] = frozenset()
    rejected: frozenset[str] = frozenset()

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

    @property
    def registered(self) -> bool:
        """Registered as a buyer or an exhibitor, whatever the organizers decided."""
        taken = self.roles | self.pending | self.rejected
        return bool(taken & {Role.BUYER, Role.EXHIBITOR})


NOBODY = Roles()
_CACHE_ATTR = "_tradefair_roles"


def roles_in(user, fair_id: int | None) -> Roles:
    """The user's approved roles in one fair (and the registrations still pending or rejected), read
    once per request (cached on the user object)."""
    if not signed_in(user) or not fair_id:
        return NOBODY
    cache = user.__dict__.setdefault(_CACHE_ATTR, {})
    if fair_id not in cache:
        rows = Participant.objects.filter(user_id=user.pk, fair_id=fair_id).values_list(
            "role", "booth_id", "pk", "status"
        )
        roles, staff_of, ids, pending, rejected = set(), {}, {}, set(), set()
        for role, booth_id, pk, status in rows.order_by("pk"):
            if status == Participant.Status.PENDING:
                pending.add(role)
                continue
            if status != Participant.Status.APPROVED:
                rejected.add(role)
                continue
            roles.add(role)
            ids.setdefault(role, pk)
            if role == Role.EXHIBITOR and booth_id:
                staff_of.setdefault(booth_id, pk)
        cache[fair_id] = Roles(frozenset(roles), staff_of, ids, frozenset(pending), frozenset(rejected))
    return cache[fair_id]


def forget_roles(user) -> None:
    """Drop the cached roles (after a participation changed within the same request)."""
    if user is not None:
        user.__dict__.pop(_CACHE_ATTR, None)


def fair_id_of(obj) -> int | None:
    return obj.pk if isinstance(obj, Fair) else getattr(obj, "fair_id", None)


def scope_fair_id(obj) -> int | None:
    """The fair of any object a rule is asked about (a fair, a booth, a meeting, an agreement, an
    outcome, a shipment, a signatory...): what an API token's fair is compared with."""
    for _depth in range(3):
        if obj is None:
            return None
        if isinstance(obj, Fair):
            return obj.pk
        if getattr(obj, "fair_id", None) is not None:
            return obj.fair_id
        parents = ("outcome", "agreement", "meeting", "booth")
        obj = next((getattr(obj, name) for name in parents if hasattr(obj, name)), None)
    return None


access_kernel.fair_of = scope_fair_id


# --- the rules of a fair ----------------------------------------------------------------------


@rule("fair:view", code="fair.not_found", message=_("No such fair."), public=True)
def _fair_view(user, fair) -> bool:
    """Anyone sees a published fair, its halls and its published booths; a fair not yet published
    (unlisted) only its organizers."""
    if fair is None:
        return False
    return fair.published or roles_in(user, fair.pk).organizer


@rule("fair:create", code="fair.create_denied", message=_("You may not create fairs here yet."))
def _fair_create(user, _obj) -> bool:
    """Create a fair: anyone signed in when FAIR_CREATION is "anyone"; with "approved", the users a
    superuser or an organizer made fair creators (and superusers)."""
    return settings.FAIR_CREATION == "anyone" or bool(getattr(user, "can_create_fairs", False))


@rule(
    "fair:grant_creators",
    code="fair.denied",
    message=_("Only organizers may name who creates fairs."),
)
def _fair_grant_creators(user, _obj) -> bool:
    """Name who may create fairs (the "Fair creators" page): superusers and the approved organizers
    of any fair."""
    return Participant.objects.filter(
        user_id=user.pk, role=Role.ORGANIZER, status=Participant.Status.APPROVED
    ).exists()


@rule("fair:organize", code="fair.denied", message=_("Only the fair's organizers may do this."))
def _fair_organize(user, obj) -> bool:
    """The fair's approved organizers: edit it, decide registrations, dashboard, exports, rounds."""
    return roles_in(user, fair_id_of(obj)).organizer


@rule("fair:attend", code="fair.denied", message=_("Only participants of this fair may do this."))
def _fair_attend(user, obj) -> bool:
    """Any approved participant of the fair, whatever the role: slots, recommendations."""
    return roles_in(user, fair_id_of(obj)).any


# --- access functions --------------------------------------------------------------------------


@rule("token:manage", code="token.not_found", message=_("No such token."))
def _token_manage(user, token) -> bool:
    """See and revoke an API token: a personal token, its owner; an organization token, every
    approved staff member of its booth (the company's admins), or of a fair's organizers token, every
    organizer of the fair."""
    if token.kind == "personal":
        return token.user_id == user.pk
    roles = roles_in(user, token.fair_id)
    return token.booth_id in roles.staff_of if token.booth_id else roles.organizer


@rule(
    "token:company",
    code="token.not_staff",
    message=_("Only the approved staff of a booth make tokens for their company."),
)
def _token_company(user, fair) -> bool:
    """Make an organization token for one's company: the approved staff of a booth of the fair."""
    return bool(roles_in(user, fair.pk).staff_of)


def access_fair(user, slug: str, *, perm: str = "fair:view") -> Fair:
    """The fair at ``slug`` if ``user`` may ``perm`` it: NotFound when there is none (or it is hidden
    from them), PermissionDenied when they see it but may not do this."""
    fair = Fair.objects.filter(slug=str(slug or "")[:80]).first()
    scope = token_fair_id(user)  # an API token is bound to its fair: no other exists for it
    if fair is None or not allowed(user, "fair:view", fair) or (scope is not None and fair.pk != scope):
        raise NotFound("fair.not_found", _("No such fair."))
    if perm != "fair:view":
        require(user, perm, fair)
    return fair


def my_participant(user, fair: Fair, role: str) -> Participant | None:
    """The user's approved participation in ``role`` (None for anyone else)."""
    pk = roles_in(user, fair.pk).participant_ids.get(role)
    if pk is None:
        return None
    return participant_of(user, pk)


def participant_of(user, pk: int) -> Participant:
    """One of the user's own participations, with its user, company and fair: read once per request
    (kept on the user object beside the roles, dropped with them by forget_roles). A page that asks
    for it twice (the booth page's viewer and its bookmarks) costs one query."""
    kept = user.__dict__.setdefault(_CACHE_ATTR, {}).setdefault("participants", {})
    if pk not in kept:
        kept[pk] = Participant.objects.select_related("user", "company", "fair").get(pk=pk, user_id=user.pk)
    return kept[pk]


def access_participation(user, fair: Fair, role: str, *, code: str, message) -> Participant:
    """The user's approved participation in ``role``, or PermissionDenied(code, message)."""
    participant = my_participant(user, fair, role)
    if participant is None:
        raise PermissionDenied(code, message)
    return participant
