"""The chat of the group rooms (meetings/group_chat.py) on config.asgi.application, with real websocket
clients: a ceremony's room (ws/agreements/<id>/ceremony/) and a meeting's group video
(ws/meetings/<id>/group/) speak the one-to-one room's chat protocol: a line is stored before it is
relayed to everyone in the room, acknowledged to its sender by client_id, stored once when sent again,
replayed to newcomers; refusals close with the room's codes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync

from agreements.models import CeremonyMessage
from meetings.room_models import RoomMessage
from tests import factories
from tests.agreements.ceremony_world import six_party_ceremony
from tests.meetings.test_group_room import make_meeting
from tests.meetings.test_room import join, refused, until

pytestmark = pytest.mark.django_db(transaction=True)


def ceremony_path(world) -> str:
    return f"/ws/agreements/{world['agreement'].pk}/ceremony/"


def test_a_ceremony_chat_line_reaches_everyone_in_the_room_once_stored():
    w = six_party_ceremony()
    korean, chinese, interpreter = w["parties"][0], w["parties"][3], w["interpreter"]
    path = ceremony_path(w)

    async def scenario():
        seoul, hello = await join(korean, 0, path)
        shanghai, _ = await join(chinese, 0, path)
        interp, _ = await join(interpreter, 0, path)
        line = {"type": "chat.post", "body": "  서명 준비됐습니다 / 准备好签字了  ", "client_id": "c-1"}
        await seoul.send_json_to(line)
        ack = await until(seoul, "chat.ack")
        seen = [await until(ws, "chat.message") for ws in (seoul, shanghai, interp)]
        await seoul.disconnect()  # lost before the ack reached the page: it sends the line again
        seoul, again = await join(korean, 0, path)
        await seoul.send_json_to(line)
        second = await until(seoul, "chat.ack")
        await shanghai.send_json_to({"type": "chat.post", "body": "   ", "client_id": "c-2"})
        empty = await until(shanghai, "error")
        await shanghai.send_json_to({"type": "offer", "to": "x", "sdp": "v=0"})
        other = await until(shanghai, "error")
        await shanghai.send_json_to({"type": "ping"})
        pong = await until(shanghai, "pong")
        for ws in (seoul, shanghai, interp):
            await ws.disconnect()
        return hello, ack, seen, again, second, empty, other, pong

    hello, ack, seen, again, second, empty, other, pong = async_to_sync(scenario)()
    assert hello == {"type": "welcome", "chat": []}
    stored = CeremonyMessage.objects.get()
    assert stored.body == "서명 준비됐습니다 / 准备好签字了" and stored.author == korean
    assert ack == {"type": "chat.ack", "client_id": "c-1", "id": stored.pk} and second["id"] == stored.pk
    assert all(s["id"] == stored.pk and s["body"] == stored.body for s in seen)
    assert [c["body"] for c in again["chat"]] == [stored.body]
    assert empty["code"] == "chat.empty" and empty["client_id"] == "c-2"
    assert other["code"] == "protocol.unknown_type" and pong == {"type": "pong"}
    assert CeremonyMessage.objects.count() == 1


def test_a_ceremony_chat_is_rate_limited_and_a_refused_line_is_not_stored(settings):
    settings.ROOM_CHAT_RATE = (2, 60)
    w = six_party_ceremony()

    async def scenario():
        ws, _ = await join(w["organizer"], 0, ceremony_path(w))
        answers = []
        for n in range(3):
            await ws.send_json_to({"type": "chat.post", "body": f"line {n}", "client_id": f"r-{n}"})
            answers.append(await ws.receive_json_from(timeout=5))
            if answers[-1]["type"] == "chat.message":
                answers[-1] = await ws.receive_json_from(timeout=5)
        await ws.disconnect()
        return answers

    answers = async_to_sync(scenario)()
    assert [a["type"] for a in answers] == ["chat.ack", "chat.ack", "error"]
    assert answers[2]["code"] == "chat.rate_limited" and answers[2]["client_id"] == "r-2"
    assert list(CeremonyMessage.objects.values_list("body", flat=True)) == ["line 0", "line 1"]


def test_only_the_ceremonys_people_enter_its_chat_and_only_in_its_time():
    w = six_party_ceremony()
    early = six_party_ceremony(starts_in=timedelta(hours=2))

    async def scenario():
        return [
            await refused(None, 0, ceremony_path(w)),
            await refused(w["stranger"], 0, ceremony_path(w)),
            await refused(w["proposed_interpreter"], 0, ceremony_path(w)),
            await refused(early["parties"][0], 0, ceremony_path(early)),
            await refused(w["parties"][0], 0, "/ws/agreements/999999/ceremony/"),
        ]

    (anon, stranger, proposed, too_early, missing) = async_to_sync(scenario)()
    assert anon[1] == 4401 and stranger[1] == proposed[1] == missing[1] == 4404
    assert stranger[0]["code"] == "ceremony.not_found"
    assert too_early == (too_early[0], 4425) and too_early[0]["code"] == "ceremony.too_early"


def test_a_meeting_group_room_has_the_meetings_call_chat(small_fair):
    meeting = make_meeting(small_fair)
    buyer, staff = small_fair["buyer"].user, small_fair["staff"].user
    path = f"/ws/meetings/{meeting.pk}/group/"
    stranger = factories.buyer(small_fair["fair"]).user

    async def scenario():
        b, hello = await join(buyer, meeting.pk, path)
        s, _ = await join(staff, meeting.pk, path)
        await b.send_json_to({"type": "chat.post", "body": "Can everyone hear me?", "client_id": "g-1"})
        ack = await until(b, "chat.ack")
        seen = await until(s, "chat.message")
        other = await refused(stranger, meeting.pk, path)
        for ws in (b, s):
            await ws.disconnect()
        return hello, ack, seen, other

    hello, ack, seen, other = async_to_sync(scenario)()
    stored = RoomMessage.objects.get()
    assert hello["chat"] == [] and ack["id"] == seen["id"] == stored.pk
    assert stored.role == "buyer" and seen["role"] == "buyer" and seen["body"] == "Can everyone hear me?"
    assert other[1] == 4403 and other[0]["code"] == "room.denied"
