"""Agreements: drafting, freezing on the first signature, new versions, codes, who may sign, the PDF."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from pypdf import PdfReader

from agreements import services
from agreements.models import Agreement, Signature, SigningCode
from kernel.errors import DomainError, PermissionDenied
from tests.agreements.conftest import last_code, signatory_of


def _sign(agreement, participant, callbacks, **kw):
    signatory = signatory_of(agreement, participant)
    with callbacks(execute=True):
        services.code_send(actor=participant.user, signatory=signatory, ip="10.0.0.1", user_agent="pytest")
    code = last_code(participant.user.email)
    return services.agreement_sign(
        actor=participant.user, signatory=signatory, code=code, ip="10.0.0.2", user_agent="pytest-ua", **kw
    )


def test_the_first_signature_freezes_the_body_and_its_hash(
    mou, mou_world, django_capture_on_commit_callbacks
):
    version = mou.versions.get()
    assert "제1조" in version.text and "第一条" in version.second_text  # from the organizer's templates
    assert not version.is_frozen
    signature = _sign(mou, mou_world["staff_a"], django_capture_on_commit_callbacks)
    version.refresh_from_db()
    assert version.is_frozen
    assert version.sha256 == hashlib.sha256(version.frozen_body.encode("utf-8")).hexdigest()
    assert signature.sha256 == version.sha256
    assert "上海美妆贸易有限公司" in version.frozen_body and "第一条" in version.frozen_body
    mou.refresh_from_db()
    assert mou.status == Agreement.Status.SIGNING


def test_an_edit_after_the_first_signature_is_a_new_version_that_everyone_signs_again(
    mou, mou_world, django_capture_on_commit_callbacks
):
    _sign(mou, mou_world["staff_a"], django_capture_on_commit_callbacks)
    first = mou.versions.get()
    frozen_body, frozen_hash = first.frozen_body, first.sha256
    # Buyer C asks for a code, then staff B changes the Chinese text.
    with django_capture_on_commit_callbacks(execute=True):
        services.code_send(actor=mou_world["buyer_c"].user, signatory=signatory_of(mou, mou_world["buyer_c"]))
    stale_code = last_code(mou_world["buyer_c"].user.email)
    mou.refresh_from_db()
    second = services.agreement_edit(
        actor=mou_world["staff_b"].user,
        agreement=mou,
        title=mou.title,
        text=first.text,
        second_text=first.second_text + "\n\n第三条 保密。",
    )
    mou.refresh_from_db()
    assert second.number == 2 and mou.version == 2 and mou.status == Agreement.Status.DRAFT
    assert not second.is_frozen and second.signatures.count() == 0  # the signatures are cleared
    first.refresh_from_db()
    assert (first.frozen_body, first.sha256) == (frozen_body, frozen_hash)  # the signed one never changes
    assert first.signatures.count() == 1
    # The code sent for version 1 signs nothing now.
    with pytest.raises(DomainError) as e:
        services.agreement_sign(
            actor=mou_world["buyer_c"].user,
            signatory=signatory_of(mou, mou_world["buyer_c"]),
            code=stale_code,
        )
    assert e.value.code == "agreement.no_code"
    assert Signature.objects.filter(version=second).count() == 0
    # Editing the unsigned draft again changes it in place.
    third = services.agreement_edit(
        actor=mou_world["staff_a"].user,
        agreement=mou,
        title="MOU",
        text=second.text,
        second_text=second.second_text,
    )
    assert third.pk == second.pk and mou.versions.count() == 2


def test_a_wrong_or_expired_code_signs_nothing(mou, mou_world, django_capture_on_commit_callbacks):
    buyer = mou_world["buyer_c"]
    signatory = signatory_of(mou, buyer)
    with django_capture_on_commit_callbacks(execute=True):
        services.code_send(actor=buyer.user, signatory=signatory)
    code = last_code(buyer.user.email)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    with pytest.raises(DomainError) as e:
        services.agreement_sign(actor=buyer.user, signatory=signatory, code=wrong)
    assert e.value.code == "agreement.wrong_code"
    assert SigningCode.objects.get(signatory=signatory).attempts == 1  # the try is counted
    assert Signature.objects.count() == 0 and not mou.versions.get().is_frozen
    # Expired: the right code, too late.
    now = timezone.now()
    SigningCode.objects.filter(signatory=signatory).update(
        created_at=now - timedelta(minutes=11), expires_at=now - timedelta(minutes=1)
    )
    with pytest.raises(DomainError) as e:
        services.agreement_sign(actor=buyer.user, signatory=signatory, code=code)
    assert e.value.code == "agreement.code_expired"
    assert Signature.objects.count() == 0
    # Five wrong tries spend a code, even the right one after them.
    with django_capture_on_commit_callbacks(execute=True):
        services.code_send(actor=buyer.user, signatory=signatory)
    code = last_code(buyer.user.email)
    for _ in range(5):
        with pytest.raises(DomainError):
            services.agreement_sign(
                actor=buyer.user, signatory=signatory, code=f"{(int(code) + 7) % 10**6:06d}"
            )
    with pytest.raises(DomainError) as e:
        services.agreement_sign(actor=buyer.user, signatory=signatory, code=code)
    assert e.value.code == "agreement.code_spent"
    assert Signature.objects.count() == 0


def test_the_code_is_kept_only_as_a_hash(mou, mou_world, django_capture_on_commit_callbacks):
    buyer = mou_world["buyer_c"]
    with django_capture_on_commit_callbacks(execute=True):
        services.code_send(actor=buyer.user, signatory=signatory_of(mou, buyer))
    code = last_code(buyer.user.email)
    row = SigningCode.objects.get()
    assert code not in row.code_hash and len(row.code_hash) == 64


def test_a_signatory_of_another_company_cannot_sign(mou, mou_world, django_capture_on_commit_callbacks):
    # Staff of Seoul Glow tries to sign in Busan's place.
    with pytest.raises(PermissionDenied) as e:
        services.code_send(actor=mou_world["staff_a"].user, signatory=signatory_of(mou, mou_world["staff_b"]))
    assert e.value.code == "agreement.not_your_signature"
    # A named signatory who no longer takes part for their company cannot sign for it either.
    staff_b = mou_world["staff_b"]
    signatory = signatory_of(mou, staff_b)
    staff_b.status = "rejected"
    staff_b.save()
    user = type(staff_b.user).objects.get(pk=staff_b.user_id)
    with pytest.raises(PermissionDenied):
        services.code_send(actor=user, signatory=signatory)
    assert SigningCode.objects.count() == 0 and Signature.objects.count() == 0


def test_an_unverified_address_gets_no_code(mou, mou_world):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=mou_world["buyer_c"].user).update(verified=False)
    with pytest.raises(DomainError) as e:
        services.code_send(actor=mou_world["buyer_c"].user, signatory=signatory_of(mou, mou_world["buyer_c"]))
    assert e.value.code == "agreement.email_unverified"


def test_when_all_have_signed_the_final_pdf_lists_every_signature_and_the_hash(
    mou, mou_world, django_capture_on_commit_callbacks
):
    for who in ("staff_a", "buyer_c", "staff_b"):
        _sign(mou, mou_world[who], django_capture_on_commit_callbacks, typed_name="signed")
    mou.refresh_from_db()
    version = mou.versions.get()
    assert mou.status == Agreement.Status.SIGNED and mou.completed_at is not None
    with default_storage.open(mou.final_pdf.name, "rb") as f:
        data = f.read()
    assert hashlib.sha256(data).hexdigest() == mou.final_pdf_sha256
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Both scripts of the bilingual body, and the last page's record.
    assert "제1조" in text and "양해각서" in text
    assert "第一条" in text and "谅解备忘录" in text
    last = reader.pages[-1].extract_text().replace("\n", " ")
    assert version.sha256 in last.replace(" ", "")
    for who in ("staff_a", "buyer_c", "staff_b"):
        assert mou_world[who].user.email in last
    assert last.count("10.0.0.2") == 3  # three signature events, each with its IP
    # The canonical body travels inside; its hash is the one printed.
    attached = reader.attachments["body.json"][0]
    assert hashlib.sha256(attached).hexdigest() == version.sha256
    # A signed agreement does not change.
    with pytest.raises(DomainError) as e:
        services.agreement_edit(actor=mou_world["staff_a"].user, agreement=mou, title="x", text="y")
    assert e.value.code == "agreement.signed"


def test_the_witness_signs_last(mou, mou_world, django_capture_on_commit_callbacks):
    organizer = mou_world["organizer"]
    services.witness_require(actor=organizer.user, agreement=mou)
    for who in ("staff_a", "buyer_c", "staff_b"):
        _sign(mou, mou_world[who], django_capture_on_commit_callbacks)
    mou.refresh_from_db()
    assert mou.status == Agreement.Status.SIGNING  # waiting for the witness
    _sign(mou, organizer, django_capture_on_commit_callbacks)
    mou.refresh_from_db()
    assert mou.status == Agreement.Status.SIGNED
    assert Signature.objects.filter(version__agreement=mou).count() == 4


def test_a_decline_stops_signing_until_the_text_changes(mou, mou_world, django_capture_on_commit_callbacks):
    services.agreement_decline(
        actor=mou_world["buyer_c"].user,
        signatory=signatory_of(mou, mou_world["buyer_c"]),
        reason="第二条需修改",
    )
    mou.refresh_from_db()
    assert mou.status == Agreement.Status.DECLINED
    with pytest.raises(DomainError) as e:
        services.code_send(actor=mou_world["staff_a"].user, signatory=signatory_of(mou, mou_world["staff_a"]))
    assert e.value.code == "agreement.declined"
    version = mou.versions.get()
    services.agreement_edit(
        actor=mou_world["staff_a"].user,
        agreement=mou,
        title=mou.title,
        text=version.text,
        second_text="第二条 已修改。",
    )
    mou.refresh_from_db()
    assert mou.status == Agreement.Status.DRAFT and mou.version == 2
    _sign(mou, mou_world["staff_a"], django_capture_on_commit_callbacks)


def test_proposals_and_comments(mou, mou_world):
    c = services.comment_add(
        actor=mou_world["buyer_c"].user,
        agreement=mou,
        text="请修改第二条",
        proposed_text="第二条 修改后。",
        proposed_for="second_text",
    )
    services.proposal_answer(actor=mou_world["staff_a"].user, comment=c, accept=True)
    assert mou.versions.get().second_text == "第二条 修改后。"
    with pytest.raises(DomainError):
        services.comment_add(actor=mou_world["buyer_c"].user, agreement=mou, text="")
    outsider = __import__("tests.factories", fromlist=["x"]).buyer(mou_world["fair"])
    with pytest.raises(PermissionDenied):
        services.comment_add(actor=outsider.user, agreement=mou, text="hi")


def test_a_pdf_upload_is_signed_with_its_own_pages_first(mou_world, django_capture_on_commit_callbacks):
    from agreements.pdf import _render

    w = mou_world
    source = _render(
        "agreements/pdf/signatures.html", {"events": [], "sha256": "x", "agreement": None, "version": None}
    )
    agreement = services.agreement_draft(
        actor=w["staff_a"].user,
        fair=w["fair"],
        kind="nda",
        title="NDA",
        language="en",
        document=io.BytesIO(source),
        signatories=[(w["staff_a"], ""), (w["buyer_c"], "")],
    )
    with pytest.raises(DomainError) as e:
        services.agreement_draft(
            actor=w["staff_a"].user,
            fair=w["fair"],
            kind="nda",
            title="NDA",
            language="en",
            document=io.BytesIO(b"GIF89a"),
        )
    assert e.value.code == "agreement.not_a_pdf"
    from django.core.files.uploadedfile import SimpleUploadedFile

    huge = SimpleUploadedFile(
        "big.pdf", b"%PDF-" + b"0" * services.MAX_UPLOAD, content_type="application/pdf"
    )
    with pytest.raises(DomainError) as e:
        services.agreement_draft(
            actor=w["staff_a"].user, fair=w["fair"], kind="nda", title="NDA", language="en", document=huge
        )
    assert e.value.code == "agreement.upload_too_large"
    for who in ("staff_a", "buyer_c"):
        _sign(agreement, w[who], django_capture_on_commit_callbacks)
    agreement.refresh_from_db()
    with default_storage.open(agreement.final_pdf.name, "rb") as f:
        reader = PdfReader(io.BytesIO(f.read()))
    assert len(reader.pages) == len(PdfReader(io.BytesIO(source)).pages) + 1
    version = agreement.versions.get()
    assert version.document_sha256 == hashlib.sha256(source).hexdigest()
    assert version.document_sha256 in version.frozen_body


def test_the_drafter_names_a_signatory_of_their_own_company(mou_world):
    w = mou_world
    with pytest.raises(DomainError) as e:
        services.agreement_draft(
            actor=w["staff_a"].user,
            fair=w["fair"],
            kind="mou",
            title="MOU",
            language="ko",
            text="본문",
            signatories=[(w["staff_b"], ""), (w["buyer_c"], "")],
        )
    assert e.value.code == "agreement.drafter_not_party"
    assert not Agreement.objects.exists()
