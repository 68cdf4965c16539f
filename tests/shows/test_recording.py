"""Turning a recorded show's .mjr files into one playable file (shows/recording.py), with stand-ins
for janus-pp-rec and ffmpeg (the real tools are not installed here): the right files in, the result
on the media storage; without the tools, nothing changes and the log says why."""

from __future__ import annotations

import os
import stat
from datetime import timedelta

import pytest
from django.utils import timezone

from shows.models import Show, ShowPass
from shows.recording import recording_build
from tests.shows.conftest import schedule

pytestmark = pytest.mark.django_db

# Each stand-in writes its last argument (the output file) with the names of its inputs.
TOOL = """#!/bin/sh
for last; do :; done
echo "$0 $*" > "$last"
"""


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


def test_a_recorded_show_becomes_one_file_on_the_storage(small_fair, settings, tmp_path, monkeypatch):
    folder, bin_dir = tmp_path / "recordings", tmp_path / "bin"
    folder.mkdir()
    bin_dir.mkdir()
    for tool in ("janus-pp-rec", "ffmpeg"):
        path = bin_dir / tool
        path.write_text(TOOL)
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    settings.JANUS_RECORDINGS_DIR = str(folder)
    show = recorded_show(small_fair, folder)
    assert recording_build(show.pk) == "stored"
    show.refresh_from_db()
    assert show.recording.name.startswith("shows/recordings/show-") and show.recording.name.endswith(".webm")
    with show.recording.open("rb") as f:
        content = f.read().decode()
    assert "ffmpeg" in content and "video.webm" in content and "audio.opus" in content
    assert recording_build(show.pk) == "stored"  # once


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
