"""Real servers for the cluster tests: nginx from deploy/nginx/tradefair.conf, daphne, the worker.

tests/cluster starts two daphne processes (tests/e2e/harness.Daphne), one `manage.py worker`
and nginx in front of them, all on 127.0.0.1 and free ports, every file in a temporary folder.
tests/deploy renders the same template to check it with `nginx -t`.
"""

from __future__ import annotations

import os
import shutil
import signal
import string
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.harness import ROOT, database_url, free_port

TEMPLATE = ROOT / "deploy" / "nginx" / "tradefair.conf"
NGINX_CANDIDATES = ("/usr/sbin/nginx", "/usr/bin/nginx")
REQUIRE = "TRADEFAIR_REQUIRE_CLUSTER"


def nginx_binary() -> str:
    """nginx's path; skip (or fail, when TRADEFAIR_REQUIRE_CLUSTER=1, as .ci/run sets) where it is missing."""
    found = shutil.which("nginx") or next((p for p in NGINX_CANDIDATES if os.access(p, os.X_OK)), None)
    if found:
        return found
    reason = "nginx is missing: install Debian's nginx (apt-get install nginx) to run this test"
    if os.environ.get(REQUIRE) == "1":
        pytest.fail(f"{REQUIRE}=1 but {reason}", pytrace=False)
    pytest.skip(reason)
    raise AssertionError("unreachable")


def render_site(*, upstreams: list[str], listen: str, static_root: Path, max_body: str = "210m") -> str:
    """deploy/nginx/tradefair.conf with its placeholders filled (what the nginx image's envsubst does)."""
    values = {
        "TRADEFAIR_UPSTREAM_SERVERS": " ".join(f"server {u} max_fails=1 fail_timeout=5s;" for u in upstreams),
        "TRADEFAIR_LISTEN": listen,
        "TRADEFAIR_STATIC_ROOT": str(static_root).rstrip("/") + "/",
        "TRADEFAIR_MAX_BODY_SIZE": max_body,
    }
    # safe_substitute: nginx's own $variables ($host, $http_upgrade...) stay as they are.
    return string.Template(TEMPLATE.read_text()).safe_substitute(values)


def render_main(*, workdir: Path, site: Path) -> str:
    """A whole nginx.conf running as the current user, with its pid, temp and log files in workdir."""
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi", "logs"):
        (workdir / sub).mkdir(parents=True, exist_ok=True)
    user = "user root;\n" if os.geteuid() == 0 else ""  # root: workers stay root, to read workdir
    mime = next((p for p in ("/etc/nginx/mime.types",) if Path(p).exists()), None)
    return f"""{user}worker_processes 1;
daemon off;
pid {workdir}/nginx.pid;
error_log {workdir}/logs/error.log warn;
events {{ worker_connections 4096; }}
http {{
    {"include " + mime + ";" if mime else ""}
    default_type application/octet-stream;
    access_log {workdir}/logs/access.log;
    client_body_temp_path {workdir}/client_body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
    include {site};
}}
"""


def write_conf(workdir: Path, *, upstreams: list[str], listen: str, static_root: Path) -> Path:
    workdir.mkdir(parents=True, exist_ok=True)
    site = workdir / "tradefair.conf"
    site.write_text(render_site(upstreams=upstreams, listen=listen, static_root=static_root))
    main = workdir / "nginx.conf"
    main.write_text(render_main(workdir=workdir, site=site))
    return main


def nginx_test(conf: Path, workdir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            nginx_binary(),
            "-t",
            "-q",
            "-p",
            str(workdir),
            "-e",
            str(workdir / "logs" / "error.log"),
            "-c",
            str(conf),
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )


class Nginx:
    """nginx in front of daphne processes, on a free port of 127.0.0.1."""

    def __init__(self, workdir: Path, *, upstreams: list[str], static_root: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workdir = workdir
        self.conf = write_conf(
            workdir, upstreams=upstreams, listen=f"127.0.0.1:{self.port}", static_root=static_root
        )
        self._log = (workdir / "nginx.out").open("wb")
        self.process = subprocess.Popen(
            [
                nginx_binary(),
                "-p",
                str(workdir),
                "-e",
                str(workdir / "logs" / "error.log"),
                "-c",
                str(self.conf),
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 20) -> None:
        wait_http(self.url + "/healthz", self.process, timeout, self.log)

    def log(self) -> str:
        return (self.workdir / "logs" / "error.log").read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        stop_process(self.process, sig=signal.SIGQUIT)  # graceful: finish, then exit
        self._log.close()


class Worker:
    """`manage.py worker` on the test database and the test's Redis."""

    def __init__(self, *, db: dict, log_path: Path, extra_env: dict):
        env = os.environ.copy()
        env.update({"DATABASE_URL": database_url(db), "DJANGO_SETTINGS_MODULE": "config.settings"})
        env.update(extra_env)
        env.pop("SQLITE_TEST_NAME", None)
        self.log_path = log_path
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "worker"],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def stop(self) -> None:
        stop_process(self.process, sig=signal.SIGTERM, timeout=20)
        self._log.close()


def wait_http(url: str, process: subprocess.Popen, timeout: float, log) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}:\n{log()}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own server)
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout}s:\n{log()}")


def stop_process(process: subprocess.Popen, *, sig=signal.SIGTERM, timeout: float = 10) -> None:
    if process.poll() is None:
        process.send_signal(sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
