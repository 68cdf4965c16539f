"""The final PDF goes to the configured storage: S3 (moto on a free port) here, as in production."""

from __future__ import annotations

import hashlib

from django.urls import reverse

from agreements import services
from tests.agreements.conftest import last_code, signatory_of
from tests.s3 import s3_server, s3_storages  # noqa: F401 - s3_server is a fixture


def test_the_final_pdf_is_stored_on_s3_and_served_to_the_parties(
    client,
    settings,
    s3_server,  # noqa: F811
    mou,
    mou_world,
    django_capture_on_commit_callbacks,
):
    endpoint, bucket, s3 = s3_server
    settings.STORAGES = s3_storages(endpoint, bucket)
    for who in ("staff_a", "staff_b", "buyer_c"):
        participant = mou_world[who]
        signatory = signatory_of(mou, participant)
        with django_capture_on_commit_callbacks(execute=True):
            services.code_send(actor=participant.user, signatory=signatory)
        services.agreement_sign(
            actor=participant.user, signatory=signatory, code=last_code(participant.user.email)
        )
    mou.refresh_from_db()
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert keys == [mou.final_pdf.name]
    stored = s3.get_object(Bucket=bucket, Key=mou.final_pdf.name)["Body"].read()
    assert hashlib.sha256(stored).hexdigest() == mou.final_pdf_sha256
    client.force_login(mou_world["buyer_c"].user)
    response = client.get(reverse("agreement_signed_pdf", args=[mou.pk]))
    assert response.status_code == 200 and response.content == stored
