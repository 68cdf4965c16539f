"""Who may do what with a meeting: its rules, access_meeting and side_of.

A meeting's members are its buyer, the approved staff of its booth and, once confirmed, its
interpreter, each through an approved participation; the fair's organizers see every meeting of
their fair. A rejected buyer or a merely proposed interpreter is not a member.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from exhibitors.models import Booth
from fair.access import roles_in
from fair.models import Participant
from kernel.access import allowed, require, rule
from kernel.errors import NotFound, PermissionDenied
from meetings.models import Meeting

BUYER = Meeting.Side.BUYER
EXHIBITOR = Meeting.Side.EXHIBITOR
ORGANIZER = "organizer"
INTERPRETER = "interpreter"


def member_side(user, meeting: Meeting) -> str | None:
    """buyer, exhibitor, interpreter or organizer: the user's place in the meeting, or None."""
    roles = roles_in(user, meeting.fair_id)
    if roles.participant_ids.get(Participant.Role.BUYER) == meeting.buyer_id:
        return BUYER
    if meeting.booth_id in roles.staff_of:
        return EXHIBITOR
    if (
        meeting.interpreter_id
        and roles.participant_ids.get(Participant.Role.INTERPRETER) == meeting.interpreter_id
        and meeting.interpreter_status == Meeting.InterpreterStatus.CONFIRMED
    ):
        return INTERPRETER
    if roles.organizer:
        return ORGANIZER
    return None


@rule("meeting:view", code="meeting.not_found", message=_("No such meeting."))
def _meeting_view(user, meeting) -> bool:
    """See a meeting: its buyer, its booth's staff, its confirmed interpreter, the fair's organizers."""
    return member_side(user, meeting) is not None


@rule("meeting:act", code="meeting.denied", message=_("You are not part of this meeting."))
def _meeting_act(user, meeting) -> bool:
    """Answer, move, cancel, mark held: its buyer, its booth's staff and the fair's organizers."""
    return member_side(user, meeting) in (BUYER, EXHIBITOR, ORGANIZER)


@rule("meeting:join", code="meeting.denied", message=_("You are not part of this meeting."))
def _meeting_join(user, meeting) -> bool:
    """Enter the video room: every member (the organizers as observers)."""
    return member_side(user, meeting) is not None


@rule("lead:keep", code="ledger.denied", message=_("Only the booth's staff keep its ledger."))
def _lead_keep(user, meeting) -> bool:
    """The booth's private ledger of a meeting (how the lead moved on): its staff only."""
    return member_side(user, meeting) == EXHIBITOR


@rule(
    "meeting:request",
    code="meeting.denied",
    message=_("Only approved buyers of this fair request meetings, from published booths."),
)
def _meeting_request(user, booth) -> bool:
    """Ask a booth for a meeting: approved buyers of the fair, towards a published booth; the fair's
    organizers on a buyer's behalf."""
    roles = roles_in(user, booth.fair_id)
    return booth.status == Booth.Status.PUBLISHED and (roles.buyer or roles.organizer)


@rule(
    "meeting:invite",
    code="meeting.denied",
    message=_("Only the booth's staff invite buyers to a meeting."),
)
def _meeting_invite(user, booth) -> bool:
    """Invite a buyer to a meeting: the approved staff of a published booth, and the organizers."""
    roles = roles_in(user, booth.fair_id)
    return booth.status == Booth.Status.PUBLISHED and (booth.pk in roles.staff_of or roles.organizer)


@rule("availability:keep", code="meeting.denied", message=_("You may not change this availability."))
def _availability_keep(user, party) -> bool:
    """Publish when a party is free: a booth's staff for the booth, a buyer or an interpreter for
    themselves; the fair's organizers for anyone of their fair."""
    roles = roles_in(user, party.fair_id)
    if roles.organizer:
        return True
    if isinstance(party, Booth):
        return party.pk in roles.staff_of
    return party.role in (Participant.Role.BUYER, Participant.Role.INTERPRETER) and (
        roles.participant_ids.get(party.role) == party.pk
    )


MEETING_RELATED = ("fair", "buyer__user", "buyer__company", "booth__company", "slot", "interpreter__user")


def access_meeting(user, meeting_id, *, perm: str = "meeting:view", lock: bool = False) -> Meeting:
    """The meeting ``meeting_id`` if ``user`` may ``perm`` it.

    NotFound for no such meeting and for one the user is not part of (a refusal never tells that a
    meeting exists); PermissionDenied for a member who may not do ``perm``.
    """
    rows = Meeting.objects.select_related(*MEETING_RELATED)
    if lock:
        rows = rows.select_for_update(of=("self",))
    try:
        meeting = rows.filter(pk=int(meeting_id)).first()
    except (TypeError, ValueError, OverflowError):
        meeting = None
    if meeting is None or not allowed(user, "meeting:view", meeting):
        raise NotFound("meeting.not_found", _("No such meeting."))
    if perm != "meeting:view":
        require(user, perm, meeting)
    return meeting


def side_of(user, meeting: Meeting) -> str:
    """'buyer', 'exhibitor' or 'organizer' for those who may act on the meeting; PermissionDenied else."""
    if allowed(user, "meeting:act", meeting):
        side = member_side(user, meeting)
        return side if side in (BUYER, EXHIBITOR) else ORGANIZER
    raise PermissionDenied("meeting.denied", _("You are not part of this meeting."))
