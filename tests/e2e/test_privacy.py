"""A buyer's privacy in a real Chromium on a phone, axe-core on each page, keyboard only: the Privacy
page's consents are toggled and saved, then the account is erased from its page and the buyer is
signed out."""

from __future__ import annotations

from fair.models import User
from kernel import consent
from tests.e2e.test_organizer import sign_in


def test_consents_and_erasing_the_account_on_a_phone(visit, small_fair):
    person = small_fair["buyer"].user
    buyer = visit(phone=True, name="privacy")
    sign_in(buyer, person)
    page = buyer.page

    buyer.goto("/profile/")
    buyer.audit("profile")
    with page.expect_navigation():
        page.get_by_role("link", name="Privacy").click()
    buyer.audit("privacy page")
    page.get_by_label("Share my e-mail address with the other side once a meeting is agreed").focus()
    page.keyboard.press("Space")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").press("Enter")
    buyer.audit("privacy saved")
    assert consent.consent_given(person, consent.CONTACT)
    assert page.locator("li", has_text="given").count() == 2  # both answers, now explicit

    with page.expect_navigation():
        page.get_by_role("link", name="Erase your account").click()
    buyer.audit("erase page")
    field = page.get_by_label("Your e-mail address or your password")
    field.focus()
    page.keyboard.type(person.email)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    buyer.audit("after erasing")
    assert "Your account is erased." in page.content()
    assert not User.objects.get(pk=person.pk).is_active
    buyer.finish()
