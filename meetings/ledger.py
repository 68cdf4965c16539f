"""The outcome ledger: what became of a lead after the meeting, and the nudge when a follow-up is overdue.

Writes of the ledger (services, sync, keyword-only, one transaction each):

- ``rate_set`` / ``rate_delete``: the organizer's USD rate per fair and currency;
- ``lead_update_add``: a booth's staff record a stage (sample sent, quotation, order, contract) with a
  date and an optional value; the value is converted to USD at the fair's rate when it is saved
  (``ledger.no_rate`` when the organizer set none: nothing is written). An order or a contract is a
  deal: it writes one ``Interaction(kind=deal)`` per buyer and booth, whatever the number of updates.

``follow_ups_nudge`` is a django-q2 job (every 15 minutes, see meetings.jobs.ensure_schedules): for
each outcome whose follow-up date has passed in the fair's time zone it claims a FollowUpNudge row
(unique per outcome and date) and tells the outcome's author once, by e-mail and live.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import pycountry
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fair.models import Fair, Interaction, Participant
from kernel import events
from kernel.access import require
from kernel.errors import DomainError
from meetings import ics, notifications, protocol
from meetings.models import FairCurrencyRate, FollowUpNudge, LeadUpdate, Meeting, Outcome

log = logging.getLogger(__name__)

MAX_VALUE = Decimal("1e13")
CENT = Decimal("0.01")


def currency_clean(value: str) -> str:
    """An ISO 4217 code in capitals; DomainError("ledger.bad_currency") otherwise."""
    code = (value or "").strip().upper()
    if len(code) != 3 or pycountry.currencies.get(alpha_3=code) is None:
        raise DomainError(
            "ledger.bad_currency",
            _("%(code)s is not an ISO 4217 currency code (e.g. USD, KRW, JPY).") % {"code": value or "—"},
        )
    return code


def _decimal(value, *, code: str, message: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise DomainError(code, message) from None
    if not number.is_finite() or number < 0 or number >= MAX_VALUE:
        raise DomainError(code, message)
    return number


@transaction.atomic
def rate_set(*, actor, fair: Fair, currency: str, usd_per_unit) -> FairCurrencyRate:
    """Set (or change) how many USD one unit of ``currency`` is worth in this fair."""
    require(actor, "fair:organize", fair)
    code = currency_clean(currency)
    rate = _decimal(usd_per_unit, code="ledger.bad_rate", message=_("A rate is a positive number of USD."))
    if rate <= 0 or rate.as_tuple().exponent < -8:
        raise DomainError("ledger.bad_rate", _("A rate is a positive number of USD, at most 8 decimals."))
    obj, _created = FairCurrencyRate.objects.update_or_create(
        fair=fair, currency=code, defaults={"usd_per_unit": rate}
    )
    events.emit("rate.set", fair_id=fair.pk, subject=obj, actor=actor, currency=code, usd_per_unit=str(rate))
    return obj


@transaction.atomic
def rate_delete(*, actor, fair: Fair, currency: str) -> None:
    require(actor, "fair:organize", fair)
    code = currency_clean(currency)
    if FairCurrencyRate.objects.filter(fair=fair, currency=code).delete()[0]:
        events.emit("rate.deleted", fair_id=fair.pk, subject=fair, actor=actor, currency=code)


def to_usd(*, fair: Fair, value: Decimal, currency: str) -> Decimal:
    """``value`` in USD at the fair's rate; DomainError("ledger.no_rate") when the organizer set none."""
    if currency == "USD":
        return value.quantize(CENT, rounding=ROUND_HALF_UP)
    rate = FairCurrencyRate.objects.filter(fair=fair, currency=currency).values_list(
        "usd_per_unit", flat=True
    )
    rate = rate.first()
    if rate is None:
        raise DomainError(
            "ledger.no_rate",
            _("The organizer has not set a USD rate for %(currency)s yet; ask them, or record it in USD.")
            % {"currency": currency},
        )
    return (value * rate).quantize(CENT, rounding=ROUND_HALF_UP)


@transaction.atomic
def lead_update_add(
    *,
    actor,
    meeting: Meeting,
    stage: str,
    on: date,
    value=None,
    currency: str = "",
    note: str = "",
) -> LeadUpdate:
    """Record how the lead of a held meeting moved on; only the booth's approved staff may."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",)).select_related("fair", "slot").get(pk=meeting.pk)
    )
    require(actor, "lead:keep", meeting)
    if meeting.status != Meeting.Status.HELD:
        raise DomainError("ledger.not_held", _("Record leads of meetings that were held."))
    if stage not in LeadUpdate.Stage.values:
        raise DomainError("ledger.bad_stage", _("Choose a stage: sample sent, quotation, order or contract."))
    if not isinstance(on, date):
        raise DomainError("ledger.bad_date", _("Give the date of this step."))
    note = (note or "").strip()
    if len(note) > 2000:
        raise DomainError("ledger.note_too_long", _("A note is at most 2000 characters."))
    value_usd = None
    if value in (None, ""):
        value, currency = None, ""
    else:
        value = _decimal(value, code="ledger.bad_value", message=_("A value is a positive amount."))
        value = value.quantize(CENT, rounding=ROUND_HALF_UP)
        currency = currency_clean(currency)
        value_usd = to_usd(fair=meeting.fair, value=value, currency=currency)
    update = LeadUpdate.objects.create(
        meeting=meeting,
        stage=stage,
        on=on,
        value=value,
        currency=currency,
        value_usd=value_usd,
        note=note,
        created_by=actor,
    )
    if stage in LeadUpdate.DEAL_STAGES:
        _deal_once(meeting)
    events.emit(
        "lead.updated", fair_id=meeting.fair_id, subject=update, actor=actor, stage=stage, meeting=meeting.pk
    )
    return update


def _deal_once(meeting: Meeting) -> None:
    """One deal interaction per buyer and booth: the buyer's row lock orders concurrent writers."""
    Participant.objects.select_for_update().filter(pk=meeting.buyer_id).first()
    deals = Interaction.objects.filter(buyer_id=meeting.buyer_id, booth_id=meeting.booth_id, kind="deal")
    if not deals.exists():
        Interaction.objects.create(
            fair_id=meeting.fair_id,
            buyer_id=meeting.buyer_id,
            booth_id=meeting.booth_id,
            kind=Interaction.Kind.DEAL,
            at=meeting.slot.ends_at,
        )


# --- the follow-up nudge ------------------------------------------------------------------------


def _overdue(now: datetime):
    """Outcomes with a follow-up date before today in their fair's zone, and no nudge for that date."""
    candidates = (
        Outcome.objects.filter(follow_up_on__isnull=False, follow_up_on__lt=now.date())
        .exclude(meeting__status__in=[Meeting.Status.CANCELLED, Meeting.Status.DECLINED])
        .select_related("meeting__fair", "meeting__booth__company", "meeting__buyer__company", "author")
        .order_by("follow_up_on", "pk")
    )
    nudged = set(FollowUpNudge.objects.values_list("outcome_id", "follow_up_on"))
    for outcome in candidates.iterator(chunk_size=500):
        if (outcome.pk, outcome.follow_up_on) in nudged:
            continue
        today = now.astimezone(outcome.meeting.fair.zone).date()
        if outcome.follow_up_on < today:
            yield outcome


def _recipient(outcome: Outcome):
    """The outcome's author if still on that side; else the buyer, or the booth's first approved staff."""
    meeting = outcome.meeting
    if outcome.author is not None and outcome.author.is_active:
        return outcome.author
    if outcome.side == Meeting.Side.BUYER:
        return meeting.buyer.user
    staff = meeting.booth.staff.filter(status=Participant.Status.APPROVED, user__isnull=False).first()
    return staff.user if staff else None


def _nudge_one(outcome: Outcome, user) -> None:
    meeting = outcome.meeting
    other = (
        meeting.booth.company.name
        if outcome.side == Meeting.Side.BUYER
        else str(meeting.buyer.company or meeting.buyer.user)
    )
    with translation.override(user.language):
        subject = _("Follow-up due: %(who)s") % {"who": other}
        body = "\n".join(
            [
                _("You planned to follow up with %(who)s on %(date)s.")
                % {"who": other, "date": outcome.follow_up_on},
                _("Record how the lead moved on:"),
                "",
                ics.meeting_link(meeting),
            ]
        )
    if user.email:
        notifications.mail(to=user.email, subject=subject, body=body, event=protocol.FOLLOW_UP_DUE)
    notifications.push(
        user_ids=[user.pk],
        payload={
            "type": protocol.FOLLOW_UP_DUE,
            "meeting_id": meeting.pk,
            "follow_up_on": outcome.follow_up_on.isoformat(),
            "link": ics.meeting_link(meeting),
        },
    )


def follow_ups_nudge(now: datetime | None = None) -> int:
    """Nudge every overdue follow-up not nudged yet; returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    for outcome in _overdue(now):
        user = _recipient(outcome)
        if user is None:
            continue
        try:
            with transaction.atomic():
                # The claim: whoever inserts the row sends; mail and push leave when it commits.
                FollowUpNudge.objects.create(
                    outcome=outcome, follow_up_on=outcome.follow_up_on, sent_at=timezone.now()
                )
                _nudge_one(outcome, user)
        except IntegrityError:
            continue  # another worker claimed it
        sent += 1
    if sent:
        log.info("sent %d follow-up nudges", sent)
    return sent
