"""A meeting's group video room through daphne and a real Janus: four people (the buyer, two of the
booth's staff, the interpreter) each receive the three others' cameras. axe-core audits the page.

Skipped where `janus` is missing; a failure under TRADEFAIR_REQUIRE_JANUS=1.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from meetings.models import Meeting, Slot
from tests import factories
from tests.e2e import test_live_show
from tests.e2e.test_live_show import PHONE, off_the_loop, open_tab, sfu

show_server = test_live_show.show_server  # the daphne pointed at this run's Janus

HAS_VIDEOS = """(n) => {
  const videos = Array.from(document.querySelectorAll('[data-sfu-remote] figure video'));
  return videos.length === n && videos.every((v) => v.videoWidth > 0);
}"""


def make_meeting(small_fair):
    start = timezone.now().replace(microsecond=0) - timedelta(minutes=1)
    slot = Slot.objects.create(
        fair=small_fair["fair"], starts_at=start, ends_at=start + timedelta(minutes=30), day=start.date()
    )
    meeting = Meeting.objects.create(
        fair=small_fair["fair"],
        buyer=small_fair["buyer"],
        booth=small_fair["booths"]["cosmetics"],
        exhibitor=small_fair["staff"],
        slot=slot,
        status=Meeting.Status.ACCEPTED,
        interpreter=small_fair["interpreter"],
        interpreter_status=Meeting.InterpreterStatus.CONFIRMED,
    )
    colleague = factories.staff(small_fair["booths"]["cosmetics"]).user
    return meeting, colleague


def test_four_people_in_a_group_room_each_receive_the_three_others(
    media_browser, show_server, janus_settings, small_fair
):
    meeting, colleague = off_the_loop(make_meeting, small_fair)
    people = [
        ("buyer", small_fair["buyer"].user),
        ("staff", small_fair["staff"].user),
        ("colleague", colleague),
        ("interpreter", small_fair["interpreter"].user),
    ]
    tabs = []
    try:
        for n, (name, user) in enumerate(people):
            tab = open_tab(media_browser, show_server, user, f"group-room-{name}", phone=n == 3)
            tabs.append(tab)
            tab.goto(f"/meetings/{meeting.pk}/group/")
        ids = []
        for tab in tabs:
            tab.page.wait_for_function(
                "() => { const r = document.querySelector('[data-sfu]').sfuRoom;"
                " return r && (r.id || r.closed); }",
                timeout=30_000,
            )
            ids.append(sfu(tab, "return room.id;"))
        assert all(ids), [t.console for t in tabs]
        for tab in tabs:
            tab.page.wait_for_function(HAS_VIDEOS, arg=3, timeout=90_000)
        for tab, mine in zip(tabs, ids, strict=True):
            assert sorted(sfu(tab, "return Array.from(room.feeds.keys());")) == sorted(
                i for i in ids if i != mine
            )
        tabs[0].audit("four in the room")
        tabs[3].audit("four in the room, on a phone")
        assert (
            tabs[3].page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
        )
    finally:
        for tab in tabs:
            tab.page.context.close()
