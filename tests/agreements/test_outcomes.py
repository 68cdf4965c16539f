"""Declared outcomes: verified only once the other side confirms; disputes keep both versions;
shipments confirmed by the buyer; the organizer's figures per fair, hall, market and exhibitor."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from agreements import outcomes, selectors
from agreements.models import Shipment, TradeOutcome
from insights import reports
from kernel.errors import DomainError, PermissionDenied
from meetings import ledger
from meetings import services as meeting_services
from meetings.models import Meeting
from tests import factories


@pytest.fixture
def deal(mou_world):
    """A held meeting between Shanghai (buyer) and Seoul Glow (booth in the beauty hall)."""
    w = mou_world
    hall = factories.hall(w["fair"], name="Beauty")
    booth = w["booths"]["seoul"]
    booth.hall = hall
    booth.save()
    slots = meeting_services.slots_generate(fair=w["fair"])
    org = w["organizer"].user
    meeting_services.availability_set(actor=org, fair=w["fair"], slots=slots, booth=booth)
    meeting_services.availability_set(actor=org, fair=w["fair"], slots=slots, participant=w["buyer_c"])
    meeting = meeting_services.meeting_request(
        actor=w["buyer_c"].user, buyer=w["buyer_c"], booth=booth, slot=slots[0]
    )
    meeting_services.meeting_accept(actor=w["staff_a"].user, meeting=meeting)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD)
    meeting.refresh_from_db()
    ledger.rate_set(actor=org, fair=w["fair"], currency="KRW", usd_per_unit="0.00075")
    return {**w, "meeting": meeting, "hall": hall}


def _declare(deal, who="staff_a", value="100000000", currency="KRW"):
    origin = outcomes.origin_get(user=deal[who].user, kind="meeting", origin_id=deal["meeting"].pk)
    return outcomes.outcome_declare(
        actor=deal[who].user,
        origin=origin,
        type="order",
        value=value,
        currency=currency,
        products="Snail cream 20,000 units",
        ship_by=date(2027, 3, 1),
    )


def test_an_outcome_counts_as_verified_only_after_the_other_side_confirms(deal):
    outcome = _declare(deal)
    assert outcome.value_usd == 75000  # at the organizer's rate
    figures = selectors.verified_exports(deal["fair"])
    assert figures["verified_usd"] == "0.00" and figures["declared_usd"] == "75000.00"
    # The side that declared cannot confirm it; nor can the organizer.
    for who in ("staff_a", "organizer"):
        with pytest.raises(PermissionDenied):
            outcomes.outcome_confirm(actor=deal[who].user, outcome=outcome)
    outcomes.outcome_confirm(actor=deal["buyer_c"].user, outcome=outcome)
    figures = selectors.verified_exports(deal["fair"])
    assert figures["verified_usd"] == "75000.00" and figures["declared_usd"] == "0.00"
    assert figures["by_hall"][0]["name"] == "Beauty" and figures["by_hall"][0]["verified_usd"] == "75000.00"
    assert figures["by_market"][0]["key"] == "CN"
    assert figures["by_exhibitor"][0]["name"] == "Seoul Glow Co."
    with pytest.raises(DomainError) as e:
        outcomes.outcome_confirm(actor=deal["buyer_c"].user, outcome=outcome)
    assert e.value.code == "outcome.answered"


def test_a_disputed_outcome_is_visible_to_the_organizer_with_both_versions(client, deal):
    outcome = _declare(deal, who="buyer_c", value="50000", currency="USD")
    outcomes.outcome_dispute(
        actor=deal["staff_a"].user,
        outcome=outcome,
        note="Only 30,000 USD was ordered",
        value="30000",
        currency="USD",
    )
    disputed = selectors.disputed_outcomes(deal["fair"])
    assert disputed[0]["declared"]["value"] == "50000.00" and disputed[0]["other"]["value"] == "30000.00"
    assert selectors.verified_exports(deal["fair"])["verified_usd"] == "0.00"
    client.force_login(deal["organizer"].user)
    page = client.get(reverse("fair_outcomes", args=[deal["fair"].slug])).content.decode()
    assert "50000.00" in page and "30000.00" in page and "Only 30,000 USD was ordered" in page
    page = client.get(reverse("outcome_detail", args=[outcome.pk])).content.decode()
    assert "50000.00" in page and "30000.00" in page
    table = next(t for t in reports.fair_tables(deal["fair"]) if t.key == "disputed_outcomes")
    assert table.rows[0][3] == "30000.00 USD"


def test_shipments_count_once_the_buyer_confirms_them(deal):
    outcome = _declare(deal)
    with pytest.raises(DomainError) as e:
        outcomes.shipment_record(
            actor=deal["staff_a"].user,
            outcome=outcome,
            shipped_on=date(2027, 3, 2),
            value="1",
            currency="USD",
        )
    assert e.value.code == "shipment.outcome_not_confirmed"
    outcomes.outcome_confirm(actor=deal["buyer_c"].user, outcome=outcome)
    with pytest.raises(PermissionDenied):  # the buyer does not record shipments
        outcomes.shipment_record(
            actor=deal["buyer_c"].user,
            outcome=outcome,
            shipped_on=date(2027, 3, 2),
            value="1",
            currency="USD",
        )
    shipment = outcomes.shipment_record(
        actor=deal["staff_a"].user,
        outcome=outcome,
        shipped_on=date(2027, 3, 2),
        value="40000000",
        currency="KRW",
        declaration_number="12345-27-0000123X",
    )
    assert selectors.verified_exports(deal["fair"])["shipped_usd"] == "0.00"
    with pytest.raises(PermissionDenied):
        outcomes.shipment_answer(actor=deal["staff_a"].user, shipment=shipment, confirm=True)
    outcomes.shipment_answer(actor=deal["buyer_c"].user, shipment=shipment, confirm=True)
    assert Shipment.objects.get().status == Shipment.Status.CONFIRMED
    assert selectors.verified_exports(deal["fair"])["shipped_usd"] == "30000.00"


def test_bad_input_declares_nothing(deal):
    for kwargs, code in (
        ({"value": "-5"}, "outcome.bad_value"),
        ({"value": "lots"}, "outcome.bad_value"),
        ({"currency": "XYZ"}, "ledger.bad_currency"),
        ({"currency": "JPY"}, "ledger.no_rate"),
    ):
        with pytest.raises(DomainError) as e:
            _declare(deal, **kwargs)
        assert e.value.code == code
    outsider = factories.buyer(deal["fair"])
    with pytest.raises(Exception) as e:
        outcomes.origin_get(user=outsider.user, kind="meeting", origin_id=deal["meeting"].pk)
    assert getattr(e.value, "code", "") == "meeting.not_found"
    Meeting.objects.filter(pk=deal["meeting"].pk).update(status=Meeting.Status.ACCEPTED)
    with pytest.raises(DomainError) as e:
        outcomes.origin_get(user=deal["staff_a"].user, kind="meeting", origin_id=deal["meeting"].pk)
    assert e.value.code == "outcome.not_held"
    assert TradeOutcome.objects.count() == 0


def test_a_company_across_fairs(client, deal):
    outcome = _declare(deal)
    outcomes.outcome_confirm(actor=deal["buyer_c"].user, outcome=outcome)
    history = selectors.company_history(deal["companies"]["seoul"])
    assert history[0]["fair"] == deal["fair"].name and history[0]["verified_usd"] == "75000.00"
    client.force_login(deal["organizer"].user)
    url = reverse("company_outcomes", args=[deal["fair"].slug, deal["companies"]["seoul"].pk])
    page = client.get(url).content.decode()
    assert "75000.00" in page and deal["fair"].name in page


def test_the_pages_declare_and_confirm(client, deal):
    client.force_login(deal["staff_a"].user)
    url = reverse("meeting_outcomes", args=[deal["meeting"].pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "type": "contract",
            "value": "12000",
            "currency": "usd",
            "products": "Toner",
            "ship_by": "2027-04-01",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    outcome = TradeOutcome.objects.get()
    client.force_login(deal["buyer_c"].user)
    response = client.post(reverse("outcome_detail", args=[outcome.pk]), {"action": "confirm"})
    assert response.status_code == 302
    outcome.refresh_from_db()
    assert outcome.status == TradeOutcome.Status.CONFIRMED and outcome.currency == "USD"


def test_the_api(client, deal):
    client.force_login(deal["buyer_c"].user)
    response = client.post(
        "/api/outcomes/",
        {
            "origin_kind": "meeting",
            "origin_id": deal["meeting"].pk,
            "type": "order",
            "value": "999",
            "currency": "USD",
            "products": "x",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["verified"] is False and data["declared_side"] == "buyer"
    again = client.post(f"/api/outcomes/{data['id']}/confirm/")
    assert again.status_code == 403 and again.json()["code"] == "outcome.not_the_other_side"
    client.force_login(deal["staff_a"].user)
    assert client.post(f"/api/outcomes/{data['id']}/confirm/").json()["verified"] is True
    assert client.get(f"/api/outcomes/verified/?fair={deal['fair'].slug}").status_code == 403
    client.force_login(deal["organizer"].user)
    figures = client.get(f"/api/outcomes/verified/?fair={deal['fair'].slug}").json()
    assert figures["verified_usd"] == "999.00"
