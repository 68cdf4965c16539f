"""evaluate_matching's metrics against an example computed by hand."""

import math

import pytest

from fair import dataset as fd
from fair.dataset import Dataset, InteractionRow
from matching import metrics
from matching.evaluation import evaluate
from tests.matching.world import T0, build

# Buyer A: ranked e1 e2 e3 e4, met e2 and e4; buyer B (cold): ranked e3 e1 e4 e2, met e3. k = 3, 5 exhibitors.
RANKINGS = {"A": ["e1", "e2", "e3", "e4"], "B": ["e3", "e1", "e4", "e2"]}
RELEVANT = {"A": {"e2", "e4"}, "B": {"e3"}}


def test_metrics_match_the_hand_computed_example():
    got = metrics.summarise(RANKINGS, RELEVANT, k=3, n_items=5, cold={"B"})
    # A: one hit (e2) at rank 2 of 3.  precision 1/3, recall 1/2,
    #    ndcg = (1/log2 3) / (1 + 1/log2 3) = 0.38685, AP = (1/2) / min(2, 3) = 0.25
    # B: hit at rank 1.  precision 1/3, recall 1, ndcg 1, AP 1
    ndcg_a = (1 / math.log2(3)) / (1 + 1 / math.log2(3))
    assert got["precision_at_k"] == pytest.approx(1 / 3)
    assert got["recall_at_k"] == pytest.approx((0.5 + 1) / 2)
    assert got["ndcg_at_k"] == pytest.approx((ndcg_a + 1) / 2)
    assert got["ndcg_at_k"] == pytest.approx(0.693426, abs=1e-6)
    assert got["map_at_k"] == pytest.approx((0.25 + 1) / 2)
    # top-3 lists cover e1 e2 e3 (A) and e3 e1 e4 (B): 4 of 5 exhibitors
    assert got["coverage"] == pytest.approx(0.8)
    assert got["cold_start_ndcg_at_k"] == pytest.approx(1.0)
    assert (got["k"], got["buyers"]) == (3, 2)


def test_a_miss_scores_zero_and_order_matters():
    assert metrics.ndcg_at_k(["x", "y"], {"z"}, 2) == 0.0
    assert metrics.ndcg_at_k(["z", "y"], {"z"}, 2) > metrics.ndcg_at_k(["y", "z"], {"z"}, 2)
    assert metrics.average_precision_at_k(["y", "z"], {"z"}, 2) == pytest.approx(0.5)


class _Fixed:
    """A stub ranker: returns the hand-made lists minus what it is told to leave out, and records calls."""

    name = "fixed"

    def __init__(self):
        self.fitted_with, self.excluded = None, {}

    def fit(self, exhibitors, buyers, interactions):
        self.fitted_with = list(interactions)

    def rank(self, buyer_id, k, exclude):
        self.excluded[buyer_id] = set(exclude)
        return [e for e in RANKINGS[buyer_id] if e not in exclude][:k]


def test_evaluate_leaves_out_seen_exhibitors_and_scores_like_the_hand_example():
    exhibitors, buyers, _ = build(n_exhibitors=5, n_buyers=2)
    ex = [
        e.__class__(**{**{s: getattr(e, s) for s in e.__slots__}, "exhibitor_id": f"e{i + 1}"})
        for i, e in enumerate(exhibitors)
    ]
    by = [
        b.__class__(**{**{s: getattr(b, s) for s in b.__slots__}, "buyer_id": bid})
        for b, bid in zip(buyers, "AB", strict=True)
    ]
    seen = [InteractionRow("A", "e5", "booth_visit", T0)]
    ds = Dataset(ex, by, seen, [fd.TestRow(b, e) for b, es in RELEVANT.items() for e in sorted(es)])
    ranker = _Fixed()
    got = evaluate(ds, ranker, k=3)
    assert ranker.fitted_with == seen  # test rows never reach fit
    assert ranker.excluded == {"A": {"e5"}, "B": set()}
    assert got["ndcg_at_k"] == pytest.approx(0.693426, abs=1e-5)
    assert got["cold_start_ndcg_at_k"] == pytest.approx(1.0)  # B has no interaction
    assert got["rank_ms_p99"] >= got["rank_ms_p50"] >= 0
