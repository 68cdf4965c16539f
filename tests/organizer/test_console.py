"""The organizer's console: permissions on every page, fair and halls, registrations with e-mails,
self-registration, CSV invitations (preview lists every error, nothing written; confirm is atomic)."""

from datetime import date

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_q.conf import Conf

from datasets import importing
from exhibitors.models import Booth
from fair.models import Company, Fair, Participant
from tests import factories

pytestmark = pytest.mark.django_db

BUYERS_OK = (
    "buyer_id,company,country,hs_codes,required_certifications,languages\n"
    "inv-1,Tokyo Trading,JP,3304,,ja\n"
    "inv-2,Jakarta Foods,ID,1905,HALAL,id\n"
)
BUYERS_BAD = (
    "buyer_id,company,country,hs_codes\n"
    "inv-1,Tokyo Trading,JP,3304\n"
    "inv-2,Bad Co,XX,9999\n"
    "inv-1,Dup Co,JP,3304\n"
)


@pytest.fixture(autouse=True)
def jobs_run_at_once(monkeypatch):
    monkeypatch.setattr(Conf, "SYNC", True)


def organizer_pages(slug):
    return [
        reverse("organizer_console", args=[slug]),
        reverse("organizer_fair_edit", args=[slug]),
        reverse("organizer_halls", args=[slug]),
        reverse("organizer_registrations", args=[slug]),
        reverse("organizer_invite", args=[slug]),
        reverse("organizer_invite_preview", args=[slug, "0" * 32]),
        reverse("organizer_rates", args=[slug]),
    ]


def test_only_the_fairs_organizers_see_the_console(client, small_fair):
    other_fair = factories.fair()
    others = {
        "another fair's organizer": factories.participant(other_fair, "organizer").user,
        "exhibitor": small_fair["staff"].user,
        "buyer": small_fair["buyer"].user,
        "pending organizer": factories.participant(small_fair["fair"], "organizer", status="pending").user,
    }
    for url in organizer_pages("demo-expo"):
        assert client.get(url).status_code == 302, url  # anonymous: to the login page
        for who, user in others.items():
            client.force_login(user)
            assert client.get(url).status_code == 403, (url, who)
            assert client.post(url, {"action": "add", "name": "X", "hs_chapters": "33"}).status_code == 403
        client.force_login(small_fair["organizer"].user)
        assert client.get(url).status_code in (200, 302), url
        client.logout()
    client.force_login(small_fair["organizer"].user)
    assert client.get(reverse("organizer_console", args=["no-such-fair"])).status_code == 404
    assert client.get(reverse("organizer_console", args=[other_fair.slug])).status_code == 403


def test_whoever_creates_a_fair_organizes_it(client):
    user = factories.user()
    client.force_login(user)
    response = client.post(
        reverse("fair_create"),
        {
            "name": "Seoul Beauty Week",
            "starts_on": "2027-03-02",
            "ends_on": "2027-03-04",
            "time_zone": "Asia/Seoul",
            "languages": ["en", "ko"],
            "registration_open": "on",
        },
    )
    assert response.status_code == 302
    fair = Fair.objects.get(slug="seoul-beauty-week")
    assert fair.languages == ["en", "ko"] and fair.registration_open
    assert Participant.objects.get(fair=fair, user=user).role == "organizer"
    assert client.get(reverse("organizer_console", args=[fair.slug])).status_code == 200
    bad = client.post(
        reverse("fair_create"),
        {
            "name": "Backwards",
            "starts_on": "2027-03-04",
            "ends_on": "2027-03-02",
            "time_zone": "Asia/Seoul",
            "languages": ["en"],
        },
    )
    assert bad.status_code == 400 and not Fair.objects.filter(name="Backwards").exists()


def test_editing_the_fair_and_its_meeting_rules(client, small_fair):
    client.force_login(small_fair["organizer"].user)
    url = reverse("organizer_fair_edit", args=["demo-expo"])
    data = {
        "name": "Demo Expo 2026",
        "starts_on": "2026-12-01",
        "ends_on": "2026-12-02",
        "time_zone": "Asia/Tokyo",
        "languages": ["en", "ja"],
        "slot_minutes": "20",
        "day_start": "10:00",
        "day_end": "16:00",
        "max_meetings_per_day": "5",
        "breaks": "12:00-13:00",
    }
    assert client.post(url, data).status_code == 302
    fair = Fair.objects.get(slug="demo-expo")
    assert (fair.name, fair.time_zone, fair.slot_minutes, fair.max_meetings_per_day) == (
        "Demo Expo 2026",
        "Asia/Tokyo",
        20,
        5,
    )
    assert not fair.registration_open
    assert fair.breaks == [["12:00", "13:00"]]
    response = client.post(url, {**data, "name": "Changed", "breaks": "13:00-12:00"})
    assert response.status_code == 400 and "ends before it starts" in response.content.decode()
    assert Fair.objects.get(slug="demo-expo").name == "Demo Expo 2026"


def test_halls_take_valid_hs_chapters_only(client, small_fair):
    client.force_login(small_fair["organizer"].user)
    url = reverse("organizer_halls", args=["demo-expo"])
    assert client.post(url, {"action": "add", "name": "Medical", "hs_chapters": "30, 90"}).status_code == 302
    assert small_fair["fair"].halls.get(name="Medical").hs_chapters == ["30", "90"]
    for bad in ("77", "3304", "xx", ""):
        response = client.post(url, {"action": "add", "name": f"Bad {bad}", "hs_chapters": bad})
        assert response.status_code == 400, bad
        assert not small_fair["fair"].halls.filter(name=f"Bad {bad}").exists()
    beauty = small_fair["halls"]["beauty"]
    client.post(url, {"action": "save", "hall": beauty.pk, "name": "Beauty", "hs_chapters": "33"})
    beauty.refresh_from_db()
    assert (beauty.name, beauty.hs_chapters) == ("Beauty", ["33"])
    client.post(url, {"action": "delete", "hall": beauty.pk})
    assert not small_fair["fair"].halls.filter(pk=beauty.pk).exists()
    assert Booth.objects.get(pk=small_fair["booths"]["cosmetics"].pk).hall is None


def test_registrations_are_decided_one_by_one_and_in_bulk_with_emails(
    client, small_fair, django_capture_on_commit_callbacks
):
    f = small_fair["fair"]
    pending = [factories.buyer(f, status="pending") for _ in range(2)]
    exhibitor = factories.participant(
        f, "exhibitor", status="pending", company=factories.company(name="New Co")
    )
    other = factories.buyer(factories.fair(), status="pending")
    client.force_login(small_fair["organizer"].user)
    url = reverse("organizer_registrations", args=["demo-expo"])
    body = client.get(url).content.decode()
    assert all(f'value="{p.pk}"' in body for p in pending) and f'value="{other.pk}"' not in body
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"decision": "approve", "ids": [p.pk for p in pending]})
    assert {p.status for p in Participant.objects.filter(pk__in=[p.pk for p in pending])} == {"approved"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.user.email for p in pending)
    assert "You are registered for" in mail.outbox[0].subject
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"one": f"approve:{exhibitor.pk}"})
    exhibitor.refresh_from_db()
    assert exhibitor.status == "approved" and exhibitor.booth.company.name == "New Co"
    assert exhibitor.booth.status == "draft" and len(mail.outbox) == 1
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"one": f"reject:{pending[0].pk}"})
    assert Participant.objects.get(pk=pending[0].pk).status == "rejected"
    assert "could not approve" in mail.outbox[0].body
    # Another fair's registration: refused, nothing changes, nobody is mailed.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"decision": "approve", "ids": [pending[1].pk, other.pk]})
    assert Participant.objects.get(pk=other.pk).status == "pending" and mail.outbox == []


def test_self_registration_creates_a_pending_buyer_and_edits_the_profile(client, small_fair):
    user = factories.user()
    client.force_login(user)
    url = reverse("fair_register", args=["demo-expo"])
    data = {
        "role": "buyer",
        "company_name": "Osaka Beauty",
        "country": "jp",
        "hs_codes": "3304, 33.05",
        "required_certifications": "pmda",
        "languages": "ja, en",
        "description": "Serums",
    }
    assert client.post(url, data).status_code == 302
    p = Participant.objects.get(fair=small_fair["fair"], user=user)
    assert (p.role, p.status, p.company.country.code) == ("buyer", "pending", "JP")
    assert p.sourcing.hs_codes == ["3304", "3305"] and p.sourcing.required_certifications == ["PMDA"]
    client.post(url, {**data, "hs_codes": "1905"})
    p.sourcing.refresh_from_db()
    assert p.sourcing.hs_codes == ["1905"] and Participant.objects.filter(user=user).count() == 1
    bad = client.post(url, {**data, "hs_codes": "9999"})
    assert bad.status_code == 400
    p.sourcing.refresh_from_db()
    assert p.sourcing.hs_codes == ["1905"]
    # An exhibitor names its company; registration closed refuses newcomers.
    assert (
        client.post(url, {"role": "exhibitor", "company_name": "Seoul Serum", "country": "KR"}).status_code
        == 302
    )
    assert Participant.objects.get(user=user, role="exhibitor").company.name == "Seoul Serum"
    Fair.objects.filter(pk=small_fair["fair"].pk).update(registration_open=False)
    late = factories.user()
    client.force_login(late)
    response = client.post(url, data)
    assert response.status_code in (400, 403) and not Participant.objects.filter(user=late).exists()
    client.logout()
    assert client.get(url).status_code == 302


def _upload(client, files):
    payload = {name: SimpleUploadedFile(f"{name}.csv", text.encode()) for name, text in files.items()}
    return client.post(reverse("organizer_invite", args=["demo-expo"]), payload)


def test_invitation_preview_lists_every_error_and_writes_nothing(client, small_fair):
    client.force_login(small_fair["organizer"].user)
    companies = Company.objects.count()
    response = _upload(
        client,
        {
            "buyers": BUYERS_BAD,
            "interactions": "buyer_id,exhibitor_id,kind,at\ninv-1,nobody,chat,yesterday\n",
        },
    )
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert preview.status_code == 422
    body = preview.content.decode()
    for line, column in ((3, "country"), (3, "hs_codes"), (4, "buyer_id")):
        assert f"<td>buyers.csv</td><td>{line}</td><td>{column}</td>" in body, (line, column)
    assert "<td>interactions.csv</td><td>2</td><td>exhibitor_id</td>" in body
    assert "Import now" not in body
    confirm = client.post(response["Location"], {"action": "confirm"})
    assert Company.objects.count() == companies
    assert not Participant.objects.filter(external_id__startswith="inv-").exists()
    assert confirm.status_code == 422


def test_invitation_errors_are_in_the_organizers_language(client, small_fair):
    organizer = small_fair["organizer"].user
    organizer.language = "ko"
    organizer.save(update_fields=["language"])
    client.force_login(organizer)
    response = _upload(client, {"buyers": BUYERS_BAD})
    body = client.get(response["Location"]).content.decode()
    # inv-1 twice: the message, not only the place, is in Korean.
    assert (
        "<td>buyers.csv</td><td>4</td><td>buyer_id</td><td>inv-1은(는) 이미 2번째 줄에서 사용되었습니다</td>"
        in body
    )


def test_invitation_confirm_imports_and_is_all_or_nothing(client, small_fair, monkeypatch):
    client.force_login(small_fair["organizer"].user)
    location = _upload(client, {"buyers": BUYERS_OK})["Location"]
    body = client.get(location).content.decode()
    assert (
        "Buyers: 2 new, 0 updated" in body
        and "no e-mail column" in client.get(reverse("organizer_invite", args=["demo-expo"])).content.decode()
    )

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importing, "_import_interactions", boom)
    with pytest.raises(RuntimeError):
        client.post(location, {"action": "confirm"})
    assert not Participant.objects.filter(external_id__startswith="inv-").exists()
    monkeypatch.undo()
    assert client.post(location, {"action": "confirm"}).status_code == 302
    invited = Participant.objects.filter(fair=small_fair["fair"], external_id__startswith="inv-")
    assert invited.count() == 2 and {p.user_id for p in invited} == {None}
    assert client.get(location).status_code == 302  # the upload is gone once imported


def test_interpreters_are_assigned_on_the_meetings_overview(client, small_fair):
    client.force_login(small_fair["organizer"].user)
    body = client.get(reverse("organizer_console", args=["demo-expo"])).content.decode()
    assert reverse("meeting_overview", args=["demo-expo"]) in body


def test_fair_dates_are_validated_in_the_service(small_fair):
    from fair import services
    from kernel.errors import DomainError

    with pytest.raises(DomainError):
        services.fair_update(
            actor=small_fair["organizer"].user,
            fair=small_fair["fair"],
            starts_on=date(2026, 12, 5),
            ends_on=date(2026, 12, 1),
        )
    with pytest.raises(DomainError) as e:
        services.fair_update(actor=small_fair["buyer"].user, fair=small_fair["fair"], name="Mine")
    assert e.value.code == "fair.denied"


def test_invitation_files_are_private_and_removed_when_not_confirmed(client, small_fair, settings):
    """Issue 14: uploaded CSVs sat in the public media folder and stayed there when never confirmed."""
    import os
    from pathlib import Path

    from django.core.files.storage import storages

    from datasets import invitations

    client.force_login(small_fair["organizer"].user)
    location = _upload(client, {"buyers": BUYERS_OK})["Location"]
    token = location.rstrip("/").rsplit("/", 1)[-1]
    key = f"invitations/{small_fair['fair'].pk}/{token}/buyers.csv"
    private = storages["private"]
    assert private.exists(key)
    # Nowhere under the media folder, and no media URL serves it.
    media = Path(settings.MEDIA_ROOT)
    assert not [p for p in media.rglob("*.csv")]
    assert not Path(private.path(key)).is_relative_to(media)
    assert client.get(f"/media/{key}").status_code == 404
    assert client.get(location).status_code == 200

    # A day later, not confirmed: the preview says it expired, and the file is gone.
    old = Path(private.path(key)).stat().st_mtime - 25 * 3600
    os.utime(private.path(key), (old, old))
    response = client.get(location)
    assert response.status_code == 302 and not private.exists(key)

    # The hourly job removes what nobody opened again.
    second = _upload(client, {"buyers": BUYERS_OK})["Location"].rstrip("/").rsplit("/", 1)[-1]
    other = f"invitations/{small_fair['fair'].pk}/{second}/buyers.csv"
    assert invitations.invitations_expire() == 0 and private.exists(other)
    os.utime(private.path(other), (old, old))
    assert invitations.invitations_expire() == 1 and not private.exists(other)


def test_unlisted_certification_codes_are_notes_and_are_imported(client, small_fair):
    """Issue 17: a code the built-in list does not name is not an error; it is noted, imported as written."""
    client.force_login(small_fair["organizer"].user)
    buyers = (
        "buyer_id,company,country,hs_codes,required_certifications,languages,description\n"
        "inv-9,Montevideo Imports,UY,851679,scpn;FDA;EAC-TR,es,\n"
    )
    location = _upload(client, {"buyers": buyers})["Location"]
    preview = client.get(location)
    body = preview.content.decode()
    assert preview.status_code == 200 and "Import now" in body
    assert "<code>EAC-TR</code> (1 row)" in body and "<code>SCPN</code> (1 row)" in body
    assert "<code>FDA</code>" not in body  # a named code is no note
    assert client.post(location, {"action": "confirm"}).status_code == 302
    p = Participant.objects.get(fair=small_fair["fair"], external_id="inv-9")
    assert p.sourcing.required_certifications == ["SCPN", "FDA", "EAC-TR"]
