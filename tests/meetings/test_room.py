"""The video room's socket on config.asgi.application: who gets in when, what is relayed to whom,
what is stored, and how attendance turns into held / no-show."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import uuid
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.utils import timezone

from config.asgi import application
from fair.models import Interaction
from meetings import room
from meetings.models import Meeting, Slot
from meetings.room_models import RoomMessage, RoomReport, RoomVisit
from tests import factories

SDP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
CANDIDATE = {
    "candidate": "candidate:1 1 udp 2122260223 10.0.0.2 50000 typ host",
    "sdpMid": "0",
    "sdpMLineIndex": 0,
}


@pytest.fixture
def room_timings(settings):
    settings.ROOM_OPENS_BEFORE_SECONDS = 600
    settings.ROOM_CLOSES_AFTER_SECONDS = 900
    settings.ROOM_MIN_HELD_SECONDS = 0.6
    settings.STUN_URLS = []
    settings.TURN_URLS = []
    return settings


def make_meeting(
    small_fair,
    *,
    starts_in: timedelta = timedelta(minutes=-1),
    minutes: int = 30,
    status=Meeting.Status.ACCEPTED,
    buyer=None,
) -> Meeting:
    f = small_fair["fair"]
    start = (timezone.now() + starts_in).replace(microsecond=0)
    slot = Slot.objects.create(
        fair=f, starts_at=start, ends_at=start + timedelta(minutes=minutes), day=start.date()
    )
    return Meeting.objects.create(
        fair=f,
        buyer=buyer or small_fair["buyer"],
        booth=small_fair["booths"]["cosmetics"],
        exhibitor=small_fair["staff"],
        slot=slot,
        status=status,
    )


def socket_at(user, path: str) -> WebsocketCommunicator:
    """A communicator on config.asgi.application, signed in as ``user`` (None: a visitor)."""
    headers = [(b"origin", b"http://testserver")]
    if user is not None:
        client = Client()
        client.force_login(user)
        headers.append((b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()))
    return WebsocketCommunicator(application, path, headers=headers)


def socket_for(user, meeting_id: int) -> WebsocketCommunicator:
    return socket_at(user, f"/ws/meetings/{meeting_id}/room/")


async def join(user, meeting_id: int, path: str | None = None):
    ws = await sync_to_async(socket_at)(user, path or f"/ws/meetings/{meeting_id}/room/")
    connected, _ = await ws.connect()
    assert connected
    return ws, await ws.receive_json_from(timeout=5)


async def refused(user, meeting_id: int, path: str | None = None) -> tuple[dict, int]:
    ws = await sync_to_async(socket_at)(user, path or f"/ws/meetings/{meeting_id}/room/")
    connected, _ = await ws.connect()
    assert connected  # accepted first, so the browser reads the reason
    error = await ws.receive_json_from(timeout=5)
    closed = await ws.receive_output(timeout=5)
    assert closed["type"] == "websocket.close"
    return error, closed["code"]


async def until(ws, kind: str, timeout: float = 5) -> dict:
    while True:
        frame = await ws.receive_json_from(timeout=timeout)
        if frame["type"] == kind:
            return frame


pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("room_timings")]


# --- who gets in, when --------------------------------------------------------------------------


def test_refusals_each_have_their_own_close_code(small_fair, settings):
    m = make_meeting(small_fair)
    other_buyer = factories.buyer(small_fair["fair"])
    other_meeting = make_meeting(small_fair, starts_in=timedelta(hours=2), buyer=other_buyer)
    other_staff = factories.staff(small_fair["booths"]["snacks"]).user
    early = make_meeting(
        small_fair, starts_in=timedelta(minutes=11), buyer=factories.buyer(small_fair["fair"])
    )
    late = make_meeting(
        small_fair, starts_in=timedelta(minutes=-46), buyer=factories.buyer(small_fair["fair"])
    )
    cancelled = make_meeting(
        small_fair,
        starts_in=timedelta(minutes=-2),
        status=Meeting.Status.CANCELLED,
        buyer=factories.buyer(small_fair["fair"]),
    )

    async def scenario():
        return {
            "anonymous": await refused(None, m.pk),
            "other buyer": await refused(other_buyer.user, m.pk),
            "other company": await refused(other_staff, m.pk),
            "unconfirmed interpreter": await refused(small_fair["interpreter"].user, m.pk),
            "too early": await refused(early.buyer.user, early.pk),
            "too late": await refused(late.buyer.user, late.pk),
            "cancelled": await refused(cancelled.buyer.user, cancelled.pk),
            "no such meeting": await refused(small_fair["buyer"].user, 999_999),
        }

    got = async_to_sync(scenario)()
    assert {k: (e["code"], c) for k, (e, c) in got.items()} == {
        "anonymous": ("room.anonymous", 4401),
        "other buyer": ("room.denied", 4403),
        "other company": ("room.denied", 4403),
        "unconfirmed interpreter": ("room.denied", 4403),
        "too early": ("room.too_early", 4425),
        "too late": ("room.too_late", 4410),
        "cancelled": ("room.not_accepted", 4409),
        "no such meeting": ("room.not_found", 4404),
    }
    assert all(e["type"] == "error" and e["message"] for e, _c in got.values())
    assert "10 minutes" in got["too early"][0]["message"]
    assert not RoomVisit.objects.exists()
    assert other_meeting.pk  # the other buyer has a meeting of its own, just not this one


def test_the_window_follows_the_settings(small_fair, settings):
    settings.ROOM_OPENS_BEFORE_SECONDS = 60
    m = make_meeting(small_fair, starts_in=timedelta(seconds=90))

    async def scenario():
        error, code = await refused(small_fair["buyer"].user, m.pk)
        assert code == 4425
        settings.ROOM_OPENS_BEFORE_SECONDS = 120
        ws, welcome = await join(small_fair["buyer"].user, m.pk)
        await ws.disconnect()
        return welcome

    welcome = async_to_sync(scenario)()
    assert welcome["type"] == "welcome" and welcome["you"]["role"] == "buyer"


# --- signalling ----------------------------------------------------------------------------------


def test_offer_answer_and_ice_reach_only_the_addressed_peer(small_fair, settings):
    settings.ROOM_MIN_HELD_SECONDS = 60  # no meeting.held broadcast during this test
    m = make_meeting(small_fair)
    interp = small_fair["interpreter"]
    Meeting.objects.filter(pk=m.pk).update(
        interpreter=interp, interpreter_status=Meeting.InterpreterStatus.CONFIRMED
    )
    organizer = small_fair["organizer"].user

    async def scenario():
        buyer, bw = await join(small_fair["buyer"].user, m.pk)
        staff, sw = await join(small_fair["staff"].user, m.pk)
        interpreter, iw = await join(interp.user, m.pk)
        observer, ow = await join(organizer, m.pk)
        assert [p["role"] for p in ow["peers"]] == ["buyer", "exhibitor", "interpreter"]
        assert all(p["offer"] for p in ow["peers"])  # the newcomer offers to everyone there
        assert bw["peers"] == [] and sw["peers"][0]["id"] == bw["you"]["id"]
        for ws in (buyer, staff, interpreter):  # the others hear who arrived
            arrivals = []
            while len(arrivals) < {buyer: 3, staff: 2, interpreter: 1}[ws]:
                arrivals.append((await until(ws, "peer.joined"))["peer"]["role"])
        b, s, i = bw["you"]["id"], sw["you"]["id"], iw["you"]["id"]

        await staff.send_json_to({"type": "offer", "to": b, "sdp": SDP})
        got = await until(buyer, "offer")
        assert got == {"type": "offer", "from": s, "sdp": SDP}
        await buyer.send_json_to({"type": "answer", "to": s, "sdp": SDP})
        assert (await until(staff, "answer"))["from"] == b
        await buyer.send_json_to({"type": "ice", "to": s, "candidate": CANDIDATE})
        assert (await until(staff, "ice"))["candidate"] == CANDIDATE
        await buyer.send_json_to({"type": "ice", "to": s, "candidate": None})
        assert (await until(staff, "ice"))["candidate"] is None
        await interpreter.send_json_to({"type": "offer", "to": b, "sdp": SDP})
        assert (await until(buyer, "offer"))["from"] == i
        # nobody else heard any of it
        for ws in (interpreter, observer):
            assert await ws.receive_nothing(timeout=0.3)
        for ws in (buyer, staff, interpreter, observer):
            await ws.disconnect()

    async_to_sync(scenario)()


def test_garbage_gets_an_error_and_reaches_nobody(small_fair, settings):
    settings.ROOM_MIN_HELD_SECONDS = 60
    m = make_meeting(small_fair)

    async def scenario():
        buyer, bw = await join(small_fair["buyer"].user, m.pk)
        staff, sw = await join(small_fair["staff"].user, m.pk)
        await until(buyer, "peer.joined")
        s = sw["you"]["id"]
        bad = {
            "not json": "{nope",
            "a list": "[1, 2]",
            "no type": '{"to": "x"}',
            "unknown type": '{"type": "shell", "cmd": "rm"}',
            "too large": '{{"type": "offer", "to": "{}", "sdp": "v=0{}"}}'.format(s, "a" * 70_000),
            "not an sdp": f'{{"type": "offer", "to": "{s}", "sdp": "<script>"}}',
            "unknown peer": '{"type": "offer", "to": "ffff", "sdp": "v=0"}',
            "to itself": '{{"type": "offer", "to": "{}", "sdp": "v=0"}}'.format(bw["you"]["id"]),
            "bad candidate": f'{{"type": "ice", "to": "{s}", "candidate": "x"}}',
            "bad media": '{"type": "media", "audio": "yes"}',
            "empty chat": '{"type": "chat.post", "body": "   "}',
        }
        codes = {}
        for name, text in bad.items():
            await buyer.send_to(text_data=text)
            reply = await buyer.receive_json_from(timeout=5)
            assert reply["type"] == "error" and reply["message"], name
            codes[name] = reply["code"]
        await buyer.send_to(bytes_data=b"\x00\x01")
        codes["binary"] = (await buyer.receive_json_from(timeout=5))["code"]
        assert await staff.receive_nothing(timeout=0.3)
        await buyer.send_json_to({"type": "ping"})
        assert (await buyer.receive_json_from())["type"] == "pong"
        for ws in (buyer, staff):
            await ws.disconnect()
        return codes

    codes = async_to_sync(scenario)()
    assert codes == {
        "not json": "protocol.bad_json",
        "a list": "protocol.bad_json",
        "no type": "protocol.unknown_type",
        "unknown type": "protocol.unknown_type",
        "too large": "protocol.too_large",
        "not an sdp": "protocol.bad_field",
        "unknown peer": "room.no_such_peer",
        "to itself": "room.no_such_peer",
        "bad candidate": "protocol.bad_field",
        "bad media": "protocol.bad_field",
        "empty chat": "chat.empty",
        "binary": "protocol.bad_frame",
    }
    assert not RoomMessage.objects.exists()


def test_a_peer_that_left_cannot_be_addressed(small_fair):
    m = make_meeting(small_fair)

    async def scenario():
        buyer, _bw = await join(small_fair["buyer"].user, m.pk)
        staff, sw = await join(small_fair["staff"].user, m.pk)
        await until(buyer, "peer.joined")
        await staff.disconnect()
        left = await until(buyer, "peer.left")
        assert left["peer"]["id"] == sw["you"]["id"]
        await buyer.send_json_to({"type": "offer", "to": sw["you"]["id"], "sdp": SDP})
        assert (await buyer.receive_json_from())["code"] == "room.no_such_peer"
        await buyer.disconnect()

    async_to_sync(scenario)()


# --- chat and media state ----------------------------------------------------------------------------


def test_chat_is_stored_before_it_is_relayed_and_replayed_to_newcomers(small_fair):
    m = make_meeting(small_fair)
    small_fair["buyer"].user.first_name = "Aiko"
    small_fair["buyer"].user.save()

    async def scenario():
        buyer, _ = await join(small_fair["buyer"].user, m.pk)
        staff, _ = await join(small_fair["staff"].user, m.pk)
        await until(buyer, "peer.joined")
        await buyer.send_json_to({"type": "chat.post", "body": "  <b>Price list?</b>  "})
        got = await until(staff, "chat.message")
        assert await sync_to_async(RoomMessage.objects.filter(pk=got["id"]).exists)()
        mine = await until(buyer, "chat.message")
        await staff.send_json_to({"type": "media", "audio": False, "video": True, "screen": True})
        media = await until(buyer, "media")
        await staff.disconnect()
        late, welcome = await join(small_fair["staff"].user, m.pk)
        for ws in (buyer, late):
            await ws.disconnect()
        return got, mine, media, welcome

    got, mine, media, welcome = async_to_sync(scenario)()
    assert got == mine and got["body"] == "<b>Price list?</b>" and got["name"] == "Aiko"
    assert got["role"] == "buyer"
    assert media["audio"] is False and media["screen"] is True
    assert [c["body"] for c in welcome["chat"]] == ["<b>Price list?</b>"]
    assert RoomMessage.objects.get().meeting_id == m.pk


def test_a_chat_line_sent_again_with_its_client_id_is_stored_once_and_acknowledged(small_fair):
    """A page keeps each line until chat.ack and sends it again after a reconnect or a
    chat.unavailable error: the second send stores nothing, and both are acknowledged with the id."""
    m = make_meeting(small_fair)

    async def scenario():
        buyer, _ = await join(small_fair["buyer"].user, m.pk)
        staff, _ = await join(small_fair["staff"].user, m.pk)
        await until(buyer, "peer.joined")
        line = {"type": "chat.post", "body": "Samples by Friday?", "client_id": "c-1"}
        await buyer.send_json_to(line)
        first = await until(buyer, "chat.ack")
        await buyer.disconnect()  # the page lost its socket before it saw the ack, and comes back
        buyer, welcome = await join(small_fair["buyer"].user, m.pk)
        await buyer.send_json_to(line)
        second = await until(buyer, "chat.ack")
        seen = await until(staff, "chat.message")
        await buyer.send_json_to({"type": "chat.post", "body": "x", "client_id": "no spaces allowed"})
        bad = await until(buyer, "error")
        for ws in (buyer, staff):
            await ws.disconnect()
        return first, second, seen, welcome, bad

    first, second, seen, welcome, bad = async_to_sync(scenario)()
    assert first["client_id"] == second["client_id"] == "c-1" and first["id"] == second["id"] == seen["id"]
    assert [c["body"] for c in welcome["chat"]] == ["Samples by Friday?"]
    assert RoomMessage.objects.filter(meeting=m).count() == 1
    assert bad["code"] == "protocol.bad_field" and bad["client_id"] == "no spaces allowed"


# --- ICE servers ---------------------------------------------------------------------------------------


def test_turn_credentials_are_what_coturn_computes(small_fair, settings):
    settings.STUN_URLS = ["stun:stun.fair.example:3478"]
    settings.TURN_URLS = ["turn:turn.fair.example:3478?transport=udp", "turns:turn.fair.example:5349"]
    settings.TURN_SECRET = "s3cret"
    settings.TURN_CREDENTIAL_TTL_SECONDS = 600
    m = make_meeting(small_fair)
    user = small_fair["buyer"].user

    async def scenario():
        ws, welcome = await join(user, m.pk)
        await ws.disconnect()
        return welcome

    servers = async_to_sync(scenario)()["ice_servers"]
    assert servers[0] == {"urls": ["stun:stun.fair.example:3478"]}
    turn = servers[1]
    expiry, uid = turn["username"].split(":")
    assert uid == str(user.pk)
    assert 590 <= int(expiry) - timezone.now().timestamp() <= 610
    expected = base64.b64encode(
        hmac.new(b"s3cret", turn["username"].encode(), hashlib.sha1).digest()
    ).decode()
    assert turn["credential"] == expected
    assert room.turn_credentials(user_id=7, secret="k", ttl=60, now=1000)[0] == "1060:7"


# --- attendance --------------------------------------------------------------------------------------------


def test_both_sides_together_long_enough_mark_the_meeting_held(small_fair):
    m = make_meeting(small_fair)

    async def scenario():
        buyer, _ = await join(small_fair["buyer"].user, m.pk)
        staff, _ = await join(small_fair["staff"].user, m.pk)
        held = await until(buyer, "meeting.held", timeout=5)
        for ws in (buyer, staff):
            await ws.disconnect()
        return held

    assert async_to_sync(scenario)()["meeting"] == m.pk
    m.refresh_from_db()
    assert m.status == Meeting.Status.HELD
    visits = list(RoomVisit.objects.filter(meeting=m).order_by("id"))
    assert [v.role for v in visits] == ["buyer", "exhibitor"]
    assert all(v.left_at is not None and v.left_at >= v.joined_at for v in visits)
    assert Interaction.objects.filter(
        buyer=m.buyer, booth=m.booth, kind=Interaction.Kind.MEETING_HELD
    ).exists()


def test_a_short_call_is_not_held(small_fair, settings):
    settings.ROOM_MIN_HELD_SECONDS = 30
    m = make_meeting(small_fair)

    async def scenario():
        buyer, _ = await join(small_fair["buyer"].user, m.pk)
        staff, _ = await join(small_fair["staff"].user, m.pk)
        await asyncio.sleep(0.3)
        for ws in (buyer, staff):
            await ws.disconnect()

    async_to_sync(scenario)()
    m.refresh_from_db()
    assert m.status == Meeting.Status.ACCEPTED
    assert RoomVisit.objects.filter(meeting=m, left_at__isnull=False).count() == 2


def test_a_side_that_never_came_is_the_no_show_when_the_room_closes(small_fair, settings):
    m = make_meeting(small_fair, starts_in=timedelta(minutes=-20), minutes=30)
    nobody = make_meeting(
        small_fair, starts_in=timedelta(minutes=-50), minutes=30, buyer=factories.buyer(small_fair["fair"])
    )

    async def scenario():
        buyer, _ = await join(small_fair["buyer"].user, m.pk)
        await asyncio.sleep(0.2)
        await buyer.disconnect()

    async_to_sync(scenario)()
    # Nothing decided while the room is open (the other meeting's room has closed: nobody came)...
    assert [r.meeting_id for r in room.rooms_close_due()] == [nobody.pk]
    m.refresh_from_db()
    assert m.status == Meeting.Status.ACCEPTED
    # ...the worker decides when it has closed.
    reports = room.rooms_close_due(now=room.room_closes_at(m) + timedelta(seconds=1))
    report = RoomReport.objects.get(meeting=m)
    assert report.no_show == "exhibitor" and report.buyer_seconds > 0 and report.together_seconds == 0
    m.refresh_from_db()
    assert m.status == Meeting.Status.NO_SHOW
    assert RoomReport.objects.get(meeting=nobody).no_show == "both"
    nobody.refresh_from_db()
    assert nobody.status == Meeting.Status.NO_SHOW
    assert room.rooms_close_due(now=room.room_closes_at(m) + timedelta(seconds=2)) == []  # once only
    assert [r.meeting_id for r in reports] == [m.pk]


def test_together_time_counts_from_the_start_and_across_reconnects(small_fair, settings):
    settings.ROOM_MIN_HELD_SECONDS = 300
    m = make_meeting(small_fair, starts_in=timedelta(minutes=-30))
    start = m.slot.starts_at
    buyer, staff = small_fair["buyer"].user, small_fair["staff"].user

    def visit(user, role, a, b):
        RoomVisit.objects.create(
            meeting=m,
            user=user,
            role=role,
            peer=f"{role}{a}",
            channel="x",
            joined_at=start + timedelta(minutes=a),
            left_at=start + timedelta(minutes=b),
        )

    visit(buyer, "buyer", -5, 2)  # early: only 2 minutes count
    visit(staff, "exhibitor", -3, 3)
    visit(staff, "exhibitor", 4, 6)  # a dropped connection, then back
    visit(buyer, "buyer", 4, 10)
    seen = room.attendance(meeting=m)
    assert seen.together_seconds == pytest.approx(4 * 60)
    assert room.attendance_check(meeting=m) is False
    visit(staff, "exhibitor", 8, 9)
    assert room.attendance_check(meeting=m) is True
    m.refresh_from_db()
    assert m.status == Meeting.Status.HELD


# --- the page --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "heading"),
    [
        ("en", "Video call: Seoul Glow Co."),
        ("ko", "화상 상담: Seoul Glow Co."),
        ("ja", "ビデオ商談：Seoul Glow Co."),
        ("zh-hans", "视频洽谈：Seoul Glow Co."),
        ("vi", "Cuộc gọi video: Seoul Glow Co."),
        ("id", "Panggilan video: Seoul Glow Co."),
    ],
)
def test_the_room_page_speaks_the_viewer_language(small_fair, lang, heading):
    from tests.i18n_support import ensure_compiled_messages

    ensure_compiled_messages()
    m = make_meeting(small_fair)
    user = small_fair["buyer"].user
    user.language = lang
    user.save()
    client = Client()
    client.force_login(user)
    body = client.get(f"/meetings/{m.pk}/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert heading in body
    assert f'data-ws="/ws/meetings/{m.pk}/room/"' in body and 'data-role="buyer"' in body
    assert "frontend/js/room.js" in body


def test_the_room_page_is_for_the_meeting_only(small_fair):
    m = make_meeting(small_fair)
    assert Client().get(f"/meetings/{m.pk}/").status_code == 302  # to the sign-in page
    stranger = Client()
    stranger.force_login(factories.buyer(small_fair["fair"]).user)
    assert stranger.get(f"/meetings/{m.pk}/").status_code == 404  # no such meeting, for them
    staff = Client()
    staff.force_login(small_fair["staff"].user)
    assert 'data-role="exhibitor"' in staff.get(f"/meetings/{m.pk}/").content.decode()


def test_room_chat_is_rate_limited_and_a_refused_line_is_not_stored(small_fair, settings):
    """Issue 14: 300 frames in 5.7 s were all stored and relayed. Past the limit a line is refused
    with chat.rate_limited, stored nowhere and relayed to nobody."""
    # A key prefix of this test's own: no count left by another test (never a flush of a shared Redis).
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"room-rate-{uuid.uuid4().hex}"}
    }
    settings.ROOM_CHAT_RATE = (3, 60)
    m = make_meeting(small_fair)

    async def scenario():
        buyer, _ = await join(small_fair["buyer"].user, m.pk)
        staff, _ = await join(small_fair["staff"].user, m.pk)
        await until(buyer, "peer.joined")
        answers = []
        for n in range(5):
            await buyer.send_json_to({"type": "chat.post", "body": f"line {n}"})
            frame = await buyer.receive_json_from(timeout=5)
            while frame["type"] not in ("chat.message", "error"):
                frame = await buyer.receive_json_from(timeout=5)
            answers.append(frame)
        relayed = [await until(staff, "chat.message") for _ in range(3)]
        for ws in (buyer, staff):
            await ws.disconnect()
        return answers, relayed

    answers, relayed = async_to_sync(scenario)()
    assert [a["type"] for a in answers] == ["chat.message"] * 3 + ["error"] * 2
    assert answers[-1]["code"] == "chat.rate_limited"
    assert [r["body"] for r in relayed] == ["line 0", "line 1", "line 2"]
    assert RoomMessage.objects.count() == 3
