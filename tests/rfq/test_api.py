"""The RFQ API: the same rules and error codes as the pages."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from rfq.models import Quote, QuoteVersion


def test_post_invite_quote_compare_and_accept_through_the_api(client, rfq_world):
    w = rfq_world
    client.force_login(w["buyer"].user)
    body = {
        "fair": w["fair"].slug,
        "product": "Vitamin C serum",
        "hs_code": "330499",
        "quantity": "20000",
        "unit": "pcs",
        "currency": "USD",
        "incoterm": "CIF",
        "destination_country": "ID",
        "certifications": ["HALAL"],
        "deadline": (timezone.now() + timedelta(days=3)).isoformat(),
    }
    bad = client.post("/api/rfqs/", {**body, "hs_code": "7700"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "rfq.bad_hs_code"
    response = client.post("/api/rfqs/", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    rfq = response.json()
    proposed = [i["booth"] for i in rfq["invitations"]]
    assert w["booths"]["seoul"].pk in proposed and w["booths"]["fish"].pk not in proposed
    assert any(r["code"] == "hs_match" for r in rfq["invitations"][0]["reasons"])
    url = f"/api/rfqs/{rfq['id']}/"
    seoul, busan = w["booths"]["seoul"].pk, w["booths"]["busan"].pk
    assert (
        client.post(url + "invite/", {"booths": [seoul, busan]}, content_type="application/json").status_code
        == 200
    )

    client.force_login(w["staff"]["fish"].user)
    assert client.get(url).json()["code"] == "rfq.not_found"
    refused = client.post(
        url + "quote/", {"unit_price": "1", "currency": "USD"}, content_type="application/json"
    )
    assert refused.status_code == 403 and refused.json()["code"] == "rfq.not_invited"

    client.force_login(w["staff"]["seoul"].user)
    seen = client.get(url).json()
    assert "invitations" not in seen and seen["buyer"] == "인도네시아의 바이어"  # in their language
    for price in ("2800", "2700"):
        r = client.post(
            url + "quote/", {"unit_price": price, "currency": "KRW"}, content_type="application/json"
        )
        assert r.status_code == 200, r.json()
    assert [v["terms"]["unit_price"] for v in r.json()["versions"]] == ["2700.0000", "2800.0000"]
    client.force_login(w["staff"]["busan"].user)
    client.post(url + "quote/", {"unit_price": "1.95", "currency": "USD"}, content_type="application/json")
    assert [q["company"] for q in client.get(url + "quotes/").json()] == ["Busan Skin Lab"]

    client.force_login(w["buyer"].user)
    quotes = client.get(url + "quotes/?currency=IDR").json()
    assert [(q["company"], q["converted"]["unit_price"]) for q in quotes] == [
        ("Seoul Glow Co.", "31640.6250"),
        ("Busan Skin Lab", "30468.7500"),
    ]
    first = quotes[0]["id"]
    asked = client.post(
        f"/api/quotes/{first}/messages/", {"text": "HALAL no.?"}, content_type="application/json"
    )
    assert asked.status_code == 201 and asked.json()["thread"][0]["side"] == "buyer"
    assert client.post(f"/api/quotes/{first}/accept/").json()["status"] == "accepted"
    second = client.post(f"/api/quotes/{quotes[1]['id']}/accept/")
    assert second.status_code == 400 and second.json()["code"] == "rfq.accept_limit"
    declined = client.post(
        f"/api/quotes/{quotes[1]['id']}/reject/", {"reason": ""}, content_type="application/json"
    )
    assert declined.json()["code"] == "quote.reason_required"
    assert Quote.objects.filter(status="accepted").count() == 1
    assert QuoteVersion.objects.count() == 3


def test_the_schema_lists_the_rfq_api(client, rfq_world):
    client.force_login(rfq_world["buyer"].user)
    schema = client.get("/api/schema/").content.decode()
    assert "/api/rfqs/{id}/quote/" in schema and "/api/quotes/{id}/accept/" in schema


def test_standing_halls_through_the_api(client, rfq_world):
    from exhibitors.models import Booth
    from tests import factories

    w = rfq_world
    organizer = w["organizer"].user
    hall = factories.fair(slug="beauty-all-year")
    factories.participant(hall, "organizer", user_obj=organizer)
    client.force_login(organizer)
    on = client.post(
        "/api/standing/permanent/", {"fair": hall.slug, "on": True}, content_type="application/json"
    )
    assert on.status_code == 200 and on.json() == {"fair": hall.slug, "permanent": True}
    carried = client.post(
        "/api/standing/carry-over/",
        {"from": w["fair"].slug, "to": hall.slug},
        content_type="application/json",
    )
    assert carried.status_code == 200 and len(carried.json()["carried_over"]) == 4
    booth = Booth.objects.get(fair=hall, company=w["booths"]["seoul"].company)
    client.force_login(w["staff"]["seoul"].user)
    body = {"booth": booth.pk, "time_zone": "Europe/Paris", "hours": [[1, "09:00", "12:00"]]}
    saved = client.post("/api/standing/weekly-hours/", body, content_type="application/json")
    assert saved.status_code == 200, saved.json()
    assert client.get(f"/api/standing/weekly-hours/?booth={booth.pk}").json()["hours"] == [
        [1, "09:00", "12:00"]
    ]
    bad = client.post(
        "/api/standing/weekly-hours/",
        {**body, "hours": [[1, "12:00", "09:00"]]},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "standing.bad_hours"
    refused = client.post(
        "/api/standing/permanent/", {"fair": hall.slug, "on": False}, content_type="application/json"
    )
    assert refused.status_code == 403 and refused.json()["code"] == "fair.denied"
