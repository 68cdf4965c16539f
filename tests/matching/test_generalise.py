"""Issue 17: matching that holds on data it has never seen.

- choices are made on a validation split carved out of interactions.csv by time, never on test.csv;
- an exact HS match ranks above same-chapter booths when nothing else differs;
- certification codes outside the built-in list are features like any other;
- the second world law writes a valid, different fair.
"""

import builtins
import io
import json
import os
from dataclasses import replace
from pathlib import Path

import pytest
from django.core.management import call_command

from datasets.generator import generate_world
from fair.dataset import BuyerRow, ExhibitorRow, read_folder
from matching.engine import FEATURES, TIER_GAP, TIER_SCHEMES, MatchingEngine, Params, fit_level


@pytest.fixture(scope="module")
def small_fair(tmp_path_factory):
    folder = tmp_path_factory.mktemp("law2") / "fair"
    call_command(
        "generate_fair",
        str(folder),
        "--exhibitors=60",
        "--buyers=400",
        "--seed=5",
        "--law=2",
        "--no-progress",
    )
    return folder


class _NoTestCsv:
    """Every way Python opens a file fails on test.csv while active: a read during fit fails the test."""

    def __init__(self, monkeypatch):
        self.active, self.reads = False, []
        for owner, name in ((builtins, "open"), (io, "open"), (os, "open")):
            real = getattr(owner, name)
            monkeypatch.setattr(owner, name, self._guard(real))
        for name in ("open", "read_text", "read_bytes"):
            monkeypatch.setattr(Path, name, self._guard(getattr(Path, name)))

    def _guard(self, real):
        def guarded(file, *args, **kwargs):
            if self.active and os.path.basename(os.fspath(file)) == "test.csv":
                self.reads.append(os.fspath(file))
                raise AssertionError("test.csv was opened during training or model selection")
            return real(file, *args, **kwargs)

        return guarded


def test_model_selection_never_reads_test_csv(small_fair, monkeypatch):
    data = read_folder(small_fair)  # profiles and interactions only
    guard = _NoTestCsv(monkeypatch)
    real_fit = MatchingEngine.fit.__func__

    def guarded_fit(cls, *args, **kwargs):
        guard.active = True
        try:
            return real_fit(cls, *args, **kwargs)
        finally:
            guard.active = False

    monkeypatch.setattr(MatchingEngine, "fit", classmethod(guarded_fit))
    engine = MatchingEngine.fit(data.exhibitors, data.buyers, data.interactions, seed=0)
    selection = engine.meta["selection"]
    assert selection["ran"] and selection["validation_buyers"] >= 20 and len(selection["tried"]) >= 5
    # how far the HS levels go is one of the choices: every scheme was measured on the validation split
    assert {t["params"]["tiers"] for t in selection["tried"]} == set(TIER_SCHEMES)
    assert engine.meta["params"] == next(t for t in selection["tried"])["params"] or any(
        t["params"] == engine.meta["params"] for t in selection["tried"]
    )
    # the whole evaluate_matching command, with test.csv read only outside training and selection
    out = io.StringIO()
    call_command("evaluate_matching", str(small_fair), "--json", "-v", "0", stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["buyers"] > 0 and not guard.reads


def test_given_parameters_are_used_as_they_are(small_fair):
    data = read_folder(small_fair)
    fixed = MatchingEngine.fit(
        data.exhibitors, data.buyers, data.interactions, params=Params(n_components=8, C=0.5)
    )
    assert fixed.meta["params"]["n_components"] == 8 and fixed.meta["params"]["C"] == 0.5
    assert not fixed.meta["selection"]["ran"]


def _booth(i, hs_codes, **kw):
    base = dict(
        exhibitor_id=f"E{i}",
        company=f"Booth {i}",
        country="KR",
        hs_codes=hs_codes,
        target_markets=("US",),
        certifications=("FDA", "VEGAN"),
        languages=("ko", "en"),
        description="food maker",
    )
    return ExhibitorRow(**(base | kw))


def test_an_exact_hs_match_ranks_above_same_chapter_booths():
    """A buyer sourcing HS 210690: the one booth selling exactly that code is first; booths of the same
    chapter (21) or of nothing the buyer sources come after, everything else being equal."""
    exhibitors = [
        _booth(1, ("210390",)),
        _booth(2, ("210500",)),
        _booth(3, ("210690",)),
        _booth(4, ("330499",)),
    ]
    exhibitors += [_booth(10 + i, ("950300",)) for i in range(6)]
    buyer = BuyerRow("B1", "Buyer", "US", ("210690",), ("FDA",), ("en",), "food maker")
    others = [BuyerRow(f"B{i}", "Other", "US", ("950300",), (), ("en",), "") for i in range(2, 6)]
    engine = MatchingEngine.fit(exhibitors, [buyer, *others])
    ranked = engine.rank_exhibitors("B1", k=None)
    assert ranked[0].id == "E3" and ranked[0].fit == "strong"
    assert (
        ranked[0].reasons[0]["code"] == "hs_match" and ranked[0].reasons[0]["depth"] == 6
    )  # strongest first
    assert {r.id for r in ranked[1:3]} == {"E1", "E2"}  # the same chapter, then the rest
    assert all(r.fit == "weak" for r in ranked[3:])
    # one stated hard mismatch (a required certification it lacks) is shown and costs one level: the
    # exact match still comes before booths that only share the chapter; two mismatches outweigh it
    e3 = exhibitors[2]
    for changed, first, fit in (
        (replace(e3, certifications=("VEGAN",)), "E3", "good"),
        (replace(e3, certifications=("VEGAN",), target_markets=("JP",)), None, "partial"),
    ):
        engine = MatchingEngine.fit([changed, *exhibitors[:2], *exhibitors[3:]], [buyer, *others])
        ranked = engine.rank_exhibitors("B1", k=None)
        mine = next(r for r in ranked if r.id == "E3")
        assert mine.fit == fit
        assert any(r["code"] == "missing_required_cert" and r["cert"] == "FDA" for r in mine.reasons)
        if first:
            assert ranked[0].id == first
        else:
            assert mine.score < 2 * TIER_GAP  # down to the same-chapter booths' level: the blend decides


@pytest.mark.parametrize("tiers", TIER_SCHEMES)
def test_every_tier_scheme_keeps_an_exact_match_above_the_rest(tiers):
    """Whatever scheme a fair's validation split chooses, the booth selling exactly what the buyer sources
    comes before same-chapter and unrelated booths, even where the fair's behaviour favours those: the
    buyers sourcing the same code all met the other two."""
    from datetime import UTC, datetime, timedelta

    from fair.dataset import InteractionRow

    exact = _booth(1, ("210690",))
    rivals = [_booth(2, ("210390",)), _booth(3, ("330499",))]
    fillers = [_booth(10 + i, (f"{84 + i % 10}0000",)) for i in range(20)]
    buyers = [
        BuyerRow(f"B{i}", "Buyer", "US", ("210690",), ("FDA",), ("en",), "food maker") for i in range(60)
    ]
    start = datetime(2026, 3, 1, tzinfo=UTC)
    rows = [
        InteractionRow(f"B{i}", ex, kind, start + timedelta(hours=i))
        for i in range(1, 60)
        for ex in ("E2", "E3")
        for kind in ("booth_visit", "meeting_request", "meeting_held")
    ]
    engine = MatchingEngine.fit([exact, *rivals, *fillers], buyers, rows, params=Params(tiers=tiers))
    assert engine.meta["params"]["tiers"] == tiers
    ranked = engine.rank_exhibitors("B0", k=None)  # B0 is new: the cold blend ranks for them
    assert ranked[0].id == "E1", [r.id for r in ranked[:3]]
    assert ranked[0].reasons[0]["code"] == "hs_match" and ranked[0].reasons[0]["depth"] == 6


def test_unknown_certification_codes_are_features():
    """A code the list has never heard of still separates booths that hold it from those that do not."""
    holds = _booth(1, ("851679",), certifications=("SCPN", "INMETRO"), target_markets=())
    lacks = replace(holds, exhibitor_id="E2", certifications=("INMETRO",))
    buyer = BuyerRow("B1", "Montevideo Imports", "UY", ("851679",), ("SCPN",), ("es", "en"), "")
    engine = MatchingEngine.fit([holds, lacks], [buyer])
    ranked = engine.rank_exhibitors("B1", k=None)
    assert [r.id for r in ranked] == ["E1", "E2"]
    assert any(r["code"] == "missing_required_cert" and r["cert"] == "SCPN" for r in ranked[1].reasons)
    assert fit_level(engine.buyer_scores("B1")[1][:, 0]) == "strong" and ranked[1].fit == "good"


def test_the_second_world_law_is_another_world():
    one = generate_world(exhibitors=80, buyers=200, seed=2, law=1)
    two = generate_world(exhibitors=80, buyers=200, seed=2, law=2)
    assert len(two.exhibitors) == 80 and len(two.buyers) == 200 and two.interactions and two.test
    mean = lambda rows, f: sum(len(f(r)) for r in rows) / len(rows)  # noqa: E731
    assert mean(two.exhibitors, lambda e: e.hs_codes) > 1.5 * mean(one.exhibitors, lambda e: e.hs_codes)
    from fair.vocab import is_known_certification

    unnamed = {c for e in two.exhibitors for c in e.certifications if not is_known_certification(c)}
    assert len(unnamed) >= 10  # a long tail of schemes the built-in list does not know
    assert not {c for e in one.exhibitors for c in e.certifications if not is_known_certification(c)}
    with pytest.raises(ValueError):
        generate_world(exhibitors=5, buyers=5, seed=1, law=3)


def test_the_certifications_a_market_asks_for_are_learned_from_its_buyers():
    """No built-in rule names Uruguay; three of its four buyers require SCPN, so SCPN is what that
    market asks for: a booth holding it gets the market-certification signal and says so."""
    holds = _booth(1, ("851679",), certifications=("SCPN",), target_markets=())
    lacks = replace(holds, exhibitor_id="E2", certifications=())
    buyers = [BuyerRow(f"B{i}", "Importer", "UY", ("851679",), ("SCPN",), ("es",), "") for i in range(3)]
    newcomer = BuyerRow("B9", "Newcomer", "UY", ("851679",), (), ("es",), "")
    engine = MatchingEngine.fit([holds, lacks], [*buyers, newcomer])
    assert engine.market_cert_codes["UY"] == ["SCPN"]
    ranked = engine.rank_exhibitors("B9", k=None)
    mine = next(r for r in ranked if r.id == "E1")
    assert any(r["code"] == "holds_market_cert" and r["cert"] == "SCPN" for r in mine.reasons)
    x = engine.buyer_scores("B9")[1]
    assert x[FEATURES.index("market_certs"), 0] == 1.0 and x[FEATURES.index("market_certs"), 1] == 0.0
