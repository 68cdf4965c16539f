"""Offline evaluation on a fair dataset: train on profiles + interactions, score against test rows.

Shared by ``manage.py evaluate_matching`` and bench/matching.py, so the engine and the
baselines are measured by exactly the same loop. test rows never reach ``fit``: the
ranker only ever sees exhibitors, buyers and interactions.
"""

from __future__ import annotations

import gc
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from matching import metrics
from matching.engine import MatchingEngine, one_blas_thread


class Ranker(Protocol):
    name: str

    def fit(self, exhibitors: Sequence, buyers: Sequence, interactions: Sequence) -> None: ...

    def rank(self, buyer_id: str, k: int, exclude: Sequence[str]) -> list[str]:
        """The top k exhibitor ids for a buyer, leaving out ``exclude``."""
        ...


class EngineRanker:
    """The matching engine behind the Ranker protocol."""

    name = "engine"

    def __init__(self, *, seed: int = 0, progress: bool = False):
        self.seed, self.progress, self.engine = seed, progress, None

    def fit(self, exhibitors, buyers, interactions):
        self.engine = MatchingEngine.fit(
            exhibitors, buyers, interactions, seed=self.seed, progress=self.progress
        )

    def rank(self, buyer_id, k, exclude):
        return [r.id for r in self.engine.rank_exhibitors(buyer_id, k=k, exclude=exclude, reasons=False)]


def evaluate(dataset, ranker: Ranker, *, k: int = 10, progress: bool = False) -> dict:
    """Fit ``ranker`` on the dataset's profiles and interactions; rank and score every test buyer."""
    if k < 1:
        raise ValueError("k must be at least 1")
    if not dataset.test:
        raise ValueError("the dataset has no test rows to score against")
    started, cpu_started = time.perf_counter(), time.process_time()
    ranker.fit(dataset.exhibitors, dataset.buyers, dataset.interactions)
    fit_seconds = time.perf_counter() - started
    fit_cpu_seconds = time.process_time() - cpu_started  # every thread of this process: the cost
    # Serving holds a loaded model, not a million row objects: keep those out of the collector's way.
    gc.collect()
    gc.freeze()

    seen: dict[str, set[str]] = defaultdict(set)
    for row in dataset.interactions:
        seen[row.buyer_id].add(row.exhibitor_id)
    relevant: dict[str, set[str]] = defaultdict(set)
    for row in dataset.test:
        relevant[row.buyer_id].add(row.exhibitor_id)

    rankings: dict[str, list[str]] = {}
    times, cpu_times = [], []
    buyers = sorted(relevant)
    it = buyers
    if progress:
        from tqdm import tqdm

        it = tqdm(buyers, desc=f"ranking ({ranker.name})", unit="buyer", file=sys.stderr)
    with one_blas_thread():  # as a serving process ranks (config/asgi.py)
        for buyer_id in it:
            exclude = sorted(seen.get(buyer_id, ()))
            t, c = time.perf_counter(), time.thread_time()
            rankings[buyer_id] = ranker.rank(buyer_id, k, exclude)
            times.append(time.perf_counter() - t)
            cpu_times.append(time.thread_time() - c)
    gc.unfreeze()
    cold = {b for b in buyers if b not in seen}
    result = metrics.summarise(rankings, relevant, k=k, n_items=len(dataset.exhibitors), cold=cold)
    ms, cpu_ms = np.asarray(times) * 1000.0, np.asarray(cpu_times) * 1000.0
    result.update(
        fit_seconds=round(fit_seconds, 3),
        fit_cpu_seconds=round(fit_cpu_seconds, 3),
        rank_ms_p50=round(float(np.percentile(ms, 50)), 3),
        rank_ms_p99=round(float(np.percentile(ms, 99)), 3),
        # CPU time of this thread only: what the ranking costs when the machine is shared
        rank_cpu_ms_p50=round(float(np.percentile(cpu_ms, 50)), 3),
        rank_cpu_ms_p99=round(float(np.percentile(cpu_ms, 99)), 3),
    )
    for key in ("precision_at_k", "recall_at_k", "ndcg_at_k", "map_at_k", "coverage", "cold_start_ndcg_at_k"):
        result[key] = round(result[key], 5)
    return result
