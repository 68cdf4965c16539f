"""A meeting's group video room through Janus (meetings/room_sfu.py): unavailable without Janus, and
with a real Janus (tests/janus_server.py) only the meeting's people are admitted."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kernel.janus import JanusError
from meetings import room_sfu
from meetings.models import GroupRoom, Meeting, Slot
from meetings.room import RoomRefused
from tests import factories
from tests.janus_server import join_once

pytestmark = pytest.mark.django_db


def make_meeting(small_fair, *, starts_in: timedelta = -timedelta(minutes=1)) -> Meeting:
    start = timezone.now().replace(microsecond=0) + starts_in
    slot = Slot.objects.create(
        fair=small_fair["fair"], starts_at=start, ends_at=start + timedelta(minutes=30), day=start.date()
    )
    return Meeting.objects.create(
        fair=small_fair["fair"],
        buyer=small_fair["buyer"],
        booth=small_fair["booths"]["cosmetics"],
        exhibitor=small_fair["staff"],
        slot=slot,
        status=Meeting.Status.ACCEPTED,
    )


def page(user, meeting) -> str:
    c = Client()
    c.force_login(user)
    return c.get(reverse("meetings:group_room", args=[meeting.pk])).content.decode()


def test_without_janus_the_group_room_says_it_is_unavailable(small_fair, settings):
    settings.JANUS_ADMIN_URL = ""
    meeting = make_meeting(small_fair)
    text = page(small_fair["buyer"].user, meeting)
    assert "Group video is unavailable on this server." in text and "sfu-params" not in text
    c = Client()
    c.force_login(small_fair["buyer"].user)
    assert "Use the group video" not in c.get(reverse("meetings:room", args=[meeting.pk])).content.decode()


def join(janus_server, admission) -> dict:
    return join_once(janus_server.url, admission)


def test_the_meetings_people_are_admitted_and_janus_refuses_the_rest(small_fair, janus_settings):
    meeting = make_meeting(small_fair)
    buyer, staff = small_fair["buyer"].user, small_fair["staff"].user
    first = room_sfu.group_admission(user=buyer, meeting=meeting)
    second = room_sfu.group_admission(user=staff, meeting=meeting)
    assert first.room == second.room == GroupRoom.objects.get(meeting=meeting).janus_room
    for admission in (first, second):
        assert join(janus_settings, admission)["videoroom"] == "joined"
    with pytest.raises(RoomRefused):  # another buyer of the fair gets no token
        room_sfu.group_admission(user=factories.buyer(small_fair["fair"]).user, meeting=meeting)
    with pytest.raises(JanusError) as e:  # and a token we did not sign gets nowhere
        join(janus_settings, dataclasses.replace(first, room_token=first.room_token[:-4] + "AAA="))
    assert e.value.code == 433
    text = page(buyer, meeting)
    assert '"role": "publisher"' in text and janus_settings.ws_url in text
    c = Client()
    c.force_login(buyer)
    assert "Use the group video" in c.get(reverse("meetings:room", args=[meeting.pk])).content.decode()
    with room_sfu.JanusAdmin.from_settings() as admin:
        admin.room_destroy(
            room=room_sfu.JanusRoom(id=first.room, secret=GroupRoom.objects.get().janus_secret)
        )


def test_the_room_is_closed_outside_the_meetings_hours(small_fair, janus_settings):
    meeting = make_meeting(small_fair, starts_in=timedelta(hours=3))
    with pytest.raises(RoomRefused) as e:
        room_sfu.group_admission(user=small_fair["buyer"].user, meeting=meeting)
    assert e.value.code == "room.too_early"
    assert "The room opens" in page(small_fair["buyer"].user, meeting)
