"""The notification centre and the booth's status in a real Chromium against daphne, axe-core on
every page: a buyer knocks and the exhibitor's bell (on another page) changes without a reload,
with a toast dismissed by keyboard; the exhibitor sets the booth on duty and the buyer's booth
page shows it without a reload; the list page marks everything read."""

from __future__ import annotations

import time

from tests import factories
from tests.e2e.harness import ARTIFACTS
from tests.e2e.test_live_booth import sign_in


def test_the_bell_counts_live_and_the_status_reaches_the_visitor(visit, small_fair):
    booth = small_fair["booths"]["cosmetics"]
    staff = small_fair["staff"].user
    staff.first_name = "Minji"
    staff.save()
    buyer = small_fair["buyer"].user
    buyer.first_name = "Aiko"
    buyer.save()
    booth_path = f"/fairs/demo-expo/booths/{booth.pk}/"

    exhibitor = visit(name="notices-exhibitor")
    sign_in(exhibitor, staff)
    exhibitor.goto("/notifications/")
    ex = exhibitor.page
    ex.locator("[data-bell][data-live]").wait_for()  # the bell's socket is open
    assert ex.locator("[data-bell-count]").is_hidden()
    assert ex.get_by_text("No notifications yet.").is_visible()
    exhibitor.audit("no notifications")

    shopper = visit(name="notices-buyer")
    sign_in(shopper, buyer)
    shopper.goto(booth_path)
    bp = shopper.page
    bp.locator("#live-booth.online").wait_for()
    assert bp.locator("[data-booth-status-text]").inner_text() == "Away"
    assert bp.locator("[data-live=connection]").inner_text() == "Connected"  # not "Live": that is a status
    shopper.audit("booth away")
    started = time.monotonic()
    bp.get_by_role("button", name="Knock: ask for a staff member").click()

    # The exhibitor, on another page, hears it: the count and a toast, without a reload.
    ex.wait_for_function("() => document.querySelector('[data-bell]').dataset.unread === '1'")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "notices-bell-latency.txt").write_text(
        f"knock click -> bell: {time.monotonic() - started:.3f} s\n"
    )
    assert ex.locator("[data-bell-count]").inner_text().startswith("1")
    toast = ex.locator(".toast", has_text="is knocking at Seoul Glow Co.")
    toast.wait_for()
    assert toast.get_attribute("role") == "status"
    assert "Aiko" in toast.inner_text()
    exhibitor.audit("a knock's toast")
    toast.locator("a").focus()
    ex.keyboard.press("Escape")
    toast.wait_for(state="detached")
    assert ex.evaluate("() => document.activeElement.matches('[data-bell]')")  # focus not lost

    # The exhibitor sets the booth on duty from the booth page; the buyer sees it at once.
    exhibitor.goto(booth_path)
    ex.locator("#live-booth.online").wait_for()
    exhibitor.audit("staff on the booth page")
    ex.get_by_role("radio", name="Staff on duty").check()
    ex.get_by_role("button", name="Set the status").click()
    bp.wait_for_function(
        "() => document.querySelector('[data-booth-status-text]').textContent === 'Staff on duty'"
    )
    assert bp.locator("[data-live=status]").inner_text() == "Staff on duty"
    assert ex.locator("[data-booth-status-text]").inner_text() == "Staff on duty"
    shopper.audit("booth on duty")

    # ... and a bad stream link is refused with a clear message, changing nothing.
    ex.get_by_role("radio", name="Live broadcast").check()
    ex.get_by_label("Live stream link (for a live broadcast)").fill("javascript:alert(1)")
    ex.get_by_role("button", name="Set the status").click()
    ex.locator("[data-live=status-error]", has_text="http(s)").wait_for()
    assert bp.locator("[data-booth-status-text]").inner_text() == "Staff on duty"

    # The list page: the knock is there; a new one while it is open is offered; marking all read
    # empties the bell.
    exhibitor.goto("/notifications/")
    row = ex.locator(".notice.unread", has_text="is knocking at Seoul Glow Co.")
    row.wait_for()
    exhibitor.audit("one unread notification")
    ken = factories.buyer(small_fair["fair"]).user
    ken.first_name = "Ken"
    ken.save()
    second = visit(name="notices-second-buyer")
    sign_in(second, ken)
    second.goto(booth_path)
    second.page.locator("#live-booth.online").wait_for()
    second.audit("second buyer")
    second.page.get_by_role("button", name="Knock: ask for a staff member").click()
    ex.locator("[data-notice-fresh]", has_text="New notifications arrived").wait_for()
    ex.wait_for_function("() => document.querySelector('[data-bell]').dataset.unread === '2'")
    ex.get_by_role("link", name="New notifications arrived: show them").click()
    ex.locator(".notice.unread", has_text="Ken (").wait_for()
    assert ex.locator(".notice.unread").count() == 2
    exhibitor.audit("two unread notifications")
    ex.get_by_role("button", name="Mark all as read").click()
    ex.wait_for_load_state("load")
    assert ex.locator("[data-bell-count]").is_hidden()
    assert ex.locator(".notice.unread").count() == 0
    exhibitor.audit("all read")
    exhibitor.finish()
    shopper.finish()
    second.finish()
