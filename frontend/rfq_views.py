"""Sourcing-request pages: the list, posting a request, and one request's page (the engine's proposals,
invitations, quoting, the comparison in the buyer's currency, questions, decisions, the consultation
offered after an accepted quote). Thin: load through rfq.access, call one service, render."""

from __future__ import annotations

import zoneinfo
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from exhibitors.models import Booth, Product
from fair import hs
from fair.access import access_fair, roles_in
from frontend.rfq_forms import QuoteForm, RfqForm
from kernel.access import allowed
from kernel.api import parse_id
from kernel.errors import DomainError, NotFound
from matching.reasons import render_reasons
from meetings.models import Slot
from rfq import selectors, services
from rfq.access import EXHIBITOR, access_quote, access_rfq, invited_booth_ids, side_in_rfq
from rfq.models import Invitation, Quote, Rfq
from rfq.subscribers import buyer_name, quantity_text

# The currency a buyer compares in by default: their country's.
COUNTRY_CURRENCY = {
    "ID": "IDR",
    "KR": "KRW",
    "JP": "JPY",
    "CN": "CNY",
    "VN": "VND",
    "US": "USD",
    "TH": "THB",
    "MY": "MYR",
    "SG": "SGD",
    "IN": "INR",
    "AE": "AED",
    "SA": "SAR",
    "GB": "GBP",
    "TW": "TWD",
    "PH": "PHP",
    "AU": "AUD",
    "CA": "CAD",
    "HK": "HKD",
    **dict.fromkeys(
        [
            "AT",
            "BE",
            "CY",
            "DE",
            "EE",
            "ES",
            "FI",
            "FR",
            "GR",
            "HR",
            "IE",
            "IT",
            "LT",
            "LU",
            "LV",
            "MT",
            "NL",
            "PT",
            "SI",
            "SK",
        ],
        "EUR",
    ),
}


def _zone(user) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(getattr(user, "time_zone", "") or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


@login_required
def rfq_list(request, fair_slug: str):
    fair = access_fair(request.user, fair_slug)
    services.rfq_close_due()
    lists = selectors.rfqs_for(user=request.user, fair=fair)
    context = {
        "fair": fair,
        "lists": lists,
        "can_post": allowed(request.user, "rfq:post", fair),
        "traffic": selectors.traffic(fair=fair) if "all" in lists else None,
        "hours_booths": sorted(roles_in(request.user, fair.pk).staff_of) if fair.permanent else [],
    }
    return render(request, "rfq/list.html", context)


def _prefill(request, fair) -> dict:
    """?product=<id> (a product of a booth the person may see: "Request a quote" under a product, in
    a live show) fills in what is sourced; &sample=1 asks for a sample of it."""
    try:
        product_id = int(request.GET.get("product", ""))
    except ValueError:
        return {}
    product = (
        Product.objects.select_related("booth__company", "booth__fair")
        .filter(pk=product_id, booth__fair=fair)
        .first()
    )
    if product is None or not allowed(request.user, "booth:view", product.booth):
        return {}
    initial = {"product": product.name, "hs_code": product.hs_code}
    if request.GET.get("sample"):
        initial.update(
            description=_("A sample of %(product)s from %(company)s.")
            % {"product": product.name, "company": product.booth.company.name},
            quantity=1,
            unit=_("sample"),
        )
    elif product.moq:
        initial.update(quantity=product.moq, unit=product.moq_unit or "pcs")
    return initial


@login_required
def rfq_new(request, fair_slug: str):
    fair = access_fair(request.user, fair_slug, perm="rfq:post")
    zone = _zone(request.user)
    buyer_country = ""
    pid = roles_in(request.user, fair.pk).participant_ids.get("buyer")
    if pid:
        from fair.models import Participant

        buyer = Participant.objects.select_related("company").get(pk=pid)
        buyer_country = str(buyer.company.country) if buyer.company else ""
    form = RfqForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "destination_country": buyer_country,
            "deadline": (timezone.now().astimezone(zone) + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
            **_prefill(request, fair),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        deadline = data["deadline"]
        deadline = timezone.make_aware(deadline.replace(tzinfo=None), zone)
        try:
            rfq = services.rfq_post(
                actor=request.user,
                fair=fair,
                product=data["product"],
                hs_code=data["hs_code"],
                description=data["description"],
                quantity=data["quantity"],
                unit=data["unit"],
                target_price=data["target_price"],
                currency=data["currency"],
                incoterm=data["incoterm"],
                destination_country=data["destination_country"],
                destination_port=data["destination_port"],
                certifications=data["certifications"],
                needed_by=data["needed_by"],
                deadline=deadline,
                max_quotes=data["max_quotes"],
                max_accepted=data["max_accepted"],
                reveal_company=data["reveal_company"],
                attachments=request.FILES.getlist("attachments"),
            )
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _("Your request is saved. Choose the exhibitors to invite."))
            return redirect("rfq_detail", fair.slug, rfq.pk)
    status = 400 if form.errors else 200
    return render(request, "rfq/new.html", {"fair": fair, "form": form}, status=status)


def _quote_form(rfq: Rfq, quote: Quote | None, data=None, files=None) -> QuoteForm:
    initial = {"incoterm": rfq.incoterm, "currency": rfq.currency}
    if quote is not None and quote.status == Quote.Status.SUBMITTED:
        initial.update(
            unit_price=quote.unit_price,
            currency=quote.currency,
            moq=quote.moq,
            lead_time_days=quote.lead_time_days,
            incoterm=quote.incoterm,
            valid_until=quote.valid_until,
            samples=quote.samples,
            terms=quote.terms,
            message=quote.message,
        )
    return QuoteForm(data, files, initial=initial)


def _post(request, rfq: Rfq, side: str, fair):  # noqa: C901 - one branch per button of the page
    action = request.POST.get("action", "")
    user = request.user
    if action == "invite":
        ids = [parse_id(v) for v in request.POST.getlist("booth")]
        if None in ids:
            raise DomainError("rfq.unknown_booth", _("One of these exhibitors is not open in this fair."))
        invited = services.rfq_invite(actor=user, rfq=rfq, booth_ids=ids)
        return _("%(n)d exhibitors invited.") % {"n": len(invited)}
    if action in ("quote", "pass"):
        access_rfq(user, rfq.pk, perm="rfq:quote")
        if action == "pass":
            services.quote_pass(actor=user, rfq=rfq, reason=request.POST.get("reason", ""))
            return _("The buyer hears that you will not quote.")
        form = _quote_form(rfq, None, request.POST, request.FILES)
        if not form.is_valid():
            raise DomainError("quote.invalid", " ".join(e for errs in form.errors.values() for e in errs))
        d = form.cleaned_data
        q = services.quote_submit(
            actor=user,
            rfq=rfq,
            unit_price=d["unit_price"],
            currency=d["currency"],
            moq=d["moq"],
            lead_time_days=d["lead_time_days"],
            incoterm=d["incoterm"],
            valid_until=d["valid_until"],
            samples=d["samples"],
            terms=d["terms"],
            message=d["message"],
            attachments=request.FILES.getlist("attachments"),
        )
        return _("Quote sent (version %(n)d).") % {"n": q.version}
    if action == "close":
        services.rfq_close(actor=user, rfq=rfq)
        return _("The request takes no more quotes.")
    if action == "reject_rest":
        n = services.quotes_reject_rest(actor=user, rfq=rfq, reason=request.POST.get("reason", ""))
        return _("%(n)d quotes declined.") % {"n": n}
    quote = access_quote(user, parse_id(request.POST.get("quote")))
    if quote.rfq_id != rfq.pk:
        raise NotFound("quote.not_found", _("No such quote."))
    quote.rfq = rfq
    if action == "ask":
        services.quote_message_post(actor=user, quote=quote, text=request.POST.get("text", ""))
        return _("Sent.")
    if action == "shortlist":
        services.quote_shortlist(actor=user, quote=quote, on=request.POST.get("on") != "0")
        return _("Shortlist updated.")
    if action == "accept":
        services.quote_accept(actor=user, quote=quote)
        return _("Quote accepted. Book a consultation with the exhibitor below.")
    if action == "reject":
        services.quote_reject(actor=user, quote=quote, reason=request.POST.get("reason", ""))
        return _("Quote declined.")
    if action == "book":
        slot = Slot.objects.filter(pk=parse_id(request.POST.get("slot")), fair_id=rfq.fair_id).first()
        if slot is None:
            raise DomainError("meeting.no_such_slot", _("That time is no longer offered."))
        meeting = services.consultation_book(actor=user, quote=quote, slot=slot)
        return redirect("meeting_detail", meeting.pk)
    raise DomainError("rfq.unknown_action", _("Nothing to do."))


@login_required
def rfq_detail(request, fair_slug: str, rfq_id: int):
    rfq = access_rfq(request.user, rfq_id)
    fair = rfq.fair
    if fair.slug != fair_slug:
        raise NotFound("rfq.not_found", _("No such sourcing request."))
    services.rfq_close_due(rfq=rfq)
    rfq.refresh_from_db()
    side = side_in_rfq(request.user, rfq) or "organizer"
    lang = request.LANGUAGE_CODE
    error = None
    if request.method == "POST":
        try:
            result = _post(request, rfq, side, fair)
        except DomainError as e:
            error = e.message
        else:
            if not isinstance(result, str):
                return result
            messages.success(request, result)
            return redirect(request.get_full_path())
    rfq.refresh_from_db()
    context = {"fair": fair, "rfq": rfq, "side": side, "error": error, "zone": str(_zone(request.user))}
    context["attachments"] = rfq.attachments.filter(quote__isnull=True)
    context["hs_label"] = hs.hs_label(rfq.hs_code, lang)
    context["quantity"] = quantity_text(rfq.quantity)
    if side == EXHIBITOR:
        booth_id = sorted(invited_booth_ids(request.user, rfq))[0]
        mine = Quote.objects.filter(rfq=rfq, booth_id=booth_id).first()
        context.update(
            buyer_label=buyer_name(rfq, revealed=rfq.reveal_company or (mine and mine.status == "accepted")),
            quote=mine,
            versions=selectors.versions_of(mine) if mine else [],
            thread=mine.thread.select_related("author") if mine else [],
            quote_form=_quote_form(rfq, mine),
            can_quote=rfq.accepts_quotes()
            or (
                mine and mine.status == "submitted" and not rfq.past_deadline() and rfq.status != "cancelled"
            ),
        )
        return render(request, "rfq/detail.html", context, status=400 if error else 200)
    invitations = list(rfq.invitations.select_related("booth__company").order_by("status", "rank", "pk"))
    for inv in invitations:
        inv.why = render_reasons(inv.reasons, viewer="buyer", language=lang)
    currency = (request.GET.get("currency") or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        country = str(rfq.buyer.company.country) if rfq.buyer.company else str(rfq.destination_country)
        currency = COUNTRY_CURRENCY.get(country, rfq.currency)
    table = selectors.compare(rfq, currency=currency)
    for row in table["rows"]:
        q = row["quote"]
        row["thread"] = list(q.thread.select_related("author"))
        row["slots"] = (
            selectors.consultation_slots(buyer=rfq.buyer, booth=q.booth)
            if q.status == Quote.Status.ACCEPTED and side == "buyer"
            else []
        )
    routable = []
    if allowed(request.user, "rfq:route", rfq) and rfq.accepts_quotes():
        taken = {i.booth_id for i in invitations if i.status == Invitation.Status.INVITED}
        routable = list(
            Booth.objects.filter(fair=fair, status=Booth.Status.PUBLISHED)
            .exclude(pk__in=taken)
            .select_related("company")
            .order_by("company__name")[:300]
        )
    context.update(
        invitations=invitations,
        proposed=[i for i in invitations if i.status == Invitation.Status.PROPOSED],
        invited=[i for i in invitations if i.status == Invitation.Status.INVITED],
        table=table,
        currency=currency,
        currencies=sorted({currency, rfq.currency, "USD", *COUNTRY_CURRENCY.values()}),
        can_route=bool(routable),
        routable=routable,
        can_decide=allowed(request.user, "rfq:decide", rfq),
        pending=sum(1 for r in table["rows"] if r["quote"].status == Quote.Status.SUBMITTED),
    )
    return render(request, "rfq/detail.html", context, status=400 if error else 200)
