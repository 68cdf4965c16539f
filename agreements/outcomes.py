"""Writes of declared outcomes and shipments: what came of a meeting (or an RFQ), confirmed by both sides.

- ``outcome_declare``: either side (the buyer, the booth's staff) declares an order or a contract:
  value and currency (converted to USD at the fair's rate, meetings.ledger.to_usd), products, expected
  shipment date, optionally the agreement it follows;
- ``outcome_confirm`` / ``outcome_dispute``: the other side answers; a dispute keeps that side's own
  version beside the declared one; ``outcome_withdraw``: the declaring side takes it back;
- ``shipment_record`` (the booth's staff, against a confirmed outcome) and ``shipment_answer`` (the
  buyer confirms or disputes it).

Only confirmed outcomes (and confirmed shipments) count as verified in the organizer's reports
(agreements/selectors.py). Each function is sync, keyword-only and one transaction that locks the
outcome's row, so a confirmation and a withdrawal cannot both win.

An outcome's origin is generic: ``origin_get(user, kind, id)`` asks the resolver registered for that
kind (``ORIGINS``); "meeting" is built in. A later origin (an RFQ) registers its own resolver.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.access import Origin, side_in
from agreements.models import Agreement, Shipment, Side, TradeOutcome
from kernel import events
from kernel.access import allowed, require
from kernel.errors import DomainError
from meetings.access import access_meeting
from meetings.ledger import currency_clean, to_usd
from meetings.models import Meeting

CENT = Decimal("0.01")
MAX_VALUE = Decimal("1e13")

# --- origins ------------------------------------------------------------------------------------


def _meeting_origin(user, origin_id: int) -> Origin:
    meeting = access_meeting(user, origin_id)
    if meeting.status != Meeting.Status.HELD:
        raise DomainError("outcome.not_held", _("Declare outcomes of meetings that were held."))
    return Origin(
        kind="meeting",
        id=meeting.pk,
        fair=meeting.fair,
        buyer=meeting.buyer,
        booth=meeting.booth,
        meeting=meeting,
    )


ORIGINS: dict[str, Callable[[object, int], Origin]] = {"meeting": _meeting_origin}


def origin_get(*, user, kind: str, origin_id) -> Origin:
    """The origin ``kind`` ``origin_id`` as ``user`` may see it (NotFound / PermissionDenied else)."""
    resolver = ORIGINS.get(str(kind))
    if resolver is None:
        raise DomainError("outcome.bad_origin", _("Outcomes follow a meeting."))
    return resolver(user, origin_id)


# --- values -------------------------------------------------------------------------------------


def _amount(value) -> Decimal:
    message = _("A value is a positive amount.")
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise DomainError("outcome.bad_value", message) from None
    if not number.is_finite() or number <= 0 or number >= MAX_VALUE:
        raise DomainError("outcome.bad_value", message)
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def _products(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError("outcome.no_products", _("Say which products the order or contract covers."))
    if len(text) > 2000:
        raise DomainError("outcome.products_too_long", _("The products are at most 2,000 characters."))
    return text


def _ship_by(value) -> date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, date):
        raise DomainError("outcome.bad_date", _("Give a date."))
    return value


# --- outcomes -----------------------------------------------------------------------------------


@transaction.atomic
def outcome_declare(
    *,
    actor,
    origin: Origin,
    type: str,  # noqa: A002 - the model's field
    value,
    currency: str,
    products: str,
    ship_by: date | None = None,
    agreement: Agreement | None = None,
) -> TradeOutcome:
    """Declare an order or a contract; the other side confirms or disputes it."""
    require(actor, "outcome:declare", origin)
    if type not in TradeOutcome.Type.values:
        raise DomainError("outcome.bad_type", _("Choose order or contract."))
    amount = _amount(value)
    code = currency_clean(currency)
    usd = to_usd(fair=origin.fair, value=amount, currency=code)
    if agreement is not None and (
        agreement.fair_id != origin.fair.pk or not allowed(actor, "agreement:view", agreement)
    ):
        raise DomainError("outcome.bad_agreement", _("Choose one of your agreements in this fair."))
    side = (
        side_in(actor, origin.fair.pk, buyer_id=origin.buyer.pk, booth_id=origin.booth.pk) or Side.EXHIBITOR
    )
    outcome = TradeOutcome.objects.create(
        fair=origin.fair,
        origin_kind=origin.kind,
        origin_id=origin.id,
        meeting=origin.meeting,
        booth=origin.booth,
        buyer=origin.buyer,
        declared_side=side,
        declared_by=actor,
        type=type,
        value=amount,
        currency=code,
        value_usd=usd,
        products=_products(products),
        ship_by=_ship_by(ship_by),
        agreement=agreement,
    )
    events.emit(
        "outcome.declared", fair_id=origin.fair.pk, subject=outcome, actor=actor, side=side, usd=str(usd)
    )
    return outcome


def _locked(outcome: TradeOutcome) -> TradeOutcome:
    return (
        TradeOutcome.objects.select_for_update(of=("self",))
        .select_related("fair", "booth__company", "buyer__company", "buyer__user")
        .get(pk=outcome.pk)
    )


@transaction.atomic
def outcome_confirm(*, actor, outcome: TradeOutcome) -> TradeOutcome:
    """The other side confirms: from now on the outcome counts as verified."""
    outcome = _locked(outcome)
    require(actor, "outcome:answer", outcome)
    if outcome.status != TradeOutcome.Status.DECLARED:
        raise DomainError("outcome.answered", _("This outcome is not waiting for an answer."))
    outcome.status = TradeOutcome.Status.CONFIRMED
    outcome.answered_by, outcome.answered_at = actor, timezone.now()
    outcome.save(update_fields=["status", "answered_by", "answered_at", "updated_at"])
    events.emit("outcome.confirmed", fair_id=outcome.fair_id, subject=outcome, actor=actor)
    return outcome


@transaction.atomic
def outcome_dispute(
    *,
    actor,
    outcome: TradeOutcome,
    note: str,
    value=None,
    currency: str = "",
    products: str = "",
    ship_by: date | None = None,
) -> TradeOutcome:
    """The other side disputes it, with its own version (the organizer sees both)."""
    outcome = _locked(outcome)
    require(actor, "outcome:answer", outcome)
    if outcome.status != TradeOutcome.Status.DECLARED:
        raise DomainError("outcome.answered", _("This outcome is not waiting for an answer."))
    note = (note or "").strip()
    if not note or len(note) > 2000:
        raise DomainError("outcome.no_reason", _("Say what is wrong (at most 2,000 characters)."))
    if value in (None, ""):
        outcome.counter_value = outcome.counter_value_usd = None
        outcome.counter_currency = ""
    else:
        outcome.counter_value = _amount(value)
        outcome.counter_currency = currency_clean(currency or outcome.currency)
        outcome.counter_value_usd = to_usd(
            fair=outcome.fair, value=outcome.counter_value, currency=outcome.counter_currency
        )
    outcome.counter_products = (products or "").strip()[:2000]
    outcome.counter_ship_by = _ship_by(ship_by)
    outcome.dispute_note = note
    outcome.status = TradeOutcome.Status.DISPUTED
    outcome.answered_by, outcome.answered_at = actor, timezone.now()
    outcome.save()
    events.emit("outcome.disputed", fair_id=outcome.fair_id, subject=outcome, actor=actor)
    return outcome


@transaction.atomic
def outcome_withdraw(*, actor, outcome: TradeOutcome) -> TradeOutcome:
    outcome = _locked(outcome)
    require(actor, "outcome:withdraw", outcome)
    if outcome.status == TradeOutcome.Status.WITHDRAWN:
        return outcome
    if outcome.shipments.exists():
        raise DomainError("outcome.has_shipments", _("Shipments were recorded against it; it stays."))
    outcome.status = TradeOutcome.Status.WITHDRAWN
    outcome.save(update_fields=["status", "updated_at"])
    events.emit("outcome.withdrawn", fair_id=outcome.fair_id, subject=outcome, actor=actor)
    return outcome


# --- shipments ----------------------------------------------------------------------------------


@transaction.atomic
def shipment_record(
    *,
    actor,
    outcome: TradeOutcome,
    shipped_on: date,
    value,
    currency: str,
    declaration_number: str = "",
) -> Shipment:
    """The booth's staff record a shipment against a confirmed outcome; the buyer confirms it."""
    outcome = _locked(outcome)
    require(actor, "shipment:record", outcome)
    if outcome.status != TradeOutcome.Status.CONFIRMED:
        raise DomainError(
            "shipment.outcome_not_confirmed", _("Record shipments of outcomes both sides confirmed.")
        )
    if not isinstance(shipped_on, date):
        raise DomainError("shipment.bad_date", _("Give the shipment date."))
    amount = _amount(value)
    code = currency_clean(currency)
    number = (declaration_number or "").strip()
    if len(number) > 64:
        raise DomainError(
            "shipment.bad_declaration", _("An export declaration number is at most 64 characters.")
        )
    shipment = Shipment.objects.create(
        outcome=outcome,
        shipped_on=shipped_on,
        value=amount,
        currency=code,
        value_usd=to_usd(fair=outcome.fair, value=amount, currency=code),
        declaration_number=number,
        recorded_by=actor,
    )
    events.emit(
        "shipment.recorded", fair_id=outcome.fair_id, subject=shipment, actor=actor, outcome=outcome.pk
    )
    return shipment


@transaction.atomic
def shipment_answer(*, actor, shipment: Shipment, confirm: bool, note: str = "") -> Shipment:
    shipment = Shipment.objects.select_for_update(of=("self",)).select_related("outcome").get(pk=shipment.pk)
    require(actor, "shipment:confirm", shipment)
    if shipment.status != Shipment.Status.RECORDED:
        raise DomainError("shipment.answered", _("This shipment is answered already."))
    note = (note or "").strip()
    if not confirm and not note:
        raise DomainError("shipment.no_reason", _("Say what is wrong with this shipment."))
    shipment.status = Shipment.Status.CONFIRMED if confirm else Shipment.Status.DISPUTED
    shipment.note = note[:2000]
    shipment.answered_by, shipment.answered_at = actor, timezone.now()
    shipment.save(update_fields=["status", "note", "answered_by", "answered_at"])
    events.emit(
        "shipment.confirmed" if confirm else "shipment.disputed",
        fair_id=shipment.outcome.fair_id,
        subject=shipment,
        actor=actor,
        outcome=shipment.outcome_id,
    )
    return shipment
