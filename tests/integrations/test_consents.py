"""Consents: asked at join time (unticked), changed on the Privacy page or through the API, kept as a
history, written to the audit log, and honoured: no contact details in a CRM export without them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from integrations import crm
from kernel import consent
from kernel.models import AuditEntry, Consent
from meetings import services as meeting_services
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_privacy_page_toggles_and_keeps_the_history(client):
    person = factories.user()
    client.force_login(person)
    page = client.get(reverse("privacy_settings"))
    assert page.status_code == 200 and "Recommend me to exhibitors" in page.content.decode()
    assert consent.current(person) == {"contact": False, "recommend": True}  # never asked yet

    client.post(reverse("privacy_settings"), {"contact": "on", "recommend": "on"})
    assert consent.current(person) == {"contact": True, "recommend": True}
    client.post(reverse("privacy_settings"), {"recommend": "on"})  # contact sharing withdrawn
    assert consent.current(person) == {"contact": False, "recommend": True}
    rows = list(Consent.objects.filter(user=person, kind="contact").order_by("at", "id"))
    assert [r.granted for r in rows] == [True, False]  # the history, with its times
    actions = list(AuditEntry.objects.filter(people=person).values_list("action", flat=True))
    assert actions.count("consent.granted") == 2 and actions.count("consent.revoked") == 1
    assert "given" in client.get(reverse("privacy_settings")).content.decode()


def test_the_api_reads_and_changes_them(client):
    person = factories.user()
    client.force_login(person)
    answer = client.get("/api/account/consents/").json()
    assert answer["contact"] is False and answer["recommend"] is True and answer["history"] == []
    answer = client.post(
        "/api/account/consents/", {"kind": "recommend", "granted": False}, content_type="application/json"
    ).json()
    assert answer["recommend"] is False and answer["history"][0]["source"] == "api"


def test_asked_at_join_time_unticked(small_fair):
    fair = small_fair["fair"]
    person = factories.user()
    browser = Client()
    browser.force_login(person)
    form = browser.get(reverse("fair_register", args=[fair.slug])).content.decode()
    assert (
        'name="consent_contact"' in form and 'name="consent_contact" id="consent_contact" checked' not in form
    )
    response = browser.post(
        reverse("fair_register", args=[fair.slug]),
        {"role": "buyer", "company_name": "Join Co", "country": "JP", "hs_codes": "3304", "languages": ["en"],
         "consent_contact": "on"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert consent.current(person) == {"contact": True, "recommend": False}  # the unticked box is a no
    assert set(Consent.objects.filter(user=person).values_list("source", flat=True)) == {"join"}
    # Joining another fair: their own earlier yes is shown ticked, the no unticked.
    other = factories.fair()
    form = browser.get(reverse("fair_register", args=[other.slug])).content.decode()
    assert 'id="consent_contact" checked' in form and 'id="consent_recommend" checked' not in form


def test_a_buyer_without_sharing_consent_is_not_in_the_crm_export_nor_on_the_meeting_page(small_fair):
    fair, booth, staff = small_fair["fair"], small_fair["booths"]["cosmetics"], small_fair["staff"]
    org = small_fair["organizer"].user
    slots = meeting_services.slots_generate(fair=fair)
    meeting_services.availability_set(actor=org, fair=fair, slots=slots, booth=booth)
    sharing = factories.buyer(fair, user_obj=factories.user(email="shares@buyer.example"))
    private = factories.buyer(fair, user_obj=factories.user(email="private@buyer.example"))
    consent.consent_set(actor=sharing.user, user=sharing.user, kind=consent.CONTACT, granted=True)
    meetings = []
    for i, buyer in enumerate((sharing, private)):
        meeting_services.availability_set(actor=org, fair=fair, slots=slots, participant=buyer)
        m = meeting_services.meeting_request(actor=buyer.user, buyer=buyer, booth=booth, slot=slots[i])
        meetings.append(meeting_services.meeting_accept(actor=staff.user, meeting=m))
    browser = Client()
    browser.force_login(staff.user)
    shown = [browser.get(reverse("meeting_detail", args=[m.pk])).content.decode() for m in meetings]
    assert "shares@buyer.example" in shown[0] and "private@buyer.example" not in shown[1]
    text = crm.to_csv(booth, "hubspot")
    assert "shares@buyer.example" in text and "private@buyer.example" not in text
    consent.consent_set(actor=sharing.user, user=sharing.user, kind=consent.CONTACT, granted=False)
    assert "shares@buyer.example" not in crm.to_csv(booth, "salesforce")


@pytest.mark.parametrize(
    "language,title",
    [
        ("ko", "계정 삭제"),
        ("zh-hans", "删除您的账户"),
        ("ja", "アカウントを削除"),
        ("vi", "Xóa tài khoản"),
        ("id", "Hapus akun"),
    ],
)
def test_the_privacy_pages_speak_each_language(client, language, title):
    from tests.i18n_support import ensure_compiled_messages

    ensure_compiled_messages()
    person = factories.user(language=language)
    client.force_login(person)
    client.cookies["django_language"] = language
    erase = client.get(reverse("account_erase"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    privacy = client.get(reverse("privacy_settings"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert title in erase and title in privacy
    assert 'name="viewport"' in erase  # the phone layout of the base page
