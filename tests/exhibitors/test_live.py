"""The live booth over real websockets: config.asgi.application through Channels' communicator.

On the embedded default these run on the in-memory layer; with REDIS_URL on the real Redis layer.
"""

from __future__ import annotations

import json

import pytest

from exhibitors import live
from exhibitors.models import ChatMessage, Knock
from fair.models import Interaction
from tests import factories
from tests.exhibitors.conftest import Socket, run

pytestmark = pytest.mark.django_db(transaction=True)


def test_anonymous_watches_a_published_booth_but_must_sign_in_to_post(small_fair):
    booth, staff = small_fair["booths"]["cosmetics"], small_fair["staff"]
    ChatMessage.objects.create(
        booth=booth,
        author_name="Min (Seoul Glow Co.)",
        body="Welcome!",
        author_is_staff=True,
        created_at="2026-12-01T01:00:00Z",
    )

    async def scenario():
        guest = Socket(booth.pk)
        snap = await guest.open()
        assert snap["type"] == "snapshot"
        assert snap["you"]["role"] == "anonymous" and snap["you"]["can_post"] is False
        assert [m["body"] for m in snap["messages"]] == ["Welcome!"]
        assert snap["presence"]["count"] == 1
        worker = Socket(booth.pk, staff.user)
        await worker.open()
        await guest.send({"type": "chat.post", "body": "hello?"})
        error = await guest.recv_type("error")
        assert error["code"] == "chat.login_required"
        assert await worker.nothing(), worker.unexpected  # the refused message reached nobody
        await guest.close()
        await worker.close()

    run(scenario)
    assert ChatMessage.objects.count() == 1


@pytest.mark.parametrize("who,code", [("anonymous", 4403), ("buyer", 4403), ("other_staff", 4403)])
def test_a_draft_booth_refuses_everyone_but_its_staff_and_organizers(small_fair, who, code):
    draft = small_fair["booths"]["draft"]
    user = {
        "anonymous": None,
        "buyer": small_fair["buyer"].user,
        "other_staff": small_fair["staff"].user,
    }[who]

    async def scenario():
        sock = Socket(draft.pk, user)
        connected, _ = await sock.connect()
        assert connected  # accepted, then closed with a code the page can read
        closing = await sock.comm.receive_output(timeout=2)
        assert closing == {"type": "websocket.close", "code": code}

    run(scenario)


def test_a_draft_booth_opens_for_its_staff_and_the_organizer(small_fair):
    draft = small_fair["booths"]["draft"]
    own_staff = factories.staff(draft)

    async def scenario():
        for user in (own_staff.user, small_fair["organizer"].user):
            sock = Socket(draft.pk, user)
            snap = await sock.open()
            assert snap["type"] == "snapshot" and snap["booth"]["published"] is False
            await sock.close()

    run(scenario)


def test_an_unknown_booth_closes_with_4404(small_fair):
    async def scenario():
        sock = Socket(999_999)
        await sock.connect()
        assert await sock.comm.receive_output(timeout=2) == {"type": "websocket.close", "code": 4404}

    run(scenario)


def test_a_buyer_message_is_stored_then_reaches_everyone_with_its_id(small_fair):
    booth, staff, buyer = small_fair["booths"]["cosmetics"], small_fair["staff"], small_fair["buyer"]
    buyer.user.first_name = "Aiko"
    buyer.user.save()

    async def scenario():
        worker, visitor, guest = (Socket(booth.pk, u) for u in (staff.user, buyer.user, None))
        for s in (worker, visitor, guest):
            await s.open()
        await visitor.send({"type": "chat.post", "body": "  <b>Do you ship to Osaka?</b>  "})
        frames = [await s.recv_type("chat.message") for s in (worker, visitor, guest)]
        await visitor.send({"type": "chat.post", "body": "And MOQ?"})
        await worker.recv_type("chat.message")
        for s in (worker, visitor, guest):
            await s.close()
        return frames

    frames = run(scenario)
    stored = ChatMessage.objects.get(body="<b>Do you ship to Osaka?</b>")  # trimmed, kept as plain text
    assert {f["id"] for f in frames} == {stored.pk}
    assert frames[0]["body"] == "<b>Do you ship to Osaka?</b>"
    company = buyer.company.name
    assert frames[0]["author"] == f"Aiko ({company})"
    assert buyer.user.email not in json.dumps(frames)  # contact details never go out
    kinds = sorted(Interaction.objects.filter(buyer=buyer, booth=booth).values_list("kind", flat=True))
    assert kinds == ["booth_visit", "chat"]  # once per buyer, booth and day each


@pytest.mark.parametrize(
    "frame,code",
    [
        ("not json", "protocol.bad_json"),
        ("[1, 2]", "protocol.bad_json"),
        ('{"no": "type"}', "protocol.unknown_type"),
        ('{"type": "chat.delete_everything"}', "protocol.unknown_type"),
        (json.dumps({"type": "chat.post", "body": "x" * 20_000}), "protocol.too_large"),
        (json.dumps({"type": "chat.post", "body": "x" * 2_001}), "chat.too_long"),
        (json.dumps({"type": "chat.post", "body": "   "}), "chat.empty"),
        (json.dumps({"type": "chat.post", "body": 42}), "chat.invalid"),
        (json.dumps({"type": "chat.hide", "id": "1; drop"}), "protocol.bad_field"),
        (json.dumps({"type": "chat.resume", "after": -5}), "protocol.bad_field"),
    ],
    ids=lambda v: v[:30] if isinstance(v, str) else str(v),
)
def test_a_bad_frame_gets_an_error_and_reaches_nobody(small_fair, frame, code):
    booth, staff, buyer = small_fair["booths"]["cosmetics"], small_fair["staff"], small_fair["buyer"]

    async def scenario():
        worker, visitor = Socket(booth.pk, staff.user), Socket(booth.pk, buyer.user)
        await worker.open()
        await visitor.open()
        await visitor.send(frame)
        error = await visitor.recv_type("error")
        assert error["code"] == code and error["message"]
        assert await worker.nothing()
        await visitor.comm.send_to(bytes_data=b"\x00\x01")
        assert (await visitor.recv_type("error"))["code"] == "protocol.bad_frame"
        await worker.close()
        await visitor.close()

    run(scenario)
    assert ChatMessage.objects.count() == 0


def test_chat_is_rate_limited_per_user(small_fair):
    booth, buyer = small_fair["booths"]["cosmetics"], small_fair["buyer"]

    async def scenario():
        visitor = Socket(booth.pk, buyer.user)
        await visitor.open()
        for i in range(6):
            await visitor.send({"type": "chat.post", "body": f"message {i}"})
        got = []  # 5 messages (through the booth's broadcast) and 1 error (a direct reply), in any order:
        while len(got) < 6:  # the reply to the 6th may overtake the broadcast of the 5th
            frame = await visitor.recv()
            if frame["type"] in ("chat.message", "error"):
                got.append(frame)
        assert await visitor.nothing(), visitor.unexpected
        await visitor.close()
        return got

    frames = run(scenario)
    assert sorted(f["type"] for f in frames) == ["chat.message"] * 5 + ["error"]
    assert [f["code"] for f in frames if f["type"] == "error"] == ["chat.rate_limited"]
    assert [f["body"] for f in frames if f["type"] == "chat.message"] == [f"message {i}" for i in range(5)]
    assert ChatMessage.objects.count() == 5


def test_staff_hide_a_message_and_resume_returns_what_a_client_missed(small_fair):
    booth, staff, buyer = small_fair["booths"]["cosmetics"], small_fair["staff"], small_fair["buyer"]

    async def scenario():
        worker, visitor = Socket(booth.pk, staff.user), Socket(booth.pk, buyer.user)
        await worker.open()
        await visitor.open()
        await visitor.send({"type": "chat.post", "body": "first"})
        first = await visitor.recv_type("chat.message")
        assert (await worker.recv_type("chat.message"))["id"] == first["id"]
        await visitor.close()  # the buyer drops off; two messages go by
        await worker.send({"type": "chat.post", "body": "second"})
        await worker.send({"type": "chat.post", "body": "spam"})
        second = await worker.recv_type("chat.message")
        spam = await worker.recv_type("chat.message")

        back = Socket(booth.pk, buyer.user)
        await back.open()
        await back.send({"type": "chat.hide", "id": spam["id"]})
        assert (await back.recv_type("error"))["code"] == "protocol.denied"
        await worker.send({"type": "chat.hide", "id": spam["id"]})
        assert (await back.recv_type("chat.hidden"))["id"] == spam["id"]
        await back.send({"type": "chat.resume", "after": first["id"]})
        missed = await back.recv_type("chat.missed")
        assert [m["id"] for m in missed["messages"]] == [second["id"]]
        await worker.close()
        await back.close()

    run(scenario)
    assert ChatMessage.objects.get(body="spam").hidden


def test_presence_counts_people_and_names_staff_and_visible_buyers_only(small_fair):
    booth, staff, buyer = small_fair["booths"]["cosmetics"], small_fair["staff"], small_fair["buyer"]
    staff.user.first_name = "Min"
    staff.user.save()
    buyer.user.first_name = "Aiko"
    buyer.user.save()

    async def scenario():
        worker = Socket(booth.pk, staff.user)
        await worker.open()
        visitor = Socket(booth.pk, buyer.user)
        snap = await visitor.open()
        assert snap["presence"]["count"] == 2
        assert snap["presence"]["staff"] == ["Min (Seoul Glow Co.)"]
        assert snap["presence"]["visible"] == []
        guest = Socket(booth.pk)
        await guest.open()
        await visitor.send({"type": "presence.visible", "visible": True})
        assert (await visitor.recv_type("presence.visible"))["visible"] is True
        while (frame := await worker.recv_type("presence"))["visible"] == []:
            pass
        assert frame["count"] == 3
        assert frame["visible"] == [f"Aiko ({buyer.company.name})"]
        await guest.send({"type": "presence.visible"})
        assert (await guest.recv_type("error"))["code"] == "chat.login_required"
        await guest.close()
        await visitor.close()
        while (frame := await worker.recv_type("presence"))["count"] != 1:
            pass
        assert frame["visible"] == []
        await worker.close()

    run(scenario)


def test_staff_set_the_live_status_with_a_checked_stream_link(small_fair):
    booth, staff, buyer = small_fair["booths"]["cosmetics"], small_fair["staff"], small_fair["buyer"]

    async def scenario():
        worker, visitor = Socket(booth.pk, staff.user), Socket(booth.pk, buyer.user)
        await worker.open()
        snap = await visitor.open()
        assert snap["status"] == {"status": "away", "stream_url": ""}
        await visitor.send({"type": "status.set", "status": "on_duty"})
        assert (await visitor.recv_type("error"))["code"] == "protocol.denied"
        await worker.send({"type": "status.set", "status": "live", "stream_url": "javascript:alert(1)"})
        assert (await worker.recv_type("error"))["code"] == "status.bad_url"
        await worker.send({"type": "status.set", "status": "asleep"})
        assert (await worker.recv_type("error"))["code"] == "status.invalid"
        await worker.send(
            {"type": "status.set", "status": "live", "stream_url": "https://live.example.test/s/1"}
        )
        status = await visitor.recv_type("status")
        assert status == {"type": "status", "status": "live", "stream_url": "https://live.example.test/s/1"}
        await worker.close()
        await visitor.close()

    run(scenario)
    booth.refresh_from_db()
    assert (booth.live_status, booth.stream_url) == ("live", "https://live.example.test/s/1")


def test_a_knock_rings_every_staff_member_and_the_first_answer_opens_a_private_thread(small_fair):
    booth, staff, buyer = small_fair["booths"]["cosmetics"], small_fair["staff"], small_fair["buyer"]
    colleague = factories.staff(booth)
    other_buyer = factories.buyer(small_fair["fair"])

    async def scenario():
        socks = {
            name: Socket(booth.pk, u)
            for name, u in [
                ("staff", staff.user),
                ("colleague", colleague.user),
                ("buyer", buyer.user),
                ("other", other_buyer.user),
                ("guest", None),
            ]
        }
        for s in socks.values():
            await s.open()
        await socks["guest"].send({"type": "knock"})
        assert (await socks["guest"].recv_type("error"))["code"] == "chat.login_required"
        await socks["buyer"].send({"type": "knock"})
        waiting = await socks["buyer"].recv_type("knock.waiting")
        assert waiting["timeout"] == 120.0
        rang = [await socks[n].recv_type("knock.received") for n in ("staff", "colleague")]
        assert {r["knock"] for r in rang} == {waiting["knock"]}
        assert buyer.user.email not in json.dumps(rang)
        await socks["buyer"].send({"type": "knock"})  # knocking again does not ring again
        assert (await socks["buyer"].recv_type("knock.waiting"))["knock"] == waiting["knock"]

        await socks["staff"].send({"type": "knock.answer", "knock": waiting["knock"]})
        answered = await socks["buyer"].recv_type("knock.answered")
        assert answered["thread"] == waiting["knock"]
        await socks["colleague"].recv_type("knock.answered")
        await socks["colleague"].send({"type": "knock.answer", "knock": waiting["knock"]})
        assert (await socks["colleague"].recv_type("error"))["code"] == "knock.taken"

        thread = answered["thread"]
        await socks["buyer"].send({"type": "chat.post", "body": "Samples to Osaka?", "thread": thread})
        for n in ("buyer", "staff", "colleague"):
            assert (await socks[n].recv_type("chat.message"))["thread"] == answered["thread"]
        await socks["other"].send({"type": "chat.post", "body": "me too", "thread": answered["thread"]})
        assert (await socks["other"].recv_type("error"))["code"] == "chat.no_such_thread"
        await socks["other"].send({"type": "chat.resume", "after": 0})
        assert (await socks["other"].recv_type("chat.missed"))["messages"] == []
        for n in ("other", "guest"):
            frames = []
            while not await socks[n].nothing(0.1):
                frames.append(await socks[n].recv())
            assert not [f for f in frames if f["type"].startswith(("knock", "chat"))], frames
        for s in socks.values():
            await s.close()

    run(scenario)
    knock = Knock.objects.get()
    assert knock.status == "answered" and knock.answered_by == staff


def test_an_unanswered_knock_is_marked_missed_and_the_buyer_can_leave_a_message(small_fair, live_settings):
    live_settings.BOOTH_LIVE = {**live_settings.BOOTH_LIVE, "KNOCK_TIMEOUT": 0.3}
    booth, staff, buyer = small_fair["booths"]["cosmetics"], small_fair["staff"], small_fair["buyer"]

    async def scenario():
        worker, visitor = Socket(booth.pk, staff.user), Socket(booth.pk, buyer.user)
        await worker.open()
        await visitor.open()
        await visitor.send({"type": "knock"})
        knock_id = (await visitor.recv_type("knock.waiting"))["knock"]
        missed = await visitor.recv_type("knock.missed", timeout=3)
        assert missed["knock"] == knock_id and missed["status"] == "missed"
        await worker.send({"type": "knock.answer", "knock": knock_id})
        assert (await worker.recv_type("error"))["code"] == "knock.missed"
        await visitor.send({"type": "knock.message", "knock": knock_id, "body": "Please call me back."})
        assert (await visitor.recv_type("knock.message_left"))["knock"] == knock_id
        left = await worker.recv_type("knock.message_left")
        assert left["body"] == "Please call me back."
        await worker.close()
        await visitor.close()

    run(scenario)
    knock = Knock.objects.get()
    assert (knock.status, knock.message) == ("missed", "Please call me back.")


def test_new_visitors_share_one_read_yet_see_every_status_line_and_hide_at_once(small_fair):
    """The hub shares the booth row and the public lines among new anonymous sockets; a status change,
    a new line or a hidden one is in the very next snapshot, on the in-memory layer as on Redis."""
    booth, staff = small_fair["booths"]["cosmetics"], small_fair["staff"]

    async def scenario():
        worker = Socket(booth.pk, staff.user)
        await worker.open()
        first = await Socket(booth.pk).open()  # reads the booth and the public lines, kept in the hub
        assert first["status"]["status"] == "away" and first["messages"] == []
        hub = live._hubs[booth.pk]
        assert hub.cached_booth() is not None and hub.public == []
        guests = [Socket(booth.pk) for _ in range(5)]
        for guest in guests:
            assert (await guest.open())["messages"] == []

        await worker.send(
            {"type": "status.set", "status": "live", "stream_url": "https://live.example.test/s/1"}
        )
        await worker.recv_type("status")
        snap = await Socket(booth.pk).open()
        assert snap["status"] == {"status": "live", "stream_url": "https://live.example.test/s/1"}

        await worker.send({"type": "chat.post", "body": "Welcome to our booth"})
        line = await worker.recv_type("chat.message")
        snap = await Socket(booth.pk).open()
        assert [m["id"] for m in snap["messages"]] == [line["id"]]

        await worker.send({"type": "chat.hide", "id": line["id"]})
        await worker.recv_type("chat.hidden")
        snap = await Socket(booth.pk).open()
        assert snap["messages"] == []
        await worker.close()

    run(scenario)


def test_anonymous_sockets_of_a_served_booth_cost_no_query(small_fair, monkeypatch):
    """No session lookup, no booth or chat read: nothing that waits for the one database thread."""
    import channels.auth

    from exhibitors import live, selectors

    booth, staff = small_fair["booths"]["cosmetics"], small_fair["staff"]
    calls = []

    def counted(module, name):
        fn = getattr(module, name)

        def wrapper(*args, **kwargs):
            calls.append(name)
            return fn(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    for name in ("booth_get_live", "chat_recent", "knocks_open"):
        counted(selectors, name)
    counted(live, "_booth_open")  # the thread hop that reads the booth and the viewer's roles
    counted(channels.auth, "get_user")

    async def scenario():
        worker = Socket(booth.pk, staff.user)
        await worker.open()
        await Socket(booth.pk).open()  # the first anonymous socket reads the public lines
        calls.clear()
        for _ in range(10):
            snap = await Socket(booth.pk).open()
            assert snap["you"]["role"] == "anonymous"
        seen = list(calls)
        await worker.close()
        return seen

    assert run(scenario) == []


def test_a_private_line_is_hidden_by_its_thread_only_and_nobody_else_hears_of_it(small_fair):
    """Issue 14: an organizer could hide private-thread lines they cannot read, and the hidden id went
    to every socket. Now only the thread's members (the booth's staff) hide it, and only the sockets
    that saw the line (the staff and that buyer) get chat.hidden."""
    booth, staff, buyer = small_fair["booths"]["cosmetics"], small_fair["staff"], small_fair["buyer"]
    organizer = small_fair["organizer"]
    other_buyer = factories.buyer(small_fair["fair"])

    async def scenario():
        socks = {
            name: Socket(booth.pk, u)
            for name, u in [
                ("staff", staff.user),
                ("buyer", buyer.user),
                ("organizer", organizer.user),
                ("other", other_buyer.user),
                ("guest", None),
            ]
        }
        for s in socks.values():
            await s.open()
        await socks["buyer"].send({"type": "knock"})
        knock = (await socks["buyer"].recv_type("knock.waiting"))["knock"]
        await socks["staff"].send({"type": "knock.answer", "knock": knock})
        await socks["buyer"].recv_type("knock.answered")
        await socks["buyer"].send({"type": "chat.post", "body": "my phone is 555-0100", "thread": knock})
        line = await socks["staff"].recv_type("chat.message")
        await socks["buyer"].recv_type("chat.message")

        await socks["organizer"].send({"type": "chat.hide", "id": line["id"]})
        assert (await socks["organizer"].recv_type("error"))["code"] == "chat.no_such_message"
        await socks["staff"].send({"type": "chat.hide", "id": line["id"]})
        assert (await socks["staff"].recv_type("chat.hidden"))["id"] == line["id"]
        assert (await socks["buyer"].recv_type("chat.hidden"))["id"] == line["id"]
        for n in ("organizer", "other", "guest"):
            frames = []
            while not await socks[n].nothing(0.2):
                frames.append(await socks[n].recv())
            assert not [f for f in frames if f["type"] == "chat.hidden"], (n, frames)
        for s in socks.values():
            await s.close()

    run(scenario)
    assert ChatMessage.objects.get(body="my phone is 555-0100").hidden
