"""The playbooks and readiness API (and the organizer's RFQ traffic): the same rules and error codes as
the pages; an exhibitor never reaches another booth's readiness."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from playbooks import services
from playbooks.models import ReadinessMark
from rfq import services as rfq_services
from tests import factories
from tests.media_samples import pdf


@pytest.fixture
def world(db):
    f = factories.fair(slug="api-fair")
    hall = factories.hall(f, name="Beauty", chapters=("33",))
    organizer = factories.participant(f, "organizer")
    mine = factories.booth(f, hall=hall, target_markets=["ID"])
    serum = factories.product(
        mine, name="Serum", hs_code="330499", price_min=Decimal("1"), price_max=Decimal("2")
    )
    other = factories.booth(f, hall=hall, target_markets=["ID"])
    cream = factories.product(other, name="Cream", hs_code="330499")
    buyer = factories.buyer(f, country="ID", hs_codes=("3304",))
    services.import_starter_set(fair=f)
    return {
        "fair": f, "organizer": organizer, "buyer": buyer, "mine": mine, "serum": serum, "other": other,
        "cream": cream, "staff": factories.staff(mine), "other_staff": factories.staff(other),
    }  # fmt: skip


def _checklist(client, w, *, booth=None, product=None, country="ID"):
    booth = booth or w["mine"]
    product = product or w["serum"]
    return client.get(f"/api/readiness/?booth={booth.pk}&product={product.pk}&country={country}")


def test_playbooks_are_read_by_the_fairs_participants(client, world):
    w = world
    client.force_login(w["buyer"].user)
    rows = client.get(f"/api/playbooks/?fair={w['fair'].slug}").json()
    assert {"CN", "ID", "JP", "US", "VN"} <= {r["country"] for r in rows}
    one = client.get(f"/api/playbooks/id/?fair={w['fair'].slug}")
    assert one.status_code == 200
    assert any(i["key"] == "bpom" and i["required"] for i in one.json()["items"])
    missing = client.get(f"/api/playbooks/ID/?fair={w['fair'].slug}&version=9")
    assert missing.status_code == 404 and missing.json()["code"] == "playbook.not_found"
    client.force_login(factories.user())  # signed in, no part in the fair
    assert client.get(f"/api/playbooks/?fair={w['fair'].slug}").status_code == 403
    client.logout()
    assert client.get(f"/api/playbooks/?fair={w['fair'].slug}").status_code == 403


def test_the_checklist_and_marking_an_item(client, world):
    w = world
    client.force_login(w["staff"].user)
    response = _checklist(client, w)
    assert response.status_code == 200, response.json()
    body = response.json()
    items = {i["key"]: i for i in body["items"]}
    assert items["bpom"]["state"] == "missing" and items["bpom"]["markable"]
    assert items["price-range"]["markable"] is False
    assert body["playbook"]["country"] == "ID" and body["summary"]["total"] == len(body["items"])
    marked = client.post(
        "/api/readiness/mark/",
        {
            "booth": w["mine"].pk, "product": w["serum"].pk, "country": "id", "key": "bpom",
            "status": "in_progress", "note": "Importer filed it",
            "document": SimpleUploadedFile("proof.pdf", pdf(), content_type="application/pdf"),
        },
    )  # fmt: skip
    assert marked.status_code == 200, marked.json()
    assert marked.json()["state"] == "in_progress" and marked.json()["mark"]["document"]
    done = client.post(
        "/api/readiness/mark/",
        {"booth": w["mine"].pk, "product": w["serum"].pk, "country": "ID", "key": "bpom", "status": "done"},
        content_type="application/json",
    )
    assert done.json()["state"] == "done"
    # Errors: the same codes as the pages.
    for body, code in [
        ({"key": "no-such-item", "status": "done"}, "readiness.no_item"),
        ({"key": "price-range", "status": "done"}, "readiness.no_item"),
        ({"key": "bpom", "status": "maybe"}, "readiness.invalid"),
        ({"key": "bpom", "status": "done", "country": "XX"}, "readiness.bad_country"),
    ]:
        data = {"booth": w["mine"].pk, "product": w["serum"].pk, "country": "ID", **body}
        bad = client.post("/api/readiness/mark/", data, content_type="application/json")
        assert bad.status_code == 400 and bad.json()["code"] == code, (body, bad.json())
    assert _checklist(client, w, country="ZZ").json()["code"] == "readiness.bad_country"


def test_an_exhibitor_never_reaches_another_booths_readiness(client, world):
    w = world
    services.mark_item(product=w["cream"], country="ID", key="bpom", status="in_progress", note="secret")
    client.force_login(w["staff"].user)
    # Another booth: refused, whatever the product.
    theirs = _checklist(client, w, booth=w["other"], product=w["cream"])
    assert theirs.status_code == 403 and "secret" not in theirs.content.decode()
    # Their product through my booth: no such product.
    through_mine = _checklist(client, w, product=w["cream"])
    assert through_mine.status_code == 404 and through_mine.json()["code"] == "readiness.no_product"
    # Nor may they mark it.
    data = {
        "booth": w["other"].pk,
        "product": w["cream"].pk,
        "country": "ID",
        "key": "bpom",
        "status": "done",
    }
    assert client.post("/api/readiness/mark/", data, content_type="application/json").status_code == 403
    data["booth"] = w["mine"].pk
    assert client.post("/api/readiness/mark/", data, content_type="application/json").status_code == 404
    assert ReadinessMark.objects.get(product=w["cream"]).status == "in_progress"
    # Buyers and organizers read no booth's checklist either (the pages' rule, booth:leads).
    for person in (w["buyer"], w["organizer"]):
        client.force_login(person.user)
        assert _checklist(client, w).status_code == 403


def test_promising_products_and_gaps(client, world):
    w = world
    f = w["fair"]
    rfq_services.rfq_post(
        actor=w["buyer"].user, fair=f, product="Serum", hs_code="3304.99", quantity="100", unit="pcs",
        target_price="1.50", currency="USD", incoterm="CIF", destination_country="ID", destination_port="",
        certifications=[], deadline=timezone.now() + timedelta(days=5),
    )  # fmt: skip
    url = f"/api/readiness/promising/?fair={f.slug}&country=ID"
    client.force_login(w["organizer"].user)
    rows = client.get(url).json()
    assert rows[0]["heading"] == "3304" and rows[0]["requests"] == 1 and rows[0]["buyers"] == 1
    gaps = client.get(f"/api/readiness/gaps/?fair={f.slug}&country=ID").json()
    bpom = next(g for g in gaps if g["key"] == "bpom")
    assert bpom["exhibitors"] == 2 and bpom["hall"] == "Beauty"
    # Staff: their own booth's products only; every heading and the gaps are the organizers'.
    client.force_login(w["staff"].user)
    own = client.get(url + f"&booth={w['mine'].pk}").json()
    assert [p["name"] for p in own[0]["products"]] == ["Serum"]
    assert client.get(url + f"&booth={w['other'].pk}").status_code == 403
    assert client.get(url).status_code == 403
    assert client.get(f"/api/readiness/gaps/?fair={f.slug}").status_code == 403
    client.force_login(w["buyer"].user)
    assert client.get(url).status_code == 403


def test_the_organizers_rfq_traffic(client, world):
    w = world
    f = w["fair"]
    rfq = rfq_services.rfq_post(
        actor=w["buyer"].user, fair=f, product="Serum", hs_code="3304.99", quantity="100", unit="pcs",
        target_price=None, currency="USD", incoterm="CIF", destination_country="ID", destination_port="",
        certifications=[], deadline=timezone.now() + timedelta(days=5),
    )  # fmt: skip
    rfq_services.rfq_invite(actor=w["buyer"].user, rfq=rfq, booth_ids=[w["mine"].pk, w["other"].pk])
    quote = rfq_services.quote_submit(actor=w["staff"].user, rfq=rfq, unit_price="2.00", currency="USD")
    rfq_services.quote_submit(actor=w["other_staff"].user, rfq=rfq, unit_price="2.50", currency="USD")
    rfq_services.quote_accept(actor=w["buyer"].user, quote=quote)
    client.force_login(w["organizer"].user)
    t = client.get(f"/api/rfqs/traffic/?fair={f.slug}").json()
    assert t["requests"] == 1 and t["quotes_per_request"] == 2
    assert t["per_hall"] == [{"hall": "Beauty", "requests": 1}]
    assert t["per_market"] == [{"country": "ID", "requests": 1}]
    assert t["acceptance_rate"] == 100 and t["hours_to_first_quote"] is not None
    # The dashboard's exports carry the same figures.
    per_hall = client.get(f"/fairs/{f.slug}/dashboard/export/rfq_per_hall.csv").content.decode()
    assert "Beauty,1" in per_hall.replace("\r", "")
    summary = client.get(f"/fairs/{f.slug}/dashboard/export/rfq_traffic.csv").content.decode()
    assert summary.replace("\r", "").splitlines()[1].startswith("1,2.0,") and summary.rstrip().endswith(
        ",100"
    )
    for person in (w["buyer"], w["staff"]):
        client.force_login(person.user)
        assert client.get(f"/api/rfqs/traffic/?fair={f.slug}").status_code == 403
