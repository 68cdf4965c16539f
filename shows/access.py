"""Who may do what with a live show: its rules, access_show, and the ShowViewer the show socket keeps.

A show belongs to a booth: who sees it and who writes in its chat follow the booth's rules
(exhibitors/access.py); who may be admitted to its Janus room (watch) and who presents are the
show's own. Janus tokens are issued only to those ``show:watch`` or ``show:present`` admits
(shows/services.py, show_admission); Janus itself refuses everyone else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from exhibitors.access import display_name, viewer_of
from exhibitors.models import Booth
from fair.access import roles_in
from fair.models import Participant
from kernel.access import allowed, require, rule, signed_in, token_fair_id
from kernel.errors import NotFound
from shows.models import Show, ShowInterpretation


@rule("show:view", code="show.not_found", message=_("No such show."), public=True)
def _show_view(user, show) -> bool:
    """A show's page and its place in the programme: whoever may see its booth, and the interpreters
    assigned to it."""
    return (
        allowed(user, "booth:view", show.booth) or interpretation_of(user, show, confirmed=False) is not None
    )


def interpretation_of(user, show, *, confirmed: bool = True) -> ShowInterpretation | None:
    """The show's interpretation ``user`` is the (confirmed) interpreter of, through their approved
    interpreter participation in the show's fair; None for anyone else."""
    me = roles_in(user, show.fair_id).participant_ids.get(Participant.Role.INTERPRETER)
    if me is None:
        return None
    rows = ShowInterpretation.objects.filter(show_id=show.pk, interpreter_id=me)
    if confirmed:
        rows = rows.filter(status=ShowInterpretation.Status.CONFIRMED)
    else:
        rows = rows.exclude(status=ShowInterpretation.Status.DECLINED)
    return rows.first()


@rule(
    "show:schedule",
    code="show.denied",
    message=_("Only the booth's staff can schedule its shows."),
)
def _show_schedule(user, booth: Booth) -> bool:
    """Schedule a show of a booth: its approved staff."""
    return booth.pk in roles_in(user, booth.fair_id).staff_of


@rule("show:present", code="show.denied", message=_("Only the booth's staff can present its shows."))
def _show_present(user, show) -> bool:
    """Go live, pin products, end the show, change or cancel it: the booth's approved staff."""
    return show.booth_id in roles_in(user, show.fair_id).staff_of


@rule(
    "show:interpreters",
    code="show.denied",
    message=_("Only the booth's staff and the fair's organizers assign interpreters to its shows."),
)
def _show_interpreters(user, show) -> bool:
    """Assign an interpreter to a show, or take them off it: the booth's approved staff and the
    fair's organizers."""
    roles = roles_in(user, show.fair_id)
    return show.booth_id in roles.staff_of or roles.organizer


@rule(
    "show:interpret",
    code="show.interpret_denied",
    message=_("Only the show's confirmed interpreter can interpret it."),
)
def _show_interpret(user, show) -> bool:
    """Publish an interpretation (audio only) into the show's video room and hear the presenter: the
    interpreter the show's interpretation names, once confirmed, through an approved participation."""
    return interpretation_of(user, show) is not None


@rule(
    "show:interpretation_answer",
    code="show.interpret_denied",
    message=_("Only the interpreter it was assigned to can answer it."),
)
def _show_interpretation_answer(user, interpretation) -> bool:
    """Confirm or decline an interpretation of a show (asked of the interpretation): the interpreter
    it names, through an approved participation."""
    me = roles_in(user, interpretation.show.fair_id).participant_ids.get(Participant.Role.INTERPRETER)
    return me is not None and me == interpretation.interpreter_id


@rule(
    "show:watch",
    code="show.watch_denied",
    message=_("Only participants of this fair can watch its shows."),
    login_code="show.login_required",
)
def _show_watch(user, show) -> bool:
    """Be admitted to the show's video (a Janus token): the booth's staff and the fair's organizers;
    on a published booth, every approved participant of the fair."""
    roles = roles_in(user, show.fair_id)
    if show.booth_id in roles.staff_of or roles.organizer:
        return True
    return show.booth.status == Booth.Status.PUBLISHED and roles.any


@rule(
    "show:chat",
    code="chat.denied",
    message=_("Only participants of this fair can write in its booths."),
    login_code="chat.login_required",
)
def _show_chat(user, show) -> bool:
    """Write in a show's chat: whoever may write in its booth's chat (booth:chat)."""
    return allowed(user, "booth:chat", show.booth)


def access_show(user, show_id, *, perm: str = "show:view", fair=None, lock: bool = False) -> Show:
    """The show ``show_id`` (in ``fair`` when given) if ``user`` may ``perm`` it.

    NotFound when there is none, it is in another fair, or the user may not see it; PermissionDenied
    when they see it but may not do ``perm``.
    """
    rows = Show.objects.select_related("booth__company", "booth__fair", "fair", "pinned")
    if lock:
        rows = rows.select_for_update(of=("self",))
    try:
        show = rows.filter(pk=int(show_id)).first() if show_id is not None else None
    except (TypeError, ValueError):
        show = None
    if (
        show is None
        or (fair is not None and show.fair_id != fair.pk)
        or token_fair_id(user) not in (None, show.fair_id)
        or not allowed(user, "show:view", show)
    ):
        raise NotFound("show.not_found", _("No such show."))
    if perm != "show:view":
        require(user, perm, show)
    return show


def access_interpretation(user, show: Show, interpretation_id, *, perm: str) -> ShowInterpretation:
    """The interpretation ``interpretation_id`` of ``show`` (already seen through access_show) if
    ``user`` may ``perm`` it: "show:interpretation_answer" (asked of the interpretation) or
    "show:interpreters" (asked of the show). NotFound when the show has no such interpretation."""
    try:
        row = ShowInterpretation.objects.filter(pk=int(interpretation_id), show_id=show.pk).first()
    except (TypeError, ValueError):
        row = None
    if row is None:
        raise NotFound("show.no_such_interpretation", _("No such interpretation."))
    row.show = show
    require(user, perm, row if perm == "show:interpretation_answer" else show)
    return row


@dataclass(frozen=True)
class ShowViewer:
    """A person in a show, as the show socket sees them: built once from the rules when it opens."""

    user_id: int | None
    role: str  # staff, organizer, buyer, participant, user, anonymous (exhibitors.access.Viewer)
    name: str
    participant_id: int | None = None
    can_watch: bool = False  # show:watch
    can_chat: bool = False  # show:chat
    can_present: bool = False  # show:present

    @property
    def is_staff(self) -> bool:
        return self.role == "staff"


def show_viewer_of(user, show: Show) -> ShowViewer:
    booth_viewer = viewer_of(user, show.booth)
    if not signed_in(user):
        return ShowViewer(user_id=None, role="anonymous", name="")
    return ShowViewer(
        user_id=user.pk,
        role=booth_viewer.role,
        name=booth_viewer.name or display_name(None, user),
        participant_id=booth_viewer.participant_id,
        can_watch=allowed(user, "show:watch", show),
        can_chat=allowed(user, "show:chat", show),
        can_present=allowed(user, "show:present", show),
    )
