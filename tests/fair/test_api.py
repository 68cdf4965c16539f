"""The read-only REST API: what a client sees, how it filters, and how many queries it costs."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories


@pytest.fixture
def api():
    return APIClient()


def results(response):
    assert response.status_code == 200, response.content
    body = response.json()
    return body["results"] if isinstance(body, dict) and "results" in body else body


def test_fair_list_and_detail_by_slug(api, small_fair):
    rows = results(api.get("/api/fairs/"))
    assert [r["slug"] for r in rows] == ["demo-expo"]
    fair = results(api.get("/api/fairs/demo-expo/"))
    assert fair["name"] == small_fair["fair"].name
    assert fair["time_zone"] == "Asia/Seoul"
    assert fair["halls_url"].endswith("/api/fairs/demo-expo/halls/")
    assert api.get("/api/fairs/no-such-fair/").status_code == 404


def test_times_carry_their_offset(api, small_fair):
    fair = results(api.get("/api/fairs/demo-expo/"))
    # The first day, 09:00 in Seoul, is +09:00; the creation time is in UTC.
    assert fair["opens_at"] == f"{factories.FAIR_START}T09:00:00+09:00"
    assert fair["closes_at"] == f"{factories.FAIR_END}T18:00:00+09:00"
    assert re.search(r"(Z|[+-]\d\d:\d\d)$", fair["created_at"])
    booth = results(api.get("/api/booths/"))[0]
    assert re.search(r"(Z|[+-]\d\d:\d\d)$", booth["updated_at"])


def test_halls_of_a_fair_count_published_booths_only(api, small_fair):
    halls = results(api.get("/api/fairs/demo-expo/halls/"))
    assert {h["slug"]: h["booth_count"] for h in halls} == {"beauty": 1, "food": 1}
    assert halls[0]["hs_chapters"] == ["33", "34"]


def test_booth_list_shows_published_booths_only(api, small_fair):
    names = {b["company"]["name"] for b in results(api.get("/api/booths/"))}
    assert names == {"Seoul Glow Co.", "Busan Snacks"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("fair=demo-expo", {"Seoul Glow Co.", "Busan Snacks"}),
        ("fair=other-fair", set()),
        ("hall=food", {"Busan Snacks"}),
        ("hs=33", {"Seoul Glow Co."}),
        ("hs=3304", {"Seoul Glow Co."}),
        ("hs=19.05", {"Busan Snacks"}),  # dots are accepted as in the trade
        ("hs=190590", {"Busan Snacks"}),  # through the product's code
        ("hs=34", set()),
        ("country=kr", {"Seoul Glow Co.", "Busan Snacks"}),
        ("country=JP", set()),
    ],
)
def test_booth_filters(api, small_fair, query, expected):
    assert {b["company"]["name"] for b in results(api.get(f"/api/booths/?{query}"))} == expected


def test_filter_by_company_country(api, small_fair):
    f = small_fair["fair"]
    factories.booth(f, company_obj=factories.company(name="Hanoi Coffee", country="VN"), hs_codes=("0901",))
    assert [b["company"]["name"] for b in results(api.get("/api/booths/?country=VN"))] == ["Hanoi Coffee"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("hs=3", "hs_code.format"),
        ("hs=7700", "hs_code.chapter"),
        ("hs=33a", "hs_code.format"),
        ("country=XX", "country.unknown"),
        ("country=Korea", "country.unknown"),
    ],
)
def test_bad_filters_answer_400_with_a_code(api, small_fair, query, code):
    response = api.get(f"/api/booths/?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["message"]


def test_products_of_a_booth(api, small_fair):
    booth = small_fair["booths"]["cosmetics"]
    factories.product(booth, name="Cushion foundation", hs_code="330499", price_min="3.50", price_max="5.00")
    detail = results(api.get(f"/api/booths/{booth.pk}/"))
    assert detail["company"]["country"] == "KR"
    assert detail["hall"] == "beauty"
    assert detail["product_count"] == 2
    products = results(api.get(detail["products_url"]))
    assert {p["name"] for p in products} == {"Snail repair cream", "Cushion foundation"}
    cushion = next(p for p in products if p["name"] == "Cushion foundation")
    assert (cushion["price_min"], cushion["price_max"], cushion["currency"]) == ("3.50", "5.00", "USD")


def test_draft_booth_is_hidden_from_the_public_but_not_from_its_staff_and_organizers(api, small_fair):
    draft = small_fair["booths"]["draft"]
    assert api.get(f"/api/booths/{draft.pk}/").status_code == 404
    assert api.get(f"/api/booths/{draft.pk}/products/").status_code == 404
    api.force_authenticate(small_fair["buyer"].user)
    assert api.get(f"/api/booths/{draft.pk}/").status_code == 404
    api.force_authenticate(small_fair["organizer"].user)
    assert api.get(f"/api/booths/{draft.pk}/").json()["status"] == "draft"
    api.force_authenticate(factories.staff(draft).user)
    assert api.get(f"/api/booths/{draft.pk}/products/").status_code == 200
    # ...and the list stays public-only even for them.
    assert draft.pk not in {b["id"] for b in results(api.get("/api/booths/"))}


def test_the_api_is_read_only(api, small_fair):
    booth = small_fair["booths"]["cosmetics"]
    api.force_authenticate(factories.user(is_superuser=True, is_staff=True))
    assert api.post("/api/fairs/", {"name": "x"}).status_code == 405
    assert api.delete(f"/api/booths/{booth.pk}/").status_code == 405
    assert api.patch("/api/fairs/demo-expo/", {"name": "x"}).status_code == 405


def _grow(small_fair, n):
    f = small_fair["fair"]
    for i in range(n):
        b = factories.booth(f, hall=small_fair["halls"]["beauty"], hs_codes=("3304", "3305"))
        factories.product(b, name=f"Product {i}")
        factories.product(b, name=f"Other {i}")
        factories.fair(slug=f"more-{i}")
        factories.hall(f, name=f"Hall {i}", slug=f"h{i}")


def test_list_endpoints_do_not_grow_queries_with_rows(api, small_fair, django_assert_num_queries):
    _grow(small_fair, 12)
    with django_assert_num_queries(2):  # count + page
        assert len(results(api.get("/api/fairs/"))) == 13
    with django_assert_num_queries(2):  # count + page, with company, hall, fair and product count joined
        assert len(results(api.get("/api/booths/?hs=33"))) == 13
    with django_assert_num_queries(2):  # the fair + its halls with their counts
        assert len(results(api.get("/api/fairs/demo-expo/halls/"))) == 14
    booth = small_fair["booths"]["cosmetics"]
    with django_assert_num_queries(2):  # the booth + its products
        results(api.get(f"/api/booths/{booth.pk}/products/"))


def test_schema_is_valid_openapi(api, db):
    from openapi_spec_validator import validate

    response = api.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    import json

    schema = json.loads(response.content)
    validate(schema)
    paths = schema["paths"]
    for path in (
        "/api/fairs/",
        "/api/fairs/{slug}/",
        "/api/fairs/{slug}/halls/",
        "/api/booths/",
    ):
        assert set(paths[path]) == {"get"} | ({"parameters"} & set(paths[path])), path
    # A booth's content is written by its staff (with a session, or a token with the booth scope).
    assert set(paths["/api/booths/{id}/"]) - {"parameters"} == {"get", "patch"}
    assert set(paths["/api/booths/{id}/products/"]) - {"parameters"} == {"get", "post"}
    params = {p["name"] for p in paths["/api/booths/"]["get"]["parameters"]}
    assert {"fair", "hall", "country", "hs"} <= params


def test_docs_render_with_no_external_urls(client, db):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    external = re.findall(r"""(?:src|href)=["'](https?:)?//[^"']+""", html)
    assert external == [], external
    # The assets it names are served by us (from drf-spectacular-sidecar's static files).
    assets = re.findall(r"""(?:src|href)=["'](/static/[^"']+)""", html)
    assert assets
    from django.contrib.staticfiles import finders

    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset
