"""A visitor on a phone, by keyboard only; a buyer who switches to Korean. axe-core audits every page."""

from __future__ import annotations

from urllib.parse import urlsplit

from fair.models import User
from tests.e2e.harness import set_server_password


def tab_to(page, text: str, *, limit: int = 80) -> None:
    """Press Tab until the focused element's text is `text` (fails after `limit` presses)."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => (document.activeElement.innerText || '').trim()")
        seen.append(focused)
        if focused == text:
            return
    raise AssertionError(f"Tab never reached {text!r}; focus went through {seen}")


def focus_outline(page) -> str:
    return page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")


def test_visitor_walks_fair_hall_booth_by_keyboard_on_a_phone(visit, small_fair):
    v = visit(phone=True)
    page = v.page
    v.goto("/fairs/demo-expo/")
    v.audit("fair home")
    assert page.locator("h1").inner_text() == small_fair["fair"].name

    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip-link"
    assert focus_outline(page) != "none"
    assert page.evaluate(
        "() => document.activeElement.getBoundingClientRect().top >= 0"
    )  # shown when focused

    tab_to(page, "Beauty & Cosmetics")
    assert focus_outline(page) != "none"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    v.audit("hall")
    assert urlsplit(page.url).path == "/fairs/demo-expo/halls/beauty/"
    assert page.get_by_role("heading", level=1).inner_text() == "Beauty & Cosmetics"
    assert page.get_by_text("Hidden Draft Ltd").count() == 0

    tab_to(page, "Seoul Glow Co.")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    v.audit("booth")
    assert page.get_by_role("heading", level=1).inner_text() == "Seoul Glow Co."
    assert page.get_by_text("Snail repair cream").is_visible()

    # Nothing wider than the phone: no sideways scrolling on a 390px screen.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    v.finish()


def test_buyer_signs_in_and_switches_to_korean(visit, small_fair):
    buyer = small_fair["buyer"].user
    set_server_password(buyer, "pass-word-123")
    v = visit()
    page = v.page
    v.goto("/accounts/login/")
    v.audit("sign in")
    page.locator("input[name=login]").fill(buyer.email)
    page.locator("input[name=password]").fill("pass-word-123")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    v.audit("home in English")
    assert page.get_by_role("heading", level=1).inner_text() == "My home"
    assert page.locator("html").get_attribute("lang") == "en"

    page.locator("#language-select").select_option("ko")
    with page.expect_navigation():
        page.locator(".lang-switch button").click()
    v.audit("home in Korean")
    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.get_by_role("heading", level=1).inner_text() == "내 홈"
    assert page.get_by_role("heading", name="바이어로 참가하는 박람회").is_visible()

    buyer.refresh_from_db()
    assert buyer.language == "ko"

    v.goto("/fairs/demo-expo/")
    v.audit("fair home in Korean")
    assert page.get_by_role("heading", name="홀", exact=True).is_visible()
    v.finish()


def test_pages_load_only_our_own_css_and_js(visit, small_fair):
    v = visit()
    seen = []
    v.page.on("response", lambda r: seen.append((r.request.resource_type, r.url, r.status)))
    v.goto("/fairs/demo-expo/halls/food/")
    v.audit("hall")
    assets = [(kind, url, status) for kind, url, status in seen if kind in ("stylesheet", "script")]
    assert {urlsplit(url).path for _k, url, _s in assets} >= {
        "/static/frontend/css/site.css",
        "/static/vendor/htmx/htmx.min.js",
    }
    assert all(status == 200 for _k, _u, status in assets), assets
    assert v.page.evaluate("() => typeof window.htmx") == "object"
    v.finish()
    assert User.objects.count() >= 1  # the test database is the one the server uses
