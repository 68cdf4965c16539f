"""The video room in two real Chromium contexts with a fake camera and microphone, through daphne.

A buyer (desktop) and the booth's staff member (phone) open the same meeting's room: each page's
RTCPeerConnection reaches "connected" and shows the other side's video; after the (shortened)
minimum time together the meeting is held; the in-call chat reaches the other side. axe-core
audits both pages, and screenshots go to test-artifacts/.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from django.utils import timezone

from meetings.models import Meeting, Slot
from meetings.room_models import RoomVisit
from tests.e2e.conftest import PHONE
from tests.e2e.harness import ARTIFACTS, Daphne, Visit
from tests.i18n_support import ensure_compiled_messages

MIN_HELD_SECONDS = 4

CONNECTED_WITH_VIDEO = """() => {
  const room = window.tradefairRoom;
  if (!room) return false;
  return Array.from(room.peers.values()).some(
    (p) => p.pc.connectionState === "connected" && p.video.videoWidth > 0);
}"""


@pytest.fixture(scope="module")
def room_server(django_db_setup, django_db_blocker):
    """A daphne of its own, with the room's minimum time together shortened through the environment."""
    ensure_compiled_messages()
    server = Daphne(
        db=connections["default"].settings_dict,
        log_path=ARTIFACTS / "daphne-video-room.log",
        extra_env={"ROOM_MIN_HELD_SECONDS": str(MIN_HELD_SECONDS)},
    )
    try:
        server.wait_ready()
        yield server.url
    finally:
        server.stop()


def open_tab(browser, base_url: str, user, name: str, *, phone: bool = False) -> Visit:
    context = browser.new_context(**(PHONE if phone else {}), base_url=base_url)
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}])
    return Visit(context.new_page(), base_url=base_url, name=name)


def make_meeting(small_fair) -> Meeting:
    start = timezone.now().replace(microsecond=0) - timedelta(minutes=1)
    slot = Slot.objects.create(
        fair=small_fair["fair"], starts_at=start, ends_at=start + timedelta(minutes=30), day=start.date()
    )
    return Meeting.objects.create(
        fair=small_fair["fair"],
        buyer=small_fair["buyer"],
        booth=small_fair["booths"]["cosmetics"],
        exhibitor=small_fair["staff"],
        slot=slot,
        status=Meeting.Status.ACCEPTED,
    )


def off_the_loop(fn, *args):
    """Run a write in a thread of its own: Playwright's loop runs in this one, and signal handlers
    that announce changes through async_to_sync (fair/signals.py) refuse to run beside it."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args).result()


def test_buyer_and_exhibitor_see_each_other_and_the_meeting_is_held(media_browser, room_server, small_fair):
    meeting = off_the_loop(make_meeting, small_fair)
    path = f"/meetings/{meeting.pk}/"

    buyer = open_tab(media_browser, room_server, small_fair["buyer"].user, "video-room-buyer")
    exhibitor = open_tab(
        media_browser, room_server, small_fair["staff"].user, "video-room-exhibitor", phone=True
    )
    try:
        buyer.goto(path)
        buyer.page.wait_for_function("() => window.tradefairRoom && window.tradefairRoom.me")
        assert "has not joined yet" in buyer.page.locator("[data-room=status]").inner_text()
        buyer.audit("buyer waits")

        exhibitor.goto(path)
        for v in (buyer, exhibitor):
            v.page.wait_for_function(CONNECTED_WITH_VIDEO, timeout=30_000)
        assert exhibitor.page.locator("[data-room=status]").inner_text() in (
            "You are in the call.",
            "This meeting now counts as held.",
        )

        # The meeting counts as held once both were together for the minimum.
        deadline = time.monotonic() + MIN_HELD_SECONDS + 20
        while time.monotonic() < deadline:
            meeting.refresh_from_db()
            if meeting.status == Meeting.Status.HELD:
                break
            time.sleep(0.5)
        assert meeting.status == Meeting.Status.HELD
        for v in (buyer, exhibitor):
            v.page.wait_for_function("() => document.getElementById('video-room').dataset.held === 'true'")
        assert set(
            RoomVisit.objects.filter(meeting=meeting, left_at__isnull=True).values_list("role", flat=True)
        ) == {
            "buyer",
            "exhibitor",
        }

        # In-call chat, shown as text.
        buyer.page.get_by_label("Your message").fill("Could you show the <b>price list</b>?")
        buyer.page.get_by_role("button", name="Send").click()
        exhibitor.page.locator(".chat-log li", has_text="price list").wait_for()
        assert exhibitor.page.locator(".chat-log li b").count() == 0
        # The sender's line was shown as pending until the server acknowledged it: then it is there
        # once, as stored (not pending, not twice).
        buyer.page.wait_for_function(
            """() => [...document.querySelectorAll('.chat-log li')]
                       .filter(li => li.textContent.includes('price list'))
                       .map(li => li.className).join(',') === ''"""
        )

        # Mute is a toggle the other side sees.
        buyer.page.get_by_role("button", name="Mute").click()
        exhibitor.page.locator(".tile.remote .media-state", has_text="muted").wait_for()

        assert (
            exhibitor.page.evaluate("() => document.documentElement.scrollWidth")
            <= PHONE["viewport"]["width"]
        )
        buyer.audit("in the call")
        exhibitor.audit("in the call on a phone")
        buyer.page.screenshot(path=str(ARTIFACTS / "video-room-buyer-in-call.png"), full_page=True)
        buyer.finish()
        exhibitor.finish()
    finally:
        buyer.page.context.close()
        exhibitor.page.context.close()
    deadline = time.monotonic() + 10
    while (
        RoomVisit.objects.filter(meeting=meeting, left_at__isnull=True).exists()
        and time.monotonic() < deadline
    ):
        time.sleep(0.2)
    assert not RoomVisit.objects.filter(meeting=meeting, left_at__isnull=True).exists()  # leaves recorded
