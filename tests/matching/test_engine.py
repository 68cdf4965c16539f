"""The engine on a small hand-built world: reasons, hard mismatches, cold start, marks, rules, storage."""

from dataclasses import replace

import numpy as np
import pytest

from fair import hs
from fair.dataset import BuyerRow, ExhibitorRow
from matching.engine import ALREADY_MET_PENALTY, FEATURES, MatchingEngine, MatchingError, RoundRules
from matching.reasons import render_reason
from tests.matching.world import build


@pytest.fixture(scope="module")
def world():
    exhibitors, buyers, interactions = build()
    return exhibitors, buyers, interactions, MatchingEngine.fit(exhibitors, buyers, interactions, seed=0)


def _by_id(rows, attr):
    return {getattr(r, attr): r for r in rows}


def test_reasons_are_true_to_the_data(world):
    exhibitors, buyers, interactions, engine = world
    ex, by = _by_id(exhibitors, "exhibitor_id"), _by_id(buyers, "buyer_id")
    met = {(i.buyer_id, i.exhibitor_id) for i in interactions if i.kind in ("meeting_held", "deal")}
    checked = set()
    for buyer in buyers[::15]:
        for rec in engine.rank_exhibitors(buyer.buyer_id, k=10):
            e, b = ex[rec.id], by[buyer.buyer_id]
            for r in rec.reasons:
                checked.add(r["code"])
                if r["code"] == "hs_match":
                    assert any(
                        hs.hs_match_depth(x, y) == r["depth"] and y.startswith(r["hs"])
                        for x in b.hs_codes
                        for y in e.hs_codes
                    )
                elif r["code"] == "targets_market":
                    assert r["country"] == b.country and b.country in e.target_markets
                elif r["code"] == "not_target_market":
                    assert e.target_markets and b.country not in e.target_markets
                elif r["code"] == "holds_required_cert":
                    assert r["cert"] in b.required_certifications and r["cert"] in e.certifications
                elif r["code"] == "missing_required_cert":
                    assert r["cert"] in b.required_certifications and r["cert"] not in e.certifications
                elif r["code"] == "shared_language":
                    assert r["language"] in b.languages and r["language"] in e.languages
                elif r["code"] == "similar_buyers_met":
                    chapters = {c[:2] for c in b.hs_codes}
                    others = {
                        o
                        for (o, x) in met
                        if x == e.exhibitor_id
                        and o != b.buyer_id
                        and chapters & {c[:2] for c in by[o].hs_codes}
                    }
                    assert r["count"] == len(others) > 0
                elif r["code"] == "already_met":
                    assert (b.buyer_id, e.exhibitor_id) in met
    assert {"hs_match", "shared_language", "similar_buyers_met"} <= checked


def test_a_missing_required_certification_is_shown_and_lowers_the_rank(world):
    exhibitors, buyers, interactions, _ = world
    twin = replace(
        exhibitors[0], exhibitor_id="TWIN-HOLDS", certifications=("FDA", "HALAL"), target_markets=()
    )
    lacks = replace(twin, exhibitor_id="TWIN-LACKS", certifications=("HALAL",))
    engine = MatchingEngine.fit([*exhibitors, twin, lacks], buyers, interactions, seed=0)
    buyer = BuyerRow("NEW", "New importer", "US", twin.hs_codes, ("FDA",), ("en",), "skin care cream")
    ranked = engine.rank_exhibitors(buyer, k=None)
    ids = [r.id for r in ranked]
    assert "TWIN-LACKS" in ids, "a mismatch lowers the rank but is never hidden"
    assert ids.index("TWIN-HOLDS") < ids.index("TWIN-LACKS")
    lacking = ranked[ids.index("TWIN-LACKS")]
    assert {"code": "missing_required_cert", "cert": "FDA", "sign": -1} in lacking.reasons
    holding = ranked[ids.index("TWIN-HOLDS")]
    assert {"code": "holds_required_cert", "cert": "FDA", "sign": 1} in holding.reasons
    assert (
        render_reason(
            lacking.reasons[[r["code"] for r in lacking.reasons].index("missing_required_cert")],
            language="en",
        )
        == "does not hold FDA, which you require"
    )


def test_a_cold_start_buyer_gets_category_relevant_exhibitors(world):
    exhibitors, buyers, interactions, engine = world
    for code in ("9018", "1905"):
        newcomer = BuyerRow(f"NEW-{code}", "Newcomer", "JP", (code,), (), ("ja", "en"), "")
        top = engine.rank_exhibitors(newcomer, k=5)
        ex = _by_id(exhibitors, "exhibitor_id")
        assert all(ex[r.id].hs_codes[0][:4] == code for r in top)
        assert all(any(x["code"] == "hs_match" for x in r.reasons) for r in top)
    # also the buyers of the world with no interaction at all
    seen = {i.buyer_id for i in interactions}
    cold = [b for b in buyers if b.buyer_id not in seen][:10]
    assert cold
    for b in cold:
        top = engine.rank_exhibitors(b.buyer_id, k=3, reasons=False)
        assert all(ex[r.id].hs_codes[0][:2] == b.hs_codes[0][:2] for r in top)


def test_an_edited_profile_changes_matches_without_a_refit(world):
    exhibitors, buyers, _, engine = world
    buyer = next(b for b in buyers if b.hs_codes == ("3304",))
    before = engine.rank_exhibitors(buyer.buyer_id, k=5, reasons=False)
    after = engine.rank_exhibitors(replace(buyer, hs_codes=("8518",), description="bluetooth speaker"), k=5)
    ex = _by_id(exhibitors, "exhibitor_id")
    assert all(ex[r.id].hs_codes[0].startswith("3304") for r in before)
    assert all(ex[r.id].hs_codes[0].startswith("8518") for r in after)


def test_the_fast_one_buyer_path_agrees_with_the_block_path(world):
    _, buyers, _, engine = world
    rows = np.arange(0, len(buyers), 37)
    block = engine._features(engine._take_buyers(rows), engine.U[rows] * engine.b_has_history[rows, None])
    for r, b in enumerate(rows):
        _, fast, _ = engine.buyer_scores(buyers[b].buyer_id)
        np.testing.assert_allclose(fast, block[:, r, :], rtol=1e-5, atol=1e-5, err_msg=str(FEATURES))


def test_marks_no_thanks_removes_must_meet_lifts_and_met_pairs_sink(world):
    exhibitors, buyers, interactions, engine = world
    pair = next(i for i in interactions if i.kind == "meeting_held")
    b, met_e = pair.buyer_id, pair.exhibitor_id
    raw, _, _ = engine.buyer_scores(b)
    ranked = {r.id: r for r in engine.rank_exhibitors(b, k=None)}
    assert ranked[met_e].score == pytest.approx(raw[engine.e_pos[met_e]] - ALREADY_MET_PENALTY, rel=1e-5)
    assert {"code": "already_met", "sign": -1} in ranked[met_e].reasons
    again = engine.rank_exhibitors(b, k=1, marks={met_e: {"exhibitor": "must_meet"}})
    assert again[0].id == met_e
    top = engine.rank_exhibitors(b, k=3, reasons=False)
    gone = engine.rank_exhibitors(b, k=None, reasons=False, marks={top[0].id: {"exhibitor": "no_thanks"}})
    assert top[0].id not in [r.id for r in gone]
    both = engine.rank_exhibitors(
        b, k=None, reasons=False, marks={top[0].id: {"buyer": "must_meet", "exhibitor": "no_thanks"}}
    )
    assert top[0].id not in [r.id for r in both], "no thanks from either side wins"
    # the exhibitor's side too
    buyers_for = engine.rank_buyers(met_e, k=3, reasons=False)
    gone = engine.rank_buyers(met_e, k=None, reasons=False, marks={buyers_for[0].id: {"buyer": "no_thanks"}})
    assert buyers_for[0].id not in [r.id for r in gone]
    with pytest.raises(MatchingError):
        engine.rank_exhibitors(b, marks={top[0].id: {"buyer": "maybe"}})


def test_round_rules_exclude_and_boost(world):
    exhibitors, buyers, _, _ = world
    halls = {e.exhibitor_id: ("beauty" if e.hs_codes[0].startswith("33") else "other") for e in exhibitors}
    _, _, interactions = build()
    engine = MatchingEngine.fit(exhibitors, buyers, interactions, halls=halls, seed=0)
    buyer = next(b for b in buyers if b.hs_codes == ("3304",)).buyer_id
    out = engine.rank_exhibitors(
        buyer, k=None, reasons=False, rules=RoundRules(exclude_halls=frozenset({"beauty"}))
    )
    assert out and all(halls[r.id] != "beauty" for r in out)
    plain = engine.rank_exhibitors(buyer, k=None, reasons=False)
    boosted = engine.rank_exhibitors(
        buyer,
        k=None,
        reasons=False,
        rules=RoundRules(boost_halls=frozenset({"other"}), boost=1000.0),  # past every HS level
    )
    assert halls[plain[0].id] == "beauty" and halls[boosted[0].id] == "other"


def test_buyers_for_an_exhibitor_are_reciprocal(world):
    exhibitors, buyers, _, engine = world
    e = next(x for x in exhibitors if x.target_markets)
    top = engine.rank_buyers(e.exhibitor_id, k=10)
    by = _by_id(buyers, "buyer_id")
    assert all(by[r.id].hs_codes[0][:2] == e.hs_codes[0][:2] for r in top)
    assert sum(by[r.id].country in e.target_markets for r in top) >= 5


def test_markets_for_an_hs_code_come_from_buyer_demand(world):
    _, buyers, _, engine = world
    markets = engine.markets_for_hs("330499")
    demand = {}
    for b in buyers:
        if b.hs_codes[0] == "3304":
            demand[b.country] = demand.get(b.country, 0) + 1
    assert {m["country"] for m in markets} == set(demand)
    assert {m["country"]: m["buyers"] for m in markets} == demand
    assert markets[0]["score"] >= markets[-1]["score"]
    with pytest.raises(Exception, match="HS code"):
        engine.markets_for_hs("7700")


def test_the_stored_arrays_give_the_same_rankings_and_reject_others(world):
    _, buyers, _, engine = world
    import io

    buf = io.BytesIO()
    np.savez_compressed(buf, **engine.to_arrays())
    buf.seek(0)
    with np.load(buf, allow_pickle=False) as npz:
        loaded = MatchingEngine.from_arrays({k: npz[k] for k in npz.files})
    for b in buyers[::50]:
        assert [r.id for r in loaded.rank_exhibitors(b.buyer_id, k=10)] == [
            r.id for r in engine.rank_exhibitors(b.buyer_id, k=10)
        ]
    with pytest.raises(MatchingError):
        MatchingEngine.from_arrays(
            {"state.json": np.frombuffer(b'{"meta": {"format": "other"}}', dtype=np.uint8)}
        )


def test_bad_input_is_a_clear_error():
    e = ExhibitorRow("E1", "A", "KR", ("3304",))
    b = BuyerRow("B1", "B", "US", ("3304",))
    with pytest.raises(MatchingError, match="duplicate exhibitor"):
        MatchingEngine.fit([e, e], [b])
    from fair.dataset import InteractionRow
    from tests.matching.world import T0

    with pytest.raises(MatchingError, match="interaction 1"):
        MatchingEngine.fit([e], [b], [InteractionRow("B1", "E9", "booth_visit", T0)])
    engine = MatchingEngine.fit([e], [b])  # no behaviour at all: content alone
    assert [r.id for r in engine.rank_exhibitors("B1", k=5)] == ["E1"]


def test_reasons_render_in_the_viewers_language():
    reason = {"code": "hs_match", "hs": "3304", "depth": 4, "sign": 1}
    assert render_reason(reason, language="en") == (
        "sells Beauty, make-up and skin-care preparations (HS 3304) that you source"
    )
    assert "미용·메이크업·기초화장품" in render_reason(reason, language="ko")
    assert (
        render_reason({"code": "targets_market", "country": "JP", "sign": 1}, language="en")
        == "targets Japan"
    )
    assert render_reason({"code": "shared_language", "language": "ja", "sign": 1}, language="en") == (
        "staff speak Japanese"
    )
    assert render_reason(reason, viewer="exhibitor", language="en").startswith("sources ")
