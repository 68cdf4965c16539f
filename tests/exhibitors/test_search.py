"""Search across a fair: words (full-text on PostgreSQL, substring on SQLite), HS prefix, country, market,
certification, meeting language; pagination; results in the viewer's language; drafts never found."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from exhibitors import builder
from exhibitors.search import SearchFilters, booth_search
from tests import factories

pytestmark = pytest.mark.django_db


def names(qs):
    return [b.company.name for b in qs]


@pytest.fixture
def fair(small_fair):
    f = small_fair["fair"]
    vn = factories.booth(
        f,
        company_obj=factories.company(
            name="Hanoi Halal Foods", country="VN", certifications=["HALAL"], languages=["vi", "en"]
        ),
        hs_codes=("2106",),
        target_markets=["ID", "MY"],
    )
    factories.product(vn, name="Instant pho broth", hs_code="210690")
    builder.booth_update(
        user=small_fair["staff"].user,
        booth=small_fair["booths"]["cosmetics"],
        texts={"tagline_en": "Gentle skin care", "tagline_ko": "순한 스킨케어"},
    )
    factories.product(small_fair["booths"]["draft"], name="Secret serum", hs_code="330499")
    return f


@pytest.mark.parametrize(
    "filters,expected",
    [
        (SearchFilters(q="snail"), ["Seoul Glow Co."]),
        (SearchFilters(q="pho broth"), ["Hanoi Halal Foods"]),
        (SearchFilters(q="gentle"), ["Seoul Glow Co."]),
        (SearchFilters(q="스킨케어"), ["Seoul Glow Co."]),
        (SearchFilters(q="serum"), []),  # only in a draft booth
        (SearchFilters(hs="33"), ["Seoul Glow Co."]),
        (SearchFilters(hs="3304"), ["Seoul Glow Co."]),
        (SearchFilters(hs="190590"), ["Busan Snacks"]),
        (SearchFilters(hs="21"), ["Hanoi Halal Foods"]),
        (SearchFilters(country="VN"), ["Hanoi Halal Foods"]),
        (SearchFilters(market="JP"), ["Busan Snacks", "Seoul Glow Co."]),  # no markets = any market
        (SearchFilters(market="ID"), ["Busan Snacks", "Hanoi Halal Foods"]),
        (SearchFilters(certification="HALAL"), ["Hanoi Halal Foods"]),
        (SearchFilters(language="vi"), ["Hanoi Halal Foods"]),
        (SearchFilters(q="broth", country="KR"), []),
    ],
)
def test_each_filter(fair, filters, expected):
    assert names(booth_search(fair=fair, filters=filters)) == expected


def test_search_page_paginates_and_keeps_the_query(client, fair):
    for i in range(14):
        factories.booth(fair, company_obj=factories.company(name=f"Tea House {i:02d}"), hs_codes=("0902",))
    url = reverse("fair_search", args=["demo-expo"])
    first = client.get(url, {"hs": "09"}).content.decode()
    assert "14 booths found" in first and "Page 1 of 2" in first and "hs=09&amp;page=2" in first
    second = client.get(url, {"hs": "09", "page": 2}).content.decode()
    assert "Tea House 13" in second and "Tea House 00" not in second


def test_bad_hs_input_gets_a_clear_error(client, fair):
    response = client.get(reverse("fair_search", args=["demo-expo"]), {"hs": "cream"})
    assert response.status_code == 400
    assert "Type 2 to 6 digits" in response.content.decode()


def test_results_in_the_viewers_language(client, fair, small_fair):
    url = reverse("fair_search", args=["demo-expo"])
    user = small_fair["buyer"].user
    user.language = "ko"
    user.save()
    client.force_login(user)
    body = client.get(url, {"q": "snail"}).content.decode()
    assert "순한 스킨케어" in body
    with translation.override("en"):
        client.logout()
        assert "Gentle skin care" in client.get(url, {"q": "snail"}).content.decode()
