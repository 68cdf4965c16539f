"""The agreement pages through the test client: drafting, comments, signing with the code, the audit
page's hash, downloads for every party and the organizer, the ceremony's invitations."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement, Ceremony, Signature
from meetings import services as meeting_services
from tests import factories
from tests.agreements.conftest import last_code, signatory_of


def _login(client, participant):
    client.force_login(participant.user)
    return client


def _sign_through_the_page(client, agreement, participant, callbacks):
    _login(client, participant)
    url = reverse("agreement_sign", args=[agreement.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'value="send_code"' in page.content.decode()
    with callbacks(execute=True):
        sent = client.post(url, {"action": "send_code"}, HTTP_USER_AGENT="Browser/1.0")
    assert sent.status_code == 302
    code = last_code(participant.user.email)
    with callbacks(execute=True):
        done = client.post(
            url, {"action": "sign", "code": code, "typed_name": "x"}, HTTP_USER_AGENT="Browser/1.0"
        )
    assert done.status_code == 302, done.content.decode()[:2000]


def test_draft_from_templates_side_by_side(client, mou_world):
    w = mou_world
    _login(client, w["staff_a"])
    page = client.get(reverse("agreement_new", args=[w["fair"].slug]))
    assert page.status_code == 200
    response = client.post(
        reverse("agreement_new", args=[w["fair"].slug]),
        {
            "kind": "mou",
            "title": "",
            "language": "ko",
            "second_language": "zh-hans",
            "source": "template",
            "signatories": [str(w["staff_a"].pk), str(w["buyer_c"].pk)],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    agreement = Agreement.objects.get()
    assert agreement.title == "양해각서 / 谅解备忘录" and agreement.parties.count() == 2
    body = client.get(response.url).content.decode()
    assert '<td lang="ko">' in body and '<td lang="zh-Hans">' in body
    assert "제1조" in body and "第一条" in body


def test_bad_input_changes_nothing(client, mou_world):
    w = mou_world
    _login(client, w["staff_a"])
    response = client.post(
        reverse("agreement_new", args=[w["fair"].slug]),
        {"kind": "nda", "language": "ko", "source": "template", "title": "x"},
    )
    assert response.status_code == 400
    assert "이 종류의 템플릿을 두고 있지 않습니다" in response.content.decode()  # in the user's Korean
    assert Agreement.objects.count() == 0


def test_comments_and_a_proposal_accepted(client, mou, mou_world):
    _login(client, mou_world["buyer_c"])
    url = reverse("agreement_detail", args=[mou.pk])
    response = client.post(
        url, {"text": "请改第二条", "proposed_for": "second_text", "proposed_text": "第二条 新文本。"}
    )
    assert response.status_code == 302
    _login(client, mou_world["staff_a"])
    comment = mou.comments.get()
    response = client.post(reverse("agreement_proposal_answer", args=[mou.pk, comment.pk, "accept"]))
    assert response.status_code == 302
    assert "第二条 新文本。" in client.get(url).content.decode()


def test_signing_through_the_pages_and_the_audit_hash(
    client, mou, mou_world, django_capture_on_commit_callbacks
):
    w = mou_world
    # A wrong code first: nothing is signed, the page says why.
    _login(client, w["buyer_c"])
    url = reverse("agreement_sign", args=[mou.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "send_code"})
    response = client.post(
        url,
        {"action": "sign", "code": "000000" if last_code(w["buyer_c"].user.email) != "000000" else "111111"},
    )
    assert response.status_code == 400 and Signature.objects.count() == 0
    for who in ("staff_a", "staff_b", "buyer_c"):
        _sign_through_the_page(client, mou, w[who], django_capture_on_commit_callbacks)
    mou.refresh_from_db()
    assert mou.status == Agreement.Status.SIGNED
    version = mou.versions.get()
    # The hash printed on the audit page is the hash of the signed body.
    audit = client.get(reverse("agreement_audit", args=[mou.pk])).content.decode()
    printed = re.search(r'class="hash audit-hash" data-version="1">([0-9a-f]{64})<', audit).group(1)
    assert printed == hashlib.sha256(version.frozen_body.encode("utf-8")).hexdigest()
    assert audit.count('class="event"') == 3 and "Browser/1.0" in audit
    # Every party and the organizer download the final PDF; an outsider cannot see it.
    for who in (w["staff_a"], w["staff_b"], w["buyer_c"], w["organizer"]):
        _login(client, who)
        response = client.get(reverse("agreement_signed_pdf", args=[mou.pk]))
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        assert hashlib.sha256(response.content).hexdigest() == mou.final_pdf_sha256
    client.force_login(factories.buyer(w["fair"]).user)
    assert client.get(reverse("agreement_signed_pdf", args=[mou.pk])).status_code == 404
    assert client.get(reverse("agreement_detail", args=[mou.pk])).status_code == 404
    # Everyone heard that it is signed.
    done = [m for m in mail.outbox if mou.title in m.subject and m.to == [w["organizer"].user.email]]
    assert done


def test_ceremony_invitations_carry_an_ics_and_the_room(
    client, mou, mou_world, django_capture_on_commit_callbacks
):
    w = mou_world
    # A consultation between two of the parties gives the ceremony its room.
    slots = meeting_services.slots_generate(fair=w["fair"])
    org = w["organizer"].user
    meeting_services.availability_set(actor=org, fair=w["fair"], slots=slots, booth=w["booths"]["seoul"])
    meeting_services.availability_set(actor=org, fair=w["fair"], slots=slots, participant=w["buyer_c"])
    meeting = meeting_services.meeting_request(
        actor=w["buyer_c"].user, buyer=w["buyer_c"], booth=w["booths"]["seoul"], slot=slots[0]
    )
    meeting_services.meeting_accept(actor=w["staff_a"].user, meeting=meeting)
    _login(client, w["staff_a"])
    starts = timezone.localtime(timezone.now() + timedelta(days=3), timezone.get_fixed_timezone(0))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("agreement_ceremony", args=[mou.pk]),
            {"starts_at": starts.strftime("%Y-%m-%dT%H:%M"), "minutes": "45", "meeting": ""},
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    ceremony = Ceremony.objects.get()
    invitations = [m for m in mail.outbox if m.attachments]
    assert {m.to[0] for m in invitations} == {w[k].user.email for k in ("staff_a", "staff_b", "buyer_c")}
    ics = {m.to[0]: m.attachments[0][1].replace("\r\n ", "") for m in invitations}
    mine = ics[w["staff_a"].user.email]
    assert "BEGIN:VEVENT" in mine and f"{ceremony.uid}@tradefair" in mine
    # Each invitation names the room its recipient enters; Busan takes part in no consultation yet.
    assert reverse("meetings:room", args=[meeting.pk]) in mine
    assert reverse("meetings:room", args=[meeting.pk]) in ics[w["buyer_c"].user.email]
    assert reverse("agreement_detail", args=[mou.pk]) in ics[w["staff_b"].user.email]
    assert reverse("meetings:room", args=[meeting.pk]) not in ics[w["staff_b"].user.email]
    programme = client.get(reverse("ceremonies", args=[w["fair"].slug])).content.decode()
    assert mou.title in programme and reverse("meetings:room", args=[meeting.pk]) in programme


def test_templates_page_is_the_organizers(client, mou_world):
    w = mou_world
    _login(client, w["staff_a"])
    assert client.get(reverse("agreement_templates", args=[w["fair"].slug])).status_code == 403
    _login(client, w["organizer"])
    page = client.get(reverse("agreement_templates", args=[w["fair"].slug])).content.decode()
    assert "양해각서" in page and "谅解备忘录" in page


@pytest.mark.parametrize("code", ["ko", "zh-hans", "ja", "vi", "id", "en"])
def test_agreement_pages_render_in_every_language(client, mou, mou_world, code):
    user = mou_world["buyer_c"].user
    user.language = code
    user.save()
    client.force_login(user)
    for url in (
        reverse("agreement_list", args=[mou_world["fair"].slug]),
        reverse("agreement_detail", args=[mou.pk]),
        reverse("agreement_sign", args=[mou.pk]),
        reverse("agreement_audit", args=[mou.pk]),
        reverse("agreement_edit", args=[mou.pk]),
        reverse("agreement_ceremony", args=[mou.pk]),
        reverse("agreement_new", args=[mou_world["fair"].slug]),
        reverse("ceremonies", args=[mou_world["fair"].slug]),
        reverse("fair_outcomes", args=[mou_world["fair"].slug]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'<html lang="{code}"' in response.content.decode()
    assert signatory_of(mou, mou_world["buyer_c"])
