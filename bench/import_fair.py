"""Benchmark: import a generated fair on SQLite and on PostgreSQL.

    .venv/bin/python bench/import_fair.py [--exhibitors 5000 --buyers 50000 --interactions 1000000]
                                          [--postgres postgres://postgres@127.0.0.1:5432/postgres]

Generates the world once (not timed), times parsing the CSV folder in this
process (the baseline), then for each database runs a child process on a
fresh database (a temporary SQLite file; a PostgreSQL database it creates and
drops) that migrates, times the first import and a re-import of the same
folder. PostgreSQL is used when --postgres is given or DATABASE_URL points at
PostgreSQL. The goal of issue 2: under 60 s per import at full size.
Not part of the test run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def _setup_django() -> None:
    import django

    django.setup()


def worker(folder: str) -> None:
    """Child process: DATABASE_URL is the fresh database. Prints one JSON line."""
    _setup_django()
    from django.core.management import call_command
    from django.db import connection

    from datasets.importing import fair_import

    call_command("migrate", verbosity=0, interactive=False)
    result = {"vendor": connection.vendor}
    for step in ("import", "re-import"):
        started = time.perf_counter()
        report = fair_import(path=folder, fair_slug="bench-fair", progress=True)
        result[step] = {
            "seconds": time.perf_counter() - started,
            "read_seconds": report.read_seconds,
            "write_seconds": report.write_seconds,
            "created": report.exhibitors.created + report.buyers.created + report.interactions.created,
            "unchanged": report.exhibitors.unchanged
            + report.buyers.unchanged
            + report.interactions.unchanged,
        }
    print("RESULT " + json.dumps(result), flush=True)


def _run_child(folder: Path, database_url: str) -> dict:
    env = dict(os.environ, DATABASE_URL=database_url, DEBUG="0")
    env.pop("REDIS_URL", None)
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", str(folder)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode or not lines:
        raise SystemExit(f"the import child failed on {database_url} (exit {proc.returncode})")
    return json.loads(lines[-1][len("RESULT ") :])


def _postgres_bench(folder: Path, url: str) -> dict:
    import psycopg

    parts = urlsplit(url)
    name = f"tradefair_bench_{os.getpid()}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        return _run_child(folder, urlunsplit(parts._replace(path=f"/{name}")))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--exhibitors", type=int, default=5000)
    parser.add_argument("--buyers", type=int, default=50000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres", help="a PostgreSQL URL (default: DATABASE_URL when it is PostgreSQL)")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--keep", help="generate into (or reuse) this folder instead of a temporary one")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return

    postgres = args.postgres
    if not postgres and os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        postgres = os.environ["DATABASE_URL"]
    _setup_django()
    from datasets.generator import generate_fair
    from fair.dataset import read_folder

    with tempfile.TemporaryDirectory(prefix="tradefair-bench-") as tmp:
        folder = Path(args.keep) if args.keep else Path(tmp) / "world"
        if not (folder / "interactions.csv").exists():
            started = time.perf_counter()
            generate_fair(
                folder,
                exhibitors=args.exhibitors,
                buyers=args.buyers,
                seed=args.seed,
                interactions=args.interactions,
                progress=True,
            )
            print(
                f"generated the world in {time.perf_counter() - started:.1f} s (not timed below)",
                file=sys.stderr,
            )
        started = time.perf_counter()
        dataset = read_folder(folder)
        parse = time.perf_counter() - started
        rows = len(dataset.exhibitors) + len(dataset.buyers) + len(dataset.interactions)
        print(
            f"{len(dataset.exhibitors):,} exhibitors, {len(dataset.buyers):,} buyers, "
            f"{len(dataset.interactions):,} interactions ({rows:,} rows)"
        )
        del dataset
        results = []
        if not args.no_sqlite:
            results.append(("SQLite", _run_child(folder, f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")))
        if postgres:
            results.append(("PostgreSQL", _postgres_bench(folder, postgres)))

    header = f"{'database':<11} {'step':<10} {'seconds':>8} {'rows/s':>10} {'x parse':>8}"
    header += f"  {'read':>6} {'write':>6}"
    print(header)
    print("-" * len(header))
    print(f"{'(none)':<11} {'parse':<10} {parse:>8.1f} {rows / parse:>10,.0f} {1.0:>8.1f}")
    for name, result in results:
        for step in ("import", "re-import"):
            r = result[step]
            print(
                f"{name:<11} {step:<10} {r['seconds']:>8.1f} {rows / r['seconds']:>10,.0f} "
                f"{r['seconds'] / parse:>8.1f}  {r['read_seconds']:>6.1f} {r['write_seconds']:>6.1f}"
            )
    print("goal: import under 60 s on each database at 5,000 / 50,000 / 1,000,000")


if __name__ == "__main__":
    main()
