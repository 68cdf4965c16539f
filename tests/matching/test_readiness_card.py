"""Each recommended buyer's card shows the booth's readiness for that buyer's market: per product, how
much of the market's checklist is met and the price range against the market's buyers."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from playbooks import services
from tests.matching.test_pages import card


def test_the_buyers_card_shows_the_readiness_for_the_buyers_market(client, trained):
    booth = trained["booths"]["plain"]
    services.import_starter_set(fair=booth.fair)
    product = booth.products.first()
    product.price_min, product.price_max = Decimal("2"), Decimal("3")
    product.save()
    client.force_login(trained["staff"].user)
    html = client.get(reverse("recommended_buyers", args=["rec-expo", booth.pk])).content.decode()
    acme = card(html, "Acme Imports")  # a buyer from the United States
    assert 'class="card-readiness"' in acme
    checklist = reverse("readiness", args=["rec-expo", booth.pk, product.pk, "US"])
    assert checklist in acme
    checks = services.checklist(product=product, country="US")
    ready = services.summary(checks)
    assert f"{ready['ready']} of {ready['total']} met or done." in acme
    assert "No buyer of this market has stated a target price for this HS heading yet." in acme
