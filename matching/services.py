"""Writes and queries for matching: training and storing a model, marks, recommendations."""

from __future__ import annotations

import hashlib
import io
import json
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import sklearn
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exhibitors.models import Booth
from fair.dataset import Dataset, TestRow
from fair.models import Fair, Participant
from kernel.errors import DomainError
from matching import selectors
from matching.engine import KIND_LEVEL, POSITIVE_LEVEL, MatchingEngine, RoundRules
from matching.evaluation import EngineRanker, evaluate
from matching.models import Mark, MatchingModel
from matching.reasons import BUYER, EXHIBITOR, render_reasons

# --- training ------------------------------------------------------------------------------------------


def holdout_split(exhibitors, buyers, interactions, *, share: float = 0.2, seed: int = 0) -> Dataset:
    """An offline test: for a share of buyers with an outcome, their latest strong pair becomes a test row
    and every interaction of that pair leaves the training rows."""
    latest: dict[str, tuple[datetime, str]] = {}
    for row in interactions:
        strong = KIND_LEVEL[row.kind] >= POSITIVE_LEVEL
        if strong and (row.buyer_id not in latest or row.at >= latest[row.buyer_id][0]):
            latest[row.buyer_id] = (row.at, row.exhibitor_id)
    rng = np.random.default_rng(seed)
    chosen = sorted(latest)
    rng.shuffle(chosen)
    chosen = chosen[: int(round(len(chosen) * share))]
    test = {(b, latest[b][1]) for b in chosen}
    train = [row for row in interactions if (row.buyer_id, row.exhibitor_id) not in test]
    return Dataset(
        exhibitors=list(exhibitors),
        buyers=list(buyers),
        interactions=train,
        test=[TestRow(b, e) for b, e in sorted(test)],
    )


def matching_train(*, fair: Fair, progress: bool = False, seed: int = 0) -> MatchingModel:
    """Fit the fair's model from the database, score it offline, store it as the newest version."""
    exhibitors, buyers, interactions, halls = selectors.fair_rows(fair)
    if not exhibitors:
        raise DomainError("matching.no_exhibitors", _("The fair has no published booths to match."))
    split = holdout_split(exhibitors, buyers, interactions, seed=seed)
    if split.test:
        scores = evaluate(split, EngineRanker(seed=seed), k=10)
        scores["split"] = "latest strong interaction of 20% of buyers held out"
    else:
        scores = {"note": "no meeting requests or meetings yet: nothing to score against"}
    # Marks teach the served model only: the offline scores above come from interactions alone.
    marks = selectors.fair_marks(fair, exhibitors, buyers)
    engine = MatchingEngine.fit(
        exhibitors, buyers, interactions, marks=marks, halls=halls, seed=seed, progress=progress
    )
    buf = io.BytesIO()
    np.savez_compressed(buf, **engine.to_arrays())
    data = buf.getvalue()
    meta = {
        **engine.meta,
        "fair": fair.slug,
        "created_at": datetime.now(UTC).isoformat(),
        "data": {"exhibitors": len(exhibitors), "buyers": len(buyers), "interactions": len(interactions)},
        "metrics": scores,
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    for _attempt in range(3):
        version = (MatchingModel.objects.filter(fair=fair).aggregate(v=Max("version"))["v"] or 0) + 1
        meta["version"] = version
        base = f"matching/{fair.slug}/{version:05d}"
        path = default_storage.save(f"{base}.npz", ContentFile(data))
        default_storage.save(f"{base}.json", ContentFile(json.dumps(meta, indent=2).encode()))
        try:
            with transaction.atomic():
                return MatchingModel.objects.create(
                    fair=fair,
                    version=version,
                    path=path,
                    sha256=meta["sha256"],
                    sklearn_version=sklearn.__version__,
                    metrics=scores,
                    meta=meta,
                )
        except IntegrityError:  # another refit took this version number: try the next one
            default_storage.delete(path)
    raise DomainError("matching.busy", _("Another refit is storing a model; try again."))


# --- marks ------------------------------------------------------------------------------------------------


def mark_set(*, buyer: Participant, booth: Booth, side: str, value: str, user=None) -> Mark:
    """Put (or change) one side's mark on a buyer-booth pair of the same fair."""
    if side not in Mark.Side.values:
        raise DomainError("matching.bad_side", _("A mark is put by the buyer or the exhibitor."))
    if value not in Mark.Value.values:
        raise DomainError("matching.bad_mark", _("Choose must meet, interested or no thanks."))
    if buyer.role != Participant.Role.BUYER or buyer.fair_id != booth.fair_id:
        raise DomainError("matching.not_a_pair", _("Marks link a buyer and a booth of the same fair."))
    mark, _created = Mark.objects.update_or_create(
        buyer=buyer,
        booth=booth,
        side=side,
        defaults={"value": value, "fair_id": booth.fair_id, "marked_by": user},
    )
    return mark


def mark_clear(*, buyer: Participant, booth: Booth, side: str) -> None:
    Mark.objects.filter(buyer=buyer, booth=booth, side=side).delete()


# --- queries ------------------------------------------------------------------------------------------------


def _engine(fair: Fair) -> MatchingEngine:
    engine = selectors.engine_for_fair(fair)
    if engine is None:
        raise DomainError("matching.no_model", _("Recommendations are not ready yet for this fair."))
    return engine


def _present(recs, *, viewer: str, language: str | None) -> list[dict]:
    return [
        {
            "id": int(r.id),
            "score": round(r.score, 4),
            "fit": r.fit,
            "reasons": r.reasons,
            "texts": render_reasons(r.reasons, viewer=viewer, language=language),
        }
        for r in recs
    ]


def why(reasons: list[dict], texts: list[str]) -> list[dict]:
    """Each reason's sign and code next to its sentence, for the pages (in the engine's order)."""
    return [
        {"code": r["code"], "sign": r.get("sign", 0), "text": t} for r, t in zip(reasons, texts, strict=True)
    ]


FIT_LABELS = {
    "strong": gettext_lazy("Strong fit"),
    "good": gettext_lazy("Good fit"),
    "partial": gettext_lazy("Partial fit"),
    "weak": gettext_lazy("Weak fit"),
}
SHOWN_REASONS = 3  # for and against, on a card; the rest on demand


def why_split(reasons: list[dict], texts: list[str]) -> tuple[list[dict], list[dict]]:
    """(shown, more): the strongest ``SHOWN_REASONS`` reasons for and against (the engine orders them
    strongest first), the reasons for before those against; the rest for a "more reasons" list."""
    rows = why(reasons, texts)
    good = [r for r in rows if r["sign"] > 0][:SHOWN_REASONS]
    bad = [r for r in rows if r["sign"] < 0][:SHOWN_REASONS]
    shown = good + bad
    return shown, [r for r in rows if not any(r is x for x in shown)]


def _card(card: dict, r: dict, marks: dict) -> dict:
    shown, more = why_split(r["reasons"], r["texts"])
    return {
        **card,
        **r,
        "fit_label": str(FIT_LABELS.get(r["fit"], "")),
        "why": shown,
        "why_more": more,
        "marks": marks.get(str(r["id"]), {}),
    }


def _filter_rules(
    engine: MatchingEngine, rules: RoundRules | None, hall: str, country: str
) -> RoundRules | None:
    """Only booths in ``hall`` and from ``country`` (either may be empty), on top of a round's rules."""
    if not hall and not country:
        return rules
    rules = rules or RoundRules()
    halls = set(engine.e_hall.tolist()) - {hall} if hall else set()
    countries = set(engine.e_country.tolist()) - {country} if country else set()
    return replace(
        rules,
        exclude_halls=rules.exclude_halls | halls,
        exclude_countries=rules.exclude_countries | countries,
    )


def recommend_exhibitors(
    *,
    buyer: Participant,
    k: int = 20,
    rules: RoundRules | None = None,
    language: str | None = None,
    hall: str = "",
    country: str = "",
) -> list[dict]:
    """Booths for a buyer, with reasons; the buyer's current profile counts without a refit.

    ``hall`` (a hall slug) and ``country`` (the exhibitor's country code) narrow the list.
    """
    row = selectors.buyer_row(buyer)
    if row is None:
        raise DomainError("matching.no_profile", _("Tell us what you source to get recommendations."))
    if hall and not buyer.fair.halls.filter(slug=hall).exists():
        raise DomainError("matching.unknown_hall", _("This fair has no such hall."))
    if country and (len(country) != 2 or not country.isalpha() or not country.isupper()):
        raise DomainError("matching.bad_country", _("Give a country as a two-letter code, such as JP."))
    engine = _engine(buyer.fair)
    rules = _filter_rules(engine, rules, hall, country)
    recs = engine.rank_exhibitors(row, k=k, marks=selectors.marks_for_buyer(buyer), rules=rules)
    return _present(recs, viewer=BUYER, language=language)


def recommend_buyers(
    *, booth: Booth, k: int = 20, rules: RoundRules | None = None, language: str | None = None
) -> list[dict]:
    """Buyers for a booth, with reasons (buyers' profiles as of the last fit)."""
    engine = _engine(booth.fair)
    if str(booth.pk) not in engine.e_pos:
        raise DomainError(
            "matching.booth_not_in_model", _("This booth joins recommendations at the next refit.")
        )
    recs = engine.rank_buyers(str(booth.pk), k=k + 20, marks=selectors.marks_for_booth(booth), rules=rules)
    left_out = selectors.not_to_recommend(booth.fair, [r.id for r in recs])
    recs = [r for r in recs if int(r.id) not in left_out][:k]
    return _present(recs, viewer=EXHIBITOR, language=language)


def promising_markets(*, booth: Booth, hs_code: str, limit: int = 10) -> list[dict]:
    engine = _engine(booth.fair)
    known = str(booth.pk) if str(booth.pk) in engine.e_pos else None
    return engine.markets_for_hs(hs_code, exhibitor_id=known, limit=limit)


def marks_by_pair(marks) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for m in marks:
        out[str(m.booth_id)][m.side] = m.value
    return dict(out)


# --- what the pages and the API show ------------------------------------------------------------------


def exhibitors_for_buyer(
    *, buyer: Participant, k: int = 20, language: str | None = None, hall: str = "", country: str = ""
) -> list[dict]:
    """Recommended booths with what the buyer sees of each, their reasons and the marks on the pair."""
    recs = recommend_exhibitors(buyer=buyer, k=k, language=language, hall=hall, country=country)
    cards = selectors.booth_cards(buyer.fair, [r["id"] for r in recs])
    marks = selectors.marks_for_buyer(buyer)
    return [_card(cards[r["id"]], r, marks) for r in recs if r["id"] in cards]


def buyers_for_booth(*, booth: Booth, k: int = 20, language: str | None = None) -> list[dict]:
    """Recommended buyers with what booth staff may see of them (no contact details), reasons and marks."""
    recs = recommend_buyers(booth=booth, k=k, language=language)
    cards = selectors.buyer_cards(booth.fair, [r["id"] for r in recs])
    marks = selectors.marks_for_booth(booth)
    return [_card(cards[r["id"]], r, marks) for r in recs if r["id"] in cards]


def markets_for_booth(*, booth: Booth, language: str | None = None, limit: int = 5) -> list[dict]:
    """For each product of the booth (one entry per HS code), the most promising markets at this fair."""
    out: list[dict] = []
    seen: set[str] = set()
    for product in booth.products.order_by("position", "pk"):
        code = product.hs_code
        if not code or code in seen:
            continue
        seen.add(code)
        markets = promising_markets(booth=booth, hs_code=code, limit=limit)
        for m in markets:
            m["texts"] = render_reasons(m["reasons"], viewer=EXHIBITOR, language=language)
            m["why"] = why(m["reasons"], m["texts"])
        out.append({"product": product.name, "product_id": product.pk, "hs_code": code, "markets": markets})
    return out
