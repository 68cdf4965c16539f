"""A small fair for the recommendation pages and API: cosmetics and snacks, a US buyer who requires FDA."""

from __future__ import annotations

import pytest

from matching import selectors, services
from tests import factories


@pytest.fixture
def rec_world(db, settings, tmp_path):
    """Booths that differ in one thing each, so every reason on the page can be checked against the data."""
    settings.MEDIA_ROOT = tmp_path / "media"
    selectors.clear_cache()
    f = factories.fair(slug="rec-expo")
    beauty = factories.hall(f, name="Beauty", chapters=("33",), slug="beauty")
    food = factories.hall(f, name="Food", chapters=("19",), slug="food")

    def booth(name, code, *, hall, certs=(), country="KR", targets=(), languages=("en",), product="cream"):
        company = factories.company(
            name=name, country=country, certifications=list(certs), languages=list(languages)
        )
        b = factories.booth(f, hall=hall, hs_codes=(code,), company_obj=company, target_markets=list(targets))
        factories.product(b, name=product, hs_code=code + "99")
        return b

    booths = {
        "glow": booth("Glow Cosmetics", "3304", hall=beauty, certs=("FDA",), targets=("US",)),
        "plain": booth("Plain Cosmetics", "3304", hall=beauty, targets=("US",)),
        "tokyo": booth("Tokyo Beauty", "3304", hall=beauty, certs=("FDA",), country="JP", languages=("ja",)),
        "snack": booth("Seaweed Snacks", "1905", hall=food, certs=("FDA", "HALAL"), product="seaweed chips"),
    }
    buyer = factories.buyer(f, country="US", hs_codes=("3304",), certs=("FDA",), languages=("en",))
    buyer.company.name = "Acme Imports"
    buyer.company.website = "https://acme.example"
    buyer.company.save()
    others = [
        factories.buyer(f, country=c, hs_codes=(code,), languages=("en",))
        for c, code in (("JP", "3304"), ("ID", "1905"), ("US", "3304"), ("VN", "1905"))
    ]
    staff = factories.staff(booths["plain"])
    glow_staff = factories.staff(booths["glow"])
    return {
        "fair": f,
        "halls": {"beauty": beauty, "food": food},
        "booths": booths,
        "buyer": buyer,
        "others": others,
        "staff": staff,
        "glow_staff": glow_staff,
    }


@pytest.fixture
def trained(rec_world):
    """rec_world with a fitted model, as the organizer's train_matching (or the worker) leaves it."""
    rec_world["model"] = services.matching_train(fair=rec_world["fair"])
    return rec_world
