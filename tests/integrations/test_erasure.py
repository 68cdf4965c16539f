"""Erasing an account: the person's name, e-mail and company are in no page, API answer, export, search
result, calendar feed or webhook payload afterwards; the other side's meetings and ledger still add up;
their files are gone from storage (local and S3); every table pointing at a person has a rule."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.test import Client
from django.urls import reverse

from exhibitors import services as booth_services
from exhibitors.access import viewer_of
from exhibitors.models import Booth, ChatMessage
from fair.models import ApiToken, Participant
from integrations import erasure, privacy
from integrations.models import DataExport, WebhookDelivery, WebhookEndpoint
from kernel import consent
from kernel.models import AuditEntry
from meetings import services as meeting_services
from meetings.models import CalendarFeed, LeadUpdate, Meeting, Outcome
from tests import factories
from tests.s3 import s3_server, s3_storages  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

NAME, SURNAME = "Zelda", "Quixotic"
EMAIL = "zelda.quixotic@buyer.example"
COMPANY = "Quixotic Imports Ltd"
NEEDLES = (f"{NAME} {SURNAME}", EMAIL, COMPANY, "Quixotic")


def test_every_field_pointing_at_a_person_has_an_erasure_rule():
    assert erasure.missing_rules() == [], (
        "add a rule to integrations/erasure.RULES for each of these (delete, keep or anonymise)"
    )
    labels = {m._meta.label_lower for m, _names in privacy.person_models()}
    assert set(erasure.RULES) - labels == set(), "rules for models that no longer point at a person"


@pytest.fixture
def world(small_fair, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    fair, booth = small_fair["fair"], small_fair["booths"]["cosmetics"]
    staff, org = small_fair["staff"], small_fair["organizer"]
    user = factories.user(email=EMAIL, first_name=NAME, last_name=SURNAME)
    buyer = factories.buyer(fair, country="JP", user_obj=user)
    buyer.company.name = COMPANY
    buyer.company.save()
    consent.consent_set(actor=user, user=user, kind=consent.CONTACT, granted=True)
    WebhookEndpoint.objects.create(fair=fair, url="http://127.0.0.1:9/hook", families=["meeting"], secret="s")
    slots = meeting_services.slots_generate(fair=fair)
    meeting_services.availability_set(actor=org.user, fair=fair, slots=slots, booth=booth)
    meeting_services.availability_set(actor=org.user, fair=fair, slots=slots, participant=buyer)
    held = meeting_services.meeting_request(
        actor=user, buyer=buyer, booth=booth, slot=slots[0], message=f"I am {NAME} {SURNAME}"
    )
    meeting_services.meeting_accept(actor=staff.user, meeting=held)
    Meeting.objects.filter(pk=held.pk).update(status=Meeting.Status.HELD)
    Outcome.objects.create(meeting=held, side=Meeting.Side.EXHIBITOR, rating=4, author=staff.user)
    Outcome.objects.create(meeting=held, side=Meeting.Side.BUYER, rating=5, notes="Call me", author=user)
    LeadUpdate.objects.create(
        meeting=held, stage="order", on=date(2026, 12, 20), value=Decimal("42000"), currency="USD",
        value_usd=Decimal("42000"), created_by=staff.user,
    )  # fmt: skip
    upcoming = meeting_services.meeting_request(actor=user, buyer=buyer, booth=booth, slot=slots[1])
    booth_services.chat_post(booth=booth, viewer=viewer_of(user, booth), body="Do you ship to Osaka?")
    CalendarFeed.objects.create(user=user)
    staff_feed = CalendarFeed.objects.create(user=staff.user)
    ApiToken.objects.create(user=user, fair=fair, name="mine", prefix="abc", key_hash="x" * 64)
    export = DataExport.objects.create(user=user)
    with django_capture_on_commit_callbacks(execute=True):
        privacy.export_build(export.pk)
    export.refresh_from_db()
    return {
        **small_fair,
        "user": user,
        "buyer_p": buyer,
        "held": held,
        "upcoming": upcoming,
        "export": export,
        "staff_feed": staff_feed,
    }


def _text(response) -> str:
    if (
        response.get("Content-Type", "").startswith("application/vnd.openxmlformats")
        or response.content[:2] == b"PK"
    ):
        archive = zipfile.ZipFile(io.BytesIO(response.content))
        return " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8", "replace")


def _everything(w) -> dict[str, str]:
    """Every page, API answer, export and feed where the buyer could show up, as text."""
    fair, booth, staff, org = w["fair"], w["booths"]["cosmetics"], w["staff"], w["organizer"]
    s, f, b = Client(), fair.slug, booth.pk
    s.force_login(staff.user)
    o = Client()
    o.force_login(org.user)
    held = w["held"]
    out = {}
    for name, client, url in [
        ("schedule", s, reverse("my_schedule")),
        ("meeting page", s, reverse("meeting_detail", args=[held.pk])),
        ("booth page", s, reverse("booth_detail", args=[f, b])),
        ("recommended buyers", s, reverse("recommended_buyers", args=[f, b])),
        ("hubspot csv", s, reverse("crm_leads", args=[f, b, "hubspot"])),
        ("salesforce csv", s, reverse("crm_leads", args=[f, b, "salesforce"])),
        ("crm api", s, f"/api/crm-leads/?booth={b}&crm=hubspot"),
        ("meetings api", s, "/api/meetings/"),
        ("booth report", s, reverse("booth_report", args=[f, b, "xlsx"])),
        ("notices", s, reverse("notice_list")),
        ("staff calendar", Client(), reverse("meetings:feed", args=[w["staff_feed"].token])),
        ("ledger page", s, reverse("meeting_ledger", args=[held.pk])),
        ("meeting api", s, f"/api/meetings/{held.pk}/"),
        ("registrations", o, reverse("organizer_registrations", args=[f])),
        ("dashboard", o, reverse("fair_dashboard", args=[f])),
        ("report", o, reverse("fair_report", args=[f])),
        ("meeting overview", o, reverse("meeting_overview", args=[f])),
        ("dashboard xlsx", o, reverse("dashboard_xlsx", args=[f])),
        ("ledger csv", o, reverse("dashboard_csv", args=[f, "ledger"])),
        ("audit log", o, reverse("organizer_log", args=[f])),
        ("outcomes", o, reverse("fair_outcomes", args=[f])),
        ("search", o, reverse("fair_search", args=[f]) + "?q=Imports"),
        ("webhook page", o, reverse("fair_webhooks", args=[f])),
    ]:
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        out[name] = _text(response)
    out["webhook payloads"] = json.dumps(
        list(WebhookDelivery.objects.values_list("payload", flat=True)), ensure_ascii=False
    )
    out["audit rows"] = json.dumps(
        list(AuditEntry.objects.values_list("actor_name", "object_repr", "data")), ensure_ascii=False
    )
    return out


def _ledger(booth):
    meetings = list(Meeting.objects.filter(booth=booth).order_by("pk").values_list("pk", "status"))
    outcomes = Outcome.objects.filter(meeting__booth=booth).count()
    value = sum(u.value_usd or 0 for u in LeadUpdate.objects.filter(meeting__booth=booth))
    return meetings, outcomes, value


def test_after_erasure_the_buyer_is_nowhere_but_the_other_sides_figures_add_up(
    world, client, django_capture_on_commit_callbacks
):
    booth = world["booths"]["cosmetics"]
    before = _everything(world)
    found = {
        needle: sorted(w for w, text in before.items() if needle.lower() in text.lower())
        for needle in NEEDLES
    }
    assert EMAIL in before["hubspot csv"] and all(found.values())  # the search finds them where they are
    ledger_before = _ledger(booth)
    export_file = world["export"].file
    assert default_storage.exists(export_file)

    client.force_login(world["user"])
    page = client.get(reverse("account_erase"))
    assert page.status_code == 200 and "Signed agreements" in page.content.decode()
    wrong = client.post(reverse("account_erase"), {"confirm": "not-my-address@example.test"})
    assert wrong.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_erase"), {"confirm": EMAIL.upper()})
    assert response.status_code == 302

    user = world["user"]
    user.refresh_from_db()
    assert user.username == f"deleted-{user.pk}" and not user.is_active and not user.has_usable_password()
    assert user.email == "" and user.first_name == "" and str(user) == "Deleted user"
    assert not ApiToken.objects.filter(user=user).exists()
    assert not CalendarFeed.objects.filter(user=user).exists()
    assert not DataExport.objects.filter(user=user).exists() and not default_storage.exists(export_file)
    assert client.get(reverse("profile")).status_code == 302  # signed out

    after = _everything(world)
    for where, text in after.items():
        for needle in NEEDLES:
            assert needle.lower() not in text.lower(), f"{needle!r} still in {where}"
    line = ChatMessage.objects.get(body="Do you ship to Osaka?")  # kept for the booth, unnamed
    assert line.author_name == "Deleted user" and line.author_id is None

    meetings, outcomes, value = _ledger(booth)
    assert outcomes == ledger_before[1] and value == ledger_before[2] == Decimal("42000")
    statuses = dict(meetings)
    assert statuses[world["held"].pk] == Meeting.Status.HELD
    assert statuses[world["upcoming"].pk] == Meeting.Status.CANCELLED  # still to come: cancelled
    assert Outcome.objects.get(meeting=world["held"], side=Meeting.Side.BUYER).notes == ""
    buyer = Participant.objects.get(pk=world["buyer_p"].pk)
    assert buyer.user_id is None and buyer.company.name == erasure.DELETED_COMPANY
    assert AuditEntry.objects.filter(action="privacy.account_erased", object_id=str(user.pk)).exists()


def test_the_api_erases_too_and_asks_for_confirmation(world):
    api = Client()
    api.force_login(world["user"])
    assert api.post("/api/account/erase/", {}, content_type="application/json").status_code == 400
    response = api.post("/api/account/erase/", {"confirm": "pass-word-123"}, content_type="application/json")
    assert response.status_code == 204
    world["user"].refresh_from_db()
    assert erasure.is_erased(world["user"])


def test_a_sole_exhibitor_erased_takes_the_booth_off_and_its_media_out_of_s3(
    s3_server,  # noqa: F811
    settings,
    django_capture_on_commit_callbacks,
):
    endpoint, bucket, s3 = s3_server
    settings.STORAGES = s3_storages(endpoint, bucket)
    storages._storages.clear()
    try:
        fair = factories.fair()
        company = factories.company(name="Solo Trader Quixotic")
        booth = factories.booth(fair, company_obj=company, tagline="Handmade by Zelda Quixotic")
        person = factories.user(email=EMAIL, first_name=NAME, last_name=SURNAME)
        factories.staff(booth, user_obj=person)
        logo = storages["default"].save("booths/logo.png", ContentFile(b"\x89PNG fake"))
        Booth.objects.filter(pk=booth.pk).update(logo=logo)
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
        assert logo in keys
        with django_capture_on_commit_callbacks(execute=True):
            erasure.account_erase(actor=person, user=person, confirm=EMAIL)
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
        assert logo not in keys
        booth.refresh_from_db()
        company.refresh_from_db()
        assert booth.status == Booth.Status.DRAFT and not booth.logo and "Quixotic" not in booth.tagline
        assert company.name == erasure.DELETED_COMPANY and company.website == ""
    finally:
        storages._storages.clear()


def test_a_company_shared_with_colleagues_stays(small_fair):
    booth, staff = small_fair["booths"]["cosmetics"], small_fair["staff"]
    colleague = factories.staff(booth)
    erasure.account_erase(actor=staff.user, user=staff.user, confirm=staff.user.email)
    booth.refresh_from_db()
    assert booth.company.name == "Seoul Glow Co." and booth.status == Booth.Status.PUBLISHED
    colleague.refresh_from_db()
    assert colleague.user_id is not None


def test_nobody_erases_someone_else(world):
    other = factories.user()
    with pytest.raises(Exception) as caught:
        erasure.account_erase(actor=other, user=world["user"], confirm=EMAIL)
    assert getattr(caught.value, "code", "") == "privacy.denied"
    world["user"].refresh_from_db()
    assert world["user"].is_active


def test_an_api_token_cannot_erase_the_account_nor_change_consents(world):
    from fair import tokens

    scopes = ["read", "meetings", "leads", "rfq", "booth"]  # every scope a participant may hold
    _token, key = tokens.token_create(actor=world["user"], fair=world["fair"], name="script", scopes=scopes)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    body = {"confirm": EMAIL}
    assert api.post("/api/account/erase/", body, content_type="application/json").status_code == 403
    answer = api.post(
        "/api/account/consents/", {"kind": "contact", "granted": False}, content_type="application/json"
    )
    assert answer.status_code == 403
    world["user"].refresh_from_db()
    assert world["user"].is_active and consent.consent_given(world["user"], consent.CONTACT)


def test_the_erase_page_warns_the_only_organizer_of_a_fair(small_fair, client):
    client.force_login(small_fair["organizer"].user)
    page = client.get(reverse("account_erase")).content.decode()
    assert "You are the only organizer" in page and small_fair["fair"].name in page
    factories.participant(small_fair["fair"], "organizer")
    assert "You are the only organizer" not in client.get(reverse("account_erase")).content.decode()
