"""The API tokens page in a real Chromium (issue 22): audited by axe-core on a phone and a desktop, no
sideways scrolling on a phone, and a token made by keyboard alone (scopes, expiry, owner), in Korean
too."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.test import Client

from fair.models import ApiToken
from tests import factories


def sign_in(v, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    v.page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": v.base_url}]
    )


def test_the_tokens_page_on_a_phone_and_by_keyboard(visit, db):
    fair = factories.fair(slug=f"tokens-{uuid.uuid4().hex[:6]}")
    booth = factories.booth(fair, hall=factories.hall(fair, name="Beauty", chapters=("33",)))
    factories.product(booth, name="Serum", hs_code="330499")
    staff = factories.staff(booth, user_obj=factories.user(language="ko")).user
    colleague = factories.staff(booth).user

    for phone in (False, True):
        v = visit(phone=phone, name=f"tokens-{'phone' if phone else 'desk'}")
        sign_in(v, staff)
        v.goto("/profile/api-tokens/")
        v.audit("empty")
        page = v.page
        # By keyboard: type the name, then Tab through the choices and tick them with Space.
        page.locator("#id_name").focus()
        page.keyboard.type(f"ERP {'phone' if phone else 'desk'}")
        page.locator("input[name=owner][value=company]").focus()
        page.keyboard.press("Space")
        page.locator("input[name=scopes][value=booth]").focus()
        page.keyboard.press("Space")
        page.locator("input[name=expires_in][value='365']").focus()
        page.keyboard.press("Space")
        page.locator("form.stacked button[type=submit]").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        v.audit("made")
        assert page.locator("[data-testid=new-token]").input_value().startswith("tf_")
        if phone:
            assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        v.finish()

    tokens = ApiToken.objects.filter(user=staff)
    assert {t.kind for t in tokens} == {"organization"} and all(t.scopes == ["read", "booth"] for t in tokens)

    c = visit(phone=True, name="tokens-colleague")
    sign_in(c, colleague)
    c.goto("/profile/api-tokens/")
    c.audit("colleague")
    assert c.page.locator(".token-card").count() == 2  # the company's tokens, listed for every staff member
    c.page.get_by_role("button", name="Revoke ERP phone").focus()
    with c.page.expect_navigation():
        c.page.keyboard.press("Enter")
    c.audit("revoked")
    assert ApiToken.objects.filter(revoked_at__isnull=False).count() == 1
    c.finish()
