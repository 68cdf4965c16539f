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


def test_bad_input_gets_a_clear_error(client, fair):
    response = client.get(reverse("fair_search", args=["demo-expo"]), {"hs": "x" * 101})
    assert response.status_code == 400
    assert "at most 100 characters" in response.content.decode()


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


# --- tolerant words (issue 13): typos, languages, HS names; the same on SQLite and PostgreSQL -------


@pytest.fixture
def serum_fair(small_fair):
    f = small_fair["fair"]
    glow = small_fair["booths"]["cosmetics"]
    product = factories.product(glow, name="Snail repair serum", hs_code="330499")
    product.name_ko = "달팽이 리페어 세럼"
    product.description_ko = "피부 장벽을 위한 세럼"
    product.save()
    return f


@pytest.mark.parametrize(
    "q,expected,approximate",
    [
        ("serum", ["Seoul Glow Co."], ()),
        ("serun", ["Seoul Glow Co."], ("serun",)),  # one letter off
        ("SERUMS", ["Seoul Glow Co."], ("SERUMS",)),  # case, and a longer form of the word
        ("세럼", ["Seoul Glow Co."], ()),  # Korean text of an English product
        ("리페어 세럼", ["Seoul Glow Co."], ()),
        ("화장품", ["Seoul Glow Co."], ()),  # "cosmetics" in Korean: the name of HS 33
        ("cosmetics", ["Seoul Glow Co."], ()),
        ("serun broth", [], ("serun", "broth")),  # every word must be found
        ("zzzqqq", [], ("zzzqqq",)),
    ],
)
def test_words_tolerate_typos_and_languages(serum_fair, q, expected, approximate):
    from exhibitors.search import fair_search

    result = fair_search(fair=serum_fair, filters=SearchFilters(q=q))
    assert names(result.booths) == expected
    assert result.approximate == approximate


def test_hs_box_takes_words_and_names_the_codes(client, serum_fair):
    url = reverse("fair_search", args=[serum_fair.slug])
    response = client.get(url, {"hs": "cosmetics"})
    assert response.status_code == 200  # never a 400 page
    body = response.content.decode()
    assert "Seoul Glow Co." in body and "Busan Snacks" not in body
    assert "(HS 33)" in body  # the codes the words named, to refine the search
    assert client.get(url, {"hs": "3304"}).status_code == 200
    nothing = client.get(url, {"hs": "no such goods"})
    assert nothing.status_code == 200 and "0 booths found" in nothing.content.decode()


def test_header_search_on_every_fair_page_finds_a_typo(client, serum_fair, small_fair):
    booth = small_fair["booths"]["cosmetics"]
    for url in (
        reverse("fair_home", args=[serum_fair.slug]),
        reverse("hall_list", args=[serum_fair.slug]),
        reverse("hall_detail", args=[serum_fair.slug, small_fair["halls"]["beauty"].slug]),
        reverse("booth_detail", args=[serum_fair.slug, booth.pk]),
    ):
        body = client.get(url).content.decode()
        assert 'role="search"' in body and reverse("fair_search", args=[serum_fair.slug]) in body, url
    found = client.get(reverse("fair_search", args=[serum_fair.slug]), {"q": "serun"}).content.decode()
    assert "Seoul Glow Co." in found and "something close to it" in found
