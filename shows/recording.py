"""A recorded show made playable: the worker turns Janus's .mjr files into one file on the media storage.

Janus writes each presenter's tracks into JANUS_RECORDINGS_DIR (docs/janus.md, "Recordings"):
    videoroom-<room>-user-<participant>-<timestamp>-video-<mindex>.mjr  (and -audio-)
When a recorded show ends (`show.ended`), `recording_build` is queued: for the first presenter who
recorded both tracks, `janus-pp-rec` (Debian package janus-tools) writes the video (WebM) and the audio
(Opus), ffmpeg joins them into one WebM, and the file goes to `Show.recording` (the default storage:
the local media folder or S3). Each interpreter who was on air (an "interpreter" pass, their id
"i-<language>-u<id>.<random>") adds an audio track tagged with its language, placed at the time it
began (the .mjr headers' first-packet times); the original sound stays the first track, the one a
player plays. It needs the worker to read the recordings folder and both tools; without them it
says so in the log and changes nothing.
"""

from __future__ import annotations

import json
import logging
import re
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
# The track's language tag (ISO 639-2, as Matroska/WebM keeps it) for each language of the fair.
ISO_639_2 = {"ko": "kor", "en": "eng", "zh-hans": "zho", "ja": "jpn", "vi": "vie", "id": "ind"}
INTERPRETER_ID = re.compile(r"^i-(?P<language>.+)-u\d+\.")


def _interpretations(folder: Path, show: Show) -> list[tuple[str, Path]]:
    """(language, audio .mjr) of each interpreter who was on air, one per language (the last one)."""
    found: dict[str, Path] = {}
    passes = ShowPass.objects.filter(show=show, role=ShowPass.Role.INTERPRETER).order_by("pk")
    for participant in passes.values_list("participant_id", flat=True):
        m = INTERPRETER_ID.match(participant)
        files = sorted(folder.glob(f"videoroom-{show.janus_room}-user-{participant}-*-audio-*.mjr"))
        if m and files:
            found[m["language"]] = files[-1]
    return sorted(found.items())


def _first_packet(mjr: Path) -> float | None:
    """When a recording's first packet was written (seconds), from janus-pp-rec's JSON header."""
    try:
        done = subprocess.run(["janus-pp-rec", "-j", str(mjr)], capture_output=True, timeout=60, text=True)
        header = json.loads(done.stdout[done.stdout.index("{") :])
    except (ValueError, subprocess.SubprocessError):
        return None
    moment = header.get("u") or header.get("s")
    return moment / 1_000_000 if isinstance(moment, int | float) else None


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
        extra = _interpretation_audio(folder, show, out)
        try:
            joined = _convert(video, audio, out, name=f"show-{show.pk}.webm", show=show, extra=extra)
        except ConversionFailed as e:
            # A damaged recording does not mend itself: say so, store nothing, do not try again.
            log.error("show %s: recording not built: %s failed: %s", show.pk, e.tool, e.detail)
            return f"{e.tool} failed"
        with joined.open("rb") as f:
            show.recording.save(joined.name, File(f), save=False)
    Show.objects.filter(pk=show.pk).update(recording=show.recording.name)
    return "stored"


def _interpretation_audio(folder: Path, show: Show, out: Path) -> list[tuple[str, Path, Path]]:
    """(language, Ogg Opus, .mjr) of each interpretation janus-pp-rec could read; one it cannot (an
    interpreter who joined and never spoke) is left out of the replay, with a warning."""
    extra = []
    for n, (language, mjr) in enumerate(_interpretations(folder, show)):
        opus = out / f"interpretation-{n}.opus"
        try:
            extra.append((language, _run(["janus-pp-rec", str(mjr), str(opus)], opus), mjr))
        except ConversionFailed as e:
            log.warning("show %s: the %s interpretation left out: %s", show.pk, language, e)
    return extra


class ConversionFailed(Exception):
    def __init__(self, tool: str, detail: str):
        self.tool, self.detail = tool, detail
        super().__init__(f"{tool} failed: {detail}")


def _run(args: list[str], output: Path) -> Path:
    """Run one tool; ConversionFailed when it fails, or exits 0 having written nothing (janus-pp-rec
    does so with a recording that holds no packets)."""
    try:
        done = subprocess.run(args, timeout=1800, capture_output=True)
    except subprocess.TimeoutExpired:
        raise ConversionFailed(args[0], "timed out") from None
    if done.returncode != 0 or not output.is_file() or output.stat().st_size == 0:
        detail = (done.stderr or done.stdout or b"").decode(errors="replace").strip()[-500:]
        raise ConversionFailed(args[0], f"exit {done.returncode}, {output.name} not written: {detail}")
    return output


def _convert(video: Path, audio: Path, out: Path, *, name: str, show: Show, extra=()) -> Path:
    """janus-pp-rec each track (VP8 -> WebM, Opus -> Ogg), ffmpeg joins them into one WebM: the
    video, the original sound, then each interpretation (already converted), tagged by language and
    delayed to when it began."""
    _run(["janus-pp-rec", str(video), str(out / "video.webm")], out / "video.webm")
    _run(["janus-pp-rec", str(audio), str(out / "audio.opus")], out / "audio.opus")
    joined = out / name
    inputs = ["-i", str(out / "video.webm"), "-i", str(out / "audio.opus")]
    maps = ["-map", "0:v", "-map", "1:a"]
    tags = ["-metadata:s:a:0", f"language={ISO_639_2.get(show.language, 'und')}"]
    start = _first_packet(audio)
    for n, (language, opus, mjr) in enumerate(extra, start=1):
        began = _first_packet(mjr)
        offset = max(0.0, began - start) if began is not None and start is not None else 0.0
        inputs += ["-itsoffset", f"{offset:.3f}", "-i", str(opus)]
        maps += ["-map", f"{n + 1}:a"]
        tags += [f"-metadata:s:a:{n}", f"language={ISO_639_2.get(language, 'und')}"]
    return _run(
        ["ffmpeg", "-y", "-loglevel", "error", *inputs, *maps, *tags, "-c", "copy", str(joined)], joined
    )


@events.subscribe("show.ended", phase=events.COMMITTED)
def _show_ended(event: events.Event) -> None:
    show: Show = event.subject
    if show.record and show.janus_room:
        jobs.enqueue("shows.recording.recording_build", show.pk, group="shows")
