"""Which booths to propose for a sourcing request, with reasons.

A request is a buyer profile of its own: its HS code, required certifications and destination country,
the buyer's meeting languages, its product and specification as text. The fair's matching engine
scores it against every published booth with the same pair scoring as the buyer's recommendations
(behaviour comes from the buyer's own history in the model); without a trained model yet, a content
match (HS code, certifications, target market) ranks the booths with the same kinds of reasons.
"""

from __future__ import annotations

from collections import defaultdict

from exhibitors.models import Booth, Product
from fair import hs, vocab
from fair.dataset import BuyerRow
from fair.models import SourcingProfile
from matching import selectors as matching_selectors


def rfq_row(rfq) -> BuyerRow:
    """The request as the engine reads a buyer."""
    buyer = rfq.buyer
    try:
        languages = tuple(buyer.sourcing.languages or buyer.languages)
    except SourcingProfile.DoesNotExist:
        languages = tuple(buyer.languages)
    return BuyerRow(
        buyer_id=str(buyer.pk),
        company=buyer.company.name if buyer.company else "",
        country=str(rfq.destination_country),
        hs_codes=(rfq.hs_code,),
        required_certifications=tuple(rfq.certifications),
        languages=languages,
        description=f"{rfq.product} {rfq.description}".strip(),
    )


def rank_booths(rfq, *, k: int = 10) -> list[dict]:
    """The top ``k`` booths for the request: [{"booth_id", "score", "reasons"}], best first."""
    engine = matching_selectors.engine_for_fair(rfq.fair)
    if engine is not None:
        ranked = rank_with_engine(engine, rfq_row(rfq), k=k)
        return [{"booth_id": int(r["id"]), "score": r["score"], "reasons": r["reasons"]} for r in ranked]
    return _rank_by_content(rfq, k=k)


def rank_with_engine(engine, row: BuyerRow, *, k: int) -> list[dict]:
    recs = engine.rank_exhibitors(row, k=k, reasons=True)
    return [{"id": r.id, "score": round(float(r.score), 4), "reasons": r.reasons} for r in recs]


def _rank_by_content(rfq, *, k: int) -> list[dict]:
    row = rfq_row(rfq)
    booths = list(
        Booth.objects.filter(fair_id=rfq.fair_id, status=Booth.Status.PUBLISHED).select_related("company")
    )
    codes: dict[int, set[str]] = defaultdict(set)
    for booth_id, code in (
        Product.objects.filter(booth__in=booths).exclude(hs_code="").values_list("booth_id", "hs_code")
    ):
        codes[booth_id].add(code)
    market_certs = vocab.certifications_for_market(row.country)
    out = []
    for booth in booths:
        mine = set(booth.hs_codes) | codes[booth.pk]
        best = max(((hs.hs_match_depth(rfq.hs_code, c), c) for c in mine), default=(0, ""))
        if best[0] == 0:
            continue
        depth, code = best
        reasons = [{"code": "hs_match", "hs": code[:depth], "depth": depth, "sign": 1}]
        score = float(depth)
        if booth.target_markets:
            if row.country in booth.target_markets:
                reasons.append({"code": "targets_market", "country": row.country, "sign": 1})
                score += 1
            else:
                reasons.append({"code": "not_target_market", "country": row.country, "sign": -1})
                score -= 2
        held = set(booth.company.certifications)
        for cert in row.required_certifications:
            if cert in held:
                reasons.append({"code": "holds_required_cert", "cert": cert, "sign": 1})
                score += 1
            else:
                reasons.append({"code": "missing_required_cert", "cert": cert, "sign": -1})
                score -= 3
        for cert in market_certs:
            if cert in held and cert not in row.required_certifications:
                reasons.append({"code": "holds_market_cert", "cert": cert, "country": row.country, "sign": 1})
                score += 0.5
        shared = [lang for lang in row.languages if lang in booth.company.languages]
        if shared:
            reasons.append({"code": "shared_language", "language": shared[0], "sign": 1})
            score += 0.5
        out.append({"booth_id": booth.pk, "score": round(score, 4), "reasons": reasons})
    out.sort(key=lambda r: (-r["score"], r["booth_id"]))
    return out[:k]
