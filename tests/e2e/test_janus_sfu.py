"""sfu.js on janus.js, in real Chromium tabs with a fake camera, through a real Janus (tests/janus_server.py).

A show: a presenter and three viewers, every viewer's <video> gets frames, the time to each first
frame is printed; Janus records the presenter; a page with another room's token is refused by
Janus (433); a viewer who publishes anyway is put out by room_enforce_roles; a viewer hangs up;
destroying the room ends every page. A six-party room: each of six receives the five others.

The pages for shows do not exist yet: this test serves a minimal page of its own from a small
HTTP server on 127.0.0.1 (not from the app's URLs) that loads the app's real static files
(webrtc-adapter, janus.js, frontend/static/frontend/js/sfu.js) from daphne, with its parameters in
json_script. It will give way to tests through the real pages. (A page Playwright makes up itself
has no address, and Chromium's local-network-access checks would then stop it from reaching a
Janus on 127.0.0.1.)
"""

from __future__ import annotations

import statistics
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils.html import json_script

from kernel.janus import Admission, JanusAdmin
from tests.e2e.harness import ARTIFACTS, axe_violations, format_violations

SMALL_VIDEO = {"width": 320, "height": 240, "frameRate": 15}

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <script src="{static}vendor/webrtc-adapter/adapter.js" defer></script>
  <script src="{static}vendor/janus/janus.js" defer></script>
  <script src="{static}frontend/js/sfu.js" defer></script>
</head>
<body>
  <main>
    <h1>{title}</h1>
    {params}
    <section data-sfu="sfu-params" aria-label="{title}">
      <video data-sfu-local muted playsinline aria-label="Your camera"></video>
      <div data-sfu-remote></div>
      <button type="button" data-sfu-hangup>Leave</button>
    </section>
  </main>
</body>
</html>
"""

# A video receives frames: it has a size, and five new frames arrive within ten seconds.
RECEIVING = """async (feeds) => {
  const results = await Promise.all(feeds.map((id) => new Promise((resolve) => {
    const video = document.querySelector(`figure[data-feed="${id}"] video`);
    if (!video || !video.videoWidth) return resolve(false);
    let frames = 0;
    const tick = () => { if (++frames >= 5) resolve(true); else video.requestVideoFrameCallback(tick); };
    video.requestVideoFrameCallback(tick);
    setTimeout(() => resolve(false), 10000);
  })));
  return results.every(Boolean);
}"""

JOINED_OR_CLOSED = """() => {
  const room = document.querySelector('[data-sfu]').sfuRoom;
  return room && (room.id || room.closed);
}"""

HAS_VIDEOS = """(feeds) => feeds.every((id) => {
  const video = document.querySelector(`figure[data-feed="${id}"] video`);
  return video && video.videoWidth > 0;
})"""


def soon(seconds: float = 900) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


@pytest.fixture
def admin(janus_server):
    values = janus_server.values
    with JanusAdmin(
        admin_url=janus_server.admin_url,
        admin_secret=values["JANUS_ADMIN_SECRET"],
        token_secret=values["JANUS_TOKEN_SECRET"],
        room_admin_key=values["JANUS_ROOM_ADMIN_KEY"],
        recordings_dir=str(janus_server.recordings_dir),
    ) as client:
        yield client


class Pages:
    """The test's own pages, served on 127.0.0.1: path -> HTML."""

    def __init__(self):
        pages = self.pages = {}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = pages.get(self.path, "").encode()
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def pages():
    served = Pages()
    yield served
    served.close()


class Tab:
    """One person's page: its own browser context, the test's page, the app's scripts from daphne."""

    def __init__(
        self,
        browser,
        pages: Pages,
        static_url: str,
        janus_server,
        admission: Admission,
        *,
        display: str,
        role: str,
    ):
        self.admission = admission
        self.display = display
        params = admission.for_browser(server=janus_server.ws_url, display=display, role=role)
        params["video"] = SMALL_VIDEO
        self.path = f"/{admission.participant_id}/"
        pages.pages[self.path] = PAGE.format(
            title=f"Live show: {display}", static=static_url, params=json_script(params, "sfu-params")
        )
        self.context = browser.new_context(base_url=pages.url)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.page.on("console", lambda message: self.console.append(f"{message.type}: {message.text}"))
        self.page.on("pageerror", lambda error: self.console.append(f"pageerror: {error}"))
        self.page.goto(self.path)

    def room(self, expression: str):
        return self.page.evaluate(
            f"() => {{ const room = document.querySelector('[data-sfu]').sfuRoom; {expression} }}"
        )

    def wait_joined(self, timeout: float = 30_000) -> None:
        self.page.wait_for_function(JOINED_OR_CLOSED, timeout=timeout)
        assert self.room("return room.id;") == self.admission.participant_id, (
            self.room("return [room.leftReason, room.lastError];"),
            self.console,
        )

    def wait_receiving(self, feeds: list[str], timeout: float = 60_000) -> None:
        self.page.wait_for_function(HAS_VIDEOS, arg=feeds, timeout=timeout)
        assert self.page.evaluate(RECEIVING, feeds), f"{self.display}: no frames from some of {feeds}"

    def wait_left(self, timeout: float = 20_000) -> str:
        self.page.wait_for_function(
            "() => document.querySelector('[data-sfu]').sfuRoom.closed", timeout=timeout
        )
        return self.room("return room.leftReason;")

    def first_frame_ms(self, feed: str) -> float:
        """Milliseconds from the page starting to join to the feed's first frame."""
        return self.room(f"return room.feeds.get({feed!r}).firstFrameMs;")

    def frame_after_announcement_ms(self, feed: str) -> float:
        """Milliseconds from Janus announcing the feed to this page to its first frame here."""
        return self.room(f"const f = room.feeds.get({feed!r}); return f.firstFrameMs - f.announcedMs;")

    def close(self) -> None:
        self.context.close()


def test_a_show_reaches_every_viewer_and_janus_keeps_the_door(
    media_browser, live_server_url, pages, janus_server, admin
):
    static = live_server_url + "/static/"
    # Room on stage for a presenter and a guest: a viewer could take the free place, were it not for
    # room_enforce_roles. (With the stage full, Janus itself refuses a third publisher: 432.)
    room = admin.room_create(description="Seoul Glow: new serums", publishers=2)
    tabs: list[Tab] = []
    try:
        admin.room_record(room=room, record=True)
        presenter = admin.admission_issue(room=room, person="presenter", expires_at=soon())
        stage = Tab(
            media_browser, pages, static, janus_server, presenter, display="Seo-yeon", role="publisher"
        )
        tabs.append(stage)
        stage.wait_joined()
        stage.page.wait_for_function(
            "() => document.querySelector('[data-sfu]').sfuRoom.timing.publishedMs !== null"
        )

        viewers = []
        for n, name in enumerate(("Aiko", "Li Wei", "Budi"), start=1):
            admission = admin.admission_issue(room=room, person=f"viewer{n}", expires_at=soon())
            viewers.append(
                Tab(media_browser, pages, static, janus_server, admission, display=name, role="viewer")
            )
        tabs.extend(viewers)
        for tab in viewers:
            tab.wait_joined()
        for tab in viewers:
            tab.wait_receiving([presenter.participant_id])
        figures = [tab.first_frame_ms(presenter.participant_id) for tab in viewers]
        for tab, ms in zip(viewers, figures, strict=True):
            print(f"\n[janus show] first frame for {tab.display}: {ms:.0f} ms after the page started joining")
        print(
            f"[janus show] first frame: median {statistics.median(figures):.0f} ms, max {max(figures):.0f} ms"
        )
        assert stage.room("return room.feeds.size;") == 0  # nobody else publishes

        # The viewer's page passes axe-core with the pictures sfu.js added.
        violations = axe_violations(viewers[0].page)
        assert not violations, format_violations(violations)
        viewers[0].page.screenshot(path=str(ARTIFACTS / "janus-show-viewer.png"))

        # Janus records the presenter's tracks into .mjr files.
        deadline = time.monotonic() + 10
        recorded = []
        while time.monotonic() < deadline and not any(p.stat().st_size > 10_000 for p in recorded):
            recorded = list(
                janus_server.recordings_dir.glob(f"videoroom-{room.id}-user-{presenter.participant_id}-*.mjr")
            )
            time.sleep(0.5)
        assert {p.name.rsplit("-", 2)[-2] for p in recorded} == {"audio", "video"}, recorded
        assert any(p.stat().st_size > 10_000 for p in recorded)

        # A page holding another room's admission: Janus refuses it (433), whatever the page does.
        other = admin.room_create(description="Another show", publishers=1)
        try:
            elsewhere = admin.admission_issue(room=other, person="outsider", expires_at=soon())
            forged = Admission(
                room=room.id,
                participant_id=elsewhere.participant_id,
                session_token=elsewhere.session_token,
                room_token=elsewhere.room_token,
                expires_at=elsewhere.expires_at,
            )
            outsider = Tab(
                media_browser, pages, static, janus_server, forged, display="Outsider", role="viewer"
            )
            tabs.append(outsider)
            outsider.page.wait_for_function("() => document.querySelector('[data-sfu]').sfuRoom.closed")
            assert outsider.room("return room.leftReason;") == "refused"
        finally:
            admin.room_destroy(room=other)
        assert elsewhere.participant_id not in [p["id"] for p in admin.room_participants(room=room.id)]

        # A viewer whose page publishes anyway takes no stage: the application kicks it, Janus puts it out.
        sneaky_admission = admin.admission_issue(room=room, person="viewer4", expires_at=soon())
        sneaky = Tab(
            media_browser, pages, static, janus_server, sneaky_admission, display="Sneaky", role="publisher"
        )
        tabs.append(sneaky)
        sneaky.wait_joined()
        deadline = time.monotonic() + 30
        while not any(
            p["id"] == sneaky_admission.participant_id and p.get("publisher")
            for p in admin.room_participants(room=room.id)
        ):
            assert time.monotonic() < deadline, "the sneaky viewer never published"
            time.sleep(0.3)
        kicked = admin.room_enforce_roles(
            room=room,
            publishers=[presenter.participant_id],
            viewers=[t.admission.participant_id for t in viewers] + [sneaky_admission.participant_id],
        )
        assert kicked == [sneaky_admission.participant_id]
        assert sneaky.wait_left() == "kicked"
        for tab in viewers:
            tab.page.wait_for_function(
                '(id) => !document.querySelector(`figure[data-feed="${id}"]`)',
                arg=sneaky_admission.participant_id,
            )
            tab.wait_receiving([presenter.participant_id])

        # A viewer leaves: Janus no longer lists them.
        viewers[2].page.get_by_role("button", name="Leave").click()
        assert viewers[2].wait_left() == "hangup"
        deadline = time.monotonic() + 10
        while viewers[2].admission.participant_id in [p["id"] for p in admin.room_participants(room=room.id)]:
            assert time.monotonic() < deadline
            time.sleep(0.2)

        # The show ends: every page still in it is told.
        admin.room_destroy(room=room)
        for tab in (stage, viewers[0], viewers[1]):
            assert tab.wait_left() == "destroyed"
    finally:
        for tab in tabs:
            tab.close()
        if admin.room_exists(room=room.id):
            admin.room_destroy(room=room)


def test_six_people_in_one_room_each_see_the_five_others(
    media_browser, live_server_url, pages, janus_server, admin
):
    static = live_server_url + "/static/"
    room = admin.room_create(description="Buyers' round table", publishers=6, bitrate=256_000)
    names = ("Min-jun", "Aiko", "Li Wei", "Linh", "Budi", "Sophie")
    tabs: list[Tab] = []
    try:
        for n, name in enumerate(names, start=1):
            admission = admin.admission_issue(room=room, person=f"p{n}", expires_at=soon())
            tabs.append(
                Tab(media_browser, pages, static, janus_server, admission, display=name, role="publisher")
            )
        for tab in tabs:
            tab.wait_joined()
        everyone = [t.admission.participant_id for t in tabs]
        for tab in tabs:
            others = [pid for pid in everyone if pid != tab.admission.participant_id]
            tab.wait_receiving(others, timeout=90_000)
            assert sorted(tab.room("return Array.from(room.feeds.keys());")) == sorted(others)
            waits = [tab.frame_after_announcement_ms(pid) for pid in others]
            print(
                f"\n[janus room] {tab.display}: first frames {min(waits):.0f}-{max(waits):.0f} ms"
                " after Janus announced it"
            )
        tabs[0].page.screenshot(path=str(ARTIFACTS / "janus-six-party.png"))
    finally:
        for tab in tabs:
            tab.close()
        admin.room_destroy(room=room)
