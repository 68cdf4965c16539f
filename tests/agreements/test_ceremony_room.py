"""A signing ceremony's own multi-party room through Janus (agreements/ceremony_room.py): without Janus
the page says why and keeps the consultation rooms; with a real Janus (tests/janus_server.py) only the
ceremony's people are admitted, within its time, and Janus itself refuses a forged token and another
room's token (a thirteenth camera: tests/e2e/test_ceremony_room.py)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from agreements import ics
from agreements.ceremony_room import CEREMONY_SIZE, ceremony_admission
from agreements.models import CeremonyRoom
from agreements.rooms import ceremony_rooms
from kernel.errors import DomainError, PermissionDenied
from kernel.janus import JanusAdmin, JanusError, JanusRoom
from meetings import room_sfu
from tests.agreements.ceremony_world import six_party_ceremony
from tests.janus_server import join_once

pytestmark = pytest.mark.django_db


def page(user, agreement) -> tuple[int, str]:
    c = Client()
    c.force_login(user)
    response = c.get(reverse("agreement_ceremony_room", args=[agreement.pk]))
    return response.status_code, response.content.decode()


join = join_once


def destroy(ceremony) -> None:
    kept = CeremonyRoom.objects.get(ceremony=ceremony)
    with JanusAdmin.from_settings() as admin:
        admin.room_destroy(room=JanusRoom(id=kept.janus_room, secret=kept.janus_secret))


def test_without_janus_the_ceremony_keeps_the_consultation_rooms_and_the_page_says_why(settings):
    settings.JANUS_ADMIN_URL = ""
    w = six_party_ceremony()
    korean, chinese = w["parties"][0], w["parties"][3]
    (room,) = ceremony_rooms(w["ceremony"], korean)
    assert room.url == reverse("meetings:room", args=[w["meeting"].pk])
    status, text = page(chinese, w["agreement"])
    assert status == 200
    assert "data-video-unavailable" in text  # saying why, in the person's language
    assert "sfu-params" not in text and reverse("meetings:room", args=[w["meeting"].pk]) in text
    # A party who takes part in no consultation of it is told so.
    status, text = page(w["parties"][1], w["agreement"])
    assert status == 200 and "data-no-rooms" in text
    with pytest.raises(DomainError) as e:
        ceremony_admission(user=korean, ceremony=w["ceremony"])
    assert e.value.code == "ceremony.video_unavailable"


def test_with_janus_the_ceremony_has_its_own_room_for_its_people_only(janus_settings):
    w = six_party_ceremony()
    ceremony, agreement = w["ceremony"], w["agreement"]
    people = [*w["parties"], w["organizer"], w["interpreter"]]
    own = reverse("agreement_ceremony_room", args=[agreement.pk])
    admissions = []
    for user in people:
        assert [r.url for r in ceremony_rooms(ceremony, user)] == [own]
        admissions.append(ceremony_admission(user=user, ceremony=ceremony))
    assert {a.room for a in admissions} == {CeremonyRoom.objects.get(ceremony=ceremony).janus_room}
    assert len({a.participant_id for a in admissions}) == len(people)
    assert all(a.expires_at == ceremony.ends_at for a in admissions)
    with JanusAdmin.from_settings() as admin:
        (listed,) = [r for r in admin.room_list() if r["room"] == admissions[0].room]
    assert listed["max_publishers"] == CEREMONY_SIZE
    for admission in admissions[:2]:
        assert join(janus_settings.url, admission)["videoroom"] == "joined"

    # Invitations, the agreement's page, the programme and the API follow.
    assert own in ics.invitation(ceremony, user=people[0], zone="UTC", attendees=[]).decode().replace(
        "\r\n ", ""
    )
    c = Client()
    c.force_login(people[4])
    assert own in c.get(reverse("agreement_detail", args=[agreement.pk])).content.decode()
    assert own in c.get(reverse("ceremonies", args=[w["fair"].slug])).content.decode()

    # The page gives the person's own admission to the browser.
    status, text = page(w["interpreter"], agreement)
    assert status == 200 and '"role": "publisher"' in text and janus_settings.ws_url in text

    # Nobody else gets a token: another buyer of the fair, an interpreter not confirmed for it.
    for outsider in (w["stranger"], w["proposed_interpreter"]):
        assert ceremony_rooms(ceremony, outsider) == []
        with pytest.raises(PermissionDenied):
            ceremony_admission(user=outsider, ceremony=ceremony)
        assert page(outsider, agreement)[0] == 404
    destroy(ceremony)


def test_janus_itself_refuses_a_forged_token_and_another_rooms_token(janus_settings):
    w = six_party_ceremony()
    party = ceremony_admission(user=w["parties"][0], ceremony=w["ceremony"])
    # The stranger is admitted to another room (a meeting's group room): that token opens no other room.
    meeting = w["meeting"]
    elsewhere = room_sfu.group_admission(user=meeting.buyer.user, meeting=meeting)
    with pytest.raises(JanusError) as e:
        join(janus_settings.url, elsewhere, room=party.room)
    assert e.value.code == 433
    # A room token for this room whose signature we never made.
    forged_room = dataclasses.replace(
        party, room_token=party.room_token.rsplit(":", 1)[0] + ":AAAAAAAAAAAAAAAAAAAAAAAAAAA="
    )
    with pytest.raises(JanusError) as e:
        join(janus_settings.url, forged_room)
    assert e.value.code == 433
    # A session token we never signed: the core refuses the session itself.
    forged_session = dataclasses.replace(party, session_token=party.session_token.rsplit(":", 1)[0] + ":AAAA")
    with pytest.raises(JanusError) as e:
        join(janus_settings.url, forged_session)
    assert e.value.code == 403
    # The real one gets in.
    assert join(janus_settings.url, party)["videoroom"] == "joined"
    destroy(w["ceremony"])


def test_the_room_opens_a_little_before_the_ceremony_and_closes_at_its_end(janus_settings):
    early = six_party_ceremony(starts_in=timedelta(hours=2))
    with pytest.raises(DomainError) as e:
        ceremony_admission(user=early["parties"][0], ceremony=early["ceremony"])
    assert e.value.code == "ceremony.too_early"
    status, text = page(early["parties"][0], early["agreement"])
    assert status == 200 and 'data-refusal="ceremony.too_early"' in text and "sfu-params" not in text
    over = six_party_ceremony(starts_in=-timedelta(minutes=40), minutes=30)
    with pytest.raises(DomainError) as e:
        ceremony_admission(user=over["parties"][0], ceremony=over["ceremony"])
    assert e.value.code == "ceremony.ended"
    assert CeremonyRoom.objects.count() == 0
