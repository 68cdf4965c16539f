"""A sourcing request in a real Chromium, in English and in Indonesian: a buyer in Asia/Jakarta posts an
RFQ with the HS picker, invites the exhibitors the engine proposes, three exhibitors quote in KRW, USD
and EUR (one of them through its page, in Korean), the buyer compares the quotes in IDR, asks a
question, accepts one and books the consultation offered (axe-core on every page)."""

from __future__ import annotations

import re
import uuid
import zoneinfo

import pytest
from django.conf import settings
from django.test import Client

from meetings import ledger
from meetings import services as meeting_services
from meetings.models import Meeting
from rfq import services
from rfq.models import Quote, Rfq
from tests import factories


def sign_in(v, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    v.page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": v.base_url}]
    )


def _world(language: str):
    fair = factories.fair(slug=f"rfq-{uuid.uuid4().hex[:6]}", name="K-Beauty Export Fair")
    hall = factories.hall(fair, name="Beauty", chapters=("33",))
    org = factories.participant(fair, "organizer").user
    buyer = factories.buyer(
        fair,
        country="ID",
        hs_codes=("3304",),
        user_obj=factories.user(time_zone="Asia/Jakarta", language=language),
    )
    staff = {}
    for key, name, country, lang in [
        ("seoul", "Seoul Glow Co.", "KR", "ko"),
        ("austin", "Austin Botanics", "US", "en"),
        ("paris", "Paris Derm SAS", "FR", "en"),
    ]:
        booth = factories.booth(fair, hall=hall, company_obj=factories.company(name=name, country=country))
        factories.product(booth, name=f"{name} vitamin C serum", hs_code="330499")
        staff[key] = factories.staff(booth, user_obj=factories.user(language=lang, time_zone="Asia/Seoul"))
    for currency, usd in [("KRW", "0.00075"), ("EUR", "1.08"), ("IDR", "0.000064")]:
        ledger.rate_set(actor=org, fair=fair, currency=currency, usd_per_unit=usd)
    slots = meeting_services.slots_generate(fair=fair)
    meeting_services.availability_set(actor=org, fair=fair, slots=slots[:4], participant=buyer)
    meeting_services.availability_set(actor=org, fair=fair, slots=slots[2:6], booth=staff["austin"].booth)
    return fair, buyer, staff, slots


@pytest.mark.parametrize(("language", "phone"), [("en", False), ("id", True)])
def test_a_jakarta_buyer_posts_an_rfq_compares_quotes_in_idr_and_books_the_consultation(
    visit, db, language, phone
):
    fair, buyer, staff, slots = _world(language)
    b = visit(phone=phone, name=f"rfq-buyer-{language}")
    sign_in(b, buyer.user)
    bp = b.page
    b.goto(f"/fairs/{fair.slug}/rfq/new/")
    b.audit("new request")
    bp.locator("main input[name=product]").fill("Vitamin C serum 30 ml")
    bp.locator("main input[name=hs_code]").fill("330499")
    bp.locator("main input[name=quantity]").fill("20000")
    bp.locator("main input[name=currency]").fill("USD")
    bp.locator("main select[name=incoterm]").select_option("CIF")
    assert bp.locator("main select[name=destination_country]").input_value() == "ID"
    bp.locator("main input[name=destination_port]").fill("Tanjung Priok")
    with bp.expect_navigation():
        bp.locator("main form button[type=submit]").click()
    b.audit("proposals")
    rfq = Rfq.objects.get()
    assert rfq.deadline > rfq.created_at and rfq.destination_country == "ID"
    proposals = bp.locator("main .proposals > li")
    assert proposals.count() == 3
    with bp.expect_navigation():
        bp.locator("main form:has(.proposals) button[type=submit]").click()
    b.audit("invited")
    assert rfq.invitations.filter(status="invited").count() == 3

    # The Korean exhibitor quotes in KRW through its page; the others through the same service.
    e = visit(name=f"rfq-exhibitor-{language}")
    sign_in(e, staff["seoul"].user)
    ep = e.page
    e.goto(f"/fairs/{fair.slug}/rfq/{rfq.pk}/")
    e.audit("exhibitor sees the request")
    assert "인도네시아의 바이어" in ep.content()
    ep.locator("main input[name=unit_price]").fill("2700")
    ep.locator("main input[name=currency]").fill("KRW")
    ep.locator("main select[name=samples]").select_option("free")
    with ep.expect_navigation():
        ep.locator("main form:has(input[value=quote]) button[type=submit]").click()
    e.audit("quoted")
    services.quote_submit(
        actor=staff["austin"].user, rfq=rfq, unit_price="1.95", currency="USD", lead_time_days=30
    )
    services.quote_submit(actor=staff["paris"].user, rfq=rfq, unit_price="1.90", currency="EUR")
    assert sorted(Quote.objects.values_list("currency", flat=True)) == ["EUR", "KRW", "USD"]
    e.finish()

    b.goto(f"/fairs/{fair.slug}/rfq/{rfq.pk}/")
    b.audit("compare in IDR")
    table = bp.locator("main table.compare").inner_text()
    assert "31,641 IDR" in table and "30,469 IDR" in table and "32,063 IDR" in table
    if phone:
        assert bp.evaluate("() => document.documentElement.scrollWidth") <= 390
    austin = Quote.objects.get(currency="USD")
    card = bp.locator(f"main article:has(#q{austin.pk}-name)")
    card.locator("textarea[name=text]").fill("Is the serum HALAL certified?")
    with bp.expect_navigation():
        card.locator("form:has(input[value=ask]) button[type=submit]").click()
    b.audit("asked")
    assert austin.thread.get().text == "Is the serum HALAL certified?"
    card = bp.locator(f"main article:has(#q{austin.pk}-name)")
    with bp.expect_navigation():
        card.locator("button[name=action][value=accept]").click()
    b.audit("accepted")
    austin.refresh_from_db()
    assert austin.status == Quote.Status.ACCEPTED
    card = bp.locator(f"main article:has(#q{austin.pk}-name)")
    offered = card.locator("button[name=action][value=book]")
    assert offered.count() == 2  # the slots both are free in: the 3rd and 4th
    label = offered.first.inner_text()
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", label)
    jakarta = slots[2].starts_at.astimezone(zoneinfo.ZoneInfo("Asia/Jakarta"))
    assert jakarta.strftime("%Y-%m-%d %H:%M") in label  # in the buyer's own time zone
    with bp.expect_navigation():
        offered.first.click()
    b.audit("consultation booked")
    meeting = Meeting.objects.get()
    assert (meeting.booth_id, meeting.slot_id) == (austin.booth_id, slots[2].pk)
    assert meeting.lead_updates.get().stage == "quotation"
    b.finish()
