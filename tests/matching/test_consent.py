"""A buyer who said no to being recommended is absent from a booth's recommended buyers (the page, the
API, the invite list) and from the next fit; saying yes again brings them back."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from kernel import consent
from matching import selectors, services


def test_a_buyer_who_revoked_being_recommended_is_left_out(trained):
    booth, buyer = trained["booths"]["plain"], trained["buyer"]
    ids = [r["id"] for r in services.recommend_buyers(booth=booth, k=10)]
    assert buyer.pk in [int(i) for i in ids]
    consent.consent_set(actor=buyer.user, user=buyer.user, kind=consent.RECOMMEND, granted=False)

    assert buyer.pk not in [int(r["id"]) for r in services.recommend_buyers(booth=booth, k=10)]
    assert buyer.pk not in [c["buyer_id"] for c in services.buyers_for_booth(booth=booth, k=10)]
    staff = Client()
    staff.force_login(trained["staff"].user)
    page = staff.get(reverse("recommended_buyers", args=[trained["fair"].slug, booth.pk]))
    assert page.status_code == 200 and "Acme Imports" not in page.content.decode()  # the invite list
    answer = staff.get(f"/api/recommendations/buyers/?booth={booth.pk}")
    assert answer.status_code == 200 and "Acme Imports" not in answer.content.decode()
    _exhibitors, buyers, _i, _h = selectors.fair_rows(trained["fair"])
    assert str(buyer.pk) not in {b.buyer_id for b in buyers}  # out of the next fit

    consent.consent_set(actor=buyer.user, user=buyer.user, kind=consent.RECOMMEND, granted=True)
    assert buyer.pk in [int(r["id"]) for r in services.recommend_buyers(booth=booth, k=10)]
