"""The organizer's and exhibitor's tool pages of this wave in a real Chromium, audited by axe-core on a
phone and a desktop: playbooks (list, a version, an item's edit), briefings, webhooks (list and one
webhook), the personal data page; and an organizer adds a webhook and a briefing by keyboard-usable
forms."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.test import Client

from integrations.models import WebhookEndpoint
from playbooks import services as playbook_services
from playbooks.models import Briefing, PlaybookItem
from tests import factories


def sign_in(v, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    v.page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": v.base_url}]
    )


def test_the_tool_pages_pass_axe_and_their_forms_work(visit, db):
    fair = factories.fair(slug=f"tools-{uuid.uuid4().hex[:6]}")
    hall = factories.hall(fair, name="Beauty", chapters=("33",))
    organizer = factories.participant(fair, "organizer", user_obj=factories.user(time_zone="Asia/Seoul")).user
    booth = factories.booth(fair, hall=hall, target_markets=["CN"])
    factories.product(booth, name="Serum", hs_code="330499")
    staff = factories.staff(booth, user_obj=factories.user(language="ko"))
    playbook_services.import_starter_set(fair=fair)
    item = PlaybookItem.objects.get(playbook__country="CN", key="nmpa")

    for phone in (False, True):
        o = visit(phone=phone, name=f"tools-organizer-{'phone' if phone else 'desk'}")
        sign_in(o, organizer)
        for path, label in (
            (f"/fairs/{fair.slug}/organize/playbooks/", "playbooks"),
            (f"/fairs/{fair.slug}/playbooks/CN/1/", "playbook CN"),
            (f"/fairs/{fair.slug}/organize/playbooks/items/{item.pk}/", "item edit"),
            (f"/fairs/{fair.slug}/organize/webhooks/", "webhooks"),
            (f"/fairs/{fair.slug}/briefings/", "briefings"),
            ("/profile/data/", "my data"),
        ):
            o.goto(path)
            o.audit(label)
        if phone:
            assert o.page.evaluate("() => document.documentElement.scrollWidth") <= 390
        o.finish()

    o = visit(name="tools-organizer-forms")
    sign_in(o, organizer)
    page = o.page
    o.goto(f"/fairs/{fair.slug}/organize/webhooks/")
    o.audit("webhooks form")
    page.get_by_label("Address (https://...)").fill(
        "https://93.184.216.34/hooks"
    )  # a public address: no DNS needed offline
    page.get_by_label("Meetings: requested, accepted, declined, cancelled, moved, held").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Add").click()
    o.audit("webhook added")
    endpoint = WebhookEndpoint.objects.get(fair=fair)
    assert endpoint.secret in page.locator("main").inner_text()  # shown once
    o.goto(f"/fairs/{fair.slug}/organize/briefings/new/?country=CN&key=nmpa")
    o.audit("briefing form")
    page.get_by_label("Starts at (your time)").fill("2099-03-02T10:00")
    with page.expect_navigation():
        page.get_by_role("button", name="Send the invitations").click()
    o.audit("briefings")
    briefing = Briefing.objects.get(fair=fair)
    assert briefing.starts_at.isoformat() == "2099-03-02T01:00:00+00:00"  # 10:00 in Seoul
    assert list(briefing.booths.all()) == [booth]
    o.finish()

    s = visit(phone=True, name="tools-staff")
    sign_in(s, staff.user)
    s.goto(f"/fairs/{fair.slug}/booths/{booth.pk}/webhooks/")
    s.audit("booth webhooks")
    s.goto(f"/fairs/{fair.slug}/briefings/")
    s.audit("staff briefings")
    assert "NMPA" in s.page.locator("main").inner_text()
    s.finish()
