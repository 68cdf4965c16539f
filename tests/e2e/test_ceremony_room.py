"""A signing ceremony's own room through daphne and a real Janus: six organisations from two countries
(three Korean exhibitors, three Chinese buyers) join from the ceremony's page, every page receives the
five others' cameras, and a chat line reaches every page. axe-core audits the page, on a desktop and on
a phone. With twelve cameras in the room Janus itself refuses a thirteenth (432), and the thirteenth
person's page says so in their language and lets them watch without their camera. An organizer
streams a ceremony to the fair's participants: a viewer follows the programme's link and receives
the party's frames, listen-only, without ever being a participant of the room.

Skipped where `janus` is missing; a failure under TRADEFAIR_REQUIRE_JANUS=1.
"""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.db import connections
from django.utils import translation
from django.utils.translation import gettext

from agreements.ceremony_room import CEREMONY_SIZE, ceremony_admission, ceremony_stream_set
from agreements.models import CeremonyMessage
from kernel.janus import VIDEOROOM_ERROR_PUBLISHERS_FULL, JanusAdmin, JanusError, JanusSession
from tests import factories
from tests.agreements.ceremony_world import six_party_ceremony
from tests.e2e import test_live_show
from tests.e2e.test_group_room import HAS_VIDEOS
from tests.e2e.test_live_show import HAS_VIDEO, PHONE, RECEIVING, off_the_loop, open_tab, sfu
from tests.janus_server import sdp_offer

show_server = test_live_show.show_server  # the daphne pointed at this run's Janus


# The id of the camera track a page sends to Janus.
SENT_VIDEO = """() => {
  const room = document.querySelector('[data-sfu]').sfuRoom;
  const sender = room.publisher.webrtcStuff.pc.getSenders().find((s) => s.track && s.track.kind === 'video');
  return sender ? sender.track.id : null;
}"""


SENT_LABEL = SENT_VIDEO.replace("sender.track.id", "sender.track.label")


def in_thread(fn, *args):
    """``fn`` off the browser's event loop, its database connection closed afterwards (PostgreSQL
    drops the test database at the end only when no session is left)."""

    def closing():
        try:
            return fn(*args)
        finally:
            connections.close_all()

    return off_the_loop(closing)


JOINED = "() => { const r = document.querySelector('[data-sfu]').sfuRoom; return r && (r.id || r.closed); }"


def test_six_parties_of_a_ceremony_each_receive_the_five_others(media_browser, show_server, janus_settings):
    world = in_thread(six_party_ceremony)
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
        # The controls: the microphone and the camera go off on the sending side (janus.js's tracks).
        mute = tabs[0].page.locator('[data-group="mute"]')
        camera = tabs[0].page.locator('[data-group="camera"]')
        mute.click()
        camera.focus()
        tabs[0].page.keyboard.press("Enter")
        assert mute.get_attribute("aria-pressed") == camera.get_attribute("aria-pressed") == "true"
        assert sfu(tabs[0], "return [room.publisher.isAudioMuted(), room.publisher.isVideoMuted()];") == [
            True,
            True,
        ]
        mute.click()
        assert sfu(tabs[0], "return room.publisher.isAudioMuted();") is False
        # Another camera from the picker replaces the sent track; the others keep receiving it.
        before = tabs[1].page.evaluate(SENT_VIDEO)
        tabs[1].page.locator('[data-group="devices"] summary').click()
        picker = tabs[1].page.locator('[data-group="video-select"]')
        tabs[1].page.wait_for_function(
            "() => document.querySelector('[data-group=video-select]').options.length > 0"
        )
        picker.select_option(index=0)
        tabs[1].page.wait_for_function(
            "() => document.querySelector('[data-sfu]').dataset.deviceSwitch === 'done'"
        )
        after = tabs[1].page.evaluate(SENT_VIDEO)
        assert before and after and before != after
        for tab, mine in zip(tabs, ids, strict=True):
            if mine != ids[1]:
                assert tab.page.evaluate(RECEIVING, ids[1]), f"{tab.name}: no frames after the camera changed"
        # Sharing the screen sends it in the camera's place, and the others receive it.
        share = tabs[2].page.locator('[data-group="share"]')
        share.click()
        tabs[2].page.wait_for_function(
            "() => document.querySelector('[data-sfu]').dataset.deviceSwitch === 'done'", timeout=15_000
        )
        assert share.get_attribute("aria-pressed") == "true"
        assert tabs[2].page.evaluate(SENT_LABEL).startswith("screen"), tabs[2].page.evaluate(SENT_LABEL)
        assert tabs[0].page.evaluate(RECEIVING, ids[2]), "no frames of the shared screen"

        # The chat: a line typed on one page (by keyboard) reaches the five others, stored once.
        for tab in tabs:
            tab.page.wait_for_function(
                "() => document.querySelector('[data-group-chat]').dataset.connected === 'true'"
            )
        tabs[3].page.get_by_label("您的消息").fill("准备好签字了")
        tabs[3].page.get_by_label("您的消息").press("Enter")
        for tab in tabs:
            tab.page.wait_for_function(
                "() => Array.from(document.querySelectorAll('[data-chat=chat-log] li:not(.pending) .body'))"
                ".some((b) => b.textContent === '准备好签字了')",
                timeout=10_000,
            )
        assert in_thread(lambda: list(CeremonyMessage.objects.values_list("body", flat=True))) == [
            "准备好签字了"
        ]
        tabs[0].audit("six parties in the ceremony")
        tabs[5].audit("six parties in the ceremony, on a phone")
        assert (
            tabs[5].page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
        )
    finally:
        for tab in tabs:
            tab.page.context.close()


# Twelve cameras from one page, straight through janus.js (no subscriptions: only the count matters),
# each with its own admission; resolves with how many came up.
TWELVE_CAMERAS = """async ({server, admissions}) => {
  await new Promise((resolve) => Janus.init({debug: false, callback: resolve}));
  let up = 0;
  for (const a of admissions) {
    await new Promise((resolve, reject) => {
      let handle;
      const janus = new Janus({server, token: a.token, iceServers: [], error: reject, success: () => {
        janus.attach({
          plugin: "janus.plugin.videoroom", error: reject,
          success: (h) => {
            handle = h;
            const join = {request: "join", ptype: "publisher", room: a.room, id: a.id, token: a.roomToken};
            h.send({message: join});
          },
          onmessage: (msg, jsep) => {
            if (msg.error_code) return reject(new Error(msg.error));
            if (msg.videoroom === "joined") {
              handle.createOffer({
                tracks: [{type: "video", capture: {width: 160, height: 120, frameRate: 5}, recv: false}],
                success: (offer) => handle.send({message: {request: "publish"}, jsep: offer}),
                error: reject,
              });
            }
            if (jsep) handle.handleRemoteJsep({jsep});
          },
          webrtcState: (on) => { if (on) { up += 1; resolve(); } },
        });
      }});
    });
  }
  return up;
}"""


FULL = (
    "All %(n)s camera places in this room are taken, so your camera cannot join. You can still watch and"
    " listen."
)


def thirteen_people():
    world = six_party_ceremony()
    colleagues = [
        factories.staff(
            world["meeting"].booth, user_obj=factories.user(first_name=f"Colleague {n}", language="ko")
        ).user
        for n in range(6)
    ]
    people = [*world["parties"], world["organizer"], world["interpreter"], *colleagues]
    cameras = [
        ceremony_admission(user=user, ceremony=world["ceremony"]).for_browser(
            server=settings.JANUS_PUBLIC_URL, display=str(user), role="publisher"
        )
        for user in people[:CEREMONY_SIZE]
    ]
    return world, cameras, people[CEREMONY_SIZE], people[CEREMONY_SIZE + 1]


def test_janus_refuses_a_thirteenth_camera_and_the_page_offers_to_watch(
    media_browser, show_server, janus_settings
):
    world, cameras, by_api, by_page = in_thread(thirteen_people)
    holder = media_browser.new_context(base_url=show_server, bypass_csp=True)
    tab = None
    try:
        page = holder.new_page()
        page.goto("/static/frontend/js/sfu.js")
        for script in ("vendor/webrtc-adapter/adapter.js", "vendor/janus/janus.js"):
            page.add_script_tag(url=f"/static/{script}")
        up = page.evaluate(TWELVE_CAMERAS, {"server": janus_settings.ws_url, "admissions": cameras})
        assert up == CEREMONY_SIZE == 12
        room = cameras[0]["room"]
        with JanusAdmin.from_settings() as admin:
            deadline = time.monotonic() + 20
            while sum(bool(p.get("publisher")) for p in admin.room_participants(room=room)) < 12:
                assert time.monotonic() < deadline, admin.room_participants(room=room)
                time.sleep(0.2)

        # Janus itself refuses the thirteenth camera, whoever asks and however.
        admission = in_thread(lambda: ceremony_admission(user=by_api, ceremony=world["ceremony"]))
        with JanusSession(janus_settings.url, token=admission.session_token) as session:
            handle = session.attach()
            joined = session.request(
                handle,
                {
                    "request": "join",
                    "ptype": "publisher",
                    "room": admission.room,
                    "id": admission.participant_id,
                    "token": admission.room_token,
                },
            )
            assert joined["videoroom"] == "joined" and len(joined["publishers"]) == 12
            with pytest.raises(JanusError) as e:
                session.request(handle, {"request": "publish"}, jsep=sdp_offer())
        assert e.value.code == VIDEOROOM_ERROR_PUBLISHERS_FULL == 432
        assert "Maximum number of publishers (12) already reached" in e.value.reason

        # The thirteenth person's page tells them in their language and lets them watch instead.
        tab = open_tab(media_browser, show_server, by_page, "ceremony-thirteenth")
        tab.goto(f"/agreements/{world['agreement'].pk}/ceremony/room/")
        watch = tab.page.locator('[data-group="watch"]')
        watch.wait_for(state="visible", timeout=30_000)
        assert sfu(tab, "return room.lastError.code;") == 432
        state = tab.page.locator('[data-group="full"]').inner_text()
        english = FULL % {"n": 12}
        with translation.override("ko"):
            assert state == gettext(FULL) % {"n": 12} != english
            assert watch.inner_text() == gettext("Watch without your camera")
        tab.audit("every camera place taken")
        watch.click()
        tab.page.wait_for_function(HAS_VIDEOS, arg=12, timeout=60_000)
        assert sfu(tab, "return room.params.role;") == "viewer"
        assert tab.page.locator('[data-group="full"]').is_hidden()
        assert tab.page.evaluate("() => document.activeElement !== null")
    finally:
        if tab is not None:
            tab.page.context.close()
        holder.close()


def streamed_ceremony():
    world = six_party_ceremony()
    ceremony_stream_set(actor=world["organizer"], ceremony=world["ceremony"], audience="participants")
    return world


def test_a_viewer_follows_the_programme_to_a_streamed_ceremony_and_receives_its_frames(
    media_browser, show_server, janus_settings
):
    world = in_thread(streamed_ceremony)
    tabs = []
    try:
        party = open_tab(media_browser, show_server, world["parties"][0], "ceremony-streamed-party")
        tabs.append(party)
        party.goto(f"/agreements/{world['agreement'].pk}/ceremony/room/")
        party.page.wait_for_function(
            "() => { const r = document.querySelector('[data-sfu]').sfuRoom;"
            " return r && (r.timing.publishedMs !== null || r.closed); }",
            timeout=30_000,
        )
        feed = sfu(party, "return room.id;")
        assert feed, party.console

        viewer = open_tab(media_browser, show_server, world["stranger"], "ceremony-viewer", phone=True)
        tabs.append(viewer)
        viewer.goto(f"/fairs/{world['fair'].slug}/ceremonies/")
        viewer.page.get_by_role("link", name="Watch").click()
        viewer.page.wait_for_url(f"**/agreements/{world['agreement'].pk}/ceremony/watch/")
        viewer.page.wait_for_function(HAS_VIDEO, arg=feed, timeout=60_000)
        assert viewer.page.evaluate(RECEIVING, feed), f"no frames: {viewer.console}"
        assert sfu(viewer, "return room.params.role;") == "watcher"
        assert viewer.page.locator("[data-sfu-local]").count() == 0
        viewer.audit("watching a streamed ceremony, on a phone")
        # Janus counts one sender in the room: the party. The viewer is not even a participant.
        with JanusAdmin.from_settings() as admin:
            people = admin.room_participants(room=sfu(party, "return room.params.room;"))
        assert [p["id"] for p in people] == [feed]
    finally:
        for tab in tabs:
            tab.page.context.close()
