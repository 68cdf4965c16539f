"""The audit log in a real Chromium, axe-core on each page: an organizer rejects a registration and
finds it in the console's "Audit log", filtered by topic and keyboard only; the rejected buyer reads
it on a phone under "My data's history"."""

from __future__ import annotations

from fair.models import Participant
from tests import factories
from tests.e2e.test_organizer import sign_in


def test_the_fair_log_and_my_data_history(visit, small_fair):
    pending = factories.buyer(small_fair["fair"], status=Participant.Status.PENDING)
    organizer = visit(name="audit-log")
    sign_in(organizer, small_fair["organizer"].user)
    page = organizer.page

    organizer.goto("/fairs/demo-expo/organize/registrations/?status=pending")
    organizer.audit("registrations")
    row = page.locator("tr", has_text=pending.user.email)
    with page.expect_navigation():
        row.get_by_role("button", name="Reject").click()
    organizer.audit("registration rejected")

    organizer.goto("/fairs/demo-expo/organize/")
    organizer.audit("console")
    with page.expect_navigation():
        page.locator("nav.console-nav").get_by_role("link", name="Audit log").click()
    organizer.audit("audit log")
    assert page.locator("tr.audit-entry", has_text="Registration rejected").count() == 1
    # Keyboard only: choose a topic and show.
    page.get_by_label("What").focus()
    page.keyboard.press("End")  # the last topic: admin changes, none here
    with page.expect_navigation():
        page.get_by_role("button", name="Show").press("Enter")
    organizer.audit("audit log, admin changes only")
    assert page.locator("tr.audit-entry").count() == 0
    assert "Nothing recorded yet." in page.content()
    organizer.finish()

    buyer = visit(phone=True, name="my-data-history")
    sign_in(buyer, pending.user)
    buyer.goto("/profile/activity/")
    buyer.audit("my data's history on a phone")
    assert buyer.page.locator("tr.audit-entry", has_text="Registration rejected").count() == 1
    buyer.finish()
