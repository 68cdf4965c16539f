"""Fixtures for tests/cluster: two daphne processes, one worker and nginx on PostgreSQL and Redis.

They run where DATABASE_URL is PostgreSQL and REDIS_URL is set (CI's second pass) and skip,
saying why, elsewhere. The servers use the test database (test_<name>, shared with this
process), a channel prefix of their own on REDIS_URL, and a settings module that lifts the chat
rate limit and shortens presence timers; every process is stopped when the module ends.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import textwrap
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from tests.cluster.servers import Nginx, Worker, nginx_binary
from tests.e2e.harness import Daphne

CLUSTER_DIR = Path(__file__).resolve().parent

CLUSTER_SETTINGS = """
from config.settings import *  # noqa: F401,F403

# Tests post faster than a person; a dead process's visitors expire within seconds.
BOOTH_LIVE = {
    "CHAT_RATE": (10**6, 1),
    "PRESENCE_HEARTBEAT": 1.0,
    "PRESENCE_TTL": 3.0,
    "PRESENCE_DEBOUNCE": 0.1,
}
# The worker takes only this cluster's jobs, not those of another run on the same Redis.
Q_CLUSTER = {**Q_CLUSTER, "name": os.environ["CHANNELS_PREFIX"]}
"""


def pytest_collection_modifyitems(config, items):
    for item in items:
        if CLUSTER_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.postgres)
            item.add_marker(pytest.mark.redis)
            item.add_marker(pytest.mark.django_db(transaction=True))


def require_cluster() -> None:
    reasons = []
    if not settings.USING_POSTGRES:
        reasons.append("DATABASE_URL is not PostgreSQL")
    if not settings.REDIS_URL:
        reasons.append("REDIS_URL is not set")
    if reasons:
        pytest.skip(
            "cluster tests need PostgreSQL and Redis shared by several processes ("
            + ", ".join(reasons)
            + "); CI's second pass sets DATABASE_URL=postgres://... REDIS_URL=redis://..."
        )
    nginx_binary()


@dataclass
class Cluster:
    daphnes: list[Daphne]
    nginx: Nginx
    worker: Worker
    workdir: Path

    def ws(self, target: str, path: str) -> str:
        """target: "nginx", "d0" or "d1" (a daphne process, bypassing nginx)."""
        port = self.nginx.port if target == "nginx" else self.daphnes[int(target[1:])].port
        return f"ws://127.0.0.1:{port}{path}"

    def http(self, target: str) -> str:
        return self.nginx.url if target == "nginx" else self.daphnes[int(target[1:])].url


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker, tmp_path_factory):
    require_cluster()
    workdir = tmp_path_factory.mktemp("cluster")
    (workdir / "cluster_settings.py").write_text(textwrap.dedent(CLUSTER_SETTINGS))
    (workdir / "static").mkdir()
    (workdir / "static" / "probe.txt").write_text("served by nginx")
    prefix = f"tfcluster-{secrets.token_hex(4)}"
    extra = {"REDIS_URL": settings.REDIS_URL, "CHANNELS_PREFIX": prefix, "LOG_LEVEL": "WARNING"}
    db = connections["default"].settings_dict
    daphne_env = {
        **extra,
        "DJANGO_SETTINGS_MODULE": "cluster_settings",
        "PYTHONPATH": os.pathsep.join([str(workdir), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    }
    started: list = []
    try:
        daphnes = []
        for i in range(2):
            d = Daphne(db=db, log_path=workdir / f"daphne{i}.log", extra_env=daphne_env)
            started.append(d)
            daphnes.append(d)
        worker = Worker(db=db, log_path=workdir / "worker.log", extra_env=daphne_env)
        started.append(worker)
        for d in daphnes:
            d.wait_ready()
        nginx = Nginx(
            workdir / "nginx",
            upstreams=[f"127.0.0.1:{d.port}" for d in daphnes],
            static_root=workdir / "static",
        )
        started.append(nginx)
        nginx.wait_ready()
        yield Cluster(daphnes=daphnes, nginx=nginx, worker=worker, workdir=workdir)
    finally:
        for process in reversed(started):
            process.stop()


def login_cookie(user) -> str:
    """A session in the database for `user`, as the Cookie header value the servers accept."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.save()
    return f"sessionid={s.session_key}"


def post_json(url: str, data: dict, cookie: str) -> tuple[int, dict]:
    token = secrets.token_hex(16)  # a 32-character CSRF secret, sent as cookie and header
    request = urllib.request.Request(
        url,
        data=json.dumps(data).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Cookie": f"{cookie}; csrftoken={token}",
            "X-CSRFToken": token,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 (our own server)
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as e:
        return e.code, {"body": e.read().decode(errors="replace")[:500]}


class Socket:
    """A websocket client (the `websockets` library) that keeps every frame it received, by type."""

    def __init__(self, ws, name: str):
        self.ws, self.name = ws, name
        self.frames: list[dict] = []

    @classmethod
    async def open(cls, url: str, *, cookie: str | None = None, name: str = "") -> Socket:
        from websockets.asyncio.client import connect

        origin = "http://" + url.split("/")[2]
        ws = await connect(
            url,
            origin=origin,
            additional_headers={"Cookie": cookie} if cookie else None,
            open_timeout=20,
            ping_interval=None,
        )
        return cls(ws, name or url)

    async def send(self, frame: dict) -> None:
        await self.ws.send(json.dumps(frame))

    async def expect(self, predicate, *, timeout: float = 15) -> dict:
        """The first frame (already received or coming) for which predicate(frame) is true."""
        for frame in self.frames:
            if predicate(frame):
                return frame
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{self.name}: no matching frame in {timeout}s; got {self.frames[-5:]}")
            frame = json.loads(await asyncio.wait_for(self.ws.recv(), left))
            self.frames.append(frame)
            if predicate(frame):
                return frame

    def chat_ids(self) -> set[int]:
        ids = {f["id"] for f in self.frames if f.get("type") == "chat.message"}
        for f in self.frames:
            if f.get("type") == "chat.missed":
                ids |= {m["id"] for m in f["messages"]}
        return ids

    async def close(self) -> None:
        await self.ws.close()
