"""Issue 5 in a real Chromium against daphne: a buyer in Jakarta books, an exhibitor in Seoul accepts.

The fair (Asia/Seoul) opens on a Tuesday (tests.factories.FAIR_START) at 09:00 KST; its first slot
is 07:00 in Jakarta.
The buyer signs in with the real form, sees that slot as "Tue 07:00 your time / 09:00 in Seoul" and
books it; the exhibitor, on a phone, sees the same meeting two hours later on the clock and accepts it.
axe-core audits every page; screenshots land in test-artifacts/.
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.test import Client

from meetings import services
from meetings.models import Meeting
from tests.e2e.harness import ARTIFACTS, set_server_password
from tests.factories import FAIR_START


def _cookie_sign_in(v, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    v.page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": v.base_url}]
    )


def test_jakarta_buyer_books_and_seoul_exhibitor_accepts(visit, small_fair):
    fair, booth = small_fair["fair"], small_fair["booths"]["cosmetics"]
    staff, buyer = small_fair["staff"], small_fair["buyer"]
    staff.user.time_zone = "Asia/Seoul"
    staff.user.save()
    buyer.user.time_zone = "Asia/Jakarta"
    buyer.user.save()
    org = small_fair["organizer"].user
    slots = services.slots_generate(fair=fair)
    services.availability_set(actor=org, fair=fair, slots=slots, booth=booth)
    services.availability_set(actor=org, fair=fair, slots=slots, participant=buyer)
    first = slots[0]
    assert first.starts_at == datetime.combine(FAIR_START, time(9), tzinfo=ZoneInfo("Asia/Seoul"))

    # The buyer, in Jakarta, signs in and books from the booth page.
    set_server_password(buyer.user, "pass-word-123")
    b = visit(name="meetings-buyer")
    bp = b.page
    b.goto("/accounts/login/")
    b.audit("sign in")
    bp.locator("input[name=login]").fill(buyer.user.email)
    bp.locator("input[name=password]").fill("pass-word-123")
    with bp.expect_navigation():
        bp.locator("main form button[type=submit]").click()
    b.audit("home")
    b.goto(f"/fairs/{fair.slug}/booths/{booth.pk}/")
    b.audit("booth")
    with bp.expect_navigation():
        bp.get_by_role("link", name="Book a meeting").click()
    b.audit("book")
    choice = bp.get_by_label("Tue 07:00 your time / 09:00 in Seoul", exact=True)
    assert choice.count() == 1
    choice.check()  # keyboard-reachable radio, labelled with both local times
    bp.get_by_label("Message to the exhibitor").fill("Could we talk about 2,000 units of toner?")
    with bp.expect_navigation():
        bp.get_by_role("button", name="Send the request").click()
    b.audit("requested")
    assert "Your request is sent." in bp.locator(".messages").inner_text()
    assert bp.locator(".meeting-when").inner_text() == "Tue 07:00 your time / 09:00 in Seoul"
    meeting = Meeting.objects.get()
    assert meeting.slot == first and meeting.status == Meeting.Status.REQUESTED
    b.finish()

    # The exhibitor, in Seoul, on a phone: the same meeting at 09:00, and the buyer's 07:00 next to it.
    e = visit(phone=True, name="meetings-exhibitor")
    ep = e.page
    _cookie_sign_in(e, staff.user)
    e.goto("/schedule/")
    e.audit("schedule")
    waiting = ep.locator("section[aria-labelledby=waiting-heading] .meeting-row")
    assert waiting.count() == 1
    assert waiting.locator(".meeting-when").inner_text() == "Tue 09:00 your time / 07:00 in Jakarta"
    with ep.expect_navigation():
        waiting.get_by_role("link").click()
    e.audit("request")
    assert "Could we talk about 2,000 units of toner?" in ep.locator("main").inner_text()
    # One decision form: accept (chosen first), decline with a reason, or propose another time.
    assert ep.get_by_label("Accept this time").is_checked()
    assert ep.get_by_label("Reason for declining").is_hidden()  # shown when "Decline" is chosen
    ep.get_by_label("Decline", exact=True).check()
    assert ep.get_by_label("Reason for declining").is_visible()
    ep.get_by_label("Accept this time").check()
    accept = ep.get_by_role("button", name="Send my answer", exact=True)
    accept.focus()
    with ep.expect_navigation():
        ep.keyboard.press("Enter")
    e.audit("accepted")
    assert "The meeting is accepted." in ep.locator(".messages").inner_text()
    assert ep.locator(".meeting-status").inner_text().startswith("Accepted")
    assert ep.evaluate("() => document.documentElement.scrollWidth") <= 390
    ep.screenshot(path=str(ARTIFACTS / "meetings-exhibitor-accepted.png"), full_page=True)
    e.finish()

    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.ACCEPTED and meeting.exhibitor == staff


def test_an_exhibitor_invites_and_the_buyer_proposes_another_day_by_keyboard(visit, small_fair):
    """The invitation page and the decision form's "propose another time" under axe-core."""
    fair, booth = small_fair["fair"], small_fair["booths"]["cosmetics"]
    staff, buyer = small_fair["staff"], small_fair["buyer"]
    staff.user.time_zone = "Asia/Seoul"
    staff.user.save()
    buyer.user.time_zone = "Asia/Jakarta"
    buyer.user.save()
    org = small_fair["organizer"].user
    slots = services.slots_generate(fair=fair)
    services.availability_set(actor=org, fair=fair, slots=slots, booth=booth)
    services.availability_set(actor=org, fair=fair, slots=slots, participant=buyer)

    e = visit(name="invite-exhibitor")
    ep = e.page
    _cookie_sign_in(e, staff.user)
    e.goto(f"/fairs/{fair.slug}/booths/{booth.pk}/invite/{buyer.pk}/")
    e.audit("invite")
    assert "Sells what the buyer sources" in ep.locator("main").inner_text()
    days = ep.locator("fieldset.slot-day")
    assert days.count() >= 2 and "Tuesday" in days.first.locator("legend").inner_text()
    ep.get_by_label("Tue 09:00 your time / 07:00 in Jakarta", exact=True).check()
    ep.get_by_label("Message to the buyer").fill("Our toner line fits your market.")
    with ep.expect_navigation():
        ep.get_by_role("button", name="Send the invitation").click()
    e.audit("invited")
    meeting = Meeting.objects.get()
    assert (meeting.requested_by, meeting.awaiting) == ("exhibitor", "buyer")
    e.finish()

    b = visit(phone=True, name="invite-buyer")
    bp = b.page
    _cookie_sign_in(b, buyer.user)
    b.goto(f"/schedule/{meeting.pk}/")
    b.audit("invitation")
    assert "Seoul Glow Co." in bp.locator("main").inner_text()
    propose = bp.get_by_label("Propose another time")
    propose.focus()
    bp.keyboard.press("Space")
    assert propose.is_checked()
    later = bp.locator("fieldset.slot-day").nth(1).locator("input[name=slot]").first
    later.focus()
    bp.keyboard.press("Space")
    b.audit("proposing")
    with bp.expect_navigation():
        bp.get_by_role("button", name="Send my answer").click()
    b.audit("proposed")
    meeting.refresh_from_db()
    assert meeting.status == "proposed" and meeting.awaiting == "exhibitor"
    assert meeting.slot.starts_at.astimezone(ZoneInfo("Asia/Seoul")).date() > FAIR_START
    b.finish()
