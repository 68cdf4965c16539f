"""Export readiness in a real Chromium: a Korean exhibitor opens the market view of their products,
reads Indonesia's checklist in Korean with BPOM missing, marks it in progress with a document; the
organizer, in English, sees the gap across the fair (axe-core on every page)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.test import Client

from playbooks import services
from playbooks.models import ReadinessMark
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"


def sign_in(v, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    v.page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": v.base_url}]
    )


def test_an_exhibitor_works_through_indonesias_checklist_and_the_organizer_sees_the_gap(visit, db, tmp_path):
    fair = factories.fair(slug=f"ready-{uuid.uuid4().hex[:6]}")
    hall = factories.hall(fair, name="Beauty", chapters=("33",))
    organizer = factories.participant(fair, "organizer", user_obj=factories.user(language="en")).user
    booth = factories.booth(
        fair,
        hall=hall,
        company_obj=factories.company(name="Seoul Glow Co.", country="KR", languages=["ko", "en"]),
        target_markets=["ID"],
    )
    product = factories.product(booth, name="달팽이 크림", hs_code="330499", incoterm="FOB")
    staff = factories.staff(booth, user_obj=factories.user(language="ko", time_zone="Asia/Seoul"))
    for _ in range(3):
        factories.buyer(fair, country="ID", hs_codes=("330499",))
    services.import_starter_set(fair=fair)

    e = visit(phone=True, name="readiness-exhibitor")
    sign_in(e, staff.user)
    page = e.page
    e.goto(f"/fairs/{fair.slug}/booths/{booth.pk}/markets/?country=ID")
    e.audit("products by market")
    assert "인도네시아" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name="달팽이 크림").click()
    e.audit("Indonesia checklist")
    bpom = page.locator("li.check[data-key=bpom]")
    assert bpom.get_attribute("data-state") == "missing"
    assert "BPOM 등록" in bpom.inner_text() and "누락" in bpom.inner_text()
    assert page.locator("li.check[data-key=label-id]").get_attribute("data-state") == "missing"
    assert page.locator("li.check[data-key=delivery]").get_attribute("data-state") == "to_check"  # FOB
    proof = tmp_path / "bpom-application.pdf"
    proof.write_bytes(PDF)
    bpom.get_by_label("진행 중").check()
    bpom.get_by_label("메모").fill("현지 수입사가 신청함")
    bpom.locator("input[type=file]").set_input_files(str(proof))
    with page.expect_navigation():
        bpom.get_by_role("button", name="저장").click()
    e.audit("marked in progress")
    bpom = page.locator("li.check[data-key=bpom]")
    assert bpom.get_attribute("data-state") == "in_progress"
    assert "현지 수입사가 신청함" in bpom.inner_text()
    mark = ReadinessMark.objects.get(product=product, country="ID", key="bpom")
    assert mark.status == "in_progress" and mark.document.name.endswith(".pdf")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    e.finish()

    o = visit(name="readiness-organizer")
    sign_in(o, organizer)
    o.goto(f"/fairs/{fair.slug}/organize/")
    o.audit("console")
    with o.page.expect_navigation():
        o.page.get_by_role("link", name="Export readiness").click()
    o.audit("gaps")
    gap = o.page.locator("li.gap[data-country=ID][data-key=bpom]")
    assert "1 exhibitor in Beauty targets Indonesia and lacks BPOM registration" in gap.inner_text()
    o.finish()
