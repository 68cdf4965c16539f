"""Failure paths of turning a recorded show's .mjr files into one playable file
(shows/recording.py): the real janus-pp-rec on files that are not recordings, and no tools at all;
either way nothing is stored and the log says why. The way to a playable file, with the real tools
on a real recording, is tests/e2e/test_show_recording.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shows.models import Show, ShowPass
from shows.recording import recording_build
from tests.media_tools import require_media_tools
from tests.shows.conftest import schedule

pytestmark = pytest.mark.django_db


def recorded_show(small_fair, folder):
    show = schedule(small_fair, record=True)
    Show.objects.filter(pk=show.pk).update(janus_room="roomX", status=Show.Status.ENDED)
    show.refresh_from_db()
    until = timezone.now() + timedelta(hours=1)
    ShowPass.objects.create(
        show=show, user=small_fair["buyer"].user, participant_id="u7.aa", role="viewer", expires_at=until
    )
    ShowPass.objects.create(
        show=show, user=small_fair["staff"].user, participant_id="u8.bb", role="publisher", expires_at=until
    )
    for track in ("audio-0", "video-1"):
        (folder / f"videoroom-roomX-user-u8.bb-1700000000-{track}.mjr").write_bytes(b"MJR00002")
    (folder / "videoroom-roomX-user-u7.aa-1700000000-video-1.mjr").write_bytes(b"viewer who published")
    return show


def test_a_damaged_recording_is_not_stored_and_the_log_says_why(small_fair, settings, tmp_path, caplog):
    require_media_tools("janus-pp-rec", "ffmpeg")
    folder = tmp_path / "recordings"
    folder.mkdir()
    settings.JANUS_RECORDINGS_DIR = str(folder)
    show = recorded_show(small_fair, folder)  # .mjr files of eight bytes: a header, no packets
    assert recording_build(show.pk) == "janus-pp-rec failed"
    show.refresh_from_db()
    assert not show.recording
    assert f"show {show.pk}: recording not built: janus-pp-rec failed" in caplog.text


def test_without_the_tools_nothing_changes(small_fair, settings, tmp_path, monkeypatch):
    folder = tmp_path / "recordings"
    folder.mkdir()
    settings.JANUS_RECORDINGS_DIR = str(folder)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    show = recorded_show(small_fair, folder)
    assert recording_build(show.pk).startswith("missing janus-pp-rec")
    show.refresh_from_db()
    assert not show.recording


def test_the_ended_shows_page_plays_its_recording_to_whom_may_watch(small_fair, settings, tmp_path):
    from django.core.files.base import ContentFile
    from django.test import Client
    from django.urls import reverse

    show = recorded_show(small_fair, tmp_path)
    show.recording.save("show-1.webm", ContentFile(b"webm"), save=True)
    url = reverse("show_detail", args=[small_fair["fair"].slug, show.pk])
    c = Client()
    c.force_login(small_fair["buyer"].user)
    assert show.recording.url in c.get(url).content.decode()
    assert show.recording.url not in Client().get(url).content.decode()  # not signed in: not a participant
