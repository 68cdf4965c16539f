"""Declared outcomes: declare after a meeting, confirm or dispute, shipments, and the organizer's
verified export figures (per fair, hall, market, exhibitor; a company across fairs). Thin: load through
the access layer, call one function of agreements.outcomes, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from agreements import outcomes, selectors
from agreements.access import access_outcome, outcome_side
from agreements.models import Shipment, TradeOutcome
from fair.access import access_fair, roles_in
from fair.models import Company, Participant
from frontend.agreement_forms import DisputeForm, OutcomeForm, ShipmentForm
from kernel.access import allowed
from kernel.errors import DomainError


def _int(value) -> int:
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else 0


@login_required
def meeting_outcomes(request, meeting_id: int):
    """What came of a held meeting: the outcomes either side declared, and a form to declare one."""
    origin = outcomes.origin_get(user=request.user, kind="meeting", origin_id=meeting_id)
    can_declare = allowed(request.user, "outcome:declare", origin)
    agreements = [
        a for a in selectors.agreements_for(user=request.user, fair=origin.fair) if a.status == "signed"
    ]
    form = OutcomeForm(request.POST or None, agreements=agreements)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                outcome = outcomes.outcome_declare(
                    actor=request.user,
                    origin=origin,
                    type=data["type"],
                    value=data["value"],
                    currency=data["currency"],
                    products=data["products"],
                    ship_by=data["ship_by"],
                    agreement=form.agreements.get(data["agreement"] or ""),
                )
            except DomainError as e:
                form.add_error(None, e.message)
            else:
                messages.success(request, _("Declared. The other side is asked to confirm it."))
                return redirect("outcome_detail", outcome.pk)
        status = 400
    context = {
        "fair": origin.fair,
        "meeting": origin.meeting,
        "outcomes": selectors.outcomes_of_origin(kind="meeting", origin_id=origin.id),
        "form": form if can_declare else None,
    }
    return render(request, "outcomes/meeting.html", context, status=status)


def _outcome_context(request, outcome: TradeOutcome, **forms) -> dict:
    side = outcome_side(request.user, outcome)
    waiting = outcome.status == TradeOutcome.Status.DECLARED
    return {
        "fair": outcome.fair,
        "outcome": outcome,
        "side": side,
        "can_answer": waiting and allowed(request.user, "outcome:answer", outcome),
        "can_withdraw": outcome.status != TradeOutcome.Status.WITHDRAWN
        and allowed(request.user, "outcome:withdraw", outcome),
        "can_ship": outcome.status == TradeOutcome.Status.CONFIRMED
        and allowed(request.user, "shipment:record", outcome),
        "buyer_side": side == "buyer",
        "shipments": selectors.shipments_of(outcome=outcome),
        "dispute_form": forms.get("dispute_form") or DisputeForm(initial={"currency": outcome.currency}),
        "shipment_form": forms.get("shipment_form") or ShipmentForm(initial={"currency": outcome.currency}),
    }


@login_required
def outcome_detail(request, outcome_id: int):
    outcome = access_outcome(request.user, outcome_id)
    forms = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "confirm":
                outcomes.outcome_confirm(actor=request.user, outcome=outcome)
                messages.success(request, _("Confirmed. It now counts as verified."))
                return redirect("outcome_detail", outcome.pk)
            if action == "withdraw":
                outcomes.outcome_withdraw(actor=request.user, outcome=outcome)
                messages.success(request, _("Withdrawn."))
                return redirect("outcome_detail", outcome.pk)
            if action == "dispute":
                form = forms["dispute_form"] = DisputeForm(request.POST)
                if form.is_valid():
                    outcomes.outcome_dispute(actor=request.user, outcome=outcome, **form.cleaned_data)
                    messages.success(request, _("Disputed. The organizer sees both versions."))
                    return redirect("outcome_detail", outcome.pk)
            elif action == "shipment":
                form = forms["shipment_form"] = ShipmentForm(request.POST)
                if form.is_valid():
                    outcomes.shipment_record(actor=request.user, outcome=outcome, **form.cleaned_data)
                    messages.success(
                        request, _("The shipment is recorded. The buyer is asked to confirm it.")
                    )
                    return redirect("outcome_detail", outcome.pk)
            elif action in ("shipment_confirm", "shipment_dispute"):
                shipment = Shipment.objects.filter(
                    outcome=outcome, pk=_int(request.POST.get("shipment"))
                ).first()
                if shipment is None:
                    raise Http404(_("No such shipment."))
                outcomes.shipment_answer(
                    actor=request.user,
                    shipment=shipment,
                    confirm=action == "shipment_confirm",
                    note=request.POST.get("note", ""),
                )
                messages.success(request, _("Saved."))
                return redirect("outcome_detail", outcome.pk)
            else:
                raise Http404(_("No such action."))
        except DomainError as e:
            messages.error(request, e.message)
        status = 400
        outcome = access_outcome(request.user, outcome_id)
    return render(request, "outcomes/detail.html", _outcome_context(request, outcome, **forms), status=status)


@login_required
def fair_outcomes(request, fair_slug: str):
    """My declared outcomes in a fair; for an organizer, the verified export figures and the disputes."""
    fair = access_fair(request.user, fair_slug)
    organizer = roles_in(request.user, fair.pk).organizer
    context = {
        "fair": fair,
        "organizer": organizer,
        "outcomes": selectors.outcomes_for(user=request.user, fair=fair)[:200],
    }
    if organizer:
        context["figures"] = selectors.verified_exports(fair)
        context["disputed"] = selectors.disputed_outcomes(fair)
        context["companies"] = selectors.companies_with_outcomes(fair)
    return render(request, "outcomes/fair.html", context)


@login_required
def company_outcomes(request, fair_slug: str, company_id: int):
    """One company across the fairs this organizer runs."""
    fair = access_fair(request.user, fair_slug, perm="fair:organize")
    company = Company.objects.filter(pk=company_id).first()
    if company is None:
        raise Http404(_("No such company."))
    mine = set(
        Participant.objects.filter(
            user=request.user, role=Participant.Role.ORGANIZER, status=Participant.Status.APPROVED
        ).values_list("fair_id", flat=True)
    )
    rows = [r for r in selectors.company_history(company) if r["fair_id"] in mine]
    return render(request, "outcomes/company.html", {"fair": fair, "company": company, "rows": rows})
