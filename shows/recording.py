"""A recorded show made playable: the worker turns Janus's .mjr files into one file on the media storage.

Janus writes each presenter's tracks into JANUS_RECORDINGS_DIR (docs/janus.md, "Recordings"):
    videoroom-<room>-user-<participant>-<timestamp>-video-<mindex>.mjr  (and -audio-)
When a recorded show ends (`show.ended`), `recording_build` is queued: for the first presenter who
recorded both tracks, `janus-pp-rec` (Debian package janus-tools) writes the video (WebM) and the audio
(Opus), ffmpeg joins them into one WebM, and the file goes to `Show.recording` (the default storage:
the local media folder or S3). It needs the worker to read the recordings folder and both tools;
without them it says so in the log and changes nothing.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File

from kernel import events, jobs
from shows.models import Show, ShowPass

log = logging.getLogger(__name__)

TOOLS = ("janus-pp-rec", "ffmpeg")


def _tracks(folder: Path, show: Show) -> tuple[Path, Path] | None:
    """(video, audio) .mjr files of the first presenter who recorded both."""
    presenters = ShowPass.objects.filter(show=show, role=ShowPass.Role.PUBLISHER).values_list(
        "participant_id", flat=True
    )
    for participant in presenters:
        files = sorted(folder.glob(f"videoroom-{show.janus_room}-user-{participant}-*.mjr"))
        video = [f for f in files if "-video-" in f.name]
        audio = [f for f in files if "-audio-" in f.name]
        if video and audio:
            return video[-1], audio[-1]
    return None


def recording_build(show_id: int) -> str:
    """Build the show's playable recording; returns what happened ("stored", or why not)."""
    show = Show.objects.filter(pk=show_id, record=True).first()
    folder = Path(getattr(settings, "JANUS_RECORDINGS_DIR", "") or "/nonexistent")
    if show is None or not show.janus_room:
        return "not recorded"
    if show.recording:
        return "stored"
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing or not folder.is_dir():
        why = f"missing {', '.join(missing)}" if missing else f"cannot read {folder}"
        log.warning("show %s: recording not built: %s", show.pk, why)
        return why
    tracks = _tracks(folder, show)
    if tracks is None:
        return "no tracks"
    video, audio = tracks
    with tempfile.TemporaryDirectory(prefix="show-recording-") as tmp:
        out = Path(tmp)
        subprocess.run(["janus-pp-rec", str(video), str(out / "video.webm")], check=True, timeout=1800)
        subprocess.run(["janus-pp-rec", str(audio), str(out / "audio.opus")], check=True, timeout=1800)
        joined = out / f"show-{show.pk}.webm"
        subprocess.run(
            [
                "ffmpeg",
                "-y",
                "-loglevel",
                "error",
                "-i",
                str(out / "video.webm"),
                "-i",
                str(out / "audio.opus"),
            ]
            + ["-c", "copy", str(joined)],
            check=True,
            timeout=1800,
        )
        with joined.open("rb") as f:
            show.recording.save(joined.name, File(f), save=False)
    Show.objects.filter(pk=show.pk).update(recording=show.recording.name)
    return "stored"


@events.subscribe("show.ended", phase=events.COMMITTED)
def _show_ended(event: events.Event) -> None:
    show: Show = event.subject
    if show.record and show.janus_room:
        jobs.enqueue("shows.recording.recording_build", show.pk, group="shows")
