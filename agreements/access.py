"""Who may do what with agreements and declared outcomes: the rules, access_agreement, access_outcome.

An agreement is seen and worked on by the people of its parties (approved participants of the fair
taking part for a party company), by its signatories and by the fair's organizers. Only a signatory
signs, and only for the party they were named for, while they still take part for that company; the
witness is an organizer. A declared outcome is seen by both sides (the buyer, the booth's staff) and
the organizers; the side that did not declare it answers it; shipments are recorded by the booth's
staff and confirmed by the buyer.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, Ceremony, Shipment, Side, Signatory, TradeOutcome
from fair.access import roles_in
from fair.models import Fair, Participant
from kernel.access import allowed, require, rule, signed_in
from kernel.errors import NotFound
from meetings.models import Meeting

ORGANIZER = "organizer"


def company_ids_of(user, fair_id: int) -> set[int]:
    """The companies the user takes part for in this fair (approved participations)."""
    if not signed_in(user):
        return set()
    cache = user.__dict__.setdefault("_tradefair_companies", {})
    if fair_id not in cache:
        cache[fair_id] = set(
            Participant.objects.filter(
                user_id=user.pk, fair_id=fair_id, status=Participant.Status.APPROVED, company__isnull=False
            ).values_list("company_id", flat=True)
        )
    return cache[fair_id]


def party_company_ids(agreement: Agreement) -> set[int]:
    return set(agreement.parties.values_list("company_id", flat=True))


def is_party_member(user, agreement: Agreement) -> bool:
    return bool(company_ids_of(user, agreement.fair_id) & party_company_ids(agreement))


def is_signatory(user, agreement: Agreement) -> bool:
    return Signatory.objects.filter(agreement=agreement, user_id=user.pk).exists()


@rule("agreement:view", code="agreement.not_found", message=_("No such agreement."))
def _agreement_view(user, agreement) -> bool:
    """See an agreement, its versions, comments, audit page and PDFs: the people of its parties, its
    signatories and the fair's organizers."""
    return (
        roles_in(user, agreement.fair_id).organizer
        or is_party_member(user, agreement)
        or is_signatory(user, agreement)
    )


@rule(
    "agreement:edit", code="agreement.denied", message=_("Only the parties and the organizers may do this.")
)
def _agreement_edit(user, agreement) -> bool:
    """Change the text, the parties and signatories, comment and propose changes, schedule a signing
    ceremony: the people of its parties and the fair's organizers."""
    return roles_in(user, agreement.fair_id).organizer or is_party_member(user, agreement)


@rule(
    "agreement:draft",
    code="agreement.denied",
    message=_("Only participants of this fair draft agreements."),
)
def _agreement_draft(user, fair) -> bool:
    """Draft an agreement in a fair: its approved participants who take part for a company, and its
    organizers."""
    return roles_in(user, fair.pk).organizer or bool(company_ids_of(user, fair.pk))


@rule(
    "agreement:sign",
    code="agreement.not_your_signature",
    message=_("Only the named signatory signs here, for their own company."),
)
def _agreement_sign(user, signatory: Signatory) -> bool:
    """Sign (or decline) for a party: the signatory named for it, while they take part in the fair for
    that very company; the witness: the organizer named as such, while still an organizer."""
    if signatory.user_id != user.pk:
        return False
    agreement = signatory.agreement
    if signatory.party_id is None:
        return roles_in(user, agreement.fair_id).organizer
    return signatory.party.company_id in company_ids_of(user, agreement.fair_id)


def is_ceremony_interpreter(user, ceremony: Ceremony) -> bool:
    """The confirmed interpreter of the consultation chosen for the ceremony, through an approved
    participation in the fair."""
    meeting = ceremony.meeting
    confirmed = Meeting.InterpreterStatus.CONFIRMED
    if meeting is None or not meeting.interpreter_id or meeting.interpreter_status != confirmed:
        return False
    return roles_in(user, meeting.fair_id).participant_ids.get(Participant.Role.INTERPRETER) == (
        meeting.interpreter_id
    )


@rule(
    "agreement:join_ceremony",
    code="ceremony.denied",
    message=_("Only the agreement's parties join its ceremony."),
)
def _agreement_join_ceremony(user, agreement) -> bool:
    """Enter the agreement's signing ceremony's own video room and its chat: whoever sees the
    agreement (the people of its parties, its signatories, the fair's organizers) and the confirmed
    interpreter of the consultation chosen for the ceremony."""
    if allowed(user, "agreement:view", agreement):
        return True
    ceremony = Ceremony.objects.filter(agreement=agreement).select_related("meeting").first()
    return ceremony is not None and is_ceremony_interpreter(user, ceremony)


@rule(
    "agreement:stream_ceremony",
    code="ceremony.not_organizer",
    message=_("Only the fair's organizers stream a ceremony."),
)
def _agreement_stream_ceremony(user, agreement) -> bool:
    """Stream the agreement's signing ceremony to viewers, or stop it, and choose who may watch: the
    fair's organizers."""
    return roles_in(user, agreement.fair_id).organizer


@rule(
    "agreement:watch_ceremony",
    code="ceremony.not_streamed",
    message=_("This ceremony is not streamed to you."),
    public=True,
)
def _agreement_watch_ceremony(user, agreement) -> bool:
    """Watch a streamed signing ceremony, listen-only: anyone when the organizers stream it to the
    public; the fair's approved participants (and its organizers) when they stream it to them."""
    audience = (
        Ceremony.objects.filter(agreement=agreement, status=Ceremony.Status.SCHEDULED)
        .values_list("stream_audience", flat=True)
        .first()
    )
    if audience == Ceremony.Audience.PUBLIC:
        return True
    if audience == Ceremony.Audience.PARTICIPANTS and user is not None:
        return bool(roles_in(user, agreement.fair_id).roles)
    return False


# --- declared outcomes -------------------------------------------------------------------------


@dataclass(frozen=True)
class Origin:
    """Where an outcome comes from (a meeting, an RFQ...): its fair and its two sides."""

    kind: str
    id: int
    fair: Fair
    buyer: Participant
    booth: object  # exhibitors.models.Booth
    meeting: object = None  # meetings.models.Meeting when kind == "meeting"


def side_in(user, fair_id: int, *, buyer_id: int, booth_id: int) -> str | None:
    """'buyer', 'exhibitor' or None: the user's side in a pair of buyer and booth."""
    roles = roles_in(user, fair_id)
    if roles.participant_ids.get(Participant.Role.BUYER) == buyer_id:
        return Side.BUYER
    if booth_id in roles.staff_of:
        return Side.EXHIBITOR
    return None


def outcome_side(user, outcome: TradeOutcome) -> str | None:
    return side_in(user, outcome.fair_id, buyer_id=outcome.buyer_id, booth_id=outcome.booth_id)


@rule(
    "outcome:declare",
    code="outcome.denied",
    message=_("Only the buyer and the booth's staff declare what came of it."),
)
def _outcome_declare(user, origin: Origin) -> bool:
    """Declare an order or a contract after a meeting (or an RFQ): its buyer and the booth's staff."""
    return side_in(user, origin.fair.pk, buyer_id=origin.buyer.pk, booth_id=origin.booth.pk) is not None


@rule("outcome:view", code="outcome.not_found", message=_("No such outcome."))
def _outcome_view(user, outcome) -> bool:
    """See a declared outcome and its shipments: both sides and the fair's organizers."""
    return outcome_side(user, outcome) is not None or roles_in(user, outcome.fair_id).organizer


@rule(
    "outcome:answer",
    code="outcome.not_the_other_side",
    message=_("Only the other side confirms or disputes what was declared."),
)
def _outcome_answer(user, outcome) -> bool:
    """Confirm or dispute a declared outcome: the side that did not declare it."""
    return outcome_side(user, outcome) == outcome.other_side


@rule("outcome:withdraw", code="outcome.denied", message=_("Only the side that declared it withdraws it."))
def _outcome_withdraw(user, outcome) -> bool:
    """Withdraw a declared outcome (nothing shipped against it yet): the side that declared it."""
    return outcome_side(user, outcome) == outcome.declared_side


@rule("shipment:record", code="shipment.denied", message=_("Only the booth's staff record shipments."))
def _shipment_record(user, outcome) -> bool:
    """Record a shipment against a confirmed outcome: the booth's staff."""
    return outcome_side(user, outcome) == Side.EXHIBITOR


@rule("shipment:confirm", code="shipment.denied", message=_("Only the buyer confirms a shipment."))
def _shipment_confirm(user, shipment: Shipment) -> bool:
    """Confirm or dispute a recorded shipment: the buyer."""
    return outcome_side(user, shipment.outcome) == Side.BUYER


# --- access functions --------------------------------------------------------------------------


def _pk(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if 0 < number < 2**63 else None


def access_agreement(user, agreement_id, *, perm: str = "agreement:view", lock: bool = False) -> Agreement:
    """The agreement if ``user`` may ``perm`` it: NotFound when there is none or they may not see it,
    PermissionDenied when they see it but may not do this. ``lock``: SELECT ... FOR UPDATE."""
    rows = Agreement.objects.select_related("fair")
    if lock:
        rows = rows.select_for_update(of=("self",))
    pk = _pk(agreement_id)
    agreement = rows.filter(pk=pk).first() if pk else None
    if agreement is None or not allowed(user, "agreement:view", agreement):
        raise NotFound("agreement.not_found", _("No such agreement."))
    if perm != "agreement:view":
        require(user, perm, agreement)
    return agreement


def access_outcome(user, outcome_id, *, perm: str = "outcome:view", lock: bool = False) -> TradeOutcome:
    rows = TradeOutcome.objects.select_related("fair", "booth__company", "buyer__company", "buyer__user")
    if lock:
        rows = rows.select_for_update(of=("self",))
    pk = _pk(outcome_id)
    outcome = rows.filter(pk=pk).first() if pk else None
    if outcome is None or not allowed(user, "outcome:view", outcome):
        raise NotFound("outcome.not_found", _("No such outcome."))
    if perm != "outcome:view":
        require(user, perm, outcome)
    return outcome


def access_ceremony(user, agreement_id, *, perm: str = "agreement:join_ceremony") -> Ceremony:
    """The agreement's scheduled signing ceremony if ``user`` may ``perm`` its agreement: NotFound when
    there is none or they may neither join nor watch it (a refusal never tells that it exists),
    PermissionDenied when they may join it but not do this (``agreement:stream_ceremony``)."""
    see = "agreement:watch_ceremony" if perm == "agreement:watch_ceremony" else "agreement:join_ceremony"
    pk = _pk(agreement_id)
    agreement = Agreement.objects.select_related("fair").filter(pk=pk).first() if pk else None
    if agreement is None or not allowed(user, see, agreement):
        raise NotFound("ceremony.not_found", _("No such ceremony."))
    if perm != see:
        require(user, perm, agreement)
    ceremony = (
        Ceremony.objects.select_related("agreement__fair", "meeting")
        .filter(agreement=agreement, status=Ceremony.Status.SCHEDULED)
        .first()
    )
    if ceremony is None:
        raise NotFound("ceremony.not_found", _("No such ceremony."))
    return ceremony
