"""The audit log (kernel/audit.py): what the services do is written once, with who, when and on what;
organizers read their fair's log in the console, a person reads what was done to their data."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse
from django_q.conf import Conf

from exhibitors import builder
from fair import services as fair_services
from fair.models import Participant
from kernel.audit import AuditMixin, log_action
from kernel.errors import DomainError
from kernel.models import AuditEntry
from meetings import ledger
from meetings import services as meeting_services
from tests import factories


@pytest.fixture(autouse=True)
def _jobs_at_once(monkeypatch):
    monkeypatch.setattr(Conf, "SYNC", True)


@pytest.fixture
def world(small_fair):
    f = small_fair["fair"]
    slots = meeting_services.slots_generate(fair=f)
    org = small_fair["organizer"].user
    booth = small_fair["booths"]["cosmetics"]
    buyer = small_fair["buyer"]
    meeting_services.availability_set(actor=org, fair=f, slots=slots, booth=booth)
    meeting_services.availability_set(actor=org, fair=f, slots=slots, participant=buyer)
    return {**small_fair, "slots": slots, "org": org, "booth": booth}


def _actions(**filters):
    return list(AuditEntry.objects.filter(**filters).order_by("id").values_list("action", flat=True))


def test_meeting_life_cycle_is_logged_with_actor_and_people(world):
    buyer, staff, booth = world["buyer"], world["staff"], world["booth"]
    meeting = meeting_services.meeting_request(
        actor=buyer.user, buyer=buyer, booth=booth, slot=world["slots"][0], message="Hello"
    )
    meeting_services.meeting_accept(actor=staff.user, meeting=meeting)
    meeting_services.meeting_cancel(actor=buyer.user, meeting=meeting, reason="Flight changed")

    entries = list(AuditEntry.objects.filter(object_type="meeting", object_id=str(meeting.pk)).order_by("id"))
    assert [e.action for e in entries] == ["meeting.requested", "meeting.accepted", "meeting.cancelled"]
    assert [e.actor_id for e in entries] == [buyer.user_id, staff.user_id, buyer.user_id]
    assert all(e.fair_id == world["fair"].pk for e in entries)
    # The buyer and the booth's staff both find it among what was done to their data; others do not.
    for who in (buyer.user, staff.user):
        assert AuditEntry.objects.filter(people=who, action="meeting.accepted").exists()
    assert not AuditEntry.objects.filter(people=world["interpreter"].user).exists()


def test_registration_decision_rates_and_admin_are_logged(world, client):
    f, org = world["fair"], world["org"]
    pending = factories.buyer(f, status=Participant.Status.PENDING)
    fair_services.participants_decide(actor=org, fair=f, participant_ids=[pending.pk], approve=False)
    ledger.rate_set(actor=org, fair=f, currency="KRW", usd_per_unit="0.00075")
    entry = AuditEntry.objects.get(action="participant.rejected")
    assert entry.actor == org and entry.object_id == str(pending.pk)
    assert list(entry.people.all()) == [pending.user]
    assert AuditEntry.objects.get(action="rate.set").data["currency"] == "KRW"

    root = factories.user(is_superuser=True, is_staff=True)
    client.force_login(root)
    hall = world["halls"]["food"]
    url = reverse("admin:fair_hall_delete", args=[hall.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    deleted = AuditEntry.objects.get(action="admin.deleted")
    assert deleted.actor == root and deleted.fair_id == f.pk and deleted.object_type == "hall"


def test_a_failed_change_leaves_no_log_line(world):
    booth = world["booths"]["draft"]
    staff = factories.staff(booth)
    before = AuditEntry.objects.count()
    with pytest.raises(DomainError):
        builder.booth_publish(user=staff.user, booth=booth)  # no products: refused, nothing written
    assert AuditEntry.objects.count() == before


def test_every_admin_of_our_models_is_audited():
    ours = {"fair", "exhibitors", "meetings", "agreements", "kernel", "insights", "datasets", "matching"}
    missing = [
        type(model_admin).__name__
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in ours and not isinstance(model_admin, AuditMixin)
    ]
    assert missing == []


def test_fair_log_page_is_for_its_organizers_only(world, client):
    f = world["fair"]
    log_action(world["org"], "fair.updated", f, {"fields": ["name"]})
    url = reverse("organizer_log", args=[f.slug])
    assert client.get(url).status_code == 302  # sign in first
    for outsider in (
        world["buyer"].user,
        world["staff"].user,
        factories.participant(factories.fair(), "organizer").user,
    ):
        client.force_login(outsider)
        assert client.get(url).status_code == 403
    client.force_login(world["org"])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Fair settings changed" in html and 'aria-current="page">Audit log<' in html


def test_fair_log_filters_paginates_and_shows_local_times(world, client):
    f, org = world["fair"], world["org"]
    org.time_zone, org.language = "Asia/Seoul", "ko"
    org.save()
    for i in range(55):
        log_action(org, "hall.saved", world["halls"]["beauty"], {"n": i})
    buyer = world["buyer"]
    log_action(buyer.user, "meeting.requested", None, fair_id=f.pk)
    other_fair = factories.fair()
    log_action(org, "hall.saved", factories.hall(other_fair))
    client.force_login(org)
    url = reverse("organizer_log", args=[f.slug])

    first = client.get(url).content.decode()
    assert first.count('class="audit-entry"') == 50 and "2/" not in first  # 50 a page
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count('class="audit-entry"') == 6  # 55 + 1 of this fair, never the other fair's
    only_fair = client.get(url, {"topic": "fair"}).content.decode()
    assert only_fair.count('class="audit-entry"') == 50
    by_name = client.get(url, {"who": buyer.user.email}).content.decode()
    assert by_name.count('class="audit-entry"') == 1
    # The viewer's language and time zone: Korean labels, +09:00 in the machine-readable time.
    entry = AuditEntry.objects.filter(fair_id=f.pk).first()
    assert "+09:00" in first and "홀 저장됨" in first, entry
    bad = client.get(url, {"since": "not-a-date"})
    assert bad.status_code == 400


def test_my_activity_shows_what_was_done_to_my_data(world, client):
    buyer, staff = world["buyer"], world["staff"]
    meeting = meeting_services.meeting_request(
        actor=buyer.user, buyer=buyer, booth=world["booth"], slot=world["slots"][1], message="Hi"
    )
    meeting_services.meeting_decline(actor=staff.user, meeting=meeting, reason="Fully booked")
    url = reverse("my_activity")
    assert client.get(url).status_code == 302
    client.force_login(buyer.user)
    html = client.get(url).content.decode()
    assert "Meeting declined" in html and "Meeting requested" in html and world["fair"].name in html
    # Someone who took no part sees nothing of it.
    client.force_login(world["interpreter"].user)
    html = client.get(url).content.decode()
    assert "Meeting declined" not in html and "Nothing recorded yet." in html
