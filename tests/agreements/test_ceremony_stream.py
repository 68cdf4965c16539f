"""An organizer streams a ceremony to viewers (agreements/ceremony_room.py): only organizers choose who
watches; the fair's participants or anyone with the link then watch listen-only, with tokens Janus
itself refuses as a participant, so a viewer can never publish."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from agreements.ceremony_room import ceremony_admission, ceremony_stream_set, ceremony_watch_admission
from agreements.models import Ceremony
from kernel.access import allowed
from kernel.errors import DomainError, PermissionDenied
from kernel.janus import JanusError
from kernel.models import AuditEntry
from tests import factories
from tests.agreements.ceremony_world import six_party_ceremony
from tests.janus_server import join_once

pytestmark = pytest.mark.django_db


def watch(user, agreement) -> int:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c.get(reverse("agreement_ceremony_watch", args=[agreement.pk])).status_code


def test_only_the_organizers_choose_who_watches():
    w = six_party_ceremony()
    with pytest.raises(PermissionDenied):
        ceremony_stream_set(actor=w["parties"][0], ceremony=w["ceremony"], audience="public")
    with pytest.raises(DomainError) as e:
        ceremony_stream_set(actor=w["organizer"], ceremony=w["ceremony"], audience="everyone")
    assert e.value.code == "ceremony.bad_audience"
    c = Client()
    c.force_login(w["parties"][0])
    c.post(reverse("agreement_ceremony_stream", args=[w["agreement"].pk]), {"audience": "public"})
    assert Ceremony.objects.get().stream_audience == ""
    c.force_login(w["organizer"])
    response = c.post(reverse("agreement_ceremony_stream", args=[w["agreement"].pk]), {"audience": "public"})
    assert response.status_code == 302 and Ceremony.objects.get().stream_audience == "public"
    assert AuditEntry.objects.filter(action="ceremony.stream_changed").count() == 1


def test_who_may_watch_follows_the_organizers_choice(settings):
    settings.JANUS_ADMIN_URL = ""  # the pages answer without a video server too
    w = six_party_ceremony()
    agreement = w["agreement"]
    other_fair = factories.buyer(factories.fair()).user
    participant = w["stranger"]  # an approved buyer of the fair, not a party
    for user in (None, participant, other_fair):
        assert not allowed(user, "agreement:watch_ceremony", agreement)
        assert watch(user, agreement) == 404
    ceremony_stream_set(actor=w["organizer"], ceremony=w["ceremony"], audience="participants")
    assert allowed(participant, "agreement:watch_ceremony", agreement)
    assert not allowed(None, "agreement:watch_ceremony", agreement)
    assert not allowed(other_fair, "agreement:watch_ceremony", agreement)
    assert watch(participant, agreement) == 200 and watch(other_fair, agreement) == 404
    # The programme links the viewers' page for them.
    c = Client()
    c.force_login(participant)
    programme = c.get(reverse("ceremonies", args=[w["fair"].slug])).content.decode()
    assert reverse("agreement_ceremony_watch", args=[agreement.pk]) in programme
    assert f'href="{reverse("agreement_detail", args=[agreement.pk])}"' not in programme
    ceremony_stream_set(actor=w["organizer"], ceremony=w["ceremony"], audience="public")
    assert allowed(None, "agreement:watch_ceremony", agreement) and watch(None, agreement) == 200
    assert allowed(other_fair, "agreement:watch_ceremony", agreement)


def test_janus_refuses_a_viewers_token_as_a_participant(janus_settings):
    w = six_party_ceremony()
    ceremony_stream_set(actor=w["organizer"], ceremony=w["ceremony"], audience="public")
    ceremony = Ceremony.objects.get()
    party = ceremony_admission(user=w["parties"][0], ceremony=ceremony)
    viewer = ceremony_watch_admission(user=w["stranger"], ceremony=ceremony)
    assert viewer.room == party.room and viewer.participant_id.startswith(f"w{w['stranger'].pk}.")
    assert join_once(janus_settings.url, party)["videoroom"] == "joined"
    with pytest.raises(JanusError) as e:  # joining as a participant is the only way to publish
        join_once(janus_settings.url, viewer)
    assert e.value.code == 433 and "not in the allowed list" in e.value.reason
    # A viewer's page gets the watcher's parameters.
    c = Client()
    c.force_login(w["stranger"])
    text = c.get(reverse("agreement_ceremony_watch", args=[w["agreement"].pk])).content.decode()
    assert '"role": "watcher"' in text and "data-sfu-local" not in text


def test_the_api_streams_a_ceremony_for_an_organizer_only():
    from rest_framework.test import APIClient

    w = six_party_ceremony()
    path = f"/api/agreements/{w['agreement'].pk}/ceremony/stream/"
    api = APIClient()
    api.force_authenticate(w["parties"][0])
    assert api.post(path, {"audience": "public"}, format="json").status_code == 403
    api.force_authenticate(w["organizer"])
    bad = api.post(path, {"audience": "everyone"}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "ceremony.bad_audience"
    answer = api.post(path, {"audience": "public"}, format="json").json()
    assert answer["stream_audience"] == "public"
    assert answer["watch_url"].endswith(reverse("agreement_ceremony_watch", args=[w["agreement"].pk]))
    assert Ceremony.objects.get().stream_audience == "public"
