"""Marks teach the blend: "no thanks" is an explicit negative, "must meet" / "interested" weaker positives."""

import numpy as np
import pytest

from fair.dataset import BuyerRow
from matching.engine import F, MarkRow, MatchingEngine, MatchingError
from tests.matching.world import build


def _shares_language(buyer, exhibitor) -> bool:
    return bool(set(buyer.languages) & set(exhibitor.languages))


@pytest.fixture(scope="module")
def marked_world():
    """Every buyer says "no thanks" to the booths of its category whose staff speak none of its languages.

    Fitted with the same (default) parameters, with no validation search, so marks are the only difference.
    """
    exhibitors, buyers, interactions = build()
    marks = [
        MarkRow(b.buyer_id, e.exhibitor_id, "buyer", "no_thanks")
        for b in buyers
        for e in exhibitors
        if e.hs_codes[0][:4] == b.hs_codes[0] and not _shares_language(b, e)
    ]
    plain = MatchingEngine.fit(exhibitors, buyers, interactions, seed=0, select=False)
    learned = MatchingEngine.fit(exhibitors, buyers, interactions, marks=marks, seed=0, select=False)
    return exhibitors, buyers, interactions, marks, plain, learned


def test_no_thanks_on_booths_lacking_a_language_ranks_such_booths_lower_for_a_fresh_buyer(marked_world):
    exhibitors, _buyers, _interactions, marks, plain, learned = marked_world
    assert learned.train_info["mark_negatives"] == learned.train_info["mark_pairs"] > 0
    assert learned.meta["marks"] == len(marks) and plain.meta["marks"] == 0
    for name in ("warm", "cold"):
        assert (
            learned.weights[name]["coef"][F["language_shared"]]
            > plain.weights[name]["coef"][F["language_shared"]]
        )
    for country, lang, code in (("DE", "de", "3304"), ("JP", "ja", "3304"), ("VN", "vi", "1905")):
        fresh = BuyerRow("fresh", "fresh", country, (code,), (), (lang, "en"), "Importer.")
        lacking = [
            e.exhibitor_id for e in exhibitors if e.hs_codes[0][:4] == code and not _shares_language(fresh, e)
        ]
        assert lacking

        def mean_rank(engine, fresh=fresh, lacking=lacking):
            ids = [r.id for r in engine.rank_exhibitors(fresh, k=None, reasons=False)]
            return np.mean([ids.index(i) for i in lacking])

        assert mean_rank(learned) > mean_rank(plain) + 1, (country, code)


def test_positive_marks_teach_the_other_way_and_no_marks_change_nothing(marked_world):
    exhibitors, buyers, interactions, marks, plain, _learned = marked_world
    keen = [m._replace(value="must_meet", side="exhibitor") for m in marks]
    liked = MatchingEngine.fit(exhibitors, buyers, interactions, marks=keen, seed=0, select=False)
    assert liked.train_info["mark_negatives"] == 0 and liked.train_info["mark_pairs"] > 0
    assert (
        liked.weights["cold"]["coef"][F["language_shared"]]
        < plain.weights["cold"]["coef"][F["language_shared"]]
    )
    # "no thanks" from either side wins over the other side's "must meet"
    both = MatchingEngine.fit(exhibitors, buyers, interactions, marks=[*marks, *keen], seed=0, select=False)
    assert both.train_info["mark_negatives"] == both.train_info["mark_pairs"]
    again = MatchingEngine.fit(exhibitors, buyers, interactions, marks=[], seed=0, select=False)
    for name in ("warm", "cold"):
        np.testing.assert_array_equal(again.weights[name]["coef"], plain.weights[name]["coef"])


def test_marks_on_unknown_pairs_or_values_are_an_error(marked_world):
    exhibitors, buyers, interactions, *_ = marked_world
    with pytest.raises(MatchingError, match="mark 1"):
        MatchingEngine.fit(
            exhibitors, buyers, interactions, marks=[MarkRow("B9999", "E000", "buyer", "no_thanks")]
        )
    with pytest.raises(MatchingError, match="mark 1"):
        MatchingEngine.fit(
            exhibitors, buyers, interactions, marks=[MarkRow("B0000", "E000", "buyer", "maybe")]
        )
