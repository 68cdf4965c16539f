"""Who may do what with a booth: its rules, access_booth, and the Viewer the live booth keeps.

The rules answer from the person's roles in the booth's fair (fair/access.py). The live booth
holds a ``Viewer`` per socket, built here from the same rules when the socket opens, so the chat,
knock and moderation services ask the rules without a query per frame.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from exhibitors.models import Booth
from fair.access import participant_of, roles_in
from fair.models import Participant
from kernel.access import allowed, require, rule, signed_in, token_fair_id
from kernel.errors import NotFound

Role = Participant.Role


def _roles(user, booth):
    return roles_in(user, booth.fair_id)


@rule("booth:view", code="booth.not_found", message=_("No such booth."), public=True)
def _booth_view(user, booth) -> bool:
    """Published booths of a published fair: anyone. Drafts, and every booth of a fair not yet
    published: their staff and the fair's organizers."""
    if booth.status == Booth.Status.PUBLISHED and booth.fair.published:
        return True
    roles = _roles(user, booth)
    return booth.pk in roles.staff_of or roles.organizer


@rule("booth:edit", code="booth.denied", message=_("Only the booth's staff and the organizers may edit it."))
def _booth_edit(user, booth) -> bool:
    """The booth's approved staff and the fair's organizers: the booth builder, publishing."""
    roles = _roles(user, booth)
    return booth.pk in roles.staff_of or roles.organizer


@rule("booth:staff", code="protocol.denied", message=_("Only the booth's staff can do this."))
def _booth_staff(user, booth) -> bool:
    """The booth's approved staff: answer knocks, set the live status, speak as the exhibitor."""
    return booth.pk in _roles(user, booth).staff_of


@rule(
    "booth:leads",
    code="matching.denied",
    message=_("Only this booth's staff see the buyers recommended to it and its markets."),
)
def _booth_leads(user, booth) -> bool:
    """Recommended buyers, promising markets and leads of a booth: its approved staff."""
    return booth.pk in _roles(user, booth).staff_of


@rule(
    "booth:chat",
    code="chat.denied",
    message=_("Only participants of this fair can write in its booths."),
    login_code="chat.login_required",
)
def _booth_chat(user, booth) -> bool:
    """Write in a booth's chat: its staff and the organizers (drafts too); in a published booth,
    every approved participant of the fair."""
    roles = _roles(user, booth)
    if booth.pk in roles.staff_of or roles.organizer:
        return True
    return booth.status == Booth.Status.PUBLISHED and roles.any


@rule("booth:moderate", code="protocol.denied", message=_("Only the booth's staff can hide messages."))
def _booth_moderate(user, booth) -> bool:
    """Hide chat lines: the booth's staff and the fair's organizers (only in threads they can read)."""
    roles = _roles(user, booth)
    return booth.pk in roles.staff_of or roles.organizer


@rule(
    "booth:knock",
    code="protocol.denied",
    message=_("Only buyers of this fair can knock on a booth."),
    login_code="chat.login_required",
)
def _booth_knock(user, booth) -> bool:
    """Knock for a private chat: approved buyers of the fair, on a published booth."""
    return booth.status == Booth.Status.PUBLISHED and _roles(user, booth).buyer


def access_booth(
    user, booth_id, *, perm: str = "booth:view", fair=None, lock: bool = False, rows=None
) -> Booth:
    """The booth ``booth_id`` (in ``fair`` when given) if ``user`` may ``perm`` it.

    NotFound when there is none, it is in another fair, or the user may not see it (a draft);
    PermissionDenied when they see it but may not do ``perm``. ``rows``: a Booth queryset to load it
    from (a page's prefetches).
    """
    rows = rows if rows is not None else Booth.objects.select_related("company", "fair", "hall")
    if lock:
        rows = rows.select_for_update(of=("self",))
    try:
        booth = rows.filter(pk=int(booth_id)).first() if booth_id is not None else None
    except (TypeError, ValueError):
        booth = None
    if (
        booth is None
        or (fair is not None and booth.fair_id != fair.pk)
        or token_fair_id(user) not in (None, booth.fair_id)
        or not allowed(user, "booth:view", booth)
    ):
        raise NotFound("booth.not_found", _("No such booth."))
    if perm != "booth:view":
        require(user, perm, booth)
    return booth


# --- the live booth's viewer ----------------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    """A person in a booth, as the live booth sees them. Never carries contact details.

    ``role`` is what others see them as: staff, organizer, buyer, participant (another role in the
    fair), user (signed in, not in the fair) or anonymous. The ``can_*`` answers come from the rules.
    """

    user_id: int | None
    role: str
    name: str  # what others see: a first name and a company, never an e-mail address
    participant_id: int | None = None
    can_view: bool = False  # booth:view
    can_post: bool = False  # booth:chat
    can_moderate: bool = False  # booth:moderate
    can_knock: bool = False  # booth:knock

    @property
    def is_staff(self) -> bool:
        return self.role == "staff"


ANONYMOUS = Viewer(user_id=None, role="anonymous", name="")  # what booth:view gives a visitor of a draft
ANONYMOUS_IN_PUBLISHED = Viewer(user_id=None, role="anonymous", name="", can_view=True)


def display_name(participant: Participant | None, user, *, booth: Booth | None = None) -> str:
    """A first name and the company: what exhibitors and other visitors see of a person."""
    first = (getattr(user, "first_name", "") or "").strip()
    company = (
        booth.company.name
        if booth is not None
        else (participant.company.name if participant and participant.company_id else "")
    )
    if first and company:
        return f"{first} ({company})"
    return first or company or f"Visitor {user.pk}"


def viewer_of(user, booth: Booth) -> Viewer:
    """The Viewer of ``user`` in ``booth``: who others see, and what the rules let them do there.
    A visitor who is not signed in costs no query."""
    if not signed_in(user):  # booth:view is public: answered without a query
        return ANONYMOUS_IN_PUBLISHED if allowed(user, "booth:view", booth) else ANONYMOUS
    roles = roles_in(user, booth.fair_id)
    rights = {
        "can_view": allowed(user, "booth:view", booth),
        "can_post": allowed(user, "booth:chat", booth),
        "can_moderate": allowed(user, "booth:moderate", booth),
        "can_knock": allowed(user, "booth:knock", booth),
    }
    ids = roles.participant_ids
    if booth.pk in roles.staff_of:
        name = display_name(None, user, booth=booth)
        return Viewer(user.pk, "staff", name, roles.staff_of[booth.pk], **rights)
    for role, name in ((Role.BUYER, "buyer"), (Role.ORGANIZER, "organizer")):
        if role in ids:
            p = participant_of(user, ids[role])
            return Viewer(user.pk, name, display_name(p, user), p.pk, **rights)
    if user.is_superuser:
        return Viewer(user.pk, "organizer", display_name(None, user), None, **rights)
    if ids:
        p = participant_of(user, next(iter(ids.values())))
        return Viewer(user.pk, "participant", display_name(p, user), p.pk, **rights)
    return Viewer(user.pk, "user", display_name(None, user), None, **rights)
