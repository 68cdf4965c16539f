"""The organizer's live dashboard in a real Chromium against daphne, axe-core on the page.

The organizer watches; a buyer enters a booth in another browser context; the people online and
the booth's visitor figures change on the dashboard without a reload. Then the printable report.
"""

from __future__ import annotations

from django.conf import settings
from django.test import Client

from tests.e2e.harness import ARTIFACTS


def sign_in(v, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    v.page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": v.base_url}]
    )


def figure(name: str) -> str:
    return f"document.querySelector('.dash-figures [data-stat=\"{name}\"]').textContent"


def test_the_dashboard_counts_a_buyer_entering_a_booth_without_a_reload(visit, small_fair):
    booth = small_fair["booths"]["cosmetics"]
    organizer = visit(name="dashboard-organizer")
    sign_in(organizer, small_fair["organizer"].user)
    organizer.goto("/fairs/demo-expo/dashboard/")
    page = organizer.page
    page.wait_for_function("() => document.getElementById('dash-live').textContent === 'Live'")
    assert page.evaluate(f"() => {figure('online.total')}") == "0"
    assert page.locator("#chart-visits").is_visible()
    organizer.audit("dashboard, nobody online")

    shopper = visit(phone=True, name="dashboard-buyer")
    sign_in(shopper, small_fair["buyer"].user)
    shopper.goto(f"/fairs/demo-expo/booths/{booth.pk}/")
    shopper.page.locator("#live-booth.online").wait_for()

    page.wait_for_function(f"() => {figure('online.total')} === '1'", timeout=5000)
    now_in_booth = page.locator(f'[data-list="online.booths"] li[data-booth="{booth.pk}"]')
    now_in_booth.wait_for(timeout=5000)
    assert now_in_booth.locator("b").inner_text() == "1"
    visits = page.locator(f'[data-list="busiest_booths"] li[data-booth="{booth.pk}"]')
    visits.wait_for(timeout=5000)
    assert "Seoul Glow Co." in visits.inner_text() and visits.locator("b").inner_text() == "1"
    assert "Japan" in page.locator('[data-list="online.by_country"]').inner_text()
    assert page.evaluate("() => performance.getEntriesByType('navigation').length") == 1  # no reload
    organizer.audit("dashboard, a buyer in a booth")
    page.screenshot(path=str(ARTIFACTS / "dashboard-organizer.png"), full_page=True)

    shopper.page.context.close()
    page.wait_for_function(f"() => {figure('online.total')} === '0'", timeout=5000)

    organizer.goto("/fairs/demo-expo/report/")
    page.emulate_media(media="print")
    assert page.locator(".site-header").first.is_hidden()
    page.emulate_media(media="screen")
    organizer.audit("printable report")
    organizer.finish()
