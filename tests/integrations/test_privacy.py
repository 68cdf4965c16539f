"""A person downloads all their data: the worker builds a zip of every table that refers to them (read
from the models), e-mails the link; only they can download it, for a week; secrets stay out."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.signals import request_finished
from django.db import close_old_connections, models
from django.urls import reverse
from django.utils import timezone

from exhibitors import services as booth_services
from exhibitors.access import viewer_of
from fair.models import Participant
from integrations import privacy
from integrations.models import DataExport
from meetings import services as meeting_services
from tests import factories

pytestmark = pytest.mark.django_db


def _tables_that_refer_to(user) -> set[str]:
    """Independently of the export: every model with a foreign key to the user or a participation of
    theirs, that has a row about them."""
    participations = list(Participant.objects.filter(user=user))
    found = set()
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if not (isinstance(f, models.ForeignKey | models.OneToOneField) and f.concrete):
                continue
            if f.related_model is get_user_model():
                rows = model._default_manager.filter(**{f.name: user})
            elif f.related_model is Participant:
                rows = model._default_manager.filter(**{f"{f.name}__in": participations})
            else:
                continue
            if model is not DataExport and rows.exists():
                found.add(model._meta.label_lower)
    return found


@pytest.fixture
def busy_buyer(small_fair):
    fair, booth, buyer = small_fair["fair"], small_fair["booths"]["cosmetics"], small_fair["buyer"]
    org = small_fair["organizer"].user
    slots = meeting_services.slots_generate(fair=fair)
    meeting_services.availability_set(actor=org, fair=fair, slots=slots, booth=booth)
    meeting_services.availability_set(actor=org, fair=fair, slots=slots, participant=buyer)
    meeting_services.meeting_request(
        actor=buyer.user, buyer=buyer, booth=booth, slot=slots[0], message="Hello"
    )
    viewer = viewer_of(buyer.user, booth)
    booth_services.chat_post(booth=booth, viewer=viewer, body="Do you ship to Osaka?")
    booth_services.bookmark_add(participant=buyer, booth=booth)
    return buyer.user


def test_the_download_holds_every_table_that_refers_to_the_person(
    client, busy_buyer, mailoutbox, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(busy_buyer)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("my_data")).status_code == 302
    export = DataExport.objects.get(user=busy_buyer)
    with django_capture_on_commit_callbacks(execute=True):
        privacy.export_build(export.pk)  # what the worker runs
    export.refresh_from_db()
    assert export.status == "ready" and export.expires_at > timezone.now() + timedelta(days=6)
    link = reverse("data_export_download", args=[export.uid])
    assert any(link in m.body for m in mailoutbox if m.to == [busy_buyer.email])
    response = client.get(link)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    data = json.loads(archive.read("data.json"))
    tables = set(data["tables"])
    expected = _tables_that_refer_to(busy_buyer)
    assert expected <= tables, expected - tables
    assert {
        "meetings.meeting",
        "exhibitors.chatmessage",
        "exhibitors.bookmark",
        "fair.sourcingprofile",
    } <= tables
    assert {"fair.participant", "fair.company", get_user_model()._meta.label_lower} <= tables
    assert all(f"{label}.csv" in archive.namelist() for label in tables)
    everything = archive.read("data.json").decode()
    assert "Do you ship to Osaka?" in everything and busy_buyer.email in everything
    assert busy_buyer.password not in everything and '"password"' not in everything


def test_only_the_owner_downloads_and_only_for_a_week(client, busy_buyer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    export = DataExport.objects.create(user=busy_buyer)
    privacy.export_build(export.pk)
    export.refresh_from_db()
    link = reverse("data_export_download", args=[export.uid])
    client.force_login(factories.user())
    assert client.get(link).status_code == 404
    client.force_login(busy_buyer)
    response = client.get(link)
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"PK"  # a zip
    # Close the file as a server would, without the request_finished hook that would close the test's
    # database connection (Django's test client holds it back the same way while it serves).
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(link).status_code == 404
    assert privacy.exports_purge() == 1 and not default_storage.exists(export.file)
    export.refresh_from_db()
    assert export.status == "expired"
    client.logout()
    assert client.get(reverse("my_data")).status_code == 302  # to sign in


def test_one_download_is_prepared_at_a_time(client, busy_buyer):
    client.force_login(busy_buyer)
    client.post(reverse("my_data"))
    response = client.post(reverse("my_data"), follow=True)
    assert "already being prepared" in response.content.decode()
    assert DataExport.objects.filter(user=busy_buyer).count() == 1
