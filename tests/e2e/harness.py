"""The real-browser harness: Debian's Chromium driven by Playwright, against daphne.

Reused by later issues (live booth, video calls): see tests/e2e/conftest.py for the
fixtures (`live_server_url`, `browser`, `media_browser`, `launch_browser`, `visit`).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE_JS = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path(os.environ.get("TRADEFAIR_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
FAKE_MEDIA_ARGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
BLOCKING_IMPACTS = ("serious", "critical")


def require_chromium() -> Path:
    """Chromium's path; skip (or fail, when TRADEFAIR_REQUIRE_BROWSER=1) where it is missing."""
    if CHROMIUM.exists():
        return CHROMIUM
    reason = (
        f"{CHROMIUM} is missing: install Debian's Chromium (apt-get install chromium) to run browser tests"
    )
    if os.environ.get("TRADEFAIR_REQUIRE_BROWSER") == "1":
        pytest.fail(f"TRADEFAIR_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)
    raise AssertionError("unreachable")


def chromium_args(*, fake_media: bool = False) -> list[str]:
    return CHROMIUM_ARGS + (FAKE_MEDIA_ARGS if fake_media else [])


# --- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(db: dict) -> str:
    """A DATABASE_URL for the (already created) test database, for the server process."""
    engine = db["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        name = str(db["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            raise RuntimeError(
                "the browser tests need a file-based SQLite test database (see tests/e2e/conftest.py)"
            )
        return f"sqlite:///{Path(name).resolve()}"
    if engine.startswith("django.db.backends.postgresql"):
        auth = quote(db.get("USER") or "", safe="")
        if db.get("PASSWORD"):
            auth += ":" + quote(db["PASSWORD"], safe="")
        host = db.get("HOST") or "127.0.0.1"
        port = f":{db['PORT']}" if db.get("PORT") else ""
        return f"postgres://{auth}@{host}{port}/{quote(db['NAME'], safe='')}"
    raise RuntimeError(f"no DATABASE_URL form for {engine}")


class Daphne:
    """A daphne process serving config.asgi:application (or `app`) on a free port of 127.0.0.1."""

    def __init__(
        self,
        *,
        db: dict,
        log_path: Path,
        extra_env: dict | None = None,
        app: str = "config.asgi:application",
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = os.environ.copy()
        env.update(
            {"DATABASE_URL": database_url(db), "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1"}
        )
        env.pop("SQLITE_TEST_NAME", None)
        env.update(extra_env or {})
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log_path = log_path
        self._log = log_path.open("wb")
        daphne = [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(self.port),
            app,
        ]
        self.process = subprocess.Popen(daphne, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"daphne exited with {self.process.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2):  # noqa: S310 (our own server)
                    return
            except urllib.error.HTTPError:
                return  # it answers: up, even if a check inside /healthz is unhappy
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"daphne did not answer within {timeout}s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()


def set_server_password(user, raw: str) -> None:
    """Give a user a password the server process accepts.

    The test process hashes with MD5 for speed (tests/conftest.py), which the server's
    settings do not accept; PBKDF2 with few iterations is cheap and verifies there.
    """
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(raw, hasher.salt(), iterations=1000)
    user.save(update_fields=["password"])
    # Signing in needs a confirmed address (ACCOUNT_EMAIL_VERIFICATION, mandatory by default).
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


# --- pages ----------------------------------------------------------------------------------


def axe_violations(page) -> list[dict]:
    """Run axe-core (from frontend/node_modules) on the page; return its serious and critical violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, not added as an inline <script>: the pages' CSP
        # (no inline scripts) would block that, and rightly so.
        page.evaluate(AXE_JS.read_text())
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v.get("impact") in BLOCKING_IMPACTS]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = [", ".join(map(str, node["target"])) for node in v["nodes"][:5]]
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}\n    {v['helpUrl']}\n    at: {targets}")
    return "\n".join(lines)


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:120]


class Visit:
    """One browser tab on our server that audits every page it lands on.

    Each navigation of the main frame must be followed by `audit()` (axe-core, no
    serious or critical violations, plus a screenshot in test-artifacts/) before the
    next one; `finish()` fails on a page left unaudited and on any request that
    left our own server.
    """

    def __init__(self, page, *, base_url: str, name: str):
        self.page = page
        self.base_url = base_url
        self.name = slug(name)
        self.requests: list[str] = []
        self.unaudited: list[str] = []
        self.pending: str | None = None
        self.shots = 0
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("framenavigated", self._navigated)

    def _navigated(self, frame) -> None:
        if frame != self.page.main_frame:
            return
        if self.pending is not None:
            self.unaudited.append(self.pending)
        self.pending = frame.url

    def goto(self, path: str):
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.ok, f"GET {path}: {response and response.status}"
        return response

    def audit(self, label: str) -> None:
        self.page.wait_for_load_state("load")
        self.shots += 1
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(
            path=str(ARTIFACTS / f"{self.name}-{self.shots:02d}-{slug(label)}.png"), full_page=True
        )
        violations = axe_violations(self.page)
        assert not violations, f"axe-core on {self.page.url} ({label}):\n{format_violations(violations)}"
        self.pending = None

    def external_requests(self) -> list[str]:
        own = urlsplit(self.base_url).netloc
        return [
            u
            for u in self.requests
            if urlsplit(u).scheme in ("http", "https", "ws", "wss") and urlsplit(u).netloc != own
        ]

    def finish(self) -> None:
        unaudited = self.unaudited + ([self.pending] if self.pending else [])
        assert not unaudited, f"pages visited without an axe audit: {unaudited}"
        external = self.external_requests()
        assert not external, "requests left our server:\n" + json.dumps(external, indent=1)
