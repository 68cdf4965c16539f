"""The recording tools of live shows for the tests: janus-pp-rec (Debian package janus-tools) and
ffmpeg/ffprobe (package ffmpeg), which shows/recording.py runs in the worker.

Where one is missing the tests that need it skip, saying which; with TRADEFAIR_REQUIRE_MEDIA_TOOLS=1
(as .ci/run sets, after installing both packages) they fail instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REQUIRE = "TRADEFAIR_REQUIRE_MEDIA_TOOLS"
PACKAGES = {"janus-pp-rec": "janus-tools", "ffmpeg": "ffmpeg", "ffprobe": "ffmpeg"}


def require_media_tools(*tools: str) -> None:
    """Skip (or fail, when TRADEFAIR_REQUIRE_MEDIA_TOOLS=1) unless every tool is on the PATH."""
    missing = [t for t in tools or PACKAGES if shutil.which(t) is None]
    if not missing:
        return
    packages = sorted({PACKAGES.get(t, t) for t in missing})
    reason = f"{', '.join(missing)} missing: apt-get install {' '.join(packages)} to run this test"
    if os.environ.get(REQUIRE) == "1":
        pytest.fail(f"{REQUIRE}=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def probe(path: Path) -> dict:
    """ffprobe's view of a media file: {"duration": seconds, "format", "streams": [(type, codec), ...]
    sorted, "audio_languages" and "audio_starts": the audio tracks' language tags and start times
    (seconds) in their order}."""
    done = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-show_entries",
            "format=duration,format_name:stream=index,codec_type,codec_name,start_time:stream_tags=language",
            "-of",
            "json",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, f"ffprobe cannot read {path}: {done.stderr}"
    data = json.loads(done.stdout)
    return {
        "duration": float(data.get("format", {}).get("duration") or 0),
        "format": data.get("format", {}).get("format_name", ""),
        "streams": sorted((s["codec_type"], s["codec_name"]) for s in data.get("streams", [])),
        "audio_languages": [
            s.get("tags", {}).get("language", "")
            for s in sorted(data.get("streams", []), key=lambda s: s["index"])
            if s["codec_type"] == "audio"
        ],
        "audio_starts": [
            float(s.get("start_time") or 0)
            for s in sorted(data.get("streams", []), key=lambda s: s["index"])
            if s["codec_type"] == "audio"
        ],
    }
