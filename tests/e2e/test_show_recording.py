"""A recorded show made playable with the real tools: Chromium's fake camera and microphone go
through a real Janus, which writes .mjr files; after the presenter ends the show from the page, the
worker's job (shows.recording.recording_build, run here as the worker runs it) converts them with
the real janus-pp-rec and ffmpeg and stores one WebM on the media storage: the local folder, then S3
(moto). ffprobe reads each stored file: VP8 video and Opus audio, as long as the show ran.

Skipped where `janus`, janus-pp-rec or ffmpeg is missing; a failure under TRADEFAIR_REQUIRE_JANUS=1
and TRADEFAIR_REQUIRE_MEDIA_TOOLS=1 (.ci/run sets both).
"""

from __future__ import annotations

import time
from pathlib import Path

from django.db import connections

from kernel import jobs
from shows import services
from shows.models import Show
from tests.e2e.test_live_show import off_the_loop, open_tab, sfu
from tests.e2e.test_live_show import show_server as show_server  # noqa: F401 - a fixture
from tests.media_tools import probe, require_media_tools
from tests.s3 import s3_server, s3_storages  # noqa: F401 - s3_server is a fixture
from tests.shows.conftest import schedule

ON_AIR_SECONDS = 6


def in_thread(fn, *args):
    """off_the_loop, closing the thread's database connection after (the test database is dropped
    at the end of the run: no session may stay on it)."""

    def call():
        try:
            return fn(*args)
        finally:
            connections.close_all()

    return off_the_loop(call)


def build(show_id: int) -> str:
    """What the worker executes for the job show.ended queues (kernel.jobs.run)."""
    return jobs.run("shows.recording.recording_build", [show_id], {}, 1)


def test_a_recorded_show_becomes_a_playable_file_on_local_media_and_on_s3(
    media_browser,
    show_server,  # noqa: F811
    janus_server,
    janus_settings,
    small_fair,
    settings,
    s3_server,  # noqa: F811
    tmp_path,
):
    require_media_tools("janus-pp-rec", "ffmpeg", "ffprobe")
    show = in_thread(lambda: schedule(small_fair, in_minutes=5, title="Recorded serums", record=True))
    in_thread(lambda: services.show_go_live(actor=small_fair["staff"].user, show=show))
    path = f"/fairs/{small_fair['fair'].slug}/shows/{show.pk}/"
    presenter = open_tab(media_browser, show_server, small_fair["staff"].user, "recorded-presenter")
    try:
        presenter.goto(path + "?on_air=camera")
        presenter.page.wait_for_function(
            "() => { const r = document.querySelector('[data-sfu]').sfuRoom;"
            " return r && (r.timing.publishedMs !== null || r.closed); }",
            timeout=30_000,
        )
        feed = sfu(presenter, "return room.id;")
        assert sfu(presenter, "return room.timing.publishedMs !== null;"), presenter.console
        presenter.audit("recorded, on air")
        started = time.monotonic()
        presenter.page.wait_for_timeout(ON_AIR_SECONDS * 1000)
        presenter.page.get_by_role("button", name="End the show").click()
        presenter.page.wait_for_load_state("load")
        on_air = time.monotonic() - started
        presenter.audit("recorded, ended")
        assert not presenter.unaudited, presenter.unaudited
    finally:
        presenter.page.context.close()

    show = in_thread(lambda: Show.objects.get(pk=show.pk))
    assert show.status == Show.Status.ENDED and not show.recording
    folder = Path(janus_server.recordings_dir)
    recorded = sorted(folder.glob(f"videoroom-{show.janus_room}-user-{feed}-*.mjr"))
    assert {p.name.rsplit("-", 2)[-2] for p in recorded} == {"audio", "video"}, recorded

    def check(stored: Path) -> None:
        media = probe(stored)
        print(f"\n[show recording] {stored.name}: {media} after {on_air:.1f} s on air")
        assert media["streams"] == [("audio", "opus"), ("video", "vp8")], media
        assert "webm" in media["format"], media
        # Media flows a moment after publishing and stops at the end: most of the time on air is there.
        assert ON_AIR_SECONDS - 3 <= media["duration"] <= on_air + 3, (media, on_air)

    # Local media (the embedded default).
    assert in_thread(build, show.pk) == "stored"
    show.refresh_from_db()
    assert show.recording.name.startswith("shows/recordings/show-") and show.recording.name.endswith(".webm")
    check(Path(show.recording.path))
    assert in_thread(build, show.pk) == "stored"  # once: a second run leaves it

    # S3 through django-storages (moto).
    endpoint, bucket, client = s3_server
    settings.STORAGES = s3_storages(endpoint, bucket)
    Show.objects.filter(pk=show.pk).update(recording="")
    assert in_thread(build, show.pk) == "stored"
    show.refresh_from_db()
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert keys == [show.recording.name], keys
    downloaded = tmp_path / "from-s3.webm"
    downloaded.write_bytes(client.get_object(Bucket=bucket, Key=show.recording.name)["Body"].read())
    check(downloaded)
