"""The agreements API: draft, sign with the one-time code, audit; {code, message} errors; the schema."""

from __future__ import annotations

import hashlib
import json

from django.urls import reverse

from agreements.models import Agreement, Signature
from tests.agreements.conftest import last_code


def test_draft_sign_and_audit_through_the_api(client, mou_world, django_capture_on_commit_callbacks):
    w = mou_world
    client.force_login(w["staff_a"].user)
    response = client.post(
        "/api/agreements/",
        {
            "fair": w["fair"].slug,
            "kind": "mou",
            "language": "ko",
            "second_language": "zh-hans",
            "from_template": True,
            "signatories": [w["staff_a"].pk, w["buyer_c"].pk],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["languages"] == ["ko", "zh-hans"] and "第一条" in data["second_text"] and not data["frozen"]
    pk = data["id"]
    for participant in (w["staff_a"], w["buyer_c"]):
        client.force_login(participant.user)
        with django_capture_on_commit_callbacks(execute=True):
            sent = client.post(f"/api/agreements/{pk}/code/", {}, content_type="application/json")
        assert sent.status_code == 202 and sent.json()["sha256"] == data["sha256"]
        wrong = client.post(f"/api/agreements/{pk}/sign/", {"code": "abc"}, content_type="application/json")
        assert wrong.status_code == 400 and wrong.json()["code"] == "agreement.wrong_code"
        with django_capture_on_commit_callbacks(execute=True):
            signed = client.post(
                f"/api/agreements/{pk}/sign/",
                {"code": last_code(participant.user.email)},
                content_type="application/json",
                HTTP_USER_AGENT="api-client/2",
            )
        assert signed.status_code == 200, signed.content
    assert signed.json()["status"] == "signed" and signed.json()["final_pdf"] is True
    audit = client.get(f"/api/agreements/{pk}/audit/").json()
    version = audit["versions"][0]
    assert version["sha256"] == hashlib.sha256(version["body"].encode("utf-8")).hexdigest()
    assert [e["user_agent"] for e in version["events"]] == ["api-client/2", "api-client/2"]
    assert Signature.objects.count() == 2
    pdf = client.get(f"/api/agreements/{pk}/signed/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert hashlib.sha256(pdf.content).hexdigest() == Agreement.objects.get().final_pdf_sha256


def test_a_signatory_of_another_company_is_refused(client, mou, mou_world):
    client.force_login(mou_world["staff_a"].user)
    other = mou.signatories.get(user=mou_world["staff_b"].user)
    response = client.post(
        f"/api/agreements/{mou.pk}/code/", {"signatory": other.pk}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "agreement.not_your_signature"


def test_an_edit_after_signing_is_a_new_version(client, mou, mou_world, django_capture_on_commit_callbacks):
    client.force_login(mou_world["buyer_c"].user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/api/agreements/{mou.pk}/code/", {}, content_type="application/json")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/api/agreements/{mou.pk}/sign/",
            {"code": last_code(mou_world["buyer_c"].user.email)},
            content_type="application/json",
        )
    before = client.get(f"/api/agreements/{mou.pk}/").json()
    assert before["frozen"] and before["signatories"][2]["answer"] == "signed"
    after = client.post(
        f"/api/agreements/{mou.pk}/edit/",
        {"title": "MOU v2", "text": "제1조 변경", "second_text": "第一条 变更"},
        content_type="application/json",
    ).json()
    assert after["version"] == 2 and not after["frozen"] and after["sha256"] != before["sha256"]
    assert all(s["answer"] is None for s in after["signatories"])
    assert Agreement.objects.get().status == "draft"


def test_outsiders_and_bad_ids(client, mou, mou_world):
    from tests import factories

    client.force_login(factories.buyer(mou_world["fair"]).user)
    assert client.get(f"/api/agreements/{mou.pk}/").json()["code"] == "agreement.not_found"
    assert client.get("/api/agreements/99999999999999999999/").status_code == 404
    response = client.post(
        "/api/agreements/", {"fair": mou_world["fair"].slug}, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "agreement.bad_input"


def test_the_schema_lists_the_agreement_and_outcome_paths(client, db):
    from openapi_spec_validator import validate

    schema = json.loads(
        client.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").content
    )
    validate(schema)
    for path in (
        "/api/agreements/",
        "/api/agreements/{id}/sign/",
        "/api/outcomes/",
        "/api/outcomes/{id}/confirm/",
    ):
        assert path in schema["paths"], path
