"""RFQ routing benchmark: the matching engine's top 50 exhibitors, with reasons, for a sourcing request.

    .venv/bin/python bench/rfq.py                                   # 5,000 exhibitors, 20,000 buyers
    .venv/bin/python bench/rfq.py --exhibitors 5000 --buyers 50000 --dir /tmp/mt/worlds --requests 1000

A request is a buyer profile of its own (rfq.matching.rfq_row): one HS code, required certifications,
a destination country, the buyer's languages, its product text; behaviour comes from the buyer's history
in the model. Each request is routed with rfq.matching.rank_with_engine (the same call rfq_post makes).
Printed per run: wall time p50 / p99 / max of routing one request to the top 50 with reasons, and the
baseline: the same ranking without reasons (the engine's bare scoring). Goal: p99 < 200 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from fair import vocab  # noqa: E402
from fair.dataset import BuyerRow, read_folder  # noqa: E402
from matching.engine import MatchingEngine  # noqa: E402
from rfq.matching import rank_with_engine  # noqa: E402


def _requests(dataset, n: int, seed: int) -> list[BuyerRow]:
    rng = random.Random(seed)
    codes = [c for e in dataset.exhibitors for c in e.hs_codes]
    out = []
    for i in range(n):
        buyer = rng.choice(dataset.buyers)
        country = buyer.country
        certs = tuple(
            rng.sample(
                vocab.certifications_for_market(country),
                k=min(1, len(vocab.certifications_for_market(country))),
            )
        )
        code = rng.choice(codes)
        out.append(
            BuyerRow(
                buyer_id=buyer.buyer_id,
                company=buyer.company,
                country=country,
                hs_codes=(code,),
                required_certifications=certs,
                languages=buyer.languages,
                description=f"request {i} for HS {code}, {buyer.description[:80]}",
            )
        )
    return out


def _percentiles(ms: list[float]) -> str:
    a = np.array(ms)
    return f"p50 {np.percentile(a, 50):.1f} ms, p99 {np.percentile(a, 99):.1f} ms, max {a.max():.1f} ms"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exhibitors", type=int, default=5000)
    parser.add_argument("--buyers", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--k", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", default=None, help="where the world is generated (reused when present)")
    args = parser.parse_args(argv)
    root = Path(args.dir or tempfile.mkdtemp(prefix="tradefair-bench-"))
    folder = root / f"rfq-{args.exhibitors}x{args.buyers}-seed{args.seed}"
    if not (folder / "exhibitors.csv").exists():
        call_command(
            "generate_fair", str(folder), exhibitors=args.exhibitors, buyers=args.buyers, seed=args.seed
        )
    dataset = read_folder(folder)
    t = time.perf_counter()
    engine = MatchingEngine.fit(dataset.exhibitors, dataset.buyers, dataset.interactions, seed=args.seed)
    fit_s = time.perf_counter() - t
    requests = _requests(dataset, args.requests, args.seed)
    for row in requests[:20]:  # warm-up
        rank_with_engine(engine, row, k=args.k)
    bare, routed, reasons = [], [], []
    for row in requests:
        t = time.perf_counter()
        engine.rank_exhibitors(row, k=args.k, reasons=False)
        bare.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        top = rank_with_engine(engine, row, k=args.k)
        routed.append((time.perf_counter() - t) * 1000)
        reasons.append(sum(len(r["reasons"]) for r in top) / max(1, len(top)))
    print(
        f"world: {len(dataset.exhibitors)} exhibitors, {len(dataset.buyers)} buyers, "
        f"{len(dataset.interactions)} interactions; fit {fit_s:.1f} s; {len(requests)} requests, top {args.k}"
    )
    print(f"baseline (ranking without reasons): {_percentiles(bare)}")
    print(f"routing with reasons: {_percentiles(routed)}; {np.mean(reasons):.1f} reasons per exhibitor")
    p99 = float(np.percentile(routed, 99))
    print(f"goal p99 < 200 ms: {'met' if p99 < 200 else 'NOT met'} ({p99:.1f} ms)")


if __name__ == "__main__":
    main()
