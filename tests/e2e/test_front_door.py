"""The front door in a real Chromium (issue 13), axe-core on every page visited.

A newcomer whose browser speaks Korean and lives in Jakarta signs up (the form takes both), finds
the fair's "Register for this fair", fills in the registration with its pickers while the meter
follows, and after approval lands on the first steps. On a phone the header is compact behind a
menu and the booth chat is one tap away; each CJK language is drawn with its own Noto font; Korean
keeps words whole; the error pages, the console's menu and the search with a typo are audited too.
"""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.test import Client

from exhibitors.models import Product
from fair import services as fair_services
from fair.models import Participant, User
from tests.e2e.harness import Visit


def confirmation_path(address: str) -> str:
    """The path of the address-confirmation link in the latest mail to ``address`` the server wrote."""
    from kernel.models import OutboxMessage

    for payload in (
        OutboxMessage.objects.filter(kind="mail").order_by("-pk").values_list("payload", flat=True)
    ):
        if address in payload["to"] and (
            found := re.search(r"https?://[^/\s]+(/accounts/confirm-email/[-:A-Za-z0-9_]+/)", payload["body"])
        ):
            return found.group(1)
    raise AssertionError(f"no confirmation mail to {address}")


def sign_in(v, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    v.page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": v.base_url}]
    )


def open_visit(browser, live_server_url, name, **context_options) -> Visit:
    context = browser.new_context(base_url=live_server_url, **context_options)
    return Visit(context.new_page(), base_url=live_server_url, name=name)


def test_a_newcomer_signs_up_in_their_language_and_zone_registers_and_gets_first_steps(
    browser, live_server_url, small_fair
):
    v = open_visit(browser, live_server_url, "newcomer", locale="ko-KR", timezone_id="Asia/Jakarta")
    page = v.page
    try:
        v.goto("/fairs/demo-expo/")
        v.audit("fair home, visitor")
        assert page.locator("html").get_attribute("lang") == "ko"
        with page.expect_navigation():
            page.get_by_role("link", name="이 박람회에 등록").first.click()
        v.audit("sign up")
        assert page.locator("#id_language").input_value() == "ko"
        assert page.locator("input[name=browser_time_zone]").input_value() == "Asia/Jakarta"
        assert page.locator("select[name=time_zone]").input_value() == "Asia/Jakarta"
        email = f"newcomer-{uuid.uuid4().hex[:8]}@example.test"
        page.locator("input[name=email]").fill(email)
        page.locator("input[name=password1]").fill("a-long-pass-phrase-9")
        page.locator("input[name=password2]").fill("a-long-pass-phrase-9")
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        # Signed up, not yet signed in: the address is confirmed first (issue 14), from the mail.
        v.audit("confirm your address")
        assert page.url.split("?")[0].endswith("/accounts/confirm-email/")
        page.goto(live_server_url + confirmation_path(email))
        v.audit("confirm the address")
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        if not page.url.endswith("/fairs/demo-expo/register/"):
            v.goto("/fairs/demo-expo/register/")
        v.audit("registration form")
        user = User.objects.get(email=email)
        assert (user.time_zone, user.language) == ("Asia/Jakarta", "ko")
        assert page.url.endswith("/fairs/demo-expo/register/")

        meter = page.locator("#completeness")
        assert meter.get_attribute("value") == "0"
        page.get_by_label("회사명").fill("Jakarta Beauty Import")
        page.locator("select[name=country]").select_option("ID")
        page.locator("#id_hs_codes").fill("3304")
        assert page.locator("[data-meter-figure]").inner_text() == "43%"  # 3 of a buyer's 7 parts
        page.locator("input[name=required_certifications][value=HALAL]").check()
        page.locator("input[name=languages][value=id]").check()
        page.locator("#id_description").fill("Serum dan krim")
        page.locator("select[name=size]").select_option("10-49")
        assert (
            meter.get_attribute("value") == "100"
            or page.locator("[data-meter-figure]").inner_text() == "100%"
        )
        # Exhibitors give no HS codes here: the buyer-only fields step aside.
        page.locator("input[name=role][value=exhibitor]").check()
        assert page.locator(".buyer-only").is_hidden()
        page.locator("input[name=role][value=buyer]").check()
        with page.expect_navigation():
            page.locator("form.registration button[type=submit]").click()
        v.audit("registration saved")
        buyer = Participant.objects.get(user=user, fair=small_fair["fair"])
        assert buyer.status == "pending" and buyer.sourcing.required_certifications == ["HALAL"]
        assert page.get_by_text("등록 승인 대기 중").count() >= 1

        v.goto("/")
        v.audit("home while pending")
        assert "주최자의 승인을 기다리고" in page.locator("main").inner_text()

        fair_services.participants_decide(
            actor=small_fair["organizer"].user,
            fair=small_fair["fair"],
            participant_ids=[buyer.pk],
            approve=True,
        )
        v.goto("/fairs/demo-expo/first-steps/")
        v.audit("first steps")
        assert page.get_by_role("link", name="1. 프로필 완성하기").is_visible()
        assert page.get_by_role("link", name="3. 추천 확인하기").is_visible()
        v.finish()
    finally:
        page.context.close()


def test_on_a_phone_the_header_is_compact_and_the_booth_chat_one_tap_away(
    browser, live_server_url, small_fair
):
    booth = small_fair["booths"]["cosmetics"]
    for n in range(8):  # a long catalogue
        Product.objects.create(booth=booth, name=f"Cream {n}", hs_code="330499", description="A cream. " * 40)
    v = open_visit(
        browser,
        live_server_url,
        "phone-booth",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    page = v.page
    try:
        v.goto(f"/fairs/demo-expo/booths/{booth.pk}/")
        v.audit("booth on a phone")
        header = page.locator(".site-header").bounding_box()
        assert header["height"] <= 64, header
        nav = page.locator(".site-nav")
        assert nav.is_hidden()
        toggle = page.get_by_role("button", name="Menu")
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true" and nav.is_visible()
        page.keyboard.press("Escape")
        assert nav.is_hidden()
        chat = page.locator("#chat-heading")
        assert chat.bounding_box()["y"] > 844  # past the catalogue...
        jump = page.get_by_role("link", name="Chat with the booth")
        box = jump.bounding_box()
        assert box["y"] + box["height"] <= 844  # ...but its link is on the first screen
        jump.tap()
        page.wait_for_function(
            "() => document.getElementById('chat-heading').getBoundingClientRect().top < 844"
        )
        v.audit("booth chat, one tap away")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        v.finish()
    finally:
        page.context.close()


def _platform_font(page, selector: str) -> str:
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument")["root"]["nodeId"]
    node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return max(fonts, key=lambda f: f["glyphCount"])["familyName"]


def test_each_cjk_language_is_drawn_with_its_own_font_and_korean_keeps_words(
    browser, live_server_url, small_fair
):
    expected = {"ko": "Noto Sans CJK KR", "ja": "Noto Sans CJK JP", "zh-hans": "Noto Sans CJK SC"}
    for language, family in expected.items():
        v = open_visit(
            browser, live_server_url, f"font-{language}", extra_http_headers={"Accept-Language": language}
        )
        page = v.page
        try:
            v.goto("/fairs/demo-expo/halls/")
            v.audit(f"halls in {language}")
            assert page.locator("html").get_attribute("lang") == language
            assert _platform_font(page, "main h1") == family, language
            word_break = page.evaluate("() => getComputedStyle(document.querySelector('main h1')).wordBreak")
            assert word_break == ("keep-all" if language == "ko" else "normal"), language
            v.finish()
        finally:
            page.context.close()


def test_console_menu_error_pages_search_and_favicon(visit, small_fair):
    v = visit(name="console-and-errors")
    page = v.page
    sign_in(v, small_fair["organizer"].user)
    v.goto("/fairs/demo-expo/organize/")
    v.audit("console")
    menu = page.get_by_role("navigation", name="Organizer console")
    for label in (
        "Live dashboard",
        "Registrations",
        "Invitations",
        "Matchmaking rounds",
        "Report",
        "Fair settings",
    ):
        assert menu.get_by_role("link", name=label).is_visible(), label
    with page.expect_navigation():
        menu.get_by_role("link", name="Live dashboard").click()
    v.audit("dashboard from the menu")
    assert (
        page.get_by_role("navigation", name="Organizer console")
        .get_by_role("link", name="Live dashboard")
        .get_attribute("aria-current")
        == "page"
    )
    with page.expect_navigation():
        page.get_by_role("navigation", name="Organizer console").get_by_role("link", name="Halls").click()
    v.audit("halls with names per language")
    page.locator("details.other-languages").last.locator("summary").click()
    v.goto("/organizers/")
    v.audit("fair creators")
    v.goto("/fairs/demo-expo/organize/fair/")
    v.audit("fair settings")

    # The header's search, with a typo.
    v.goto("/fairs/demo-expo/")
    v.audit("fair home, organizer")
    page.get_by_role("search").get_by_role("searchbox").fill("crean")
    with page.expect_navigation():
        page.get_by_role("search").get_by_role("button").click()
    v.audit("search with a typo")
    assert page.get_by_role("link", name="Seoul Glow Co.").is_visible()

    response = page.goto(v.base_url + "/fairs/no-such-fair/")
    assert response.status == 404
    v.audit("404")
    assert page.get_by_role("heading", name="This page does not exist").is_visible()
    sign_in(v, small_fair["buyer"].user)
    response = page.goto(v.base_url + "/fairs/demo-expo/organize/")
    assert response.status == 403
    v.audit("403")
    assert page.get_by_role("heading", name="You may not do this here").is_visible()
    favicon = page.request.get(v.base_url + "/favicon.ico")
    assert favicon.ok and favicon.headers["content-type"].startswith("image/svg+xml")
    v.finish()
