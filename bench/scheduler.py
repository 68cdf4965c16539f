"""Benchmark of the auto-matchmaking scheduler against the greedy baseline, on one generated fair.

    .venv/bin/python bench/scheduler.py [--buyers 2000 --exhibitors 500 --interpreters 60 --slots 16
                                         --pairs 20000 --seed 7 --time-limit 25]

Prints the time to schedule and the total score of both, and checks both
timetables against every rule (no double booking, availability, daily limit).
Also prints an upper bound on the score of any timetable (the pairs-by-day
relaxation, ``meetings.scheduler.upper_bound``) and each one's gap to it: if
the bound is less than 10% above greedy, no solver can reach the goal on
this instance.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from meetings.scheduler import Pair, Problem, check, greedy, schedule, upper_bound  # noqa: E402

LANGS = ["ko", "en", "zh", "ja", "vi", "id"]


def generate(
    *, buyers: int, exhibitors: int, interpreters: int, slots: int, pairs: int, seed: int
) -> Problem:
    rng = np.random.default_rng(seed)
    slot_ids = list(range(slots))
    per_day = 8
    slot_day = {s: s // per_day for s in slot_ids}

    def free_sets(n: int, low: float, high: float) -> dict[int, set[int]]:
        out = {}
        for k in range(n):
            share = rng.uniform(low, high)
            out[k] = {s for s in slot_ids if rng.random() < share}
        return out

    buyer_free = free_sets(buyers, 0.35, 0.9)
    exhibitor_free = free_sets(exhibitors, 0.4, 0.95)
    interpreter_free = free_sets(interpreters, 0.4, 0.9)
    # Exhibitors mostly speak Korean (and often English); buyers speak their market's language.
    exhibitor_langs = [{"ko", "en"} if rng.random() < 0.6 else {"ko"} for _ in range(exhibitors)]
    buyer_langs = []
    for _ in range(buyers):
        own = str(rng.choice(LANGS[1:], p=[0.4, 0.2, 0.15, 0.12, 0.13]))
        buyer_langs.append({own, "en"} if own != "en" and rng.random() < 0.5 else {own})
    interp_langs = [{"ko", str(rng.choice(LANGS[1:]))} for _ in range(interpreters)]
    # Popularity is skewed: a few exhibitors are wanted by many buyers.
    popularity = rng.zipf(1.6, exhibitors).astype(float)
    popularity = np.minimum(popularity, 60) / np.minimum(popularity, 60).sum()
    chosen: set[tuple[int, int]] = set()
    out: list[Pair] = []
    while len(out) < pairs:
        b = int(rng.integers(buyers))
        e = int(rng.choice(exhibitors, p=popularity))
        if (b, e) in chosen:
            continue
        chosen.add((b, e))
        score = float(np.round(rng.beta(2, 3), 4))
        needed = None
        if not (buyer_langs[b] & exhibitor_langs[e]):
            needed = frozenset(
                1_000_000 + i
                for i in range(interpreters)
                if interp_langs[i] & buyer_langs[b] and interp_langs[i] & exhibitor_langs[e]
            )
        out.append(Pair(buyer=b, exhibitor=e, score=score, interpreters=needed))
    return Problem(
        slots=slot_ids,
        slot_day=slot_day,
        pairs=out,
        buyer_free=buyer_free,
        exhibitor_free=exhibitor_free,
        interpreter_free={1_000_000 + i: s for i, s in interpreter_free.items()},
        daily_limit=6,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=2000)
    parser.add_argument("--exhibitors", type=int, default=500)
    parser.add_argument("--interpreters", type=int, default=60)
    parser.add_argument("--slots", type=int, default=16)
    parser.add_argument("--pairs", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--time-limit", type=float, default=25.0)
    args = parser.parse_args()

    t0 = time.perf_counter()
    problem = generate(
        buyers=args.buyers,
        exhibitors=args.exhibitors,
        interpreters=args.interpreters,
        slots=args.slots,
        pairs=args.pairs,
        seed=args.seed,
    )
    needing = sum(1 for p in problem.pairs if p.interpreters is not None)
    print(
        f"generated {len(problem.pairs)} pairs ({needing} need an interpreter) "
        f"in {time.perf_counter() - t0:.1f} s",
        flush=True,
    )
    print("greedy ...", flush=True)
    base = greedy(problem)
    print("milp ...", flush=True)
    best = schedule(problem, time_limit=args.time_limit)
    for name, sol in (("greedy", base), ("milp", best)):
        errors = check(problem, sol)
        with_interp = sum(1 for a in sol.assignments if a.interpreter is not None)
        print(
            f"{name:7s} {sol.seconds:7.2f} s  meetings {len(sol.assignments):6d} "
            f"(interpreted {with_interp:4d})  "
            f"total score {sol.total_score:10.2f}  rule violations {len(errors)}  [{sol.status}]"
        )
    print("bound ...", flush=True)
    bound = upper_bound(problem)
    kind = "integral" if bound.integral else "fractional"
    print(f"bound   {bound.seconds:7.2f} s  total score {bound.value:10.2f}  (pairs-by-day LP, {kind})")
    for name, sol in (("greedy", base), ("milp", best)):
        gap = (1 - sol.total_score / bound.value) * 100 if bound.value else 0.0
        print(f"{name:7s} gap to bound {gap:5.2f}%")
    gain = (best.total_score / base.total_score - 1) * 100 if base.total_score else float("inf")
    print(f"milp vs greedy: {gain:+.1f}% total score; goal < 30 s and >= +10%")
    if base.total_score:
        most = (bound.value / base.total_score - 1) * 100
        verdict = "within reach" if most >= 10 else "unattainable on this instance"
        print(f"bound vs greedy: {most:+.1f}% (no timetable beats greedy by more): +10% is {verdict}")


if __name__ == "__main__":
    main()
