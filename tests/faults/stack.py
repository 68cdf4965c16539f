"""Private servers for the fault tests: a redis-server and a PostgreSQL cluster of their own, two daphne
processes and the worker, all on 127.0.0.1 and free ports, every file in a temporary folder.

Nothing here touches the machine's shared PostgreSQL or Redis: the faults (stopping Redis, restarting it
empty, stopping PostgreSQL, killing a process) are injected into these private copies only.
bench/faults.py uses the same classes.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from tests.e2e.harness import ROOT, free_port

REQUIRE = "TRADEFAIR_REQUIRE_FAULTS"

# Settings of the servers under test: short timers so that the whole directory runs in minutes.
FAULT_SETTINGS = """
import os
from config.settings import *  # noqa: F401,F403

BOOTH_LIVE = {
    "CHAT_RATE": (20, 10),
    "PRESENCE_HEARTBEAT": 1.0,
    "PRESENCE_TTL": 3.0,
    "PRESENCE_DEBOUNCE": 0.1,
}
Q_CLUSTER = {**Q_CLUSTER, "name": os.environ["CHANNELS_PREFIX"]}
# Every mail as a file: the test counts what left, whichever process sent it.
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["FAULT_MAIL_DIR"]
# DEBUG is off, as in production, but nothing ran collectstatic: static files from the source folders.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
OUTBOX_POLL_SECONDS = 0.2
# Seeding fast; nobody signs in with a password here.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
OUTBOX_MAX_BACKOFF_SECONDS = 1
OUTBOX_CLAIM_SECONDS = 10  # a killed worker's claims expire soon
"""


def tool(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for base in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (base / name).exists():
            return str(base / name)
    return None


def missing_tools() -> list[str]:
    return [name for name in ("redis-server", "initdb", "pg_ctl") if tool(name) is None]


def _as_postgres() -> list[str]:
    """initdb and postgres refuse to run as root: as root, run them as the postgres user."""
    if os.geteuid() != 0:
        return []
    return ["runuser", "-u", "postgres", "--"]


class Redis:
    """A redis-server without persistence: stop() then start() loses every key, like a fresh node."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.log_path = workdir / "redis.log"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                tool("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
                "--logfile",
                str(self.log_path),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        wait_port(self.port, 10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # SIGKILL: no goodbye, no save
            self.process.wait(timeout=10)
        self.process = None

    def client(self):
        import redis

        return redis.Redis.from_url(self.url)


class Postgres:
    """initdb into a temporary folder; pg_ctl start/stop on a free port."""

    def __init__(self):
        # A folder of its own directly under the temporary directory: as root the servers run as the
        # postgres user, who cannot enter pytest's private (0700) folders.
        self.home = Path(tempfile.mkdtemp(prefix="tradefair-faults-pg-"))
        self.datadir = self.home / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/tradefair"
        self.log_path = self.home / "postgres.log"
        self.datadir.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.home, "postgres")
            shutil.chown(self.datadir, "postgres")
        subprocess.run(
            [
                *_as_postgres(),
                tool("initdb"),
                "-D",
                str(self.datadir),
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        conf = textwrap.dedent(f"""
            listen_addresses = '127.0.0.1'
            port = {self.port}
            unix_socket_directories = '{self.datadir}'
            fsync = off
            synchronous_commit = on  # an immediate stop (a crash) must not lose acknowledged commits
            full_page_writes = off
            max_connections = 200
        """)
        with (self.datadir / "postgresql.conf").open("a") as f:
            f.write(conf)

    def start(self) -> None:
        subprocess.run(
            [
                *_as_postgres(),
                tool("pg_ctl"),
                "-D",
                str(self.datadir),
                "-l",
                str(self.log_path),
                "-w",
                "-t",
                "60",
                "start",
            ],
            check=True,
            capture_output=True,
            timeout=90,
        )

    def stop(self, mode: str = "immediate") -> None:
        subprocess.run(
            [*_as_postgres(), tool("pg_ctl"), "-D", str(self.datadir), "-m", mode, "-w", "stop"],
            capture_output=True,
            timeout=60,
        )

    def pids(self) -> list[int]:
        """The postmaster and its children."""
        master = int((self.datadir / "postmaster.pid").read_text().split()[0])
        children = []
        for proc in Path("/proc").iterdir():
            if proc.name.isdigit():
                try:
                    ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, ValueError, IndexError):
                    continue
                if ppid == master:
                    children.append(int(proc.name))
        return [master, *children]

    def pause(self) -> list[int]:
        """A stall: every PostgreSQL process stopped (SIGSTOP); connections hang instead of failing."""
        pids = self.pids()
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        return pids

    def resume(self, pids: list[int]) -> None:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)

    def createdb(self) -> None:
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
        ) as c:
            c.execute("CREATE DATABASE tradefair")

    def query(self, sql: str, params=()) -> list[tuple]:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=tradefair") as c:
            return c.execute(sql, params).fetchall()


def wait_port(port: int, timeout: float) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port} after {timeout}s")


class Process:
    """A Python process of the project (daphne, the worker) with the fault settings."""

    def __init__(self, args: list[str], *, env: dict, log_path: Path, port: int | None = None):
        self.args, self.env, self.log_path, self.port = args, env, log_path, port
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.args,
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def ws(self, path: str) -> str:
        return f"ws://127.0.0.1:{self.port}{path}"

    def wait_ready(self, timeout: float = 60) -> None:
        import urllib.error
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.args} exited with {self.process.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=4):  # noqa: S310 (our own server)
                    return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.url} did not answer within {timeout}s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL to the whole process group (what a supervisor does with KillMode=control-group)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def close_log(self) -> None:
        if not self._log.closed:
            self._log.close()

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.close_log()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


class Stack:
    """Redis, PostgreSQL (migrated), two daphne processes and the worker."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.mail_dir = workdir / "mail"
        self.mail_dir.mkdir()
        (workdir / "fault_settings.py").write_text(textwrap.dedent(FAULT_SETTINGS))
        self.redis = Redis(workdir)
        self.postgres = Postgres()
        self.prefix = f"tffault{os.getpid()}"
        self.daphnes: list[Process] = []
        self.worker: Process | None = None

    def env(self) -> dict:
        env = os.environ.copy()
        for name in ("SQLITE_TEST_NAME", "DATABASE_POOL", "CACHE_KEY_PREFIX"):
            env.pop(name, None)
        env.update(
            {
                "DATABASE_URL": self.postgres.url,
                "REDIS_URL": self.redis.url,
                "CHANNELS_PREFIX": self.prefix,
                "DJANGO_SETTINGS_MODULE": "fault_settings",
                "PYTHONPATH": os.pathsep.join([str(self.workdir), str(ROOT)]),
                "FAULT_MAIL_DIR": str(self.mail_dir),
                "LOG_LEVEL": "WARNING",
                "DEBUG": "0",  # as in production: the error pages, not the debug page
            }
        )
        return env

    def manage(self, *args: str, timeout: float = 300) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode:
            raise RuntimeError(
                f"manage.py {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
            )
        return done.stdout

    def start(self, **seed) -> dict:
        self.redis.start()
        self.postgres.start()
        self.postgres.createdb()
        data = self.migrate_and_seed(**seed)
        for i in range(2):
            port = free_port()
            d = Process(
                [
                    sys.executable,
                    "-m",
                    "daphne",
                    "-b",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "config.asgi:application",
                ],
                env=self.env(),
                log_path=self.workdir / f"daphne{i}.log",
                port=port,
            )
            d.start()
            self.daphnes.append(d)
        self.worker = Process(
            [sys.executable, "manage.py", "worker"], env=self.env(), log_path=self.workdir / "worker.log"
        )
        self.worker.start()
        for d in self.daphnes:
            d.wait_ready()
        return data

    def migrate_and_seed(self, **kwargs) -> dict:
        """Migrate, then a fair, booths, staff and buyers with sessions (tests/faults/seed.py)."""
        code = (
            "from django.core.management import call_command; call_command('migrate', verbosity=0); "
            f"from tests.faults.seed import main; main(**{kwargs!r})"
        )
        out = self.manage("shell", "-c", code)
        return json.loads(out.strip().splitlines()[-1])

    def stop(self) -> None:
        for p in [*self.daphnes, self.worker]:
            if p is not None:
                p.stop()
        self.redis.stop()
        self.postgres.stop()
        shutil.rmtree(self.postgres.home, ignore_errors=True)

    def mails(self) -> list[str]:
        """Every e-mail sent so far (the file backend writes one file per connection, messages apart)."""
        texts = []
        for f in sorted(self.mail_dir.glob("*.log")):
            texts += [m for m in f.read_text(errors="replace").split("-" * 79) if m.strip()]
        return texts
