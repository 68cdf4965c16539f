"""Confirmed outcomes in a real Chromium: a Korean exhibitor declares an order after a held meeting, the
Chinese buyer confirms it, a shipment is recorded and confirmed, and the organizer sees the verified
export value per hall, market and exhibitor and follows the company; the organizer's templates page and
the agreement editor are audited too (axe-core on every page)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.test import Client

from agreements import services as agreement_services
from agreements.models import Shipment, TradeOutcome
from meetings import ledger
from meetings import services as meeting_services
from meetings.models import Meeting
from tests import factories


def sign_in(v, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    v.page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": v.base_url}]
    )


def test_an_order_is_declared_confirmed_shipped_and_counted_as_verified(visit, db):
    fair = factories.fair(slug=f"out-{uuid.uuid4().hex[:6]}")
    hall = factories.hall(fair, name="Beauty")
    org = factories.participant(fair, "organizer").user
    booth = factories.booth(
        fair, hall=hall, company_obj=factories.company(name="Seoul Glow Co.", country="KR")
    )
    staff = factories.staff(booth, user_obj=factories.user(language="ko", time_zone="Asia/Seoul"))
    buyer = factories.participant(
        fair,
        "buyer",
        company=factories.company(name="上海美妆贸易有限公司", country="CN"),
        user_obj=factories.user(language="zh-hans", time_zone="Asia/Shanghai"),
    )
    slots = meeting_services.slots_generate(fair=fair)
    meeting_services.availability_set(actor=org, fair=fair, slots=slots, booth=booth)
    meeting_services.availability_set(actor=org, fair=fair, slots=slots, participant=buyer)
    meeting = meeting_services.meeting_request(actor=buyer.user, buyer=buyer, booth=booth, slot=slots[0])
    meeting_services.meeting_accept(actor=staff.user, meeting=meeting)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD)
    ledger.rate_set(actor=org, fair=fair, currency="KRW", usd_per_unit="0.00075")
    agreement = agreement_services.agreement_draft(
        actor=staff.user,
        fair=fair,
        kind="supply",
        title="Supply contract",
        language="en",
        text="Article 1.",
        signatories=[(staff, "CEO"), (buyer, "")],
    )

    e = visit(phone=True, name="outcome-exhibitor")
    sign_in(e, staff.user)
    ep = e.page
    e.goto(f"/schedule/{meeting.pk}/outcomes/")
    e.audit("declare form")
    ep.locator("main select[name=type]").select_option("order")
    ep.locator("main input[name=value]").fill("100000000")
    ep.locator("main input[name=currency]").fill("KRW")
    ep.locator("main textarea[name=products]").fill("달팽이 크림 20,000개")
    with ep.expect_navigation():
        ep.locator("main form button[type=submit]").click()
    e.audit("declared")
    outcome = TradeOutcome.objects.get()
    assert outcome.value_usd == 75000 and outcome.status == TradeOutcome.Status.DECLARED
    assert ep.evaluate("() => document.documentElement.scrollWidth") <= 390
    e.goto(f"/agreements/{agreement.pk}/edit/")
    e.audit("agreement editor")

    b = visit(name="outcome-buyer")
    sign_in(b, buyer.user)
    bp = b.page
    b.goto(f"/outcomes/{outcome.pk}/")
    b.audit("to confirm")
    with bp.expect_navigation():
        bp.get_by_role("button", name="确认", exact=True).click()
    b.audit("confirmed")
    outcome.refresh_from_db()
    assert outcome.status == TradeOutcome.Status.CONFIRMED

    e.goto(f"/outcomes/{outcome.pk}/")
    e.audit("record shipment")
    ep.locator("main input[name=shipped_on]").fill("2027-03-02")
    ep.locator("main input[name=value]").fill("40000000")
    ep.locator("main input[name=currency]").fill("KRW")
    ep.locator("main input[name=declaration_number]").fill("12345-27-0000123X")
    with ep.expect_navigation():
        ep.locator("main form:has(input[value=shipment]) button[type=submit]").click()
    e.audit("shipment recorded")
    e.finish()

    b.goto(f"/outcomes/{outcome.pk}/")
    b.audit("shipment to confirm")
    with bp.expect_navigation():
        bp.locator("button[name=action][value=shipment_confirm]").click()
    b.audit("shipment confirmed")
    assert Shipment.objects.get().status == Shipment.Status.CONFIRMED
    b.finish()

    o = visit(name="outcome-organizer")
    sign_in(o, org)
    op = o.page
    o.goto(f"/fairs/{fair.slug}/outcomes/")
    o.audit("verified figures")
    assert op.locator(".verified-usd").inner_text() == "75000.00"
    assert "30000.00" in op.locator("main").inner_text()  # the confirmed shipment
    with op.expect_navigation():
        op.get_by_role("link", name="Seoul Glow Co.").first.click()
    o.audit("company across fairs")
    assert op.locator(".company-fair").count() == 1
    o.goto(f"/fairs/{fair.slug}/dashboard/")
    o.audit("dashboard")
    assert op.locator("[data-stat='verified.verified_usd']").count() == 1
    o.goto(f"/fairs/{fair.slug}/organize/agreement-templates/")
    o.audit("templates")
    o.finish()
