"""A small hand-built world for engine tests: four product categories, behaviour that follows them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from fair.dataset import BuyerRow, ExhibitorRow, InteractionRow

CATEGORIES = {
    "3304": ("cosmetics", "skin care cream serum mask", ("FDA", "CPNP", "HALAL")),
    "1905": ("snacks", "rice cracker biscuit seaweed snack", ("HALAL", "HACCP", "FDA")),
    "9018": ("medical", "surgical instrument syringe catheter", ("FDA", "CE", "ISO13485")),
    "8518": ("audio", "earphone headphone bluetooth speaker", ("FCC", "CE", "KC")),
}
COUNTRIES = ("US", "JP", "ID", "DE", "VN")
LANGS = ("en", "ja", "id", "de", "vi")
T0 = datetime(2026, 5, 12, 9, 0, tzinfo=UTC)


def build(n_exhibitors=60, n_buyers=300, seed=3, cold_share=0.2):
    rng = np.random.default_rng(seed)
    codes = list(CATEGORIES)
    exhibitors = []
    for i in range(n_exhibitors):
        code = codes[i % len(codes)]
        name, words, certs = CATEGORIES[code]
        sub = code + rng.choice(["10", "90", "99"])
        targets = tuple(rng.choice(COUNTRIES, size=int(rng.integers(0, 3)), replace=False))
        held = tuple(c for c in certs if rng.random() < 0.5)
        langs = ("ko", *rng.choice(LANGS, size=int(rng.integers(1, 3)), replace=False))
        exhibitors.append(
            ExhibitorRow(
                f"E{i:03d}",
                f"{name} maker {i}",
                "KR",
                (sub,),
                targets,
                held,
                langs,
                f"We make {words} for export.",
            )
        )
    buyers = []
    for j in range(n_buyers):
        code = codes[int(rng.integers(0, len(codes)))]
        name, words, certs = CATEGORIES[code]
        country = str(rng.choice(COUNTRIES))
        required = tuple(c for c in certs[:1] if rng.random() < 0.4)
        buyers.append(
            BuyerRow(
                f"B{j:04d}",
                f"buyer {j}",
                country,
                (code,),
                required,
                (LANGS[COUNTRIES.index(country)], "en"),
                f"Importer looking for {words}.",
            )
        )
    # Behaviour: buyers visit and meet exhibitors of their category that fit their market and certs.
    interactions = []
    n_warm = int(n_buyers * (1 - cold_share))
    for b in buyers[:n_warm]:
        fit = []
        for e in exhibitors:
            same = e.hs_codes[0][:4] == b.hs_codes[0]
            market = not e.target_markets or b.country in e.target_markets
            certs = all(c in e.certifications for c in b.required_certifications)
            fit.append(3.0 * same + 1.0 * market + 1.0 * certs + rng.normal(0, 0.5))
        order = np.argsort(fit)[::-1]
        t = T0 + timedelta(minutes=int(rng.integers(0, 600)))
        for rank, idx in enumerate(order[:8]):
            e = exhibitors[idx]
            kinds = ["booth_visit", "product_view"]
            if rank < 4:
                kinds.append("chat")
            if rank < 2:
                kinds += ["meeting_request", "meeting_held"]
            for kind in kinds:
                t += timedelta(minutes=7)
                interactions.append(InteractionRow(b.buyer_id, e.exhibitor_id, kind, t))
        noise = exhibitors[int(rng.integers(0, len(exhibitors)))]
        interactions.append(
            InteractionRow(b.buyer_id, noise.exhibitor_id, "booth_visit", t + timedelta(hours=1))
        )
    return exhibitors, buyers, interactions
