import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from config.asgi import application
from meetings.models import Meeting
from tests.meetings.test_services import request


def _communicator(client: Client, path="/ws/notifications/"):
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    return WebsocketCommunicator(
        application, path, headers=[(b"cookie", cookie.encode()), (b"origin", b"http://testserver")]
    )


@pytest.mark.django_db(transaction=True)
def test_exhibitor_sees_the_request_live(booking):
    client = Client()
    client.force_login(booking["staff"].user)
    async_to_sync(_live_scenario)(booking, client)


async def _live_scenario(b, client):
    ws = _communicator(client)
    connected, _ = await ws.connect()
    assert connected
    assert (await ws.receive_json_from())["type"] == "hello"
    await ws.send_to(text_data="not json")
    assert (await ws.receive_json_from())["code"] == "protocol.bad_json"
    await ws.send_json_to({"type": "ping"})
    assert (await ws.receive_json_from())["type"] == "pong"
    m = await sync_to_async(request)(b)
    event = await ws.receive_json_from(timeout=5)
    assert event["type"] == "meeting.requested" and event["meeting"]["id"] == m.pk
    await ws.disconnect()


@pytest.mark.django_db(transaction=True)
def test_anonymous_socket_is_refused(booking):
    async def scenario():
        ws = WebsocketCommunicator(
            application, "/ws/notifications/", headers=[(b"origin", b"http://testserver")]
        )
        return await ws.connect()

    connected, code = async_to_sync(scenario)()
    assert not connected and code == 4401


def test_api_book_and_answer(booking):
    buyer, staff = Client(), Client()
    buyer.force_login(booking["buyer"].user)
    staff.force_login(booking["staff"].user)
    fair, booth = booking["fair"], booking["booth"]
    slots = buyer.get(f"/api/meeting-slots/?fair={fair.slug}&booth={booth.pk}").json()
    assert len(slots) == len(booking["slots"]) and "in Seoul" in slots[0]["local"]
    created = buyer.post(
        "/api/meetings/",
        {"booth": booth.pk, "slot": slots[0]["id"], "message": "hi"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    meeting_id = created.json()["id"]
    taken = buyer.post(
        "/api/meetings/", {"booth": booth.pk, "slot": slots[0]["id"]}, content_type="application/json"
    )
    # one open request per buyer and booth: a second one is refused with a clear code (issue 13)
    assert taken.status_code == 400 and taken.json()["code"] == "meeting.already_open"
    assert "already an open request" in taken.json()["message"]
    bad = staff.post(f"/api/meetings/{meeting_id}/decline/", {}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "meeting.bad_input"
    ok = staff.post(f"/api/meetings/{meeting_id}/accept/", {}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "accepted"
    schedule = staff.get("/api/meetings/").json()
    assert [m["id"] for m in schedule] == [meeting_id] and "in Jakarta" in schedule[0]["when"]
    outsider = Client()
    assert outsider.get("/api/meetings/").status_code in (401, 403)
    avail = buyer.put(
        "/api/meeting-slots/availability/",
        {"fair": fair.slug, "slots": [slots[1]["id"]]},
        content_type="application/json",
    )
    assert avail.status_code == 200 and avail.json() == {"available": 1}
    assert Meeting.objects.get(pk=meeting_id).status == "accepted"


@pytest.mark.parametrize("meeting_id", ["false", "null,null", "\u00b2", "%C3%B6", "99999999999999999999999"])
def test_an_id_that_is_not_one_is_no_such_meeting_and_changes_nothing(booking, meeting_id):
    """Found by schemathesis: a meeting id that was not a number was a 500 with Django's HTML page."""
    request(booking)
    staff = Client()
    staff.force_login(booking["staff"].user)
    for path in (f"/api/meetings/{meeting_id}/", f"/api/meetings/{meeting_id}/accept/"):
        answer = staff.post(path, {}, "application/json") if path.endswith("accept/") else staff.get(path)
        assert answer.status_code == 404 and answer.json()["code"] == "meeting.not_found", path
    slots = staff.get(f"/api/meeting-slots/?fair={booking['fair'].slug}&booth={meeting_id}")
    assert slots.status_code == 404 and slots.json()["code"] == "booth.not_found"
    assert Meeting.objects.get().status == "requested"


def test_drfs_own_errors_answer_with_a_code_too(booking):
    outsider = Client()
    denied = outsider.get("/api/meetings/")
    assert denied.status_code in (401, 403)  # 403 when no scheme asks for credentials
    assert denied.json()["code"] in ("api.not_authenticated", "api.permission_denied")
    buyer = Client()
    buyer.force_login(booking["buyer"].user)
    broken = buyer.post("/api/meetings/", "{not json", content_type="application/json")
    assert broken.status_code == 400 and broken.json()["code"] == "api.parse_error"
    assert "JSON" in broken.json()["message"]
    assert buyer.delete("/api/meetings/").json()["code"] == "api.method_not_allowed"
    # Found by schemathesis: the second of a list's items was wrong, the first was fine (a 500).
    wrong = buyer.put(
        "/api/meeting-slots/availability/",
        {"fair": booking["fair"].slug, "slots": [booking["slots"][0].pk, 2.5e-42]},
        content_type="application/json",
    )
    assert wrong.status_code == 400 and wrong.json() == {
        "code": "meeting.bad_input",
        "message": "slots: A valid integer is required.",
    }
    # ... and an id larger than any key (it reached the database: an overflow, a 500)
    for body in (
        {"fair": booking["fair"].slug, "slots": [10**30]},
        {"fair": booking["fair"].slug, "slots": [booking["slots"][0].pk], "booth": 2**63},
    ):
        huge = buyer.put("/api/meeting-slots/availability/", body, content_type="application/json")
        assert huge.status_code == 400 and huge.json()["code"] == "meeting.bad_input", huge.content
    huge = buyer.post("/api/meetings/", {"booth": 10**20, "slot": 1}, content_type="application/json")
    assert huge.status_code == 400 and huge.json()["message"].startswith("booth: ")
    assert not Meeting.objects.exists()
