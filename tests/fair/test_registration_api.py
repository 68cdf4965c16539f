"""Registering for a fair through the API: what the registration page does, for a script or an app."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from fair.models import Participant
from fair.tokens import token_create
from kernel import consent
from tests import factories

URL = "/api/fairs/demo-expo/registration/"


@pytest.fixture
def newcomer():
    user = factories.user()
    api = APIClient()
    api.force_login(user)
    return user, api


def test_a_buyer_registers_reads_and_edits_their_registration(small_fair, newcomer):
    user, api = newcomer
    assert api.get(URL).json()["code"] == "registration.none"
    body = {
        "role": "buyer",
        "company_name": "Osaka Beauty",
        "country": "JP",
        "size": "10-49",
        "hs_codes": ["3304"],
        "languages": ["ja", "en"],
        "consents": {"recommend": True},
    }
    made = api.post(URL, body, format="json")
    assert made.status_code == 201, made.content
    got = made.json()
    assert (got["status"], got["company_name"], got["size"], got["hs_codes"]) == (
        "pending",
        "Osaka Beauty",
        "10-49",
        ["3304"],
    )
    assert got["completeness"] == 71 and got["missing"] == ["required_certifications", "description"]
    assert consent.current(user) == {"contact": False, "recommend": True}  # what was not given is a no
    edited = api.post(URL, {"role": "buyer", "hs_codes": ["3304", "190590"]}, format="json")
    assert edited.status_code == 200 and edited.json()["hs_codes"] == ["3304", "190590"]
    assert api.get(URL).json()["hs_codes"] == ["3304", "190590"]
    assert Participant.objects.filter(user=user).count() == 1


def test_bad_input_gets_its_code_and_changes_nothing(small_fair, newcomer):
    user, api = newcomer
    base = {"role": "buyer", "company_name": "Osaka Beauty", "country": "JP"}
    cases = [
        ({**base, "hs_codes": ["cosmetics"]}, "registration.bad_hs"),
        ({**base, "hs_codes": ["3304"], "size": "5000"}, "registration.invalid"),
        ({**base, "hs_codes": ["3304"], "consents": {"spam": True}}, "registration.invalid"),
        ({**base, "hs_codes": ["3304"], "role": "organizer"}, "registration.invalid"),
        ({"role": "buyer", "hs_codes": ["3304"]}, "registration.no_company"),
    ]
    for body, code in cases:
        answer = api.post(URL, body, format="json")
        assert answer.status_code == 400 and answer.json()["code"] == code, (body, answer.content)
    assert not Participant.objects.filter(user=user).exists()
    assert consent.history(user).count() == 0


def test_only_a_signed_in_person_registers_and_never_with_a_token(small_fair):
    assert APIClient().post(URL, {"role": "buyer"}, format="json").status_code == 403
    buyer = small_fair["buyer"].user
    _token, key = token_create(
        actor=buyer, fair=small_fair["fair"], name="script", scopes=["read", "meetings"]
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    for answer in (api.get(URL), api.post(URL, {"role": "buyer"}, format="json")):
        assert answer.status_code == 403 and answer.json()["code"] == "api.token_scope"
