"""A live show with an interpreter, in real Chromium tabs through daphne and a real Janus.

The presenter goes live in Korean with a fake camera and microphone; the show's confirmed
interpreter opens their page, hears the presenter and publishes their (fake) microphone alone into
the show's room. One buyer chooses the Japanese interpretation with the keyboard: their page plays
the interpreter's audio track (its inbound RTP bytes grow, the element plays unmuted) over the
presenter's turned down, and the choice is still there after a reload. Another buyer keeps the
original: the interpreter's track reaches the page but does not play. axe-core audits the pages.

Skipped where `janus` is missing; a failure under TRADEFAIR_REQUIRE_JANUS=1.
"""

from __future__ import annotations

from pathlib import Path

from shows import services
from shows.models import ShowInterpretation
from tests import factories
from tests.e2e.harness import Visit
from tests.e2e.test_live_show import HAS_VIDEO, open_tab, sfu
from tests.e2e.test_live_show import show_server as show_server  # noqa: F401 - a fixture
from tests.e2e.test_show_recording import build, in_thread
from tests.media_tools import probe, require_media_tools
from tests.shows.conftest import schedule

# The inbound RTP bytes of the audio track a feed's element plays, on the page's subscription.
AUDIO_BYTES = """async (feed) => {
  const room = document.querySelector('[data-sfu]').sfuRoom;
  const f = room.feeds.get(feed);
  if (!f || !f.stream || !f.stream.getAudioTracks().length) return -1;
  const track = f.stream.getAudioTracks()[0].id;
  const stats = await room.subscriber.webrtcStuff.pc.getStats();
  let bytes = -1;
  stats.forEach((s) => {
    const audio = s.type === 'inbound-rtp' && s.kind === 'audio';
    if (audio && s.trackIdentifier === track) bytes = s.bytesReceived;
  });
  return bytes;
}"""

ELEMENT = """(feed) => {
  const el = document.querySelector(`figure[data-feed="${feed}"] video`);
  if (!el) return null;
  const tracks = el.srcObject ? el.srcObject.getAudioTracks().map((t) => t.id) : [];
  return {muted: el.muted, paused: el.paused, volume: el.volume, tracks: tracks,
          hidden: el.closest('figure').hidden};
}"""

FEED_AUDIO_TRACK = """(feed) => {
  const f = document.querySelector('[data-sfu]').sfuRoom.feeds.get(feed);
  return f && f.stream && f.stream.getAudioTracks().length ? f.stream.getAudioTracks()[0].id : null;
}"""


def setup_show(small_fair):
    show = schedule(
        small_fair, in_minutes=5, language="ko", title="Snail cream, in Korean and Japanese", record=True
    )
    row = services.interpretation_assign(
        actor=small_fair["staff"].user, show=show, interpreter=small_fair["interpreter"], language="ja"
    )
    services.interpretation_answer(user=small_fair["interpreter"].user, interpretation=row, accept=True)
    services.show_go_live(actor=small_fair["staff"].user, show=show)
    viewers = [small_fair["buyer"].user, factories.buyer(small_fair["fair"]).user]
    return show, viewers


def growing(visit: Visit, feed: str) -> tuple[int, int]:
    first = visit.page.evaluate(AUDIO_BYTES, feed)
    visit.page.wait_for_timeout(1500)
    return first, visit.page.evaluate(AUDIO_BYTES, feed)


def test_a_viewer_who_chooses_the_interpretation_hears_the_interpreter_and_the_others_do_not(
    media_browser,
    show_server,  # noqa: F811
    janus_server,
    janus_settings,
    small_fair,
):
    show, viewers = in_thread(setup_show, small_fair)
    path = f"/fairs/{small_fair['fair'].slug}/shows/{show.pk}/"
    tabs: list[Visit] = []
    published = (
        "() => { const r = document.querySelector('[data-sfu]').sfuRoom;"
        " return r && (r.timing.publishedMs !== null || r.closed); }"
    )
    try:
        presenter = open_tab(media_browser, show_server, small_fair["staff"].user, "interp-presenter")
        tabs.append(presenter)
        presenter.goto(path + "?on_air=camera")
        presenter.page.wait_for_function(published, timeout=30_000)
        presenter_feed = sfu(presenter, "return room.id;")
        presenter.audit("on air, the interpretation listed")
        assert "Confirmed" in presenter.page.locator("#interpretation").inner_text()

        # The interpreter: from the show page to their own; their microphone alone goes on air.
        interpreter = open_tab(
            media_browser, show_server, small_fair["interpreter"].user, "interp-interpreter"
        )
        tabs.append(interpreter)
        interpreter.goto(path)
        interpreter.audit("the show page, for its interpreter")
        interpreter.page.get_by_role("link", name="Interpret the show").click()
        interpreter.page.wait_for_load_state("load")
        interpreter.page.wait_for_function(published, timeout=30_000)
        feed = sfu(interpreter, "return room.id;")
        assert feed.startswith(f"i-ja-u{small_fair['interpreter'].user.pk}."), interpreter.console
        kinds = sfu(
            interpreter,
            "return room.publisher.webrtcStuff.pc.getSenders().filter(s => s.track).map(s => s.track.kind);",
        )
        assert kinds == ["audio"], kinds
        interpreter.page.wait_for_function(HAS_VIDEO, arg=presenter_feed, timeout=60_000)  # they see him
        assert interpreter.page.get_by_text("Your microphone is on air.").is_visible()
        interpreter.audit("interpreting")
        # Their microphone mutes and comes back with one toggle button.
        mic = interpreter.page.get_by_role("button", name="Mute my microphone")
        mic.click()
        assert mic.get_attribute("aria-pressed") == "true"
        assert sfu(interpreter, "return room.publisher.isAudioMuted();")
        assert interpreter.page.get_by_text("Your microphone is muted.").is_visible()
        mic.click()
        assert not sfu(interpreter, "return room.publisher.isAudioMuted();")

        # A buyer picks the interpretation with the keyboard.
        chooser = open_tab(media_browser, show_server, viewers[0], "interp-viewer-ja")
        tabs.append(chooser)
        chooser.goto(path)
        chooser.page.wait_for_function(HAS_VIDEO, arg=presenter_feed, timeout=60_000)
        chooser.page.wait_for_function(
            "(feed) => !!document.querySelector(`figure[data-feed='${feed}']`)", arg=feed, timeout=30_000
        )
        original = chooser.page.get_by_label("Original (한국어)")
        assert original.is_checked()
        original.focus()
        chooser.page.keyboard.press("ArrowDown")
        assert chooser.page.get_by_label("日本語 (interpretation)").is_checked()
        chooser.page.wait_for_function(
            "() => document.querySelector('[data-show-video]').dataset.sound === 'ja'"
        )
        first, then = growing(chooser, feed)
        assert 0 <= first < then, (first, then)
        playing = chooser.page.evaluate(ELEMENT, feed)
        track = chooser.page.evaluate(FEED_AUDIO_TRACK, feed)
        assert playing["tracks"] == [track] and not playing["muted"] and not playing["paused"], playing
        assert chooser.page.evaluate(ELEMENT, presenter_feed)["volume"] < 0.5  # the original, turned down
        chooser.audit("hearing the interpretation")

        # Remembered: after a reload the page starts on the interpretation.
        chooser.page.reload()
        chooser.page.wait_for_function(
            "(feed) => !!document.querySelector(`figure[data-feed='${feed}']`)", arg=feed, timeout=30_000
        )
        assert chooser.page.get_by_label("日本語 (interpretation)").is_checked()
        assert (
            chooser.page.evaluate("() => document.querySelector('[data-show-video]').dataset.sound") == "ja"
        )
        chooser.audit("the interpretation remembered")

        # Another buyer, on a phone, keeps the original: the interpreter's track arrives but does not play.
        listener = open_tab(media_browser, show_server, viewers[1], "interp-viewer-original", phone=True)
        tabs.append(listener)
        listener.goto(path)
        listener.page.wait_for_function(HAS_VIDEO, arg=presenter_feed, timeout=60_000)
        listener.page.wait_for_function(
            "(feed) => !!document.querySelector(`figure[data-feed='${feed}'] video`)",
            arg=feed,
            timeout=30_000,
        )
        assert listener.page.get_by_label("Original (한국어)").is_checked()
        state = listener.page.evaluate(ELEMENT, feed)
        assert state["muted"] and state["hidden"], state
        assert listener.page.evaluate(ELEMENT, presenter_feed)["volume"] == 1
        assert listener.page.evaluate("() => document.querySelector('[data-show-video]').dataset.sound") == (
            "original"
        )
        listener.audit("hearing the original, on a phone")

        # The interpreter is taken off the show: every page drops the choice at once (the show
        # socket's "sounds"), and the page that chose Japanese is back on the original, though the
        # interpreter is still in the room until the stage job puts them out.
        assert ShowInterpretation.objects.filter(show=show, status="confirmed").count() == 1
        staff = open_tab(media_browser, show_server, small_fair["staff"].user, "interp-staff")
        tabs.append(staff)
        staff.goto(path)  # the staff's own page, not on air: the presenter's tab keeps broadcasting
        staff.audit("the show page, for its staff")
        staff.page.get_by_role("button", name="Take the 日本語 interpreter off the show").click()
        staff.page.wait_for_load_state("load")
        assert "No interpreter yet" in staff.page.locator("#interpretation").inner_text()
        staff.audit("the interpreter taken off")
        for tab in (chooser, listener):
            tab.page.wait_for_function(
                "() => document.querySelector('[data-show-sound]').hidden", timeout=10_000
            )
        assert chooser.page.evaluate("() => document.querySelector('[data-show-video]').dataset.sound") == (
            "original"
        )
        assert chooser.page.evaluate(ELEMENT, feed)["muted"]
        assert chooser.page.evaluate(ELEMENT, presenter_feed)["volume"] == 1

        # The presenter ends the show; its recording holds the interpretation as a second audio track.
        presenter.page.get_by_role("button", name="End the show").click()
        presenter.page.wait_for_load_state("load")
        presenter.audit("ended")
        require_media_tools("janus-pp-rec", "ffmpeg", "ffprobe")
        assert in_thread(build, show.pk) == "stored"
        show.refresh_from_db()
        media = probe(Path(show.recording.path))
        print(f"\n[show interpretation] recording: {media}")
        assert media["streams"] == [("audio", "opus"), ("audio", "opus"), ("video", "vp8")], media
        assert media["audio_languages"] == ["kor", "jpn"], media
        # The interpreter went on air seconds after the presenter: their track starts that much later.
        assert media["audio_starts"][1] >= media["audio_starts"][0] + 1, media

        for tab in tabs:
            assert not tab.unaudited, tab.unaudited
            external = [u for u in tab.external_requests() if not u.startswith(janus_server.ws_url)]
            assert not external, external
    finally:
        for tab in tabs:
            tab.page.context.close()
        in_thread(lambda: services.show_end(actor=small_fair["staff"].user, show=show))
