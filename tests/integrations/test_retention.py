"""A fair's retention period: its organizers set it on the settings page; past it, the hourly job
anonymises the participations of that fair (not the accounts: a person taking part in another fair keeps
it); participants read on the fair page until when their data is kept; the audit log hears of each."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fair.models import Participant
from integrations import erasure
from integrations.models import FairRetention
from kernel.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_fair(db):
    today = timezone.now().date()
    fair = factories.fair(starts_on=today - timedelta(days=40), ends_on=today - timedelta(days=38))
    organizer = factories.participant(fair, "organizer")
    person = factories.user(email="kim.retained@buyer.example", first_name="Kim", last_name="Retained")
    buyer = factories.buyer(fair, user_obj=person)
    buyer.company.name = "Retained Trading Co"
    buyer.company.save()
    elsewhere = factories.buyer(factories.fair(), user_obj=person)
    return {"fair": fair, "organizer": organizer, "person": person, "buyer": buyer, "elsewhere": elsewhere}


def test_organizers_set_it_and_participants_see_until_when(old_fair, client):
    fair = old_fair["fair"]
    client.force_login(old_fair["organizer"].user)
    assert client.get(reverse("organizer_fair_edit", args=[fair.slug])).status_code == 200
    response = client.post(reverse("fair_retention", args=[fair.slug]), {"days": "60"})
    assert response.status_code == 302
    assert FairRetention.objects.get(fair=fair).days == 60
    assert AuditEntry.objects.filter(action="privacy.retention_set", fair_id=fair.pk).exists()
    until = fair.ends_on + timedelta(days=60)
    assert erasure.retention_until(fair) == until

    buyer = Client()
    buyer.force_login(old_fair["person"])
    page = buyer.get(reverse("fair_home", args=[fair.slug])).content.decode()
    assert "Your data in this fair is kept until" in page

    outsider = Client()
    outsider.force_login(factories.user())
    assert outsider.post(reverse("fair_retention", args=[fair.slug]), {"days": "1"}).status_code == 403
    assert FairRetention.objects.get(fair=fair).days == 60


def test_the_job_anonymises_the_fairs_participations_past_retention_only(old_fair):
    fair, person = old_fair["fair"], old_fair["person"]
    erasure.retention_set(actor=old_fair["organizer"].user, fair=fair, days=60)
    assert erasure.retention_run() == 0  # 38 days after the end: still kept

    org = Client()
    org.force_login(old_fair["organizer"].user)
    pages = [reverse("organizer_registrations", args=[fair.slug]), reverse("organizer_log", args=[fair.slug])]
    pages[0] += "?status=approved"
    assert "kim.retained@buyer.example" in org.get(pages[0]).content.decode()

    erasure.retention_set(actor=old_fair["organizer"].user, fair=fair, days=30)
    assert erasure.retention_run() == 1  # the buyer; the organizer runs the fair and stays
    for url in pages:
        text = org.get(url).content.decode()
        for needle in ("Kim Retained", "kim.retained@buyer.example", "Retained Trading Co"):
            assert needle not in text, (needle, url)

    buyer = Participant.objects.get(pk=old_fair["buyer"].pk)
    assert buyer.user_id is None and buyer.company.name == erasure.DELETED_COMPANY
    assert not hasattr(buyer, "sourcing") or buyer.sourcing is None
    person.refresh_from_db()
    assert person.is_active and person.email == "kim.retained@buyer.example"  # the account stays
    assert Participant.objects.get(pk=old_fair["elsewhere"].pk).user_id == person.pk
    assert Participant.objects.get(pk=old_fair["organizer"].pk).user_id is not None
    assert AuditEntry.objects.filter(action="privacy.retention_applied", fair_id=fair.pk).exists()
    assert AuditEntry.objects.filter(action="privacy.participation_anonymised", fair_id=fair.pk).exists()
    assert erasure.retention_run() == 0  # once


def test_the_job_is_scheduled_hourly(db):
    from django.apps import apps
    from django_q.models import Schedule

    from integrations.apps import _ensure_schedules

    _ensure_schedules(apps.get_app_config("integrations"))
    assert Schedule.objects.get(name="privacy-retention").minutes == 60


def test_no_retention_means_kept(old_fair):
    assert erasure.retention_until(old_fair["fair"]) is None
    assert erasure.retention_run() == 0
    assert date.today() > old_fair["fair"].ends_on
