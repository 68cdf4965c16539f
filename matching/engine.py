"""The matching engine: pure numpy/scipy/scikit-learn, no ORM.

It takes rows (``fair.dataset`` ExhibitorRow / BuyerRow / InteractionRow, or any object
with the same attributes) and answers three questions from one fitted model:
exhibitors for a buyer, buyers for an exhibitor, and markets for an HS code.

A pair (buyer, exhibitor) is described by a small vector of signals, computed for a
whole block of pairs at once with sparse products:

- content: HS codes matched at 6 digits / heading / chapter, the buyer's country
  among the exhibitor's target markets (empty = any), required certifications held
  or missing, certifications the buyer's market commonly requires (the exhibitor's
  side of the match), a shared meeting language, TF-IDF similarity of the texts;
- behaviour: PureSVD on the weighted buyer x exhibitor matrix (stronger interactions
  weigh more), and "segment" affinity: where buyers sourcing the same chapter /
  heading or coming from the same country went; popularity.

Two logistic regressions blend the signals: one for buyers with behaviour, one for
cold-start buyers. They learn from outcomes: the latest strong interaction of some
buyers (or all interactions of others, to mimic a cold start) is held out of the
behaviour matrices and becomes the label, with negatives sampled from exhibitors the
buyer never touched. Marks (``MarkRow``: "must meet", "interested", "no thanks" put by either
side on a pair) are labels too: a "no thanks" is an explicit negative, "must meet" and
"interested" are positives that weigh less than a held-out meeting. Hard mismatches (a missing
required certification, a market the exhibitor does not target) always lower the score and are
reported as reasons.
"""

from __future__ import annotations

import copy
import json
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from fair import hs, vocab
from fair.dataset import INTERACTION_KINDS

FORMAT = "tradefair-matching"
FORMAT_VERSION = 1

# How much each kind of interaction says about interest.
KIND_WEIGHTS = {
    "booth_visit": 1.0,
    "product_view": 1.5,
    "chat": 3.0,
    "rfq_invite": 3.0,  # the buyer asked this booth for a quotation
    "meeting_request": 5.0,
    "quote_accepted": 7.0,  # the buyer chose this booth's quotation
    "meeting_held": 8.0,
    "deal": 12.0,
}
# The steep candidate of the kind-weight search (SEARCH below).
STEEP_KIND_WEIGHTS = {
    "booth_visit": 1.0,
    "product_view": 2.0,
    "chat": 5.0,
    "rfq_invite": 5.0,
    "meeting_request": 10.0,
    "quote_accepted": 15.0,
    "meeting_held": 20.0,
    "deal": 40.0,
}
KIND_LEVEL = {kind: i for i, kind in enumerate(INTERACTION_KINDS)}
POSITIVE_LEVEL = KIND_LEVEL["meeting_request"]  # a pair that got this far is a positive label
MET_LEVEL = KIND_LEVEL["meeting_held"]  # the two sides have met

FEATURES = (
    "hs_exact",
    "hs_heading",
    "hs_chapter",
    "hs_focus",
    "market_listed",
    "market_any",
    "market_excluded",
    "certs_held",
    "certs_missing",
    "market_certs",
    "language_shared",
    "text",
    "collab",
    "segment_chapter",
    "segment_heading",
    "segment_country",
    "popularity",
)
F = {name: i for i, name in enumerate(FEATURES)}
HARD = ("market_excluded", "certs_missing")  # hard mismatches: never a positive weight
HARD_PENALTY = 0.1  # logit units taken off per hard mismatch, on top of the learned (never positive) weight

MARK_MUST_MEET, MARK_INTERESTED, MARK_NO_THANKS = "must_meet", "interested", "no_thanks"
MARKS = (MARK_MUST_MEET, MARK_INTERESTED, MARK_NO_THANKS)
MUST_MEET_BOOST = 20.0 + 400.0  # past every HS level (see TIER_GAP)
INTERESTED_BOOST = 2.0
ALREADY_MET_PENALTY = 6.0 + 400.0
# Marks as training labels for the blend: (label, sample weight). Outcome labels (a held-out meeting
# request or better) and sampled negatives weigh 1; a stated wish to meet says less than a meeting,
# an explicit "no thanks" says more than an exhibitor drawn at random.
MARK_LABELS = {MARK_NO_THANKS: (0, 2.0), MARK_MUST_MEET: (1, 0.6), MARK_INTERESTED: (1, 0.3)}

# Rankings a buyer can trust: booths are ranked first by how closely they sell what the buyer sources
# (an exact 6-digit match, then the same heading, then the same chapter, then the rest), and by the
# learned blend within each level.
# Each stated hard mismatch (a missing required certification, a market the exhibitor does not
# target) costs one such level, so it is the only thing that can put an exact match below the others.
# Marks and "already met" move a booth across levels (they are the people's own word).
TIER_GAP = 100.0
TIER_EXACT, TIER_HEADING, TIER_CHAPTER = 3.0, 2.0, 1.0
# How far the levels go is chosen per fair on the validation split (Params.tiers), among schemes that all
# keep the rule above (an exact match is never below a same-chapter or no-match booth unless a stated hard
# mismatch outweighs it): every level, or only exact matches above the rest; a hard mismatch costing a
# level, or left to the blend (which never gives it a positive weight). See _tier.
TIER_SCHEMES = ("levels", "levels_soft", "exact", "exact_soft")
MARK_SPAN = 4 * TIER_GAP  # enough to move a booth past every level


@dataclass(frozen=True)
class Params:
    """Every choice the engine makes; chosen on a validation split inside :meth:`MatchingEngine.fit`.

    ``kind_weights``: how much each interaction kind (INTERACTION_KINDS order) says about interest;
    ``n_components``: the SVD rank of the behaviour model; ``negatives``: sampled negatives per labelled
    buyer (as many again from the buyer's chapters); ``mark_scale`` multiplies the marks' sample weights
    (no thanks 2.0, must meet 0.6, interested 0.3); ``C``: the blend's inverse regularisation.
    """

    kind_weights: tuple[float, ...] = tuple(KIND_WEIGHTS[k] for k in INTERACTION_KINDS)
    n_components: int = 48
    negatives: int = 24
    mark_scale: float = 1.0
    C: float = 1.0
    tiers: str = "levels"

    def as_dict(self) -> dict:
        return {
            "kind_weights": list(self.kind_weights),
            "n_components": self.n_components,
            "negatives": self.negatives,
            "mark_scale": self.mark_scale,
            "C": self.C,
            "tiers": self.tiers,
        }


# The candidates tried, one choice at a time (coordinate search from the defaults).
SEARCH: tuple[tuple[str, tuple], ...] = (
    (
        "kind_weights",
        (
            tuple(1.0 for _k in INTERACTION_KINDS),  # every kind alike
            tuple(STEEP_KIND_WEIGHTS[k] for k in INTERACTION_KINDS),  # the deeper steps count far more
        ),
    ),
    ("n_components", (16, 96)),
    ("C", (0.1, 10.0)),
    ("negatives", (8, 64)),
    ("mark_scale", (0.3, 3.0)),
)
VALIDATION_SHARE = 0.2
VALIDATION_BUYERS = 400  # buyers whose new meetings score each candidate
VALIDATION_TRAIN_BUYERS = 1500  # labelled buyers per candidate's blend (the final fit uses up to 6,000)
_BEHAVIOUR = (
    "U",
    "C",
    "pop",
    "seg",
    "met",
    "met_c",
    "level",
    "b_has_history",
)  # the latest fifth of the logged time is the validation period


class MarkRow(NamedTuple):
    """One side's mark on a (buyer, exhibitor) pair, as the engine reads it (side: "buyer"/"exhibitor")."""

    buyer_id: str
    exhibitor_id: str
    side: str
    value: str


class MatchingError(ValueError):
    """Input the engine cannot work with (unknown ids, bad kinds, an artifact we did not write)."""


@dataclass(frozen=True)
class RoundRules:
    """An organizer's boosts and exclusions for one matchmaking round.

    Halls apply to exhibitors; countries to the side being ranked (the exhibitor's
    country when ranking exhibitors, the buyer's country when ranking buyers).
    """

    boost_halls: frozenset[str] = frozenset()
    exclude_halls: frozenset[str] = frozenset()
    boost_countries: frozenset[str] = frozenset()
    exclude_countries: frozenset[str] = frozenset()
    boost: float = 2.0


@dataclass
class Recommendation:
    id: str
    score: float
    reasons: list[dict] = field(default_factory=list)  # strongest first (see _explain)
    fit: str = ""  # "strong", "good", "partial" or "weak" (fit_level)


def one_blas_thread():
    """Ranking one buyer is a few small matrix products: a pool of BLAS threads only adds hand-offs, and
    on a busy machine waits (large fair, 2 shared cores: rank CPU p99 15.5 ms with OpenBLAS's threads,
    1.1 ms without). The BLAS thread count is process-wide, so a process that serves rankings sets it
    once (config/asgi.py) and an offline ranking loop holds it for its duration (matching.evaluation);
    fitting keeps every thread. Returns threadpoolctl's limiter (a context manager, or a setting kept
    for the life of the process when not used as one)."""
    return threadpool_limits(limits=1, user_api="blas")


# --- encoding helpers ---------------------------------------------------------------------------------


def _split_hs(codes: Iterable[str]) -> tuple[set[str], set[str], set[str]]:
    chapters, headings, subs = set(), set(), set()
    for code in codes:
        chapters.add(code[:2])
        if len(code) >= 4:
            headings.add(code[:4])
        if len(code) == 6:
            subs.add(code)
    return chapters, headings, subs


def _index(values: Iterable[str]) -> dict[str, int]:
    return {v: i for i, v in enumerate(sorted(set(values)))}


def _onehot(lists: Sequence[Iterable[str]], index: Mapping[str, int]) -> sp.csr_matrix:
    indptr, indices = [0], []
    for items in lists:
        cols = sorted({index[v] for v in items if v in index})
        indices.extend(cols)
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float32)
    return sp.csr_matrix(
        (data, np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int64)),
        shape=(len(lists), len(index)),
    )


def _hs_text(codes: Iterable[str]) -> str:
    return " ".join(hs.hs_label(c, "en") for c in codes)


@dataclass
class _Side:
    """The encoded profiles of a set of buyers or exhibitors (rows)."""

    ch: sp.csr_matrix
    hd: sp.csr_matrix
    sub: sp.csr_matrix
    cert: sp.csr_matrix
    lang: sp.csr_matrix
    text: sp.csr_matrix
    country: sp.csr_matrix  # one-hot: the buyer's country / the exhibitor's target markets


_SIDE_FIELDS = ("ch", "hd", "sub", "cert", "lang", "text", "country")


class _Text:
    """TF-IDF with sublinear tf, rebuilt from a vocabulary and idf weights (no pickle)."""

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray):
        self.vocabulary, self.idf = vocabulary, idf.astype(np.float32)
        self._counter = CountVectorizer(vocabulary=vocabulary, dtype=np.float32)

    @classmethod
    def fit(cls, texts: Sequence[str]) -> _Text:
        vec = TfidfVectorizer(sublinear_tf=True, min_df=2, max_df=0.5, max_features=50_000, dtype=np.float32)
        try:
            vec.fit(texts)
        except ValueError:  # too few documents or words: no text signal
            return cls({}, np.zeros(0, dtype=np.float32))
        return cls({k: int(v) for k, v in vec.vocabulary_.items()}, vec.idf_)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        if not self.vocabulary:
            return sp.csr_matrix((len(texts), 1), dtype=np.float32)
        counts = self._counter.transform(texts).tocsr().astype(np.float32)
        counts.data = 1.0 + np.log(counts.data)
        return normalize(counts @ sp.diags(self.idf), copy=False).tocsr()

    def terms(self) -> np.ndarray:
        inv = np.empty(len(self.vocabulary), dtype=object)
        for term, i in self.vocabulary.items():
            inv[i] = term
        return inv


# --- the engine ---------------------------------------------------------------------------------------


class MatchingEngine:
    """Fit with :meth:`fit`; then :meth:`rank_exhibitors`, :meth:`rank_buyers`, :meth:`markets_for_hs`."""

    tiers = "levels"  # the tier scheme (see _tier), chosen in fit

    # ----- fitting -----

    @classmethod
    def fit(
        cls,
        exhibitors: Sequence,
        buyers: Sequence,
        interactions: Sequence = (),
        *,
        marks: Sequence = (),
        halls: Mapping[str, str] | None = None,
        seed: int = 0,
        max_train_buyers: int = 6000,
        params: Params | None = None,
        select: bool = True,
        progress: bool = False,
    ) -> MatchingEngine:
        """Fit on profiles, interactions and marks (never on held-out test rows: they are not an input).

        Unless ``params`` is given (or ``select`` is False), every choice in :class:`Params` is made
        first on a validation split carved out of ``interactions`` by time (see :meth:`_select`).
        """
        started = time.perf_counter()
        self = cls()
        self._set_profiles(exhibitors, buyers, halls or {})
        arrays = self._interaction_arrays(interactions)
        mark_rows = self._mark_rows(marks)
        chosen, selection = params or Params(), {"ran": False}
        if params is None and select:
            chosen, selection = self._select(arrays, mark_rows, seed, progress)
        self._fit_model(arrays, mark_rows, chosen, seed, max_train_buyers, progress)
        self.params = chosen
        self.meta = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "sklearn": sklearn.__version__,
            "exhibitors": len(self.exhibitor_ids),
            "buyers": len(self.buyer_ids),
            "interactions": len(interactions),
            "marks": len(marks),
            "pairs": self.train_info.pop("pairs"),
            "train": self.train_info,
            "params": chosen.as_dict(),
            "selection": selection,
            "fit_seconds": round(time.perf_counter() - started, 3),
        }
        return self

    def _fit_model(self, arrays, mark_rows, params: Params, seed: int, max_train_buyers: int, progress: bool):
        """Behaviour and blend for one set of parameters, on the interactions in ``arrays``."""
        rng = np.random.default_rng(seed)
        self.tiers = params.tiers  # used by scoring only: no refit depends on it
        pair_b, pair_e, pair_w, pair_level, pair_last = self._aggregate(arrays, params.kind_weights)
        nb, ne = len(self.buyer_ids), len(self.exhibitor_ids)

        # Labels: hold out the latest strong pair of some buyers (warm) and everything of others (cold).
        positive = pair_level >= POSITIVE_LEVEL
        cand = np.unique(pair_b[positive])
        rng.shuffle(cand)
        cand = cand[:max_train_buyers]
        n_cold = len(cand) // 3
        cold_b, warm_b = cand[:n_cold], cand[n_cold:]
        held = np.zeros(len(pair_b), dtype=bool)
        is_cold = np.zeros(nb, dtype=bool)
        is_cold[cold_b] = True
        held |= is_cold[pair_b]
        label_pairs: list[tuple[int, int]] = [
            (b, e) for b, e in zip(pair_b[held & positive], pair_e[held & positive], strict=False)
        ]
        if len(warm_b):
            in_warm = np.isin(pair_b, warm_b) & positive
            idx = np.flatnonzero(in_warm)
            # latest positive per warm buyer: sort by (buyer, time) and take the last of each buyer
            order = idx[np.lexsort((pair_last[idx], pair_b[idx]))]
            last_of_buyer = order[np.r_[pair_b[order][1:] != pair_b[order][:-1], True]]
            held[last_of_buyer] = True
            label_pairs.extend(zip(pair_b[last_of_buyer], pair_e[last_of_buyer], strict=False))
        keep = ~held
        # Marks on pairs that are not already outcome labels (an outcome says more than a mark).
        marked = self._mark_labels(mark_rows, {(int(b), int(e)) for b, e in label_pairs}, params.mark_scale)
        self.train_info = {
            "label_pairs": len(label_pairs),
            "cold_buyers": int(len(cold_b)),
            "warm_buyers": int(len(warm_b)),
            "mark_pairs": sum(len(v) for v in marked.values()),
            "mark_negatives": sum(y == 0 for v in marked.values() for _e, y, _w in v),
            "pairs": len(pair_b),
        }

        # The validation search refits with only C changed: reuse the training rows and the behaviour.
        key = replace(params, C=1.0, tiers="levels")
        cache = getattr(self, "_cache", None)
        if cache is not None and cache.get("key") == key:
            training, behaviour = cache["training"], cache["behaviour"]
        else:
            training = None
            if label_pairs or marked:
                kept = (pair_b[keep], pair_e[keep], pair_w[keep], pair_level[keep])
                self._fit_behaviour(*kept, nb, ne, seed, params)
                training = self._training_pairs(
                    label_pairs, pair_b, pair_e, rng, params.negatives, progress, marked
                )
            # Serve from behaviour fitted on everything we know.
            self._fit_behaviour(pair_b, pair_e, pair_w, pair_level, nb, ne, seed, params)
            behaviour = {name: getattr(self, name) for name in _BEHAVIOUR}
            if cache is not None:
                cache.update(key=key, training=training, behaviour=behaviour)
        for name, value in behaviour.items():
            setattr(self, name, value)
        if training is not None:
            X, y, w, cold = training
            fitted = {}
            for name, mask in (("warm", ~cold), ("cold", cold)):
                if len(np.unique(y[mask])) == 2:
                    # Without marks every row weighs 1: fit exactly as before, with no sample weights.
                    fitted[name] = self._fit_blend(X[mask], y[mask], w[mask] if marked else None, C=params.C)
            default = next(iter(fitted.values()), None) or self._default_weights()
            self.weights = {"warm": fitted.get("warm", default), "cold": fitted.get("cold", default)}
        else:
            self.weights = {"warm": self._default_weights(), "cold": self._default_weights()}

    def _select(self, arrays, mark_rows, seed: int, progress: bool) -> tuple[Params, dict]:
        """Choose :class:`Params` on a validation split carved out of the interactions by time.

        The latest ``VALIDATION_SHARE`` of the logged period (up to twice that on a small fair) is
        held out: a pair that first reached a meeting request there, with nothing logged before, is a
        validation positive (what test.csv holds for a fair: meetings yet to come with booths not yet
        visited). A third of the validation buyers also lose their earlier history, so cold-start
        ranking is validated too. Each candidate is fitted on the earlier interactions only and scored
        by ndcg@10 (mean of warm and cold buyers); choices are made one at a time from the defaults
        (coordinate search). Large fairs are validated on a sample of buyers, so the search stays
        within the fit budget.
        """
        b, e, lvl, t = arrays
        rng = np.random.default_rng(seed + 1)
        info: dict = {"ran": False}
        if len(t) < 200:
            info["skipped"] = "too few interactions to validate on"
            return Params(), info
        ne = len(self.exhibitor_ids)
        key = b * ne + e
        for share in (VALIDATION_SHARE, 1.5 * VALIDATION_SHARE, 2 * VALIDATION_SHARE):
            # a small fair gets a longer validation period, so that enough new meetings fall in it
            cutoff = float(np.quantile(t, 1.0 - share))
            early = t < cutoff
            seen_early = np.unique(key[early])
            late_pos = ~early & (lvl >= POSITIVE_LEVEL) & ~np.isin(key, seen_early)
            val_keys = np.unique(key[late_pos])
            val_buyers = np.unique(val_keys // ne)
            if len(val_buyers) >= 30:
                break
        if len(val_buyers) < 20:
            info["skipped"] = "too few new meetings in the validation period"
            return Params(), info
        rng.shuffle(val_buyers)
        val_buyers = np.sort(val_buyers[:VALIDATION_BUYERS])
        cold = val_buyers[rng.random(len(val_buyers)) < 1 / 3]
        relevant: dict[int, set[int]] = {}
        for k in val_keys:
            bb = int(k // ne)
            relevant.setdefault(bb, set()).add(int(k % ne))
        train = early & ~np.isin(b, cold)
        # Large fairs: fit the candidates on the validation buyers and a sample of the others.
        nb = len(self.buyer_ids)
        if nb > 8_000:
            others = np.setdiff1d(np.unique(b[train]), val_buyers)
            rng.shuffle(others)
            train &= np.isin(b, np.concatenate([val_buyers, others[:6_000]]))
        train_arrays = (b[train], e[train], lvl[train], t[train])
        touched = sp.csr_matrix(
            (np.ones(int(train.sum()), dtype=np.int8), (b[train], e[train])), shape=(nb, ne)
        ).tocsr()
        probe = copy.copy(self)
        probe._cache = {}
        cold_set = {int(x) for x in cold}

        def measure() -> float:
            """Validation ndcg@10 of the probe as fitted (mean of warm and cold buyers)."""
            warm_s, cold_s = [], []
            for bb in val_buyers:
                bb = int(bb)
                scores, _X, _b = probe.buyer_scores(self.buyer_ids[bb])
                scores = scores.astype(np.float64)
                scores[touched.indices[touched.indptr[bb] : touched.indptr[bb + 1]]] = -np.inf
                top = _top(scores, 10)
                gain = _ndcg(top, relevant[bb], 10)
                (cold_s if bb in cold_set else warm_s).append(gain)
            parts = [np.mean(x) for x in (warm_s, cold_s) if x]
            return float(np.mean(parts))

        def score(params: Params) -> float:
            probe._fit_model(train_arrays, mark_rows, params, seed, VALIDATION_TRAIN_BUYERS, False)
            return measure()

        def note(name, value, cand, s, best_score):
            tried.append({"params": cand.as_dict(), "ndcg": round(s, 5)})
            if progress:
                print(f"validation: {name}={value} ndcg@10 {s:.4f} (best {best_score:.4f})", file=sys.stderr)

        best = Params()
        best_score = score(best)
        tried = [{"params": best.as_dict(), "ndcg": round(best_score, 5)}]
        # The tier scheme first: it only changes scoring, so each scheme is measured on the same fit.
        for scheme in TIER_SCHEMES:
            if scheme == best.tiers:
                continue
            probe.tiers = scheme
            s = measure()
            note("tiers", scheme, replace(best, tiers=scheme), s, best_score)
            if s > best_score + 1e-4:
                best, best_score = replace(best, tiers=scheme), s
        for name, values in SEARCH:
            if name == "mark_scale" and not mark_rows:
                continue
            for value in values:
                if name == "n_components" and value >= min(ne, nb):
                    continue
                cand = replace(best, **{name: value})
                s = score(cand)
                note(name, value, cand, s, best_score)
                if s > best_score + 1e-4:
                    best, best_score = cand, s
        info.update(
            ran=True,
            cutoff=cutoff,
            validation_share=share,
            validation_buyers=int(len(val_buyers)),
            validation_cold_buyers=int(len(cold)),
            validation_pairs=int(sum(len(relevant[int(x)]) for x in val_buyers)),
            best_ndcg=round(best_score, 5),
            tried=tried,
        )
        return best, info

    def _set_profiles(self, exhibitors, buyers, halls):
        self.exhibitor_ids = [e.exhibitor_id for e in exhibitors]
        self.buyer_ids = [b.buyer_id for b in buyers]
        for name, ids in (("exhibitor", self.exhibitor_ids), ("buyer", self.buyer_ids)):
            if len(set(ids)) != len(ids):
                raise MatchingError(f"duplicate {name} ids")
        if not self.exhibitor_ids:
            raise MatchingError("no exhibitors to match")
        self.e_pos = {x: i for i, x in enumerate(self.exhibitor_ids)}
        self.b_pos = {x: i for i, x in enumerate(self.buyer_ids)}
        # Raw profiles, kept for explanations and live queries.
        self.e_rows = [
            {
                "hs": list(e.hs_codes),
                "targets": list(e.target_markets),
                "certs": list(e.certifications),
                "langs": list(e.languages),
                "country": e.country,
                "hall": halls.get(e.exhibitor_id, ""),
            }
            for e in exhibitors
        ]
        self.b_rows = [
            {
                "hs": list(b.hs_codes),
                "certs": list(b.required_certifications),
                "langs": list(b.languages),
                "country": b.country,
            }
            for b in buyers
        ]
        e_split = [_split_hs(r["hs"]) for r in self.e_rows]
        b_split = [_split_hs(r["hs"]) for r in self.b_rows]
        self.idx = {
            "ch": _index(c for s in e_split + b_split for c in s[0]),
            "hd": _index(c for s in e_split + b_split for c in s[1]),
            "sub": _index(c for s in e_split for c in s[2]),
            "cert": _index(c for r in self.e_rows + self.b_rows for c in r["certs"]),
            "lang": _index(c for r in self.e_rows + self.b_rows for c in r["langs"]),
            "country": _index(
                [r["country"] for r in self.b_rows]
                + [c for r in self.e_rows for c in r["targets"]]
                + [r["country"] for r in self.e_rows]
            ),
        }
        e_texts = [f"{e.description} {_hs_text(e.hs_codes)}" for e in exhibitors]
        b_texts = [f"{b.description} {_hs_text(b.hs_codes)}" for b in buyers]
        self.text = _Text.fit(e_texts + b_texts)
        self.E = self._encode(self.e_rows, e_split, e_texts, exhibitor=True)
        self.B = self._encode(self.b_rows, b_split, b_texts, exhibitor=False)
        self._prepare_exhibitor_side()

    def _encode(self, rows, split, texts, *, exhibitor: bool) -> _Side:
        ix = self.idx
        return _Side(
            ch=_onehot([s[0] for s in split], ix["ch"]),
            hd=_onehot([s[1] for s in split], ix["hd"]),
            sub=_onehot([s[2] for s in split], ix["sub"]),
            cert=_onehot([r["certs"] for r in rows], ix["cert"]),
            lang=_onehot([r["langs"] for r in rows], ix["lang"]),
            text=self.text.transform(texts),
            country=_onehot([r["targets"] if exhibitor else [r["country"]] for r in rows], ix["country"]),
        )

    def _prepare_exhibitor_side(self):
        """Transposed exhibitor matrices and per-exhibitor constants, so one buyer ranks in a few products."""
        E, ix = self.E, self.idx
        self.ET = {
            name: getattr(E, name).T.tocsr()
            for name in ("ch", "hd", "sub", "cert", "lang", "text", "country")
        }
        self.e_n_ch = np.maximum(np.asarray(E.ch.sum(axis=1)).ravel(), 1).astype(np.float32)
        self.e_any_target = np.asarray(E.country.sum(axis=1)).ravel() == 0
        self.e_has_lang = np.asarray(E.lang.sum(axis=1)).ravel() > 0
        # The exhibitor side: the share it holds of the certifications market c commonly requires,
        # from the built-in table and from the data (what the buyers of that market ask for).
        countries = list(ix["country"])
        self.market_cert_codes = self._market_certifications()
        market = _onehot([self.market_cert_codes.get(c, ()) for c in countries], ix["cert"])
        need = np.asarray(market.sum(axis=1)).ravel()
        held = (market @ self.ET["cert"]).toarray()
        self.market_certs = np.where(need[:, None] > 0, held / np.maximum(need, 1)[:, None], 0).astype(
            np.float32
        )
        self.e_country = np.array([r["country"] for r in self.e_rows], dtype=object)
        self.e_hall = np.array([r["hall"] for r in self.e_rows], dtype=object)

    def _interaction_arrays(self, interactions):
        """(buyer row, exhibitor row, kind level, unix time) of every interaction."""
        n = len(interactions)
        b = np.empty(n, dtype=np.int64)
        e = np.empty(n, dtype=np.int64)
        lvl = np.empty(n, dtype=np.int8)
        t = np.empty(n, dtype=np.float64)
        b_pos, e_pos = self.b_pos, self.e_pos
        for i, row in enumerate(interactions):
            try:
                b[i], e[i], lvl[i] = b_pos[row.buyer_id], e_pos[row.exhibitor_id], KIND_LEVEL[row.kind]
            except KeyError as exc:
                raise MatchingError(f"interaction {i + 1}: unknown buyer, exhibitor or kind {exc}") from None
            t[i] = row.at.timestamp()
        return b, e, lvl, t

    def _market_certifications(self) -> dict[str, list[str]]:
        """Country -> certifications its buyers commonly require: the built-in table, and any code (known
        or not) that at least a quarter of the market's buyers require, when it has three or more."""
        asked: dict[str, dict[str, int]] = {}
        buyers: dict[str, int] = {}
        for r in self.b_rows:
            buyers[r["country"]] = buyers.get(r["country"], 0) + 1
            for c in r["certs"]:
                asked.setdefault(r["country"], {}).setdefault(c, 0)
                asked[r["country"]][c] += 1
        out = {}
        for country in self.idx["country"]:
            codes = dict.fromkeys(vocab.certifications_for_market(country))
            n = buyers.get(country, 0)
            if n >= 3:
                codes.update(
                    dict.fromkeys(c for c, k in sorted(asked.get(country, {}).items()) if k >= 0.25 * n)
                )
            out[country] = list(codes)
        return out

    def _aggregate(self, arrays, kind_weights):
        b, e, lvl, t = arrays
        ne = len(self.exhibitor_ids)
        weights = np.asarray(kind_weights, dtype=np.float64)
        key = b * ne + e
        uniq, inv = np.unique(key, return_inverse=True)
        w = np.bincount(inv, weights=weights[lvl], minlength=len(uniq))
        level = np.full(len(uniq), -1, dtype=np.int8)
        np.maximum.at(level, inv, lvl)
        last = np.full(len(uniq), -np.inf)
        np.maximum.at(last, inv, t)
        return uniq // ne, uniq % ne, np.log1p(w).astype(np.float32), level, last

    def _mark_rows(self, marks) -> list[tuple[int, int, str]]:
        out = []
        for i, row in enumerate(marks):
            b, e = self.b_pos.get(row.buyer_id), self.e_pos.get(row.exhibitor_id)
            if b is None or e is None or row.value not in MARK_LABELS:
                raise MatchingError(f"mark {i + 1}: unknown buyer, exhibitor or mark")
            out.append((b, e, row.value))
        return out

    def _mark_labels(
        self, mark_rows, skip: set[tuple[int, int]], scale: float = 1.0
    ) -> dict[int, list[tuple[int, int, float]]]:
        """Marks as labelled pairs: buyer row -> [(exhibitor row, label, weight)].

        A "no thanks" from either side makes the pair a negative (as it removes the pair when
        ranking); otherwise the strongest positive mark of the two sides counts.
        """
        by_pair: dict[tuple[int, int], set[str]] = {}
        for b, e, value in mark_rows:
            by_pair.setdefault((b, e), set()).add(value)
        out: dict[int, list[tuple[int, int, float]]] = {}
        for (b, e), values in sorted(by_pair.items()):
            if (b, e) in skip:
                continue
            if MARK_NO_THANKS in values:
                label, weight = MARK_LABELS[MARK_NO_THANKS]
            else:
                label, weight = max(MARK_LABELS[v] for v in values)
            out.setdefault(b, []).append((e, label, weight * scale))
        return out

    def _fit_behaviour(self, pb, pe, pw, plevel, nb, ne, seed, params: Params):
        W = sp.csr_matrix((pw, (pb, pe)), shape=(nb, ne), dtype=np.float32)
        self.b_has_history = np.asarray(W.getnnz(axis=1)).ravel() > 0
        k = min(params.n_components, ne - 1, max(nb - 1, 1))
        if W.nnz and k >= 2:
            svd = TruncatedSVD(n_components=k, algorithm="randomized", n_iter=5, random_state=seed)
            svd.fit(normalize(W))
            self.C = svd.components_.astype(np.float32)  # k x ne
            self.U = normalize(normalize(W) @ self.C.T).astype(np.float32)  # nb x k
        else:
            self.C = np.zeros((1, ne), dtype=np.float32)
            self.U = np.zeros((nb, 1), dtype=np.float32)
        col = np.asarray(W.sum(axis=0)).ravel()
        self.pop = (np.log1p(col) / max(np.log1p(col).max(), 1e-9)).astype(np.float32)

        def lift(S: sp.csr_matrix) -> np.ndarray:
            M = np.asarray((S.T @ W).todense(), dtype=np.float32)  # groups x ne
            M /= np.maximum(M.sum(axis=1, keepdims=True), 1e-9)
            return np.log1p(M * ne).astype(np.float32)

        self.seg = {"ch": lift(self.B.ch), "hd": lift(self.B.hd), "country": lift(self.B.country)}
        met = plevel >= MET_LEVEL
        self.met = sp.csr_matrix(
            (np.ones(met.sum(), dtype=np.float32), (pb[met], pe[met])), shape=(nb, ne), dtype=np.float32
        )
        self.met_c = self.met.tocsc()
        self.level = sp.csr_matrix(((plevel + 1).astype(np.float32), (pb, pe)), shape=(nb, ne))

    # ----- pair features -----

    def _features(self, Bq: _Side, U: np.ndarray, cols: np.ndarray | None = None) -> np.ndarray:
        """Signals for every (buyer row of Bq) x (exhibitor, or the exhibitors in cols): (F, nb, ne)."""
        ET = self.ET if cols is None else {k: v[:, cols] for k, v in self.ET.items()}

        def sel(a):
            return a if cols is None else a[..., cols]

        nb = Bq.ch.shape[0]
        ne = ET["ch"].shape[1]
        X = np.zeros((len(FEATURES), nb, ne), dtype=np.float32)
        X[F["hs_chapter"]] = (Bq.ch @ ET["ch"]).toarray() > 0
        ch_count = (Bq.ch @ ET["ch"]).toarray()
        X[F["hs_heading"]] = (Bq.hd @ ET["hd"]).toarray() > 0
        X[F["hs_exact"]] = (Bq.sub @ ET["sub"]).toarray() > 0
        X[F["hs_focus"]] = ch_count / sel(self.e_n_ch)[None, :]
        listed = (Bq.country @ ET["country"]).toarray() > 0
        any_target = sel(self.e_any_target)[None, :]
        X[F["market_listed"]] = listed
        X[F["market_any"]] = np.broadcast_to(any_target, (nb, ne))
        X[F["market_excluded"]] = ~listed & ~any_target
        need = np.asarray(Bq.cert.sum(axis=1)).ravel()[:, None]
        held = (Bq.cert @ ET["cert"]).toarray()
        X[F["certs_held"]] = np.where(need > 0, held / np.maximum(need, 1), 0)
        X[F["certs_missing"]] = held < need
        X[F["market_certs"]] = Bq.country @ sel(self.market_certs)
        X[F["language_shared"]] = (Bq.lang @ ET["lang"]).toarray() > 0
        X[F["text"]] = (Bq.text @ ET["text"]).toarray()
        X[F["collab"]] = U @ sel(self.C)
        ch_norm = normalize(Bq.ch, norm="l1")
        X[F["segment_chapter"]] = ch_norm @ sel(self.seg["ch"])
        X[F["segment_heading"]] = normalize(Bq.hd, norm="l1") @ sel(self.seg["hd"])
        X[F["segment_country"]] = Bq.country @ sel(self.seg["country"])
        X[F["popularity"]] = sel(self.pop)[None, :]
        return X

    def _training_pairs(self, label_pairs, pair_b, pair_e, rng, negatives, progress, marked=None):
        """Rows for the blend (X, y, sample weight, cold): outcome labels, sampled negatives, marks."""
        nb_total = len(self.buyer_ids)
        ne = len(self.exhibitor_ids)
        marked = marked or {}
        by_buyer: dict[int, list[int]] = {}
        for b, e in label_pairs:
            by_buyer.setdefault(int(b), []).append(int(e))
        touched = sp.csr_matrix((np.ones(len(pair_b), dtype=np.int8), (pair_b, pair_e)), shape=(nb_total, ne))
        buyers = np.array(sorted(set(by_buyer) | set(marked)), dtype=np.int64)
        Xs, ys, ws, colds = [], [], [], []
        block = max(1, min(256, 2_000_000 // max(ne, 1)))
        blocks = range(0, len(buyers), block)
        if progress:
            from tqdm import tqdm

            blocks = tqdm(blocks, desc="training pairs", unit="block", file=__import__("sys").stderr)
        for start in blocks:
            bs = buyers[start : start + block]
            X = self._features(self._take_buyers(bs), self.U[bs])
            rows, cols, labels, weights = [], [], [], []
            for r, b in enumerate(bs):
                b = int(b)
                mine = marked.get(b, [])
                if (
                    b in by_buyer
                ):  # outcome labels, and negatives sampled among pairs nobody touched or marked
                    pos = by_buyer[b]
                    seen = set(touched.indices[touched.indptr[b] : touched.indptr[b + 1]].tolist())
                    seen.update(e for e, _y, _w in mine)
                    rand = rng.integers(0, ne, size=negatives)
                    same = np.flatnonzero(X[F["hs_chapter"], r] > 0)
                    hard = (
                        rng.choice(same, size=min(negatives, len(same)), replace=False) if len(same) else []
                    )
                    neg = [int(e) for e in (*rand, *hard) if int(e) not in seen]
                    rows.extend([r] * (len(pos) + len(neg)))
                    cols.extend(pos + neg)
                    labels.extend([1] * len(pos) + [0] * len(neg))
                    weights.extend([1.0] * (len(pos) + len(neg)))
                for e, label, weight in mine:
                    rows.append(r)
                    cols.append(e)
                    labels.append(label)
                    weights.append(weight)
            rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
            Xs.append(X[:, rows, cols].T)
            ys.append(np.asarray(labels, dtype=np.int8))
            ws.append(np.asarray(weights, dtype=np.float64))
            colds.append(~self.b_has_history[bs][rows])
        return np.vstack(Xs), np.concatenate(ys), np.concatenate(ws), np.concatenate(colds)

    def _fit_blend(
        self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None, *, C: float = 1.0
    ) -> dict:
        mean, scale = X.mean(axis=0), X.std(axis=0)
        scale[scale < 1e-6] = 1.0
        lr = LogisticRegression(C=C, max_iter=500, class_weight="balanced")
        lr.fit((X - mean) / scale, y, sample_weight=sample_weight)
        coef = lr.coef_.ravel() / scale
        intercept = float(lr.intercept_[0] - (coef * mean).sum())
        for name in HARD:  # a hard mismatch never helps
            coef[F[name]] = min(coef[F[name]], 0.0)
        return {"coef": coef.astype(np.float32), "intercept": intercept}

    @staticmethod
    def _default_weights() -> dict:
        """Before any outcome is known: a sensible hand-set blend of the content signals."""
        coef = np.zeros(len(FEATURES), dtype=np.float32)
        for name, w in {
            "hs_exact": 1.5,
            "hs_heading": 1.5,
            "hs_chapter": 1.0,
            "hs_focus": 0.5,
            "market_listed": 0.5,
            "certs_held": 0.5,
            "market_certs": 0.3,
            "language_shared": 0.5,
            "text": 2.0,
            "segment_chapter": 0.3,
            "segment_heading": 0.3,
            "popularity": 0.2,
            "collab": 1.0,
        }.items():
            coef[F[name]] = w
        return {"coef": coef, "intercept": -3.0}

    # ----- queries -----

    def _take_buyers(self, rows: np.ndarray) -> _Side:
        B = self.B
        return _Side(*(getattr(B, n)[rows] for n in ("ch", "hd", "sub", "cert", "lang", "text", "country")))

    def encode_buyer(self, buyer) -> _Side:
        """A buyer's current profile (a BuyerRow-like object), encoded with the fitted vocabularies."""
        row = {
            "hs": list(buyer.hs_codes),
            "certs": list(buyer.required_certifications),
            "langs": list(buyer.languages),
            "country": buyer.country,
        }
        text = f"{getattr(buyer, 'description', '')} {_hs_text(buyer.hs_codes)}"
        return self._encode([row], [_split_hs(row["hs"])], [text], exhibitor=False)

    def _score(self, X: np.ndarray, warm: np.ndarray) -> np.ndarray:
        """Blend (F, nb, ne) signals into scores (nb, ne)."""
        out = np.empty(X.shape[1:], dtype=np.float32)
        for name, mask in (("warm", warm), ("cold", ~warm)):
            if mask.any():
                w = self.weights[name]
                out[mask] = np.tensordot(w["coef"], X[:, mask, :], axes=1) + w["intercept"]
        hard = X[F["market_excluded"]] + X[F["certs_missing"]]
        out -= HARD_PENALTY * hard
        out += TIER_GAP * _tier(X, self.tiers)
        return out

    def _buyer_side(self, buyer) -> tuple[_Side, int | None]:
        if isinstance(buyer, str):
            b = self.b_pos.get(buyer)
            if b is None:
                raise MatchingError(f"unknown buyer {buyer!r}")
            return self._row_side(self.B, b), b
        return self.encode_buyer(buyer), self.b_pos.get(buyer.buyer_id)

    @staticmethod
    def _row_side(side: _Side, i: int) -> _Side:
        """Row i of a side, sliced by hand (scipy's fancy indexing costs more than the ranking)."""

        def row(m):
            s, e = m.indptr[i], m.indptr[i + 1]
            return sp.csr_matrix((m.data[s:e], m.indices[s:e], np.array([0, e - s])), shape=(1, m.shape[1]))

        return _Side(*(row(getattr(side, n)) for n in _SIDE_FIELDS))

    def _gather(self, name: str, m: sp.csr_matrix) -> np.ndarray:
        """(one-row sparse m) @ ET[name], as a dense vector over exhibitors, with plain numpy."""
        ET = self.ET[name]
        out = np.zeros(ET.shape[1], dtype=np.float32)
        for j, v in zip(m.indices, m.data, strict=True):
            s, e = ET.indptr[j], ET.indptr[j + 1]
            out[ET.indices[s:e]] += v * ET.data[s:e]
        return out

    def _features_one(self, q: _Side, u: np.ndarray | None) -> np.ndarray:
        """The same signals as :meth:`_features` for one buyer against every exhibitor: (F, ne), fast."""
        ne = len(self.exhibitor_ids)
        X = np.zeros((len(FEATURES), ne), dtype=np.float32)
        ch_count = self._gather("ch", q.ch)
        X[F["hs_chapter"]] = ch_count > 0
        X[F["hs_heading"]] = self._gather("hd", q.hd) > 0
        X[F["hs_exact"]] = self._gather("sub", q.sub) > 0
        X[F["hs_focus"]] = ch_count / self.e_n_ch
        listed = self._gather("country", q.country) > 0
        X[F["market_listed"]] = listed
        X[F["market_any"]] = self.e_any_target
        X[F["market_excluded"]] = ~listed & ~self.e_any_target
        need = q.cert.nnz
        if need:
            held = self._gather("cert", q.cert)
            X[F["certs_held"]] = held / need
            X[F["certs_missing"]] = held < need
        for c in q.country.indices:
            X[F["market_certs"]] += self.market_certs[c]
            X[F["segment_country"]] += self.seg["country"][c]
        X[F["language_shared"]] = self._gather("lang", q.lang) > 0
        X[F["text"]] = self._gather("text", q.text)
        if u is not None:
            X[F["collab"]] = u @ self.C
        if q.ch.nnz:
            X[F["segment_chapter"]] = self.seg["ch"][q.ch.indices].mean(axis=0)
        if q.hd.nnz:
            X[F["segment_heading"]] = self.seg["hd"][q.hd.indices].mean(axis=0)
        X[F["popularity"]] = self.pop
        return X

    def buyer_scores(self, buyer) -> tuple[np.ndarray, np.ndarray, int | None]:
        """Scores of every exhibitor for a buyer: (scores, signals (F, ne), buyer row or None).

        ``buyer`` is a buyer id known to the model, or a BuyerRow-like object with its current
        profile (content signals come from that profile; behaviour from the model, by its id).
        """
        return self._scores_of(*self._buyer_side(buyer))

    def _scores_of(self, q: _Side, b: int | None) -> tuple[np.ndarray, np.ndarray, int | None]:
        warm = b is not None and bool(self.b_has_history[b])
        X = self._features_one(q, self.U[b] if warm else None)
        w = self.weights["warm" if warm else "cold"]
        scores = w["coef"] @ X + w["intercept"]
        scores -= HARD_PENALTY * (X[F["market_excluded"]] + X[F["certs_missing"]])
        scores += TIER_GAP * _tier(X, self.tiers)
        return scores, X, b

    def rank_exhibitors(
        self,
        buyer,
        *,
        k: int | None = 20,
        exclude: Iterable[str] = (),
        marks: Mapping[str, Mapping[str, str]] | None = None,
        rules: RoundRules | None = None,
        reasons: bool = True,
    ) -> list[Recommendation]:
        """Exhibitors for a buyer, best first.

        ``marks`` maps exhibitor id -> {"buyer": mark, "exhibitor": mark} (either key optional).
        """
        Bq, _b = self._buyer_side(buyer)  # encoded once: scoring and reasons share it
        scores, X, b = self._scores_of(Bq, _b)
        scores = scores.astype(np.float64)
        met = self._met_row(b)
        self._apply_marks(scores, met, marks or {}, self.e_pos)
        if rules:
            self._apply_rules(scores, self.e_hall, self.e_country, rules, halls=True)
        for ex in exclude:
            i = self.e_pos.get(ex)
            if i is not None:
                scores[i] = -np.inf
        top = _top(scores, k)
        if not reasons:
            return [
                Recommendation(self.exhibitor_ids[i], float(scores[i]), fit=fit_level(X[:, i])) for i in top
            ]
        Bq, _b = self._buyer_side(buyer)
        brow = self._buyer_row(buyer, b)
        # Which buyers share a chapter with this one: one product for the whole list of reasons.
        shares = (self.B.ch @ Bq.ch.T).toarray().ravel() > 0 if Bq.ch.nnz else None
        terms: list = []  # the text vocabulary, built once when a reason needs it
        out = []
        for i in top:
            rec = Recommendation(self.exhibitor_ids[i], float(scores[i]), fit=fit_level(X[:, i]))
            rec.reasons = self._explain(
                brow,
                b,
                Bq,
                i,
                X[:, i],
                met,
                (marks or {}).get(self.exhibitor_ids[i]),
                shares=shares,
                terms=terms,
            )
            out.append(rec)
        return out

    def rank_buyers(
        self,
        exhibitor_id: str,
        *,
        k: int | None = 20,
        exclude: Iterable[str] = (),
        marks: Mapping[str, Mapping[str, str]] | None = None,
        rules: RoundRules | None = None,
        reasons: bool = True,
    ) -> list[Recommendation]:
        """Buyers for an exhibitor, best first (profiles as of the last fit).

        ``marks`` maps buyer id -> {"buyer": mark, "exhibitor": mark}.
        """
        e = self.e_pos.get(exhibitor_id)
        if e is None:
            raise MatchingError(f"unknown exhibitor {exhibitor_id!r}")
        nb = len(self.buyer_ids)
        if nb == 0:
            return []
        cols = np.array([e])
        scores = np.empty(nb, dtype=np.float64)
        Xall = np.empty((len(FEATURES), nb), dtype=np.float32)
        block = 20_000
        for start in range(0, nb, block):
            rows = np.arange(start, min(nb, start + block))
            X = self._features(self._take_buyers(rows), self.U[rows] * self.b_has_history[rows, None], cols)
            scores[rows] = self._score(X, self.b_has_history[rows])[:, 0]
            Xall[:, rows] = X[:, :, 0]
        met = np.zeros(nb, dtype=bool)
        met[self.met_c.indices[self.met_c.indptr[e] : self.met_c.indptr[e + 1]]] = True
        self._apply_marks(scores, met, marks or {}, self.b_pos)
        if rules:
            countries = np.array([r["country"] for r in self.b_rows], dtype=object)
            self._apply_rules(scores, None, countries, rules, halls=False)
        for bid in exclude:
            i = self.b_pos.get(bid)
            if i is not None:
                scores[i] = -np.inf
        out = []
        for i in _top(scores, k):
            rec = Recommendation(self.buyer_ids[i], float(scores[i]), fit=fit_level(Xall[:, i]))
            if reasons:
                rec.reasons = self._explain(
                    self.b_rows[i],
                    i,
                    self._take_buyers(np.array([i])),
                    e,
                    Xall[:, i],
                    met=self._met_row(i),
                    marks=(marks or {}).get(self.buyer_ids[i]),
                )
            out.append(rec)
        return out

    def markets_for_hs(self, code: str, *, exhibitor_id: str | None = None, limit: int = 10) -> list[dict]:
        """The most promising buyer markets at this fair for a product, from the demand buyers show.

        Stated demand: buyers whose sourcing profile matches the code (by HS depth). Shown
        demand: the weighted interactions those buyers' countries had with exhibitors selling
        the same heading. With ``exhibitor_id``, certifications a market requires that the
        exhibitor lacks are reported, and markets it does not target are marked.
        """
        code = hs.validate_hs_code(code)
        n = len(self.b_rows)
        if n == 0:
            return []
        depth = np.array([max((hs.hs_match_depth(code, c) for c in r["hs"]), default=0) for r in self.b_rows])
        countries = np.array([r["country"] for r in self.b_rows], dtype=object)
        sellers = np.array(
            [any(hs.hs_match_depth(code, c) >= min(4, len(code)) for c in r["hs"]) for r in self.e_rows]
        )
        shown = np.asarray(self.level[:, sellers].sum(axis=1)).ravel() if sellers.any() else np.zeros(n)
        met = np.asarray((self.met[:, sellers] if sellers.any() else self.met[:, :0]).sum(axis=1)).ravel()
        erow = self.e_rows[self.e_pos[exhibitor_id]] if exhibitor_id is not None else None
        out = []
        for country in sorted(set(countries[depth > 0])):
            m = (countries == country) & (depth > 0)
            buyers = int(m.sum())
            exact = int(((countries == country) & (depth >= min(4, len(code)))).sum())
            score = float(exact + 0.5 * (buyers - exact) + 0.2 * np.log1p(shown[m]).sum() + met[m].sum())
            entry = {
                "country": country,
                "buyers": buyers,
                "buyers_exact": exact,
                "buyers_met_sellers": int((met[m] > 0).sum()),
                "score": round(score, 3),
                "reasons": [],
            }
            entry["reasons"].append(
                {"code": "market_demand", "country": country, "buyers": buyers, "sign": 1}
            )
            if erow is not None:
                asked: dict[str, int] = {}
                for r in np.asarray(self.b_rows, dtype=object)[m]:
                    for c in r["certs"]:
                        asked[c] = asked.get(c, 0) + 1
                required = {c for c, n in asked.items() if n >= max(1, 0.25 * buyers)}
                for cert in sorted(required):
                    held = cert in erow["certs"]
                    entry["reasons"].append(
                        {
                            "code": "holds_required_cert" if held else "missing_market_cert",
                            "cert": cert,
                            "country": country,
                            "sign": 1 if held else -1,
                        }
                    )
                    if not held:
                        entry["score"] = round(entry["score"] * 0.7, 3)
                if erow["targets"] and country not in erow["targets"]:
                    entry["reasons"].append({"code": "not_targeted_yet", "country": country, "sign": 0})
            out.append(entry)
        out.sort(key=lambda x: (-x["score"], x["country"]))
        return out[:limit]

    # ----- rules -----

    def _met_row(self, b: int | None) -> np.ndarray:
        ne = len(self.exhibitor_ids)
        if b is None:
            return np.zeros(ne, dtype=bool)
        out = np.zeros(ne, dtype=bool)
        out[self.met.indices[self.met.indptr[b] : self.met.indptr[b + 1]]] = True
        return out

    @staticmethod
    def _apply_marks(scores: np.ndarray, met: np.ndarray, marks: Mapping, pos: Mapping[str, int]) -> None:
        """No thanks from either side removes; must meet lifts; a pair that met sinks unless asked again."""
        scores[met] -= ALREADY_MET_PENALTY
        for other_id, by_side in marks.items():
            i = pos.get(other_id)
            if i is None:
                continue
            values = set(by_side.values())
            bad = values - set(MARKS)
            if bad:
                raise MatchingError(f"unknown mark {sorted(bad)[0]!r}")
            if MARK_NO_THANKS in values:
                scores[i] = -np.inf
                continue
            if MARK_MUST_MEET in values:
                scores[i] += MUST_MEET_BOOST + (ALREADY_MET_PENALTY if met[i] else 0.0)
            elif MARK_INTERESTED in values:
                scores[i] += INTERESTED_BOOST

    @staticmethod
    def _apply_rules(scores, hall, country, rules: RoundRules, *, halls: bool) -> None:
        if halls and hall is not None:
            if rules.exclude_halls:
                scores[np.isin(hall, list(rules.exclude_halls))] = -np.inf
            if rules.boost_halls:
                scores[np.isin(hall, list(rules.boost_halls))] += rules.boost
        if rules.exclude_countries:
            scores[np.isin(country, list(rules.exclude_countries))] = -np.inf
        if rules.boost_countries:
            scores[np.isin(country, list(rules.boost_countries))] += rules.boost

    # ----- reasons -----

    def _buyer_row(self, buyer, b):
        if isinstance(buyer, str):
            return self.b_rows[b]
        return {
            "hs": list(buyer.hs_codes),
            "certs": list(buyer.required_certifications),
            "langs": list(buyer.languages),
            "country": buyer.country,
        }

    def _explain(
        self, brow, b, Bq: _Side, e: int, x: np.ndarray, met, marks, *, shares=None, terms=None
    ) -> list[dict]:
        """Structured reasons for one pair, strongest first: ordered by how much each moved this pair's
        rank (logit units of the blend; an HS level and a hard mismatch count as what they cost in the
        ranking), so a card can show the three strongest for and against."""
        warm = b is not None and bool(self.b_has_history[b])
        coef = np.asarray(self.weights["warm" if warm else "cold"]["coef"], dtype=np.float64)
        out = self._reasons(brow, b, Bq, e, x, met, marks, shares=shares, terms=terms)
        n_certs = max(len(brow["certs"]), 1)

        def weight(r: dict) -> float:
            code = r["code"]
            if code == "hs_match":
                levels = {6: TIER_EXACT, 4: TIER_HEADING, 2: TIER_CHAPTER}
                if not self.tiers.startswith("levels"):
                    levels = {6: 1.0}
                level = levels.get(r["depth"], 0.0)
                return TIER_GAP * level + abs(coef[F["hs_chapter"]]) + abs(coef[F["hs_heading"]])
            if code in ("not_target_market", "missing_required_cert"):
                if self.tiers.endswith("_soft"):  # left to the blend: what it costs there
                    name = "market_excluded" if code == "not_target_market" else "certs_missing"
                    return abs(coef[F[name]]) + HARD_PENALTY
                return TIER_GAP
            table = {
                "targets_market": coef[F["market_listed"]],
                "holds_required_cert": coef[F["certs_held"]] / n_certs,
                "holds_market_cert": coef[F["market_certs"]] * x[F["market_certs"]],
                "shared_language": coef[F["language_shared"]],
                "no_shared_language": coef[F["language_shared"]],
                "description_match": coef[F["text"]] * x[F["text"]],
                "similar_buyers_met": coef[F["segment_chapter"]] * x[F["segment_chapter"]]
                + coef[F["collab"]] * x[F["collab"]],
            }
            if code in table:
                return abs(float(table[code]))
            return MARK_SPAN  # marks and "already met": the people's own word

        strength = [float(weight(r)) for r in out]
        order = sorted(range(len(out)), key=lambda i: -strength[i])  # stable: ties keep their order
        return [out[i] for i in order]

    def _reasons(
        self, brow, b, Bq: _Side, e: int, x: np.ndarray, met, marks, *, shares=None, terms=None
    ) -> list[dict]:
        """Structured reasons for one pair, each true to the profiles and the recorded behaviour."""
        erow = self.e_rows[e]
        out: list[dict] = []
        best = max(
            ((hs.hs_match_depth(bc, ec), ec, bc) for bc in brow["hs"] for ec in erow["hs"]), default=None
        )
        if best and best[0] > 0:
            depth, ec, _bc = best
            out.append({"code": "hs_match", "hs": ec[:depth], "depth": depth, "sign": 1})
        country = brow["country"]
        if erow["targets"]:
            if country in erow["targets"]:
                out.append({"code": "targets_market", "country": country, "sign": 1})
            else:
                out.append({"code": "not_target_market", "country": country, "sign": -1})
        for cert in brow["certs"]:
            if cert in erow["certs"]:
                out.append({"code": "holds_required_cert", "cert": cert, "sign": 1})
            else:
                out.append({"code": "missing_required_cert", "cert": cert, "sign": -1})
        for cert in self.market_cert_codes.get(country, ()):
            if cert in erow["certs"] and cert not in brow["certs"]:
                out.append({"code": "holds_market_cert", "cert": cert, "country": country, "sign": 1})
        shared = [lang for lang in brow["langs"] if lang in erow["langs"]]
        if shared:
            out.append({"code": "shared_language", "language": shared[0], "sign": 1})
        elif brow["langs"] and erow["langs"]:
            out.append({"code": "no_shared_language", "sign": -1})
        if x[F["text"]] >= 0.15 and Bq.text.nnz:
            # The words both texts weigh most: the element-wise product of two sparse rows, by hand.
            E = self.E.text
            lo, hi = E.indptr[e], E.indptr[e + 1]
            common, qa, ea = np.intersect1d(
                Bq.text.indices, E.indices[lo:hi], assume_unique=True, return_indices=True
            )
            weight = Bq.text.data[qa] * E.data[lo:hi][ea]
            keep = weight != 0
            if keep.any():
                common, weight = common[keep], weight[keep]
                if terms is None:
                    terms = []
                if not terms:
                    terms.append(self.text.terms())
                words = terms[0][common[np.argsort(-weight)[:3]]]
                out.append({"code": "description_match", "terms": [str(t) for t in words], "sign": 1})
        count = self._similar_buyers_met(Bq, b, e, shares=shares)
        if count:
            out.append({"code": "similar_buyers_met", "count": count, "sign": 1})
        if met is not None and met[e]:
            out.append({"code": "already_met", "sign": -1})
        for side, mark in (marks or {}).items():
            out.append(
                {"code": "marked", "by": side, "mark": mark, "sign": 1 if mark != MARK_NO_THANKS else -1}
            )
        return out

    def _similar_buyers_met(self, Bq: _Side, b: int | None, e: int, *, shares=None) -> int:
        """How many other buyers sourcing a chapter this buyer sources have met exhibitor e.

        ``shares``: for every buyer, whether it shares a chapter with this one (computed once per
        list of reasons by the caller)."""
        who = self.met_c.indices[self.met_c.indptr[e] : self.met_c.indptr[e + 1]]
        who = who[who != b] if b is not None else who
        if not len(who) or not Bq.ch.nnz:
            return 0
        if shares is not None:
            return int(shares[who].sum())
        return int(((self.B.ch[who] @ Bq.ch.T).toarray().ravel() > 0).sum())

    # ----- persistence (numpy arrays + JSON, no pickle) -----

    def to_arrays(self) -> dict[str, np.ndarray]:
        arrays: dict[str, np.ndarray] = {}

        def put_sparse(name, m):
            m = m.tocsr()
            arrays[f"{name}.data"], arrays[f"{name}.indices"], arrays[f"{name}.indptr"] = (
                m.data,
                m.indices,
                m.indptr,
            )
            arrays[f"{name}.shape"] = np.asarray(m.shape, dtype=np.int64)

        for side_name, side in (("E", self.E), ("B", self.B)):
            for n in ("ch", "hd", "sub", "cert", "lang", "text", "country"):
                put_sparse(f"{side_name}.{n}", getattr(side, n))
        put_sparse("met", self.met)
        put_sparse("level", self.level)
        arrays["U"], arrays["C"], arrays["pop"] = self.U, self.C, self.pop
        arrays["b_has_history"] = self.b_has_history
        for n, m in self.seg.items():
            arrays[f"seg.{n}"] = m
        for n, w in self.weights.items():
            arrays[f"w.{n}.coef"] = np.asarray(w["coef"], dtype=np.float32)
            arrays[f"w.{n}.intercept"] = np.asarray([w["intercept"]], dtype=np.float64)
        arrays["text.idf"] = self.text.idf
        state = {
            "meta": self.meta,
            "exhibitor_ids": self.exhibitor_ids,
            "buyer_ids": self.buyer_ids,
            "e_rows": self.e_rows,
            "b_rows": self.b_rows,
            "idx": self.idx,
            "text_vocabulary": self.text.vocabulary,
            "features": list(FEATURES),
        }
        arrays["state.json"] = np.frombuffer(json.dumps(state).encode(), dtype=np.uint8)
        return arrays

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> MatchingEngine:
        try:
            state = json.loads(bytes(arrays["state.json"]).decode())
        except (KeyError, ValueError) as exc:
            raise MatchingError("not a matching model written by Tradefair") from exc
        meta = state.get("meta", {})
        if meta.get("format") != FORMAT or meta.get("format_version") != FORMAT_VERSION:
            raise MatchingError("not a matching model written by this version of Tradefair")
        if state.get("features") != list(FEATURES):
            raise MatchingError("the model was fitted with other signals; refit it")
        self = cls()
        self.meta = meta
        self.tiers = meta.get("params", {}).get("tiers", "levels")
        self.exhibitor_ids, self.buyer_ids = state["exhibitor_ids"], state["buyer_ids"]
        self.e_rows, self.b_rows, self.idx = state["e_rows"], state["b_rows"], state["idx"]
        self.e_pos = {x: i for i, x in enumerate(self.exhibitor_ids)}
        self.b_pos = {x: i for i, x in enumerate(self.buyer_ids)}
        self.text = _Text(state["text_vocabulary"], arrays["text.idf"])

        def get_sparse(name):
            shape = tuple(int(s) for s in arrays[f"{name}.shape"])
            return sp.csr_matrix(
                (arrays[f"{name}.data"], arrays[f"{name}.indices"], arrays[f"{name}.indptr"]), shape=shape
            )

        names = ("ch", "hd", "sub", "cert", "lang", "text", "country")
        self.E = _Side(*(get_sparse(f"E.{n}") for n in names))
        self.B = _Side(*(get_sparse(f"B.{n}") for n in names))
        self.met = get_sparse("met")
        self.met_c = self.met.tocsc()
        self.level = get_sparse("level")
        self.U, self.C, self.pop = arrays["U"], arrays["C"], arrays["pop"]
        self.b_has_history = arrays["b_has_history"].astype(bool)
        self.seg = {n: arrays[f"seg.{n}"] for n in ("ch", "hd", "country")}
        self.weights = {
            n: {"coef": arrays[f"w.{n}.coef"], "intercept": float(arrays[f"w.{n}.intercept"][0])}
            for n in ("warm", "cold")
        }
        self._prepare_exhibitor_side()
        return self


def _tier(X: np.ndarray, scheme: str = "levels") -> np.ndarray:
    """The HS level of each pair under a tier scheme (TIER_SCHEMES): "levels" ranks exact 3, same heading
    2, same chapter 1, else 0; "exact" only an exact match (1) above the rest. The plain schemes take
    one level off per hard mismatch; the "_soft" ones leave hard mismatches to the blend."""
    if scheme.startswith("levels"):
        level = np.maximum(TIER_EXACT * X[F["hs_exact"]], TIER_HEADING * X[F["hs_heading"]])
        level = np.maximum(level, TIER_CHAPTER * X[F["hs_chapter"]])
    else:
        level = X[F["hs_exact"]].astype(np.float32)
    if scheme.endswith("_soft"):
        return level
    return np.maximum(level - X[F["market_excluded"]] - X[F["certs_missing"]], 0.0)


def fit_level(x: np.ndarray) -> str:
    """How well a pair fits, in words a person reads on a card, from its signals (F,).

    "strong": sells exactly (or the heading of) what the buyer sources, no hard mismatch;
    "good": the same product with one hard mismatch, or the same chapter with none;
    "partial": some HS overlap with mismatches; "weak": no HS overlap.
    """
    hard = float(x[F["market_excluded"]] + x[F["certs_missing"]])
    if x[F["hs_exact"]] or x[F["hs_heading"]]:
        return "strong" if hard == 0 else "good" if hard == 1 else "partial"
    if x[F["hs_chapter"]]:
        return "good" if hard == 0 else "partial"
    return "weak"


def _ndcg(top: np.ndarray, relevant: set[int], k: int) -> float:
    gain = sum(1.0 / np.log2(i + 2) for i, x in enumerate(top[:k]) if int(x) in relevant)
    ideal = sum(1.0 / np.log2(i + 2) for i in range(min(k, len(relevant))))
    return gain / ideal if ideal else 0.0


def _top(scores: np.ndarray, k: int | None) -> np.ndarray:
    valid = np.flatnonzero(np.isfinite(scores))
    if k is None or k >= len(valid):
        return valid[np.argsort(-scores[valid], kind="stable")]
    part = valid[np.argpartition(-scores[valid], k - 1)[:k]]
    return part[np.argsort(-scores[part], kind="stable")]
