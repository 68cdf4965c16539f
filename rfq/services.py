"""Writes of sourcing requests and quotations: sync, keyword-only, one transaction each.

- ``rfq_post``: a buyer posts a request; the engine proposes booths for it (``rfq_propose``).
- ``rfq_invite``: the buyer confirms booths from the list (or an organizer routes it); they hear of it.
- ``quote_submit``: an invited booth quotes, or revises its quote until the deadline (each version kept);
  ``quote_pass``: it declines to quote, with a reason.
- ``quote_shortlist``, ``quote_accept`` (at most ``max_accepted``, under the request's row lock),
  ``quote_reject``, ``quotes_reject_rest``: the buyer decides.
- ``quote_message_post``: a question on a quote, or its answer.
- ``rfq_close``, ``rfq_close_due``: closing by the buyer, at the deadline (the sweep, or a check on read).
- ``consultation_book``: after an accepted quote, the buyer books a consultation in a slot both are free.

Rules that must hold under concurrency are kept by the request's row lock (quote limit, acceptances)
and by unique constraints (one quote per booth, one version number per quote).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import pycountry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exhibitors import media
from exhibitors.models import Booth
from fair import hs, vocab
from fair.access import roles_in
from fair.models import Fair, Interaction, Participant
from kernel import events
from kernel.access import require
from kernel.errors import DomainError
from meetings.models import Availability, LeadUpdate, Meeting, Slot
from meetings.services import meeting_request
from rfq import matching as rfq_matching
from rfq.access import quoting_booth_id
from rfq.models import Attachment, Incoterm, Invitation, Quote, QuoteMessage, QuoteVersion, Rfq, Samples

MAX_NUMBER = Decimal("1e12")
PROPOSE = 10  # booths the engine proposes for a request
MAX_ATTACHMENTS = 5


# --- shapes ------------------------------------------------------------------------------------


def currency_clean(value) -> str:
    code = str(value or "").strip().upper()
    if len(code) != 3 or pycountry.currencies.get(alpha_3=code) is None:
        raise DomainError(
            "rfq.bad_currency",
            _("%(code)s is not an ISO 4217 currency code (e.g. USD, KRW, IDR).") % {"code": value or "—"},
        )
    return code


def _number(value, *, code: str, message: str, required: bool = True) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise DomainError(code, message)
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise DomainError(code, message) from None
    if not number.is_finite() or number <= 0 or number >= MAX_NUMBER:
        raise DomainError(code, message)
    return number


def _text(value, *, limit: int, code: str, required: bool = False, message: str = "") -> str:
    text = str(value or "").strip()
    if required and not text:
        raise DomainError(code, message or _("This field is required."))
    if len(text) > limit:
        raise DomainError(code, _("At most %(n)d characters.") % {"n": limit})
    return text


def _incoterm(value, *, required: bool = True) -> str:
    code = str(value or "").strip().upper()
    if not code and not required:
        return ""
    if code not in Incoterm.values:
        raise DomainError(
            "rfq.bad_incoterm",
            _("Choose an Incoterm: %(terms)s.") % {"terms": ", ".join(Incoterm.values)},
        )
    return code


def _attach(*, rfq: Rfq, quote: Quote | None, files, actor) -> list[Attachment]:
    files = list(files or [])
    if not files:
        return []
    if len(files) + rfq.attachments.filter(quote=quote).count() > MAX_ATTACHMENTS:
        raise DomainError("rfq.too_many_files", _("At most %(n)d files.") % {"n": MAX_ATTACHMENTS})
    out, stored = [], []
    try:
        for upload in files:
            try:
                ext = media.check_pdf(upload)
            except media.UploadError as e:
                raise DomainError(e.code, e.message) from None
            name = media.store(upload, folder=f"rfq/{rfq.pk}", extension=ext)
            stored.append(name)
            out.append(
                Attachment.objects.create(
                    rfq=rfq,
                    quote=quote,
                    file=name,
                    name=str(getattr(upload, "name", "") or "document.pdf")[:200],
                    size=getattr(upload, "size", 0) or 0,
                    uploaded_by=actor,
                )
            )
    except Exception:
        media.delete_quietly(*stored)
        raise
    return out


# --- the request --------------------------------------------------------------------------------


@transaction.atomic
def rfq_post(
    *,
    actor,
    fair: Fair,
    product: str,
    hs_code: str,
    quantity,
    unit: str,
    currency: str,
    incoterm: str,
    destination_country: str,
    deadline: datetime,
    target_price=None,
    destination_port: str = "",
    certifications=(),
    needed_by: date | None = None,
    max_quotes: int = 10,
    max_accepted: int = 1,
    reveal_company: bool = False,
    description: str = "",
    attachments=(),
    propose: int = PROPOSE,
) -> Rfq:
    """A buyer of the fair posts a sourcing request; the engine proposes booths for it at once."""
    require(actor, "rfq:post", fair)
    buyer = Participant.objects.select_related("company", "fair").get(
        pk=roles_in(actor, fair.pk).participant_ids[Participant.Role.BUYER]
    )
    product = _text(
        product,
        limit=200,
        code="rfq.product_required",
        required=True,
        message=_("Say what you want to source."),
    )
    try:
        hs_code = hs.validate_hs_code(hs_code or "")
    except ValidationError as e:
        raise DomainError("rfq.bad_hs_code", " ".join(e.messages)) from None
    quantity = _number(
        quantity, code="rfq.bad_quantity", message=_("Give the quantity as a positive number.")
    )
    unit = _text(
        unit, limit=20, code="rfq.unit_required", required=True, message=_("Give a unit (pcs, kg...).")
    )
    target_price = _number(
        target_price, code="rfq.bad_price", message=_("A target price is a positive number."), required=False
    )
    currency = currency_clean(currency)
    incoterm = _incoterm(incoterm)
    try:
        country = vocab.normalise_country(destination_country or "")
    except ValidationError:
        country = ""
    if not country:
        raise DomainError("rfq.bad_country", _("Choose the destination country."))
    certs = []
    for cert in certifications or ():
        try:
            certs.append(vocab.normalise_certification(cert))
        except ValidationError as e:
            raise DomainError("rfq.bad_certification", " ".join(e.messages)) from None
    if not isinstance(deadline, datetime) or timezone.is_naive(deadline):
        raise DomainError("rfq.bad_deadline", _("Give the deadline for quotes as a date and time."))
    if deadline <= timezone.now():
        raise DomainError("rfq.deadline_past", _("The deadline for quotes must be in the future."))
    if needed_by is not None and not isinstance(needed_by, date):
        raise DomainError("rfq.bad_date", _("Give the date you need the goods by."))
    try:
        max_quotes, max_accepted = int(max_quotes), int(max_accepted)
    except (TypeError, ValueError):
        raise DomainError("rfq.bad_limit", _("Limits are whole numbers.")) from None
    if not 1 <= max_quotes <= 50:
        raise DomainError("rfq.bad_limit", _("Close after 1 to 50 quotes."))
    if not 1 <= max_accepted <= min(10, max_quotes):
        raise DomainError("rfq.bad_limit", _("Accept 1 to 10 quotes, no more than the quote limit."))
    rfq = Rfq.objects.create(
        fair=fair,
        buyer=buyer,
        created_by=actor,
        product=product,
        hs_code=hs_code,
        description=_text(description, limit=5000, code="rfq.too_long"),
        quantity=quantity,
        unit=unit,
        target_price=target_price,
        currency=currency,
        incoterm=incoterm,
        destination_country=country,
        destination_port=_text(destination_port, limit=100, code="rfq.too_long"),
        certifications=list(dict.fromkeys(certs)),
        needed_by=needed_by,
        deadline=deadline,
        max_quotes=max_quotes,
        max_accepted=max_accepted,
        reveal_company=bool(reveal_company),
    )
    _attach(rfq=rfq, quote=None, files=attachments, actor=actor)
    rfq_propose(rfq=rfq, k=propose)
    events.emit("rfq.posted", fair_id=fair.pk, subject=rfq, actor=actor, hs=hs_code)
    return rfq


def rfq_propose(*, rfq: Rfq, k: int = PROPOSE) -> list[Invitation]:
    """The engine's top ``k`` booths for the request, with reasons, as proposed invitations (the booths
    already proposed or invited keep their row)."""
    ranked = rfq_matching.rank_booths(rfq, k=k)
    taken = set(rfq.invitations.values_list("booth_id", flat=True))
    rows = [
        Invitation(rfq=rfq, booth_id=r["booth_id"], score=r["score"], rank=i, reasons=r["reasons"])
        for i, r in enumerate(ranked, start=1)
        if r["booth_id"] not in taken
    ]
    return Invitation.objects.bulk_create(rows)


@transaction.atomic
def rfq_invite(*, actor, rfq: Rfq, booth_ids) -> list[Invitation]:
    """Invite booths to quote (the buyer confirms proposals; an organizer routes to any published booth
    of the fair). Each newly invited booth's staff hear of it."""
    rfq = Rfq.objects.select_for_update().select_related("fair", "buyer").get(pk=rfq.pk)
    require(actor, "rfq:route", rfq)
    if not rfq.accepts_quotes():
        raise DomainError("rfq.closed", _("This request is closed."))
    ids = {int(b) for b in booth_ids or ()}
    if not ids:
        raise DomainError("rfq.no_booths", _("Choose at least one exhibitor to invite."))
    booths = set(
        Booth.objects.filter(pk__in=ids, fair_id=rfq.fair_id, status=Booth.Status.PUBLISHED).values_list(
            "pk", flat=True
        )
    )
    if booths != ids:
        raise DomainError("rfq.unknown_booth", _("One of these exhibitors is not open in this fair."))
    organizer = roles_in(actor, rfq.fair_id).organizer and rfq.buyer.user_id != actor.pk
    source = Invitation.Source.ORGANIZER if organizer else Invitation.Source.BUYER
    now = timezone.now()
    existing = {i.booth_id: i for i in rfq.invitations.filter(booth_id__in=ids)}
    invited = []
    for booth_id in sorted(ids):
        inv = existing.get(booth_id)
        if inv is not None and inv.status == Invitation.Status.INVITED:
            continue
        if inv is None:
            inv = Invitation(rfq=rfq, booth_id=booth_id, source=source, rank=10_000)
        inv.status = Invitation.Status.INVITED
        inv.invited_by = actor
        inv.invited_at = now
        if inv.source == Invitation.Source.ENGINE and organizer:
            inv.source = source
        inv.save()
        invited.append(inv)
        # What the matching engine learns from: the buyer asked this booth for a quotation.
        Interaction.objects.get_or_create(
            fair_id=rfq.fair_id,
            buyer_id=rfq.buyer_id,
            booth_id=booth_id,
            kind=Interaction.Kind.RFQ_INVITE,
            at=now,
        )
    if invited:
        events.emit(
            "rfq.invited",
            fair_id=rfq.fair_id,
            subject=rfq,
            actor=actor,
            booths=[i.booth_id for i in invited],
        )
    return invited


def _close(rfq: Rfq, reason: str, actor=None) -> None:
    rfq.status = Rfq.Status.CLOSED
    rfq.close_reason = reason
    rfq.closed_at = timezone.now()
    rfq.save(update_fields=["status", "close_reason", "closed_at"])
    events.emit("rfq.closed", fair_id=rfq.fair_id, subject=rfq, actor=actor, reason=reason)


@transaction.atomic
def rfq_close(*, actor, rfq: Rfq) -> Rfq:
    """The buyer stops taking quotes (the quotes in hand can still be decided)."""
    rfq = Rfq.objects.select_for_update().get(pk=rfq.pk)
    require(actor, "rfq:decide", rfq)
    if rfq.status == Rfq.Status.OPEN:
        _close(rfq, Rfq.CloseReason.BUYER, actor)
    return rfq


def rfq_close_due(*, rfq: Rfq | None = None, now: datetime | None = None) -> int:
    """Close the open requests whose deadline has passed (all, or this one): once each, under its row
    lock; the worker's sweep and every read of a request call it."""
    now = now or timezone.now()
    due = Rfq.objects.filter(status=Rfq.Status.OPEN, deadline__lte=now)
    if rfq is not None:
        due = due.filter(pk=rfq.pk)
    closed = 0
    for pk in list(due.values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            row = Rfq.objects.select_for_update().filter(pk=pk, status=Rfq.Status.OPEN).first()
            if row is not None and row.past_deadline(now):
                _close(row, Rfq.CloseReason.DEADLINE)
                closed += 1
    return closed


# --- quotes -------------------------------------------------------------------------------------


def _quote_terms(quote: Quote) -> dict:
    return {
        "unit_price": str(quote.unit_price) if quote.unit_price is not None else None,
        "currency": quote.currency,
        "moq": str(quote.moq) if quote.moq is not None else None,
        "lead_time_days": quote.lead_time_days,
        "incoterm": quote.incoterm,
        "valid_until": quote.valid_until.isoformat() if quote.valid_until else None,
        "samples": quote.samples,
        "terms": quote.terms,
        "message": quote.message,
    }


def _open_for_quotes(rfq: Rfq, *, revising: bool) -> None:
    now = timezone.now()
    if rfq.status == Rfq.Status.CANCELLED:
        raise DomainError("rfq.closed", _("This request was cancelled."))
    if rfq.past_deadline(now):
        raise DomainError("rfq.deadline_passed", _("The deadline for quotes has passed."))
    if rfq.status == Rfq.Status.CLOSED and not (revising and rfq.close_reason == Rfq.CloseReason.LIMIT):
        raise DomainError("rfq.closed", _("This request takes no more quotes."))


@transaction.atomic
def quote_submit(
    *,
    actor,
    rfq: Rfq,
    unit_price,
    currency: str,
    moq=None,
    lead_time_days=None,
    incoterm: str = "",
    valid_until: date | None = None,
    samples: str = Samples.NONE,
    terms: str = "",
    message: str = "",
    attachments=(),
) -> Quote:
    """An invited booth quotes on the request, or revises its quote (until the deadline; each version
    is kept). The request closes when its quote limit is reached."""
    rfq = Rfq.objects.select_for_update().select_related("fair").get(pk=rfq.pk)
    require(actor, "rfq:quote", rfq)
    booth_id = quoting_booth_id(actor, rfq)
    quote = Quote.objects.filter(rfq=rfq, booth_id=booth_id).first()
    revising = quote is not None and quote.status == Quote.Status.SUBMITTED
    _open_for_quotes(rfq, revising=revising)
    if quote is not None and quote.status in (Quote.Status.ACCEPTED, Quote.Status.REJECTED):
        raise DomainError("quote.decided", _("The buyer has already decided on this quote."))
    unit_price = _number(
        unit_price, code="quote.bad_price", message=_("Give the unit price as a positive number.")
    )
    currency = currency_clean(currency)
    moq = _number(
        moq, code="quote.bad_moq", message=_("A minimum order is a positive number."), required=False
    )
    if lead_time_days in (None, ""):
        lead_time_days = None
    else:
        try:
            lead_time_days = int(lead_time_days)
        except (TypeError, ValueError):
            lead_time_days = -1
        if not 0 <= lead_time_days <= 3650:
            raise DomainError("quote.bad_lead_time", _("Give the lead time in days (0 to 3650)."))
    if valid_until is not None and (not isinstance(valid_until, date) or valid_until < timezone.now().date()):
        raise DomainError("quote.bad_validity", _("A quote is valid until a date that has not passed."))
    if samples not in Samples.values:
        raise DomainError("quote.bad_samples", _("Say whether samples are free, paid or not available."))
    fields = {
        "unit_price": unit_price,
        "currency": currency,
        "moq": moq,
        "lead_time_days": lead_time_days,
        "incoterm": _incoterm(incoterm, required=False) or rfq.incoterm,
        "valid_until": valid_until,
        "samples": samples,
        "terms": _text(terms, limit=3000, code="quote.too_long"),
        "message": _text(message, limit=3000, code="quote.too_long"),
    }
    first = quote is None or quote.status == Quote.Status.DECLINED
    if first:
        counted = rfq.quotes.filter(
            status__in=[Quote.Status.SUBMITTED, Quote.Status.ACCEPTED, Quote.Status.REJECTED]
        )
        if counted.count() >= rfq.max_quotes:
            raise DomainError("rfq.closed", _("This request takes no more quotes."))
    if quote is None:
        quote = Quote(rfq=rfq, booth_id=booth_id)
    for name, value in fields.items():
        setattr(quote, name, value)
    quote.status = Quote.Status.SUBMITTED
    quote.reason = ""
    quote.version += 1
    if quote.submitted_at is None or first:
        quote.submitted_at = timezone.now()
    quote.save()
    QuoteVersion.objects.create(quote=quote, number=quote.version, terms=_quote_terms(quote), author=actor)
    _attach(rfq=rfq, quote=quote, files=attachments, actor=actor)
    events.emit(
        "quote.submitted" if quote.version == 1 or first else "quote.revised",
        fair_id=rfq.fair_id,
        subject=quote,
        actor=actor,
        version=quote.version,
    )
    if first and rfq.status == Rfq.Status.OPEN:
        counted = rfq.quotes.exclude(status=Quote.Status.DECLINED).count()
        if counted >= rfq.max_quotes:
            _close(rfq, Rfq.CloseReason.LIMIT, actor)
    return quote


@transaction.atomic
def quote_pass(*, actor, rfq: Rfq, reason: str) -> Quote:
    """An invited booth declines to quote (or withdraws its quote), with a reason the buyer reads."""
    rfq = Rfq.objects.select_for_update().select_related("fair").get(pk=rfq.pk)
    require(actor, "rfq:quote", rfq)
    booth_id = quoting_booth_id(actor, rfq)
    reason = _text(
        reason,
        limit=1000,
        code="quote.reason_required",
        required=True,
        message=_("Tell the buyer why you do not quote."),
    )
    quote = Quote.objects.filter(rfq=rfq, booth_id=booth_id).first()
    if quote is not None and quote.status in (Quote.Status.ACCEPTED, Quote.Status.REJECTED):
        raise DomainError("quote.decided", _("The buyer has already decided on this quote."))
    if rfq.status == Rfq.Status.CANCELLED or rfq.past_deadline():
        raise DomainError("rfq.deadline_passed", _("The deadline for quotes has passed."))
    if quote is None:
        quote = Quote(rfq=rfq, booth_id=booth_id)
    quote.status = Quote.Status.DECLINED
    quote.reason = reason
    quote.decided_at = timezone.now()
    quote.save()
    events.emit("quote.passed", fair_id=rfq.fair_id, subject=quote, actor=actor)
    return quote


def _locked_for_decision(actor, quote: Quote) -> tuple[Rfq, Quote]:
    rfq = Rfq.objects.select_for_update().select_related("fair", "buyer").get(pk=quote.rfq_id)
    require(actor, "rfq:decide", rfq)
    quote = Quote.objects.select_for_update().select_related("booth__company").get(pk=quote.pk)
    quote.rfq = rfq
    if rfq.status == Rfq.Status.CANCELLED:
        raise DomainError("rfq.closed", _("This request was cancelled."))
    return rfq, quote


@transaction.atomic
def quote_shortlist(*, actor, quote: Quote, on: bool = True) -> Quote:
    rfq, quote = _locked_for_decision(actor, quote)
    if quote.status != Quote.Status.SUBMITTED:
        raise DomainError("quote.decided", _("Only quotes not yet decided can be shortlisted."))
    quote.shortlisted = bool(on)
    quote.save(update_fields=["shortlisted", "updated_at"])
    return quote


@transaction.atomic
def quote_accept(*, actor, quote: Quote) -> Quote:
    """The buyer accepts a quote: at most ``max_accepted`` per request (the request's row lock orders
    concurrent acceptances). The quotation goes into the booth's lead ledger when the pair has met."""
    rfq, quote = _locked_for_decision(actor, quote)
    if quote.status == Quote.Status.ACCEPTED:
        return quote
    if quote.status != Quote.Status.SUBMITTED:
        raise DomainError("quote.decided", _("Only a submitted quote can be accepted."))
    accepted = rfq.quotes.filter(status=Quote.Status.ACCEPTED).count()
    if accepted >= rfq.max_accepted:
        raise DomainError(
            "rfq.accept_limit",
            _("You have already accepted %(n)d quote(s), the most this request allows.") % {"n": accepted},
        )
    quote.status = Quote.Status.ACCEPTED
    quote.decided_at = timezone.now()
    quote.save(update_fields=["status", "decided_at", "updated_at"])
    Interaction.objects.get_or_create(
        fair_id=rfq.fair_id,
        buyer_id=rfq.buyer_id,
        booth_id=quote.booth_id,
        kind=Interaction.Kind.QUOTE_ACCEPTED,
        at=quote.decided_at,
    )
    if rfq.status == Rfq.Status.OPEN:
        _close(rfq, Rfq.CloseReason.BUYER, actor)
    meeting = (
        Meeting.objects.filter(buyer_id=rfq.buyer_id, booth_id=quote.booth_id)
        .exclude(status__in=[Meeting.Status.CANCELLED, Meeting.Status.DECLINED])
        .order_by("-pk")
        .first()
    )
    if meeting is not None:
        ledger_quotation(rfq=rfq, quote=quote, meeting=meeting, actor=actor)
    events.emit("quote.accepted", fair_id=rfq.fair_id, subject=quote, actor=actor)
    return quote


def ledger_quotation(*, rfq: Rfq, quote: Quote, meeting: Meeting, actor) -> LeadUpdate:
    """The accepted quotation as a step of the booth's lead with this buyer (once per meeting)."""
    note = _("Quotation accepted for RFQ %(id)d: %(product)s") % {"id": rfq.pk, "product": rfq.product}
    existing = LeadUpdate.objects.filter(meeting=meeting, stage=LeadUpdate.Stage.QUOTATION, note=note).first()
    if existing is not None:
        return existing
    value = (quote.unit_price * rfq.quantity).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    from meetings.ledger import to_usd  # the fair's USD rate, when the organizer keeps one

    try:
        value_usd = to_usd(fair=rfq.fair, value=value, currency=quote.currency)
    except DomainError:
        value_usd = None
    return LeadUpdate.objects.create(
        meeting=meeting,
        stage=LeadUpdate.Stage.QUOTATION,
        on=timezone.now().date(),
        value=value if value < Decimal("1e13") else None,
        currency=quote.currency if value < Decimal("1e13") else "",
        value_usd=value_usd,
        note=note,
        created_by=actor,
    )


@transaction.atomic
def quote_reject(*, actor, quote: Quote, reason: str) -> Quote:
    """The buyer declines one quote, with a reason the exhibitor reads."""
    rfq, quote = _locked_for_decision(actor, quote)
    reason = _text(
        reason,
        limit=1000,
        code="quote.reason_required",
        required=True,
        message=_("Tell the exhibitor why you decline."),
    )
    if quote.status != Quote.Status.SUBMITTED:
        raise DomainError("quote.decided", _("Only a submitted quote can be declined."))
    quote.status = Quote.Status.REJECTED
    quote.reason = reason
    quote.decided_at = timezone.now()
    quote.shortlisted = False
    quote.save()
    events.emit("quote.rejected", fair_id=rfq.fair_id, subject=quote, actor=actor)
    return quote


def quotes_reject_rest(*, actor, rfq: Rfq, reason: str) -> int:
    """Decline every quote still undecided, with one reason."""
    with transaction.atomic():
        pending = list(rfq.quotes.filter(status=Quote.Status.SUBMITTED).order_by("pk"))
        for quote in pending:
            quote_reject(actor=actor, quote=quote, reason=reason)
    return len(pending)


@transaction.atomic
def quote_message_post(*, actor, quote: Quote, text: str) -> QuoteMessage:
    """A question on a quote (the buyer) or its answer (the booth's staff)."""
    require(actor, "quote:discuss", quote)
    text = _text(
        text,
        limit=3000,
        code="quote.message_required",
        required=True,
        message=_("Write your question or answer."),
    )
    rfq = quote.rfq
    from rfq.access import is_buyer_of

    side = QuoteMessage.Side.BUYER if is_buyer_of(actor, rfq) else QuoteMessage.Side.EXHIBITOR
    msg = QuoteMessage.objects.create(quote=quote, side=side, author=actor, text=text)
    events.emit("quote.message_posted", fair_id=rfq.fair_id, subject=msg, actor=actor, side=side)
    return msg


@transaction.atomic
def consultation_book(*, actor, quote: Quote, slot: Slot, message: str = "") -> Meeting:
    """After accepting a quote, the buyer books a consultation with that booth in a slot both are free
    in; the accepted quotation is written into the booth's lead ledger for that meeting."""
    require(actor, "rfq:decide", quote.rfq)
    if quote.status != Quote.Status.ACCEPTED:
        raise DomainError("quote.not_accepted", _("Book a consultation once you have accepted the quote."))
    rfq = quote.rfq
    if rfq.fair.permanent:
        # In a fair open all year the buyer picks from the booth's weekly hours: choosing a time is
        # saying they are free then.
        Availability.objects.get_or_create(slot=slot, participant=rfq.buyer)
    text = message or _("Consultation on RFQ %(id)d: %(product)s") % {"id": rfq.pk, "product": rfq.product}
    meeting = meeting_request(actor=actor, buyer=rfq.buyer, booth=quote.booth, slot=slot, message=text[:2000])
    ledger_quotation(rfq=rfq, quote=quote, meeting=meeting, actor=actor)
    return meeting
