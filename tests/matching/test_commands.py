"""evaluate_matching as the spec defines it: trains without test.csv, prints the metrics."""

import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from fair import dataset as fd
from matching import evaluation
from matching.engine import MatchingEngine
from tests.matching.world import build


@pytest.fixture
def folder(tmp_path):
    exhibitors, buyers, interactions = build(n_exhibitors=40, n_buyers=160)
    # held-out positives: for some warm buyers, their met pair leaves interactions.csv for test.csv;
    # plus every cold buyer's best category match
    held = {(i.buyer_id, i.exhibitor_id) for i in interactions if i.kind == "meeting_held"}
    test_pairs = sorted(held)[::4]
    keep = [i for i in interactions if (i.buyer_id, i.exhibitor_id) not in set(test_pairs)]
    seen = {i.buyer_id for i in keep}
    rng = np.random.default_rng(7)
    for b in buyers:
        if b.buyer_id not in seen:  # cold buyers go on to meet an exhibitor that fits their whole profile
            fits = [
                e
                for e in exhibitors
                if e.hs_codes[0][:4] == b.hs_codes[0]
                and (not e.target_markets or b.country in e.target_markets)
                and set(b.required_certifications) <= set(e.certifications)
            ]
            if fits:
                test_pairs.append((b.buyer_id, fits[int(rng.integers(0, len(fits)))].exhibitor_id))
    ds = fd.Dataset(exhibitors, buyers, keep, [fd.TestRow(b, e) for b, e in test_pairs])
    fd.write_folder(ds, tmp_path / "world")
    return tmp_path / "world", ds


def _run(path, *args):
    import io

    out = io.StringIO()
    call_command("evaluate_matching", str(path), *args, stdout=out, verbosity=0)
    return out.getvalue()


def test_evaluate_matching_prints_the_spec_metrics_as_json(folder):
    path, ds = folder
    result = json.loads(_run(path, "--k", "5", "--json").strip().splitlines()[-1])
    for key in (
        "k",
        "buyers",
        "precision_at_k",
        "recall_at_k",
        "ndcg_at_k",
        "map_at_k",
        "coverage",
        "cold_start_ndcg_at_k",
        "fit_seconds",
        "rank_ms_p50",
        "rank_ms_p99",
    ):
        assert key in result
    assert result["k"] == 5
    assert result["buyers"] == len({t.buyer_id for t in ds.test})
    assert 0 < result["ndcg_at_k"] <= 1 and 0 < result["cold_start_ndcg_at_k"] <= 1
    text = _run(path)
    assert "ndcg_at_k" in text and "rank_ms_p99" in text


def test_test_csv_never_reaches_training(folder, monkeypatch, tmp_path):
    path, ds = folder
    fitted = []
    real_fit = MatchingEngine.fit.__func__

    def spy(cls, exhibitors, buyers, interactions=(), **kwargs):
        fitted.append(list(interactions))
        engine = real_fit(cls, exhibitors, buyers, interactions, **kwargs)
        fitted.append(engine)
        return engine

    monkeypatch.setattr(MatchingEngine, "fit", classmethod(spy))
    _run(path, "--json")
    rows, with_test = fitted
    test_pairs = {(t.buyer_id, t.exhibitor_id) for t in ds.test}
    assert not test_pairs & {(i.buyer_id, i.exhibitor_id) for i in rows}
    assert len(rows) == len(ds.interactions)
    # a different test.csv gives the very same model
    other = fd.Dataset(ds.exhibitors, ds.buyers, ds.interactions, ds.test[::-2])
    fd.write_folder(other, tmp_path / "other")
    _run(tmp_path / "other", "--json")
    _rows2, without = fitted[2:]
    a, b = with_test.to_arrays(), without.to_arrays()
    assert a.keys() == b.keys()
    states = [json.loads(bytes(x.pop("state.json")).decode()) for x in (a, b)]
    for state in states:
        state["meta"].pop("fit_seconds")  # the only thing allowed to differ
    assert states[0] == states[1]
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)


def test_evaluate_matching_refuses_bad_input(folder, tmp_path):
    path, _ = folder
    with pytest.raises(CommandError, match="--k"):
        _run(path, "--k", "0")
    (tmp_path / "empty").mkdir()
    with pytest.raises(CommandError, match="exhibitors.csv"):
        _run(tmp_path / "empty")


class _CategoryOnly:
    """Deepest HS match first: the baseline the learned blend must beat."""

    name = "hs-category"

    def fit(self, exhibitors, buyers, interactions):
        from fair.hs import hs_match_depth

        self.depth = lambda b, e: max(hs_match_depth(x, y) for x in b.hs_codes for y in e.hs_codes)
        self.exhibitors, self.buyers = exhibitors, {b.buyer_id: b for b in buyers}

    def rank(self, buyer_id, k, exclude):
        b = self.buyers[buyer_id]
        order = np.random.default_rng(0).permutation(len(self.exhibitors))  # ties: no help from list order
        shuffled = [self.exhibitors[i] for i in order if self.exhibitors[i].exhibitor_id not in exclude]
        ranked = sorted(shuffled, key=lambda e: -self.depth(b, e))
        return [e.exhibitor_id for e in ranked[:k]]


def test_the_engine_beats_category_matching_on_the_small_world(folder):
    """Not a fixed number: the learned blend must do better than matching HS codes alone."""
    _, ds = folder
    engine = evaluation.evaluate(ds, evaluation.EngineRanker(), k=5)
    baseline = evaluation.evaluate(ds, _CategoryOnly(), k=5)
    assert engine["ndcg_at_k"] > baseline["ndcg_at_k"]
