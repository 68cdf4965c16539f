"""Ranking metrics for evaluate_matching (docs/fair-dataset.md), one place for all of them.

Every function takes one buyer's ranked list (best first) and the set of exhibitors that
buyer went on to meet (the held-out positives). Averages are over buyers.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence


def precision_at_k(ranked: Sequence, relevant: Collection, k: int) -> float:
    """Share of the top k that are relevant (always divided by k)."""
    return sum(1 for item in ranked[:k] if item in relevant) / k


def recall_at_k(ranked: Sequence, relevant: Collection, k: int) -> float:
    """Share of the relevant items that made the top k."""
    if not relevant:
        return 0.0
    return sum(1 for item in ranked[:k] if item in relevant) / len(relevant)


def ndcg_at_k(ranked: Sequence, relevant: Collection, k: int) -> float:
    """Binary-gain NDCG: sum of 1/log2(rank+1) over hits, over the best possible sum."""
    dcg = sum(1.0 / math.log2(i + 2) for i, item in enumerate(ranked[:k]) if item in relevant)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), k)))
    return dcg / ideal if ideal else 0.0


def average_precision_at_k(ranked: Sequence, relevant: Collection, k: int) -> float:
    """Mean of precision@i at each hit i <= k, over min(|relevant|, k)."""
    if not relevant:
        return 0.0
    hits, total = 0, 0.0
    for i, item in enumerate(ranked[:k]):
        if item in relevant:
            hits += 1
            total += hits / (i + 1)
    return total / min(len(relevant), k)


def coverage(top_lists: Iterable[Sequence], n_items: int) -> float:
    """Share of all items that appear in at least one top-k list."""
    seen: set = set()
    for ranked in top_lists:
        seen.update(ranked)
    return len(seen) / n_items if n_items else 0.0


def summarise(
    rankings: Mapping[str, Sequence],
    relevant: Mapping[str, Collection],
    *,
    k: int,
    n_items: int,
    cold: Collection[str] = (),
) -> dict:
    """The metrics of the spec, averaged over the buyers in ``relevant``.

    ``rankings`` maps buyer -> ranked list (at least its top k); ``cold`` names the buyers
    with no interaction (their ndcg is averaged separately as cold_start_ndcg_at_k).
    """
    buyers = list(relevant)
    n = len(buyers)

    def mean(values: list[float]) -> float:
        return sum(values) / len(values) if values else 0.0

    ndcgs = {b: ndcg_at_k(rankings[b], relevant[b], k) for b in buyers}
    cold_buyers = [b for b in buyers if b in cold]
    return {
        "k": k,
        "buyers": n,
        "precision_at_k": mean([precision_at_k(rankings[b], relevant[b], k) for b in buyers]),
        "recall_at_k": mean([recall_at_k(rankings[b], relevant[b], k) for b in buyers]),
        "ndcg_at_k": mean(list(ndcgs.values())),
        "map_at_k": mean([average_precision_at_k(rankings[b], relevant[b], k) for b in buyers]),
        "coverage": coverage((rankings[b][:k] for b in buyers), n_items),
        "cold_start_ndcg_at_k": mean([ndcgs[b] for b in cold_buyers]),
        "cold_start_buyers": len(cold_buyers),
    }
