"""An exhibitor's leads for HubSpot and Salesforce: only buyers with an agreed meeting (contact
details are shared only then), their furthest ledger stage and the exhibitor's own outcome, the same
rows in the CSV and the API, and nobody else's booth."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from kernel import consent
from meetings import services as meeting_services
from meetings.models import LeadUpdate, Meeting, Outcome
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def leads_world(small_fair):
    fair, booth = small_fair["fair"], small_fair["booths"]["cosmetics"]
    org = small_fair["organizer"].user
    slots = meeting_services.slots_generate(fair=fair)
    meeting_services.availability_set(actor=org, fair=fair, slots=slots, booth=booth)
    met = factories.buyer(
        fair,
        country="JP",
        user_obj=factories.user(email="aiko@buyer.example", first_name="Aiko", last_name="Sato"),
    )
    consent.consent_set(actor=met.user, user=met.user, kind=consent.CONTACT, granted=True)
    met.company.name = '=HYPERLINK("http://x")'
    met.company.save()
    asked = factories.buyer(fair, country="US", user_obj=factories.user(email="pending@buyer.example"))
    for p in (met, asked):
        meeting_services.availability_set(actor=org, fair=fair, slots=slots, participant=p)
    m1 = meeting_services.meeting_request(actor=met.user, buyer=met, booth=booth, slot=slots[0])
    meeting_services.meeting_accept(actor=small_fair["staff"].user, meeting=m1)
    Meeting.objects.filter(pk=m1.pk).update(status=Meeting.Status.HELD)
    Outcome.objects.create(
        meeting=m1, side=Meeting.Side.EXHIBITOR, rating=5, notes="Wants 20,000 units by March",
        deal_size_usd=Decimal("50000"), follow_up_on=date(2027, 1, 15),
    )  # fmt: skip
    LeadUpdate.objects.create(meeting=m1, stage="sample_sent", on=date(2026, 12, 10))
    LeadUpdate.objects.create(
        meeting=m1, stage="order", on=date(2026, 12, 20), value=Decimal("42000"), currency="USD",
        value_usd=Decimal("42000"),
    )  # fmt: skip
    meeting_services.meeting_request(actor=asked.user, buyer=asked, booth=booth, slot=slots[1])  # not agreed
    return {**small_fair, "booth": booth}


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_only_agreed_leads_with_their_stage_and_outcome_in_both_formats(client, leads_world):
    fair, booth = leads_world["fair"], leads_world["booth"]
    client.force_login(leads_world["staff"].user)
    hubspot = _csv(client.get(reverse("crm_leads", args=[fair.slug, booth.pk, "hubspot"])))
    assert len(hubspot) == 1  # the pending request's buyer is not a lead yet: no contact details
    row = hubspot[0]
    assert (row["First Name"], row["Last Name"], row["Email"]) == ("Aiko", "Sato", "aiko@buyer.example")
    assert row["Company Name"].startswith("'=HYPERLINK")  # no formula runs in a spreadsheet
    assert (row["Country/Region"], row["Lifecycle Stage"], row["Lead Status"]) == (
        "JP",
        "customer",
        "OPEN_DEAL",
    )
    assert row["Amount"] == "42000.00" and row["Next Activity Date"] == "2027-01-15"
    assert "Wants 20,000 units by March" in row["Notes"] and "order" in row["Notes"]
    salesforce = _csv(client.get(reverse("crm_leads", args=[fair.slug, booth.pk, "salesforce"])))
    assert salesforce[0]["Lead Status"] == "Closed - Converted" and salesforce[0]["Rating"] == "Hot"
    assert salesforce[0]["Lead Source"] == "Trade Show"
    api = client.get("/api/crm-leads/", {"booth": booth.pk, "crm": "salesforce"})
    assert api.status_code == 200 and api.json() == salesforce
    assert "pending@buyer.example" not in str(hubspot + salesforce)


def test_nobody_else_reads_a_booths_leads(client, leads_world):
    fair, booth = leads_world["fair"], leads_world["booth"]
    url = reverse("crm_leads", args=[fair.slug, booth.pk, "hubspot"])
    client.force_login(factories.staff(leads_world["booths"]["snacks"]).user)
    assert client.get(url).status_code == 403
    assert client.get("/api/crm-leads/", {"booth": booth.pk, "crm": "hubspot"}).status_code == 403
    client.force_login(leads_world["buyer"].user)
    assert client.get(url).status_code == 403
    client.force_login(leads_world["staff"].user)
    assert client.get("/api/crm-leads/", {"booth": booth.pk, "crm": "zoho"}).status_code == 400
    assert client.get(reverse("crm_leads", args=[fair.slug, booth.pk, "zoho"])).status_code == 404
