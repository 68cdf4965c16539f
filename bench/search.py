"""Benchmark: the fair search's words, as typed, in Korean, by HS name and with a typo.

    .venv/bin/python bench/search.py [--exhibitors 300 1000] [--repeat 30]
                                     [--postgres postgres://postgres@127.0.0.1:5432/bench]

For each size, a child process on a database (a fresh temporary SQLite file; with --postgres, the
PostgreSQL database given, whose fair "bench-search" it replaces) migrates, imports a generated
fair with its demo products and their English and Korean texts (datasets/demo_content.py, no
pictures), then times
exhibitors.search.fair_search for each kind of query against a baseline in the same run: listing
the fair's published booths of one hall (what a hall page reads). Prints p50 and p95 in ms and
each query's ratio to the baseline's p50. Not part of the test run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

QUERIES = {
    "exact (serum)": {"q": "serum"},
    "typo (serun)": {"q": "serun"},
    "korean (세럼)": {"q": "세럼"},
    "hs words (화장품)": {"q": "화장품"},
    "two words (ginseng shampoo)": {"q": "ginseng shampoo"},
    "nothing (zzzqqq)": {"q": "zzzqqq"},
    "hs box words (cosmetics)": {"hs": "cosmetics"},
}


def _times(fn, repeat: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def worker(exhibitors: int, repeat: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from datasets.demo import _add_products
    from datasets.demo_content import demo_booths_dress
    from datasets.generator import generate_fair
    from datasets.importing import fair_import
    from exhibitors.models import Booth
    from exhibitors.search import SearchFilters, fair_search
    from fair.models import Fair

    call_command("migrate", verbosity=0, interactive=False)
    Fair.objects.filter(slug="bench-search").delete()
    with tempfile.TemporaryDirectory() as folder:
        generate_fair(folder, exhibitors=exhibitors, buyers=50, seed=1)
        fair_import(path=folder, fair_slug="bench-search")
    fair = Fair.objects.get(slug="bench-search")
    _add_products(fair, 1)
    demo_booths_dress(fair=fair, seed=1, images=False)
    hall = fair.halls.order_by("pk").first()

    def baseline():
        return list(
            Booth.objects.filter(fair=fair, hall=hall, status="published").select_related("company")[:12]
        )

    results = {"vendor": connection.vendor, "exhibitors": exhibitors}
    base = _times(baseline, repeat)
    results["baseline (hall's booths)"] = base
    for name, values in QUERIES.items():
        filters = SearchFilters(**values)
        results[name] = _times(lambda f=filters: list(fair_search(fair=fair, filters=f).booths[:12]), repeat)
        results[name + " found"] = fair_search(fair=fair, filters=filters).booths.count()
    print("RESULT " + json.dumps(results), flush=True)


def _child(database_url: str, exhibitors: int, repeat: int) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url}
    env.pop("REDIS_URL", None)
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", str(exhibitors), "--repeat", str(repeat)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(proc.stderr[-4000:])
    return json.loads(line[len("RESULT ") :])


def _report(result: dict) -> None:
    base = statistics.median(result["baseline (hall's booths)"])
    print(f"\n{result['vendor']}, {result['exhibitors']} exhibitors")
    print(f"{'query':32} {'p50 ms':>8} {'p95 ms':>8} {'x base':>7} {'found':>6}")
    for name, values in result.items():
        if not isinstance(values, list):
            continue
        values = sorted(values)
        p50, p95 = statistics.median(values), values[int(0.95 * (len(values) - 1))]
        found = result.get(name + " found", "")
        print(f"{name:32} {p50:8.2f} {p95:8.2f} {p50 / base:7.1f} {found!s:>6}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--exhibitors", type=int, nargs="+", default=[300, 1000])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--postgres", default="", help="a PostgreSQL database URL (its bench-search fair is replaced)"
    )
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.repeat)
        return
    for n in args.exhibitors:
        with tempfile.TemporaryDirectory() as tmp:
            _report(_child(f"sqlite:///{tmp}/bench.sqlite3", n, args.repeat))
        if args.postgres:
            _report(_child(args.postgres, n, args.repeat))


if __name__ == "__main__":
    main()
