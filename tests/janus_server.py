"""A real Janus for the tests: Debian's `janus`, configured from the templates in deploy/janus/.

JanusServer renders deploy/janus/*.jcfg into a temporary folder with free ports on 127.0.0.1 and
fresh secrets, starts `janus` on that folder, waits until its Janus API and Admin API answer, and
stops it with SIGINT (Janus's own clean shutdown). The `janus_server` fixture in tests/conftest.py
starts one per test run; `janus_settings` points the application's settings at it.

Where `janus` is missing the tests that need it skip, saying why; with TRADEFAIR_REQUIRE_JANUS=1
(as .ci/run sets) they fail instead.

Janus never gathers ICE candidates on loopback (it skips loopback interfaces), so media flows over
the machine's own network address; its APIs listen on 127.0.0.1 only.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import string
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.harness import ROOT, free_port

TEMPLATES = ROOT / "deploy" / "janus"
TEMPLATE_FILES = (
    "janus.jcfg",
    "janus.transport.http.jcfg",
    "janus.transport.websockets.jcfg",
    "janus.plugin.videoroom.jcfg",
)
REQUIRE = "TRADEFAIR_REQUIRE_JANUS"
LIB_DIR_CANDIDATES = ("/usr/lib/*/janus", "/usr/lib/janus", "/usr/local/lib/janus", "/opt/janus/lib/janus")


def _missing(reason: str):
    if os.environ.get(REQUIRE) == "1":
        pytest.fail(f"{REQUIRE}=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def janus_binary() -> str:
    """The path of `janus`; skip (or fail, when TRADEFAIR_REQUIRE_JANUS=1) where it is missing."""
    found = shutil.which("janus") or next(
        (p for p in ("/usr/bin/janus", "/opt/janus/bin/janus") if os.access(p, os.X_OK)), None
    )
    if found:
        return found
    _missing("janus is missing: install Debian's Janus (apt-get install janus) to run this test")
    raise AssertionError("unreachable")


def janus_lib_dir() -> Path:
    """The folder holding Janus's plugins/ and transports/ (Debian puts it under the multiarch lib dir)."""
    for pattern in LIB_DIR_CANDIDATES:
        for folder in sorted(Path("/").glob(pattern.lstrip("/"))):
            if (folder / "plugins" / "libjanus_videoroom.so").exists():
                return folder
    _missing("Janus's VideoRoom plugin (libjanus_videoroom.so) was not found")
    raise AssertionError("unreachable")


def render(values: dict[str, str]) -> dict[str, str]:
    """deploy/janus/*.jcfg with every placeholder filled; a placeholder without a value is an error."""
    return {
        name: string.Template((TEMPLATES / name).read_text()).substitute(values) for name in TEMPLATE_FILES
    }


def local_values(workdir: Path, *, lib_dir: Path, **overrides: str) -> dict[str, str]:
    """The placeholders' values for a Janus on 127.0.0.1 with free ports and fresh secrets."""
    values = {
        "JANUS_LIB_DIR": str(lib_dir),
        "JANUS_CONFIGS_DIR": str(workdir / "conf"),
        "JANUS_ADMIN_SECRET": secrets.token_urlsafe(24),
        "JANUS_TOKEN_SECRET": secrets.token_urlsafe(32),
        "JANUS_ROOM_ADMIN_KEY": secrets.token_urlsafe(24),
        "JANUS_DEBUG_LEVEL": "4",
        # libnice tries the ports of the range in turn until one binds: a wide one never runs out.
        "JANUS_RTP_PORT_RANGE": "40000-59999",
        "JANUS_NAT_1_1_MAPPING": "",
        "JANUS_KEEP_PRIVATE_HOST": "false",
        "JANUS_ICE_ENFORCE_LIST": "",
        "JANUS_BIND_IP": "127.0.0.1",
        "JANUS_ADMIN_IP": "127.0.0.1",
        "JANUS_HTTP_PORT": str(free_port()),
        "JANUS_ADMIN_PORT": str(free_port()),
        "JANUS_WS_PORT": str(free_port()),
    }
    values.update(overrides)
    return values


class JanusServer:
    """A `janus` process configured from deploy/janus/ in `workdir`, its APIs on 127.0.0.1."""

    def __init__(self, workdir: Path, **overrides: str):
        self.binary = janus_binary()
        self.workdir = workdir
        self.values = local_values(workdir, lib_dir=janus_lib_dir(), **overrides)
        self.conf_dir = Path(self.values["JANUS_CONFIGS_DIR"])
        self.conf_dir.mkdir(parents=True, exist_ok=True)
        for name, text in render(self.values).items():
            (self.conf_dir / name).write_text(text)
        self.recordings_dir = workdir / "recordings"
        self.recordings_dir.mkdir(exist_ok=True)
        self.url = f"http://127.0.0.1:{self.values['JANUS_HTTP_PORT']}/janus"
        self.admin_url = f"http://127.0.0.1:{self.values['JANUS_ADMIN_PORT']}/admin"
        self.ws_url = f"ws://127.0.0.1:{self.values['JANUS_WS_PORT']}/"
        self.log_path = workdir / "janus.log"
        self.process: subprocess.Popen | None = None

    @property
    def settings(self) -> dict[str, str]:
        """The application's settings (and environment variables) that point at this Janus."""
        return {
            "JANUS_URL": self.url,
            "JANUS_PUBLIC_URL": self.ws_url,
            "JANUS_ADMIN_URL": self.admin_url,
            "JANUS_ADMIN_SECRET": self.values["JANUS_ADMIN_SECRET"],
            "JANUS_TOKEN_SECRET": self.values["JANUS_TOKEN_SECRET"],
            "JANUS_ROOM_ADMIN_KEY": self.values["JANUS_ROOM_ADMIN_KEY"],
            "JANUS_RECORDINGS_DIR": str(self.recordings_dir),
        }

    def start(self, timeout: float = 30) -> JanusServer:
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                self.binary,
                f"--configs-folder={self.conf_dir}",
                f"--config={self.conf_dir / 'janus.jcfg'}",
                "--disable-colors",
            ],
            cwd=self.workdir,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"janus exited with {self.process.returncode}:\n{self.log()}")
            try:
                info = httpx.get(self.url + "/info", timeout=2).json()
                pong = httpx.post(self.admin_url, json={"janus": "ping", "transaction": "ready"}, timeout=2)
            except httpx.TransportError:
                time.sleep(0.1)
                continue
            if info.get("janus") == "server_info" and pong.json().get("janus") == "pong":
                if "janus.plugin.videoroom" not in info.get("plugins", {}):
                    raise RuntimeError(f"janus runs without its VideoRoom plugin:\n{self.log()}")
                return
            time.sleep(0.1)
        raise RuntimeError(f"janus did not answer within {timeout}s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:] if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # Janus closes its sessions and exits
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        self.process = None


def join_once(url: str, admission, **overrides) -> dict:
    """One admission's "join" as a publisher in a fresh session (destroyed afterwards): Janus's answer,
    or JanusError with Janus's own code. ``overrides`` change fields of the join (room, token...)."""
    from kernel.janus import JanusSession

    session = JanusSession(url, token=admission.session_token)
    try:
        session.create()
        return session.request(
            session.attach(),
            {
                "request": "join",
                "ptype": "publisher",
                "room": admission.room,
                "id": admission.participant_id,
                "token": admission.room_token,
                **overrides,
            },
        )
    finally:
        session.destroy()


def sdp_offer() -> dict:
    """A minimal browser-like SDP offer sending VP8 video: enough for the VideoRoom's "publish" checks
    (Janus answers it; with no candidates its ICE never completes, so it never counts as sending)."""
    fingerprint = ":".join(f"{b:02X}" for b in secrets.token_bytes(32))
    lines = [
        "v=0",
        f"o=- {secrets.randbelow(10**12)} 2 IN IP4 127.0.0.1",
        "s=-",
        "t=0 0",
        "a=group:BUNDLE 0",
        "a=msid-semantic: WMS",
        "m=video 9 UDP/TLS/RTP/SAVPF 96",
        "c=IN IP4 0.0.0.0",
        "a=rtcp:9 IN IP4 0.0.0.0",
        f"a=ice-ufrag:{secrets.token_hex(4)}",
        f"a=ice-pwd:{secrets.token_hex(12)}",
        "a=ice-options:trickle",
        f"a=fingerprint:sha-256 {fingerprint}",
        "a=setup:actpass",
        "a=mid:0",
        "a=sendonly",
        "a=rtcp-mux",
        "a=rtpmap:96 VP8/90000",
        f"a=ssrc:{secrets.randbelow(2**31)} cname:camera",
    ]
    return {"type": "offer", "sdp": "\r\n".join(lines) + "\r\n"}
