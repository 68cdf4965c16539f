"""Who may do what with sourcing requests and quotations: the rules, access_rfq and access_quote.

A request is seen by its buyer, the fair's organizers and the approved staff of the booths *invited*
to it (a booth merely proposed by the engine does not see it). Every quote of a request is seen by
the buyer and the organizers; a booth's staff see their own booth's quote only, never another's.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from fair.access import roles_in
from fair.models import Participant
from kernel.access import allowed, require, rule
from kernel.errors import NotFound, PermissionDenied
from rfq.models import Invitation, Quote, Rfq

BUYER, EXHIBITOR, ORGANIZER = "buyer", "exhibitor", "organizer"


def is_buyer_of(user, rfq: Rfq) -> bool:
    return roles_in(user, rfq.fair_id).participant_ids.get(Participant.Role.BUYER) == rfq.buyer_id


def invited_booth_ids(user, rfq: Rfq) -> set[int]:
    """The user's booths (they are approved staff of) that are invited to this request."""
    staff_of = roles_in(user, rfq.fair_id).staff_of
    if not staff_of:
        return set()
    return set(
        Invitation.objects.filter(
            rfq_id=rfq.pk, booth_id__in=list(staff_of), status=Invitation.Status.INVITED
        ).values_list("booth_id", flat=True)
    )


def side_in_rfq(user, rfq: Rfq) -> str | None:
    """'buyer', 'organizer', 'exhibitor' (staff of an invited booth) or None."""
    if is_buyer_of(user, rfq):
        return BUYER
    if roles_in(user, rfq.fair_id).organizer:
        return ORGANIZER
    if invited_booth_ids(user, rfq):
        return EXHIBITOR
    return None


@rule(
    "rfq:post",
    code="rfq.denied",
    message=_("Only approved buyers of this fair post sourcing requests."),
)
def _rfq_post(user, fair) -> bool:
    """Post a sourcing request: the fair's approved buyers."""
    return roles_in(user, fair.pk).buyer


@rule("rfq:view", code="rfq.not_found", message=_("No such sourcing request."))
def _rfq_view(user, rfq) -> bool:
    """See a request: its buyer, the fair's organizers, and the staff of the booths invited to it."""
    return side_in_rfq(user, rfq) is not None


@rule(
    "rfq:route",
    code="rfq.denied",
    message=_("Only the buyer and the organizers choose who is invited."),
)
def _rfq_route(user, rfq) -> bool:
    """Invite booths (confirm the engine's list, add others): the buyer and the fair's organizers."""
    return side_in_rfq(user, rfq) in (BUYER, ORGANIZER)


@rule("rfq:decide", code="rfq.denied", message=_("Only the buyer decides on quotes."))
def _rfq_decide(user, rfq) -> bool:
    """Shortlist, accept or decline quotes, close or cancel the request: its buyer."""
    return is_buyer_of(user, rfq)


@rule(
    "rfq:quote",
    code="rfq.not_invited",
    message=_("Only exhibitors invited to this request may quote on it."),
)
def _rfq_quote(user, rfq) -> bool:
    """Quote on a request, or decline to: the approved staff of an invited booth."""
    return bool(invited_booth_ids(user, rfq))


@rule("quote:view", code="quote.not_found", message=_("No such quote."))
def _quote_view(user, quote) -> bool:
    """See a quote, its versions and its thread: the request's buyer, the organizers, and the staff of
    the quoting booth (never another booth's staff)."""
    roles = roles_in(user, quote.rfq.fair_id)
    return is_buyer_of(user, quote.rfq) or roles.organizer or quote.booth_id in roles.staff_of


@rule(
    "quote:discuss",
    code="quote.denied",
    message=_("Only the buyer and the quoting exhibitor write in this thread."),
)
def _quote_discuss(user, quote) -> bool:
    """Ask and answer questions on a quote: the request's buyer and the quoting booth's staff."""
    return is_buyer_of(user, quote.rfq) or quote.booth_id in roles_in(user, quote.rfq.fair_id).staff_of


RFQ_RELATED = ("fair", "buyer__user", "buyer__company")


def access_rfq(user, rfq_id, *, perm: str = "rfq:view", lock: bool = False) -> Rfq:
    """The request ``rfq_id`` if ``user`` may ``perm`` it.

    NotFound for no such request and for one the user may not see; an exhibitor of the fair who was not
    invited and tries to quote gets ``rfq.not_invited`` (403) so they know why they cannot.
    """
    rows = Rfq.objects.select_related(*RFQ_RELATED)
    if lock:
        rows = rows.select_for_update(of=("self",))
    try:
        rfq = rows.filter(pk=int(rfq_id)).first()
    except (TypeError, ValueError, OverflowError):
        rfq = None
    if rfq is None:
        raise NotFound("rfq.not_found", _("No such sourcing request."))
    if perm == "rfq:quote" and roles_in(user, rfq.fair_id).staff_of:
        require(user, perm, rfq)
        return rfq
    if not allowed(user, "rfq:view", rfq):
        raise NotFound("rfq.not_found", _("No such sourcing request."))
    if perm != "rfq:view":
        require(user, perm, rfq)
    return rfq


def access_quote(user, quote_id, *, perm: str = "quote:view", lock: bool = False) -> Quote:
    """The quote ``quote_id`` if ``user`` may ``perm`` it (NotFound when they may not even see it)."""
    rows = Quote.objects.select_related("rfq__fair", "rfq__buyer__company", "booth__company")
    if lock:
        rows = rows.select_for_update(of=("self",))
    try:
        quote = rows.filter(pk=int(quote_id)).first()
    except (TypeError, ValueError, OverflowError):
        quote = None
    if quote is None or not allowed(user, "quote:view", quote):
        raise NotFound("quote.not_found", _("No such quote."))
    if perm != "quote:view":
        require(user, perm, quote)
    return quote


def quoting_booth_id(user, rfq: Rfq) -> int:
    """The user's invited booth for this request (PermissionDenied rfq.not_invited when none)."""
    booths = sorted(invited_booth_ids(user, rfq))
    if not booths:
        raise PermissionDenied(
            "rfq.not_invited", _("Only exhibitors invited to this request may quote on it.")
        )
    return booths[0]
