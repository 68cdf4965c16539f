"""Issue 20 in a real Chromium against daphne: two Korean companies and a Chinese one sign a bilingual
MOU in a signing ceremony. The Korean exhibitor drafts it from the organizer's templates (Korean and
Chinese side by side) and schedules the ceremony in the room of a consultation of the parties; each
signatory asks for a one-time code (read from the outbox the server wrote), enters it and signs; the
Chinese signatory works in Chinese, one Korean on a phone. The final PDF has three signature events
and both scripts. axe-core audits every page; screenshots land in test-artifacts/.
"""

from __future__ import annotations

import io
import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import Client
from pypdf import PdfReader

from agreements import services as agreement_services
from agreements.models import Agreement
from meetings import services as meeting_services
from tests import factories
from tests.e2e.harness import ARTIFACTS

KO = "제1조 (목적) 본 양해각서는 화장품 수출 협력을 목적으로 한다.\n\n제2조 (협력 분야) 공동 마케팅."
ZH = "第一条（目的）本谅解备忘录旨在促进化妆品出口合作。\n\n第二条（合作领域）联合营销。"


def sign_in(v, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    v.page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": v.base_url}]
    )


def person(language: str, zone: str, first: str, last: str):
    user = factories.user(
        email=f"{first.lower()}-{uuid.uuid4().hex[:8]}@example.test",
        language=language,
        time_zone=zone,
        first_name=first,
        last_name=last,
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def latest_code(address: str) -> str:
    """The code of the latest signing-code mail to ``address`` in the outbox the server wrote."""
    from kernel.models import OutboxMessage

    rows = OutboxMessage.objects.filter(kind="mail", event="agreement.code_sent").order_by("-pk")
    for payload in rows.values_list("payload", flat=True):
        if address in payload["to"]:
            return re.search(r"\b(\d{6})\b", payload["subject"]).group(1)
    raise AssertionError(f"no code was mailed to {address}")


def test_two_korean_companies_and_a_chinese_one_sign_an_mou_in_a_ceremony(visit, db):
    fair = factories.fair(slug=f"mou-{uuid.uuid4().hex[:6]}", name="Gyeonggi Export Fair")
    org = factories.participant(fair, "organizer", user_obj=person("ko", "Asia/Seoul", "Sora", "Lee")).user
    seoul = factories.company(name="Seoul Glow Co.", country="KR")
    busan = factories.company(name="Busan Ocean Foods", country="KR")
    shanghai = factories.company(name="上海美妆贸易有限公司", country="CN")
    booth_a = factories.booth(fair, company_obj=seoul)
    booth_b = factories.booth(fair, company_obj=busan, hs_codes=("1605",))
    staff_a = factories.staff(booth_a, user_obj=person("ko", "Asia/Seoul", "Minji", "Kim"))
    staff_b = factories.staff(booth_b, user_obj=person("ko", "Asia/Seoul", "Jihoon", "Park"))
    buyer_c = factories.participant(
        fair, "buyer", company=shanghai, user_obj=person("zh-hans", "Asia/Shanghai", "伟", "王")
    )
    agreement_services.template_save(
        actor=org, fair=fair, kind="mou", language="ko", title="양해각서", body=KO
    )
    agreement_services.template_save(
        actor=org, fair=fair, kind="mou", language="zh-hans", title="谅解备忘录", body=ZH
    )
    # The consultation between Seoul Glow and the Shanghai buyer: its video room hosts the ceremony.
    slots = meeting_services.slots_generate(fair=fair)
    meeting_services.availability_set(actor=org, fair=fair, slots=slots, booth=booth_a)
    meeting_services.availability_set(actor=org, fair=fair, slots=slots, participant=buyer_c)
    meeting = meeting_services.meeting_request(
        actor=buyer_c.user, buyer=buyer_c, booth=booth_a, slot=slots[0]
    )
    meeting_services.meeting_accept(actor=staff_a.user, meeting=meeting)
    # And between Busan Ocean Foods and the Shanghai buyer: each party enters the rooms it belongs to.
    meeting_services.availability_set(actor=org, fair=fair, slots=slots, booth=booth_b)
    other = meeting_services.meeting_request(actor=buyer_c.user, buyer=buyer_c, booth=booth_b, slot=slots[1])
    meeting_services.meeting_accept(actor=staff_b.user, meeting=other)

    # The Korean exhibitor drafts the MOU from the templates, Korean and Chinese side by side.
    a = visit(name="mou-seoul")
    sign_in(a, staff_a.user)
    page = a.page
    a.goto(f"/fairs/{fair.slug}/agreements/new/")
    a.audit("draft form")
    page.locator("main select[name=kind]").select_option("mou")
    page.locator("main select[name=language]").select_option("ko")
    page.locator("main select[name=second_language]").select_option("zh-hans")
    page.locator("input[name=source][value=template]").check()
    for p in (staff_a, staff_b, buyer_c):
        page.locator(f"input[name=signatories][value='{p.pk}']").check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    a.audit("draft")
    agreement = Agreement.objects.get(fair=fair)
    assert page.locator("td[lang=ko]").first.inner_text().startswith("제1조")
    assert page.locator("td[lang=zh-Hans]").first.inner_text().startswith("第一条")

    # The ceremony, the day after tomorrow at 10:00 in Seoul, in the consultation's room.
    when = (datetime.now(ZoneInfo("Asia/Seoul")) + timedelta(days=2)).replace(hour=10, minute=0)
    a.goto(f"/agreements/{agreement.pk}/ceremony/")
    a.audit("ceremony form")
    page.locator("input[name=starts_at]").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.locator("input[name=minutes]").fill("45")
    with page.expect_navigation():
        page.locator("main form:has(input[value=schedule]) button[type=submit]").click()
    a.audit("ceremony scheduled")
    room = page.locator(f"a[href='/meetings/{meeting.pk}/']")
    assert room.count() == 1 and room.inner_text() == "상담실 입장"  # "Enter the room", in Korean

    def sign(v, who, *, label: str) -> None:
        p = v.page
        v.goto(f"/agreements/{agreement.pk}/sign/")
        v.audit(f"{label} sign")
        with p.expect_navigation():
            p.locator("form:has(input[value=send_code]) button[type=submit]").click()
        v.audit(f"{label} code sent")
        p.locator("#sign-code").fill(latest_code(who.user.email))
        with p.expect_navigation():
            p.locator("form:has(input[value=sign]) button[type=submit]").click()
        v.audit(f"{label} signed")

    sign(a, staff_a, label="seoul")
    a.finish()

    # The Chinese signatory works in Chinese.
    c = visit(name="mou-shanghai")
    sign_in(c, buyer_c.user)
    cp = c.page
    c.goto(f"/agreements/{agreement.pk}/")
    c.audit("detail in Chinese")
    assert cp.locator("html").get_attribute("lang") == "zh-hans"
    assert cp.locator("#ceremony-heading").inner_text() == "签约仪式"
    assert cp.locator(f"a[href='/meetings/{meeting.pk}/']").inner_text() == "进入洽谈室"
    assert cp.locator(f"a[href='/meetings/{other.pk}/']").count() == 1  # the buyer met both Korean companies
    c.goto(f"/agreements/{agreement.pk}/sign/")
    c.audit("sign in Chinese")
    assert cp.locator("#code-heading").inner_text() == "使用一次性验证码签署"
    assert cp.get_by_role("button", name="向我发送验证码").count() == 1
    with cp.expect_navigation():
        cp.get_by_role("button", name="向我发送验证码").click()
    c.audit("code sent in Chinese")
    cp.get_by_label("邮件中的验证码").fill(latest_code(buyer_c.user.email))
    with cp.expect_navigation():
        cp.get_by_role("button", name="签署此版本").click()
    c.audit("signed in Chinese")
    assert "您已签署。谢谢。" in cp.locator(".messages").inner_text()

    # The other Korean signatory, on a phone.
    b = visit(phone=True, name="mou-busan")
    sign_in(b, staff_b.user)
    b.goto(f"/agreements/{agreement.pk}/")
    b.audit("busan detail")
    assert b.page.locator(f"a[href='/meetings/{other.pk}/']").count() == 1
    assert b.page.locator(f"a[href='/meetings/{meeting.pk}/']").count() == 0  # not Busan's consultation
    sign(b, staff_b, label="busan")
    assert b.page.evaluate("() => document.documentElement.scrollWidth") <= 390
    b.finish()

    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SIGNED
    # Everyone downloads the final PDF: three signature events on its last page, both scripts inside.
    c.goto(f"/agreements/{agreement.pk}/")
    c.audit("signed by all")
    response = cp.request.get(f"{c.base_url}/agreements/{agreement.pk}/signed.pdf")
    assert response.ok
    data = response.body()
    (ARTIFACTS / "mou-signed.pdf").write_bytes(data)
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "제1조" in text and "第一条" in text
    last = reader.pages[-1].extract_text()
    emails = [p.user.email for p in (staff_a, staff_b, buyer_c)]
    assert all(email in last for email in emails)
    assert len(re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", last)) == 3  # three signature events
    version = agreement.versions.get()
    assert version.sha256 in last.replace("\n", "").replace(" ", "")
    c.goto(f"/agreements/{agreement.pk}/audit/")
    c.audit("audit in Chinese")
    assert cp.locator(".audit-hash").first.inner_text() == version.sha256
    c.finish()
