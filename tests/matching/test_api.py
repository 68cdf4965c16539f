"""The recommendations REST API: the same three questions and marks, permission-checked, errors with codes."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from fair.models import SourcingProfile
from matching.models import Mark
from tests import factories

BOOTHS = "/api/recommendations/exhibitors/"
BUYERS = "/api/recommendations/buyers/"
MARKETS = "/api/recommendations/markets/"
MARKS = "/api/recommendations/marks/"


@pytest.fixture
def api():
    return APIClient()


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["company"] for row in response.json()]


def test_buyer_gets_booths_with_reasons_and_filters(api, trained):
    api.force_authenticate(trained["buyer"].user)
    rows = api.get(BOOTHS, {"fair": "rec-expo"}).json()
    by_name = {r["company"]: r for r in rows}
    assert [r["company"] for r in rows][-1] == "Seaweed Snacks"
    plain = by_name["Plain Cosmetics"]
    assert {"code": "missing_required_cert", "cert": "FDA", "sign": -1} in plain["reasons"]
    assert "does not hold FDA, which you require" in plain["texts"]
    assert plain["certifications"] == [] and plain["hall"] == "beauty"
    assert by_name["Glow Cosmetics"]["score"] > plain["score"]
    assert names(api.get(BOOTHS, {"fair": "rec-expo", "hall": "food"})) == ["Seaweed Snacks"]
    assert names(api.get(BOOTHS, {"fair": "rec-expo", "country": "jp"})) == ["Tokyo Beauty"]
    assert len(api.get(BOOTHS, {"fair": "rec-expo", "k": 2}).json()) == 2


def test_reasons_follow_accept_language(api, trained):
    api.force_authenticate(trained["buyer"].user)
    rows = api.get(BOOTHS, {"fair": "rec-expo"}, HTTP_ACCEPT_LANGUAGE="ja").json()
    plain = next(r for r in rows if r["company"] == "Plain Cosmetics")
    assert "ご要望のFDA認証を取得していません" in plain["texts"]


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ({"fair": "nope"}, 404, "fair.not_found"),
        ({"fair": "rec-expo", "hall": "toys"}, 400, "matching.unknown_hall"),
        ({"fair": "rec-expo", "country": "Japan"}, 400, "matching.bad_country"),
        ({"fair": "rec-expo", "k": "0"}, 400, "matching.bad_input"),
        ({"fair": "rec-expo", "k": "ten"}, 400, "matching.bad_input"),
        ({"fair": "rec-expo", "k": "\u00b2"}, 400, "matching.bad_input"),  # isdigit() but not int()
    ],
)
def test_bad_queries_get_a_code(api, trained, query, status, code):
    api.force_authenticate(trained["buyer"].user)
    response = api.get(BOOTHS, query)
    assert response.status_code == status and response.json()["code"] == code


def test_no_model_yet_is_a_clear_error(api, rec_world):
    api.force_authenticate(rec_world["buyer"].user)
    response = api.get(BOOTHS, {"fair": "rec-expo"})
    assert response.status_code == 400 and response.json()["code"] == "matching.no_model"


def test_no_thanks_through_the_api_removes_the_pair(api, trained):
    buyer, plain = trained["buyer"], trained["booths"]["plain"]
    api.force_authenticate(buyer.user)
    response = api.post(MARKS, {"booth": plain.pk, "value": "no_thanks"}, format="json")
    assert response.status_code == 201
    assert response.json() == {"booth": plain.pk, "buyer": buyer.pk, "side": "buyer", "value": "no_thanks"}
    assert "Plain Cosmetics" not in names(api.get(BOOTHS, {"fair": "rec-expo"}))
    api.force_authenticate(trained["staff"].user)
    assert "Acme Imports" not in names(api.get(BUYERS, {"booth": plain.pk}))
    bad = api.post(MARKS, {"booth": plain.pk, "buyer": buyer.pk, "value": "maybe"}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "matching.bad_input"


def test_staff_get_buyers_without_contact_details_and_markets(api, trained):
    plain = trained["booths"]["plain"]
    api.force_authenticate(trained["staff"].user)
    rows = api.get(BUYERS, {"booth": plain.pk}).json()
    acme = next(r for r in rows if r["company"] == "Acme Imports")
    assert acme["country"] == "US" and acme["hs_codes"] == ["3304"]
    assert (
        "email" not in str(rows)
        and trained["buyer"].user.email not in str(rows)
        and "acme.example" not in str(rows)
    )
    markets = api.get(MARKETS, {"booth": plain.pk}).json()
    assert markets[0]["hs_code"] == "330499" and markets[0]["product"] == "cream"
    us = next(m for m in markets[0]["markets"] if m["country"] == "US")
    assert us["buyers"] == 2 and "2 buyers from United States of America source this" in us["texts"]
    one = api.get(MARKETS, {"booth": plain.pk, "hs": "1905"}).json()
    assert [m["country"] for m in one[0]["markets"]] == sorted(["ID", "VN"]) or {
        m["country"] for m in one[0]["markets"]
    } == {"ID", "VN"}
    bad = api.get(MARKETS, {"booth": plain.pk, "hs": "77"})
    assert bad.status_code == 400 and bad.json()["code"] == "matching.bad_hs_code"
    mark = api.post(
        MARKS, {"booth": plain.pk, "buyer": trained["buyer"].pk, "value": "must_meet"}, format="json"
    )
    assert mark.status_code == 201 and mark.json()["side"] == "exhibitor"


def test_profile_edits_count_at_once(api, trained):
    api.force_authenticate(trained["buyer"].user)
    SourcingProfile.objects.filter(buyer=trained["buyer"]).update(hs_codes=["1905"])
    assert names(api.get(BOOTHS, {"fair": "rec-expo"}))[0] == "Seaweed Snacks"


def test_permissions(api, trained):
    plain, glow = trained["booths"]["plain"], trained["booths"]["glow"]
    # anonymous
    assert api.get(BOOTHS, {"fair": "rec-expo"}).status_code in (401, 403)
    assert api.post(MARKS, {"booth": plain.pk, "value": "no_thanks"}, format="json").status_code in (401, 403)
    # a buyer of another fair
    api.force_authenticate(factories.buyer(factories.fair()).user)
    response = api.get(BOOTHS, {"fair": "rec-expo"})
    assert response.status_code == 403 and response.json()["code"] == "matching.denied"
    assert api.post(MARKS, {"booth": plain.pk, "value": "no_thanks"}, format="json").status_code == 403
    # the buyer may not ask for a booth's buyers, nor mark as the booth
    api.force_authenticate(trained["buyer"].user)
    assert api.get(BUYERS, {"booth": plain.pk}).json()["code"] == "matching.denied"
    assert (
        api.post(
            MARKS, {"booth": plain.pk, "buyer": trained["buyer"].pk, "value": "no_thanks"}, format="json"
        ).status_code
        == 403
    )
    # staff of another booth
    api.force_authenticate(trained["glow_staff"].user)
    assert api.get(BUYERS, {"booth": glow.pk}).status_code == 200
    assert api.get(BUYERS, {"booth": plain.pk}).status_code == 403
    assert api.get(MARKETS, {"booth": plain.pk}).status_code == 403
    assert api.get(BOOTHS, {"fair": "rec-expo"}).status_code == 403  # staff are not buyers
    assert api.get(BUYERS, {"booth": 999999}).json()["code"] == "booth.not_found"
    assert not Mark.objects.exists()


def test_documented_in_the_openapi_schema(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in (BOOTHS, BUYERS, MARKETS, MARKS):
        assert path in schema["paths"], path
    params = {p["name"] for p in schema["paths"][BOOTHS]["get"]["parameters"]}
    assert {"fair", "hall", "country", "k"} <= params
    assert "BoothRecommendationOut" in schema["components"]["schemas"]
