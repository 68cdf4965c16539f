"""A signing ceremony's own room through daphne and a real Janus: six organisations from two countries
(three Korean exhibitors, three Chinese buyers) join from the ceremony's page, and every page receives
the five others' cameras. axe-core audits the page, on a desktop and on a phone.

Skipped where `janus` is missing; a failure under TRADEFAIR_REQUIRE_JANUS=1.
"""

from __future__ import annotations

from tests.agreements.ceremony_world import six_party_ceremony
from tests.e2e import test_live_show
from tests.e2e.test_group_room import HAS_VIDEOS
from tests.e2e.test_live_show import PHONE, off_the_loop, open_tab, sfu

show_server = test_live_show.show_server  # the daphne pointed at this run's Janus

JOINED = "() => { const r = document.querySelector('[data-sfu]').sfuRoom; return r && (r.id || r.closed); }"


def test_six_parties_of_a_ceremony_each_receive_the_five_others(media_browser, show_server, janus_settings):
    world = off_the_loop(six_party_ceremony)
    path = f"/agreements/{world['agreement'].pk}/ceremony/room/"
    tabs = []
    try:
        for n, user in enumerate(world["parties"]):
            tab = open_tab(media_browser, show_server, user, f"ceremony-party-{n}", phone=n == 5)
            tabs.append(tab)
            tab.goto(path)
        ids = []
        for tab in tabs:
            tab.page.wait_for_function(JOINED, timeout=30_000)
            ids.append(sfu(tab, "return room.id;"))
        assert all(ids), [t.console for t in tabs]
        for tab in tabs:
            tab.page.wait_for_function(HAS_VIDEOS, arg=5, timeout=120_000)
        for tab, mine in zip(tabs, ids, strict=True):
            assert sorted(sfu(tab, "return Array.from(room.feeds.keys());")) == sorted(
                i for i in ids if i != mine
            )
        tabs[0].audit("six parties in the ceremony")
        tabs[5].audit("six parties in the ceremony, on a phone")
        assert (
            tabs[5].page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
        )
    finally:
        for tab in tabs:
            tab.page.context.close()
