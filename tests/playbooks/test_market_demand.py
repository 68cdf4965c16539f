"""Promising products per market count the market's sourcing requests; the readiness checklist compares
a product's price range with the target prices of the market's buyers (their requests)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from fair import demand
from meetings import ledger
from playbooks import services
from rfq import services as rfq_services
from tests import factories


def _request(buyer, *, hs_code: str, destination: str, target=None, currency="USD"):
    return rfq_services.rfq_post(
        actor=buyer.user,
        fair=buyer.fair,
        product="A sourcing request",
        hs_code=hs_code,
        quantity="1000",
        unit="pcs",
        target_price=target,
        currency=currency,
        incoterm="CIF",
        destination_country=destination,
        destination_port="",
        certifications=[],
        deadline=timezone.now() + timedelta(days=7),
    )


@pytest.fixture
def market(db):
    f = factories.fair(slug="id-market")
    organizer = factories.participant(f, "organizer")
    serum = factories.booth(f, hs_codes=("3304",))
    factories.product(
        serum, name="Serum", hs_code="330499", price_min=Decimal("1.50"), price_max=Decimal("2.50")
    )
    drink = factories.booth(f, hs_codes=("2106",))
    factories.product(drink, name="Collagen drink", hs_code="210690")
    # Indonesia's buyers: two source skin care, one a food preparation.
    skin = [factories.buyer(f, country="ID", hs_codes=("3304",)) for _ in range(2)]
    food = factories.buyer(f, country="ID", hs_codes=("2106",))
    japan = factories.buyer(f, country="JP", hs_codes=("3304",))
    return {"fair": f, "organizer": organizer, "serum": serum, "drink": drink, "skin": skin, "food": food,
            "japan": japan}  # fmt: skip


def _headings(f, country="ID"):
    return [r["heading"] for r in services.promising_products(fair=f, country=country)]


def test_the_markets_requests_tip_the_ranking(market):
    f = market["fair"]
    # Profiles alone: skin care (2 buyers, 1 product) before the food preparation (1 buyer, 1 product).
    assert _headings(f) == ["3304", "2106"]
    # Another market's request changes nothing for Indonesia.
    _request(market["japan"], hs_code="2106.90", destination="JP")
    assert _headings(f) == ["3304", "2106"]
    # Indonesia's food buyer asks the fair twice for quotes under 2106: it is sourcing now.
    _request(market["food"], hs_code="2106.90", destination="ID")
    _request(market["food"], hs_code="2106.90", destination="ID")
    rows = services.promising_products(fair=f, country="ID")
    assert [r["heading"] for r in rows] == ["2106", "3304"]
    top = rows[0]
    assert (top["buyers"], top["requests"], top["demand"], top["supply"]) == (1, 2, 3, 1)
    # A request destined to Indonesia by a buyer from elsewhere counts for Indonesia too.
    assert len(demand.requests_of(fair=f, country="ID")) == 2
    _request(market["japan"], hs_code="3304.99", destination="ID")
    assert len(demand.requests_of(fair=f, country="ID")) == 3
    # The booth's own ranking for the market follows.
    own = services.promising_products(fair=f, country="ID", booth=market["drink"])
    assert own[0]["heading"] == "2106" and own[0]["requests"] == 2


def test_quotes_are_counted_per_heading(market):
    f = market["fair"]
    rfq = _request(market["food"], hs_code="2106.90", destination="ID")
    rfq_services.rfq_invite(actor=market["food"].user, rfq=rfq, booth_ids=[market["drink"].pk])
    staff = factories.staff(market["drink"])
    rfq_services.quote_submit(actor=staff.user, rfq=rfq, unit_price="1.00", currency="USD")
    row = next(r for r in services.promising_products(fair=f, country="ID") if r["heading"] == "2106")
    assert row["quotes"] == 1


def _price(market, country="ID"):
    product = market["serum"].products.get()
    return services.price_check(product=product, country=country)


def test_the_price_range_against_the_markets_target_prices(market):
    f = market["fair"]
    check = _price(market)
    assert check.state == services.TO_CHECK and not check.markable
    assert "No buyer of this market has stated a target price" in check.because
    _request(market["skin"][0], hs_code="3304.99", destination="ID", target="2.10")
    check = _price(market)
    assert check.state == services.MET
    assert "1.50 USD to 2.50 USD" in check.because and "1 of 1" in check.because
    # Above every target: missing. A target in KRW counts at the fair's rate.
    product = market["serum"].products.get()
    product.price_min, product.price_max = Decimal("3.00"), Decimal("4.00")
    product.save()
    check = _price(market)
    assert check.state == services.MISSING and "above every target price" in check.because
    ledger.rate_set(actor=market["organizer"].user, fair=f, currency="KRW", usd_per_unit=Decimal("0.00075"))
    _request(
        market["skin"][1], hs_code="3304.99", destination="ID", target="5000", currency="KRW"
    )  # 3.75 USD
    check = _price(market)
    assert check.state == services.MET and "1 of 2" in check.because
    # Another heading's, or another market's, targets do not count.
    assert _price(market, country="JP").state == services.TO_CHECK


def test_the_checklist_and_the_buyers_card_carry_the_price_range(market):
    from playbooks.models import Playbook

    f = market["fair"]
    services.import_starter_set(fair=f)
    assert Playbook.objects.filter(fair=f, country="ID").exists()
    _request(market["skin"][0], hs_code="3304.99", destination="ID", target="2.10")
    product = market["serum"].products.get()
    checks = services.checklist(product=product, country="ID")
    assert checks[-1].item.key == services.PRICE_KEY and checks[-1].state == services.MET
    # Marking it is refused: it is read from the data, not a playbook item.
    with pytest.raises(Exception) as refused:
        services.mark_item(product=product, country="ID", key=services.PRICE_KEY, status="done")
    assert getattr(refused.value, "code", "") == "readiness.no_item"
    card = services.booth_readiness(booth=market["serum"], country="ID")
    assert card[0]["product"] == product and card[0]["price"].state == services.MET
    assert card[0]["summary"]["total"] == len(checks)


def test_the_readiness_page_shows_the_price_range(market, client):
    f = market["fair"]
    services.import_starter_set(fair=f)
    _request(market["skin"][0], hs_code="3304.99", destination="ID", target="2.10")
    staff = factories.staff(market["serum"])
    client.force_login(staff.user)
    product = market["serum"].products.get()
    html = client.get(
        f"/fairs/{f.slug}/booths/{market['serum'].pk}/products/{product.pk}/ready/ID/"
    ).content.decode()
    assert 'id="item-price-range"' in html and "Price range against the market" in html
    price = html[html.index('id="item-price-range"') :]
    assert 'name="key" value="price-range"' not in price  # nothing to mark


def test_the_pages_show_the_markets_requests(market, client):
    f = market["fair"]
    _request(market["food"], hs_code="2106.90", destination="ID")
    _request(market["food"], hs_code="2106.90", destination="ID")
    staff = factories.staff(market["drink"])
    client.force_login(staff.user)
    html = client.get(f"/fairs/{f.slug}/booths/{market['drink'].pk}/markets/?country=ID").content.decode()
    assert "Sourcing requests" in html
    assert "<td>1</td><td>2</td><td>0</td><td>1</td>" in html  # buyers, requests, quotes, supply
    client.force_login(market["organizer"].user)
    html = client.get(f"/fairs/{f.slug}/organize/readiness/?country=ID").content.decode()
    first = html[html.index("<tbody>", html.index("What buyers from")) :]
    assert "2106" in first[: first.index("</tr>")]  # the requests put it first
