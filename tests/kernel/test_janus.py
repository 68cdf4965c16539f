"""kernel/janus.py against a real Janus (tests/janus_server.py): rooms, admission and refusals.

Every refusal here is Janus's own answer, with its own code: 403 from the core (no token, a
forged or expired session token), 405 (a token that does not open the VideoRoom), 433 from the
VideoRoom (a room token for another room, expired, never issued, revoked; a subscription without
a participant's private id), 426 (the room is gone). The participant side speaks the Janus API
over HTTP, request by request, as janus.js does in a browser.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from kernel.janus import (
    VIDEOROOM,
    Admission,
    JanusAdmin,
    JanusError,
    JanusRoom,
    JanusSession,
    JanusUnavailable,
    janus_available,
    janus_missing_settings,
    room_token,
    session_token,
    sign_token,
)

pytestmark = pytest.mark.usefixtures("janus_server")


@pytest.fixture
def admin(janus_server):
    values = janus_server.values
    with JanusAdmin(
        admin_url=janus_server.admin_url,
        admin_secret=values["JANUS_ADMIN_SECRET"],
        token_secret=values["JANUS_TOKEN_SECRET"],
        room_admin_key=values["JANUS_ROOM_ADMIN_KEY"],
        recordings_dir=str(janus_server.recordings_dir),
    ) as client:
        yield client


@pytest.fixture
def room(admin):
    """A room with a dummy publisher: a feed to subscribe to with no media at all."""
    created = admin.room_create(description="Show", publishers=3, options={"dummy_publisher": True})
    yield created
    if admin.room_exists(room=created.id):
        admin.room_destroy(room=created)


def soon(seconds: float = 600) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


def session_for(
    janus_server, admission: Admission | None = None, *, token: str | None = None
) -> JanusSession:
    return JanusSession(janus_server.url, token=admission.session_token if admission else token)


def join_publisher(session: JanusSession, handle: int, admission: Admission, **overrides) -> dict:
    body = {
        "request": "join",
        "ptype": "publisher",
        "room": admission.room,
        "id": admission.participant_id,
        "display": "Min-jun",
        "token": admission.room_token,
        **overrides,
    }
    return session.request(handle, {k: v for k, v in body.items() if v is not None})


def dummy_feed(joined: dict) -> str:
    (feed,) = [p["id"] for p in joined["publishers"] if p.get("dummy")]
    return feed


def refused(call, *, code: int, reason: str) -> JanusError:
    with pytest.raises(JanusError) as caught:
        call()
    assert caught.value.code == code, caught.value
    assert reason in caught.value.reason, caught.value
    return caught.value


# --- rooms ------------------------------------------------------------------------------------------


def test_a_room_is_private_and_guarded_by_its_secret(admin, room, janus_server):
    assert admin.room_exists(room=room.id)
    (listed,) = [r for r in admin.room_list() if r["room"] == room.id]
    assert listed["is_private"] is True
    assert listed["require_pvtid"] is True
    assert listed["lock_record"] is True
    assert listed["max_publishers"] == 3

    # Janus keeps the secret: a wrong one manages nothing.
    refused(
        lambda: admin.room_destroy(room=JanusRoom(id=room.id, secret="guess")),
        code=433,
        reason="Unauthorized (wrong secret)",
    )
    assert admin.room_exists(room=room.id)


def test_only_the_admin_key_creates_rooms(janus_server):
    values = janus_server.values
    with JanusAdmin(
        admin_url=janus_server.admin_url,
        admin_secret=values["JANUS_ADMIN_SECRET"],
        token_secret=values["JANUS_TOKEN_SECRET"],
        room_admin_key="not-the-key",
    ) as wrong_key:
        refused(lambda: wrong_key.room_create(description="x", publishers=1), code=433, reason="admin_key")
    with JanusAdmin(
        admin_url=janus_server.admin_url,
        admin_secret="not-the-secret",
        token_secret=values["JANUS_TOKEN_SECRET"],
        room_admin_key=values["JANUS_ROOM_ADMIN_KEY"],
    ) as wrong_secret:
        refused(
            lambda: wrong_secret.room_create(description="x", publishers=1), code=403, reason="Unauthorized"
        )


def test_a_browser_token_cannot_create_rooms(admin, room, janus_server):
    """A session token opens the VideoRoom, but "create" still wants the admin key."""
    admission = admin.admission_issue(room=room, person="u1", expires_at=soon())
    with session_for(janus_server, admission) as session:
        handle = session.attach()
        refused(
            lambda: session.request(handle, {"request": "create", "room": "mine", "publishers": 10}),
            code=429,
            reason="admin_key",
        )
    assert not admin.room_exists(room="mine")


# --- admission --------------------------------------------------------------------------------------


def test_an_admitted_person_joins_publishes_and_subscribes(admin, room, janus_server):
    admission = admin.admission_issue(room=room, person="u42", expires_at=soon())
    assert admission.participant_id.startswith("u42.")

    with session_for(janus_server, admission) as session:
        handle = session.attach()
        joined = join_publisher(session, handle, admission)
        assert joined["videoroom"] == "joined"
        assert joined["room"] == room.id
        assert joined["id"] == admission.participant_id
        assert joined["private_id"]
        assert [p["id"] for p in admin.room_participants(room=room.id) if not p.get("dummy")] == [
            admission.participant_id
        ]

        # A subscription in the same session, tied to the participant by its private id: Janus
        # answers with the offer of the feed's media.
        subscriber = session.attach()
        attached = session.request(
            subscriber,
            {
                "request": "join",
                "ptype": "subscriber",
                "room": room.id,
                "streams": [{"feed": dummy_feed(joined)}],
                "private_id": joined["private_id"],
                "token": admission.room_token,
            },
        )
        assert attached["videoroom"] == "attached"
        assert attached["jsep"]["type"] == "offer"
        assert "m=video" in attached["jsep"]["sdp"]


def test_a_session_without_a_valid_token_is_refused_by_janus(admin, room, janus_server):
    admission = admin.admission_issue(room=room, person="u7", expires_at=soon())
    secret = janus_server.values["JANUS_TOKEN_SECRET"]
    cases = {
        "no token": None,
        "forged (another secret)": session_token(secret="not-ours", participant="u7.x", expires_at=soon()),
        "expired": session_token(secret=secret, participant="u7.x", expires_at=soon(-5)),
        "a room token": admission.room_token,
    }
    for case, token in cases.items():
        session = session_for(janus_server, token=token)
        try:
            refused(session.create, code=403, reason="Unauthorized request (wrong or missing secret/token)")
        except AssertionError as e:
            raise AssertionError(f"{case}: {e}") from e
        finally:
            session.destroy()

    # A valid session token that does not name the VideoRoom opens a session, not the plugin.
    bare = sign_token(secret=secret, realm="janus", descriptors=["p=u7.x"], expires_at=soon())
    with session_for(janus_server, token=bare) as session:
        refused(session.attach, code=405, reason="can't access plugin 'janus.plugin.videoroom'")


def test_a_join_without_this_rooms_admission_is_refused_by_janus(admin, room, janus_server):
    other = admin.room_create(description="Another show", publishers=1)
    try:
        elsewhere = admin.admission_issue(room=other, person="u8", expires_at=soon())
        secret = janus_server.values["JANUS_TOKEN_SECRET"]
        with session_for(janus_server, elsewhere) as session:  # its session token is valid anywhere
            handle = session.attach()
            # Admitted to the other room only: its room token names the other room.
            refused(
                lambda: join_publisher(session, handle, elsewhere, room=room.id),
                code=433,
                reason="Unauthorized (wrong token)",
            )
            # No room token at all.
            refused(
                lambda: join_publisher(session, handle, elsewhere, room=room.id, token=None),
                code=433,
                reason="Unauthorized (wrong token)",
            )
            # A room token for this room, signed with our secret, but never issued: not in the list.
            unissued = room_token(secret=secret, room=room.id, participant="u8.y", expires_at=soon())
            refused(
                lambda: join_publisher(session, handle, elsewhere, room=room.id, token=unissued),
                code=433,
                reason="Unauthorized (not in the allowed list)",
            )
            # A subscription needs the private id of a participant who joined.
            subscriber = session.attach()
            admitted = admin.admission_issue(room=room, person="u9", expires_at=soon())
            with session_for(janus_server, admitted) as holder:
                feed = dummy_feed(join_publisher(holder, holder.attach(), admitted))
            refused(
                lambda: session.request(
                    subscriber,
                    {
                        "request": "join",
                        "ptype": "subscriber",
                        "room": room.id,
                        "streams": [{"feed": feed}],
                        "token": admitted.room_token,
                    },
                ),
                code=433,
                reason="Unauthorized (this room requires a valid private_id)",
            )
        assert [p for p in admin.room_participants(room=room.id) if not p.get("dummy")] == []
    finally:
        admin.room_destroy(room=other)


def test_an_expired_admission_is_refused_by_janus(admin, room, janus_server):
    admission = admin.admission_issue(room=room, person="u5", expires_at=soon(2))
    fresh = admin.admission_issue(room=room, person="u6", expires_at=soon())
    time.sleep(3.2)  # Janus compares whole seconds
    session = session_for(janus_server, admission)
    try:
        refused(session.create, code=403, reason="Unauthorized request")
    finally:
        session.destroy()
    # With a valid session, the expired room token is refused by the room.
    with session_for(janus_server, fresh) as session:
        handle = session.attach()
        refused(
            lambda: join_publisher(session, handle, fresh, token=admission.room_token),
            code=433,
            reason="Unauthorized (wrong token)",
        )
    # Issuing again drops expired tokens from the room's allowed list.
    admin.admission_issue(room=room, person="u5", expires_at=soon())
    allowed = admin.room_allowed(room=room)
    assert admission.room_token not in allowed
    assert fresh.room_token in allowed


def test_a_revoked_admission_is_put_out_and_refused_by_janus(admin, room, janus_server):
    admission = admin.admission_issue(room=room, person="u3", expires_at=soon())
    with session_for(janus_server, admission) as session:
        handle = session.attach()
        join_publisher(session, handle, admission)

        admin.admission_revoke(room=room, admission=admission)
        deadline = time.monotonic() + 10
        while not any(e.get("plugindata", {}).get("data", {}).get("leaving") == "ok" for e in session.events):
            assert time.monotonic() < deadline, session.events
            session.events.extend(session.poll())
        (kicked,) = [e["plugindata"]["data"] for e in session.events if "plugindata" in e]
        assert kicked["reason"] == "kicked"
        assert [p for p in admin.room_participants(room=room.id) if not p.get("dummy")] == []

        # Joining again with the same tokens: Janus refuses them now.
        again = session.attach()
        refused(
            lambda: join_publisher(session, again, admission),
            code=433,
            reason="Unauthorized (not in the allowed list)",
        )
    assert admin.participant_kick(room=room, participant_id=admission.participant_id) is False


def test_one_admission_is_one_participant_at_a_time(admin, room, janus_server):
    admission = admin.admission_issue(room=room, person="u2", expires_at=soon())
    with session_for(janus_server, admission) as first, session_for(janus_server, admission) as second:
        join_publisher(first, first.attach(), admission)
        refused(lambda: join_publisher(second, second.attach(), admission), code=436, reason="already exists")


def test_enforcing_roles_puts_out_strangers(admin, room, janus_server):
    """A participant that joined under an id the application did not issue is kicked."""
    admitted = admin.admission_issue(room=room, person="u10", expires_at=soon())
    sneaky = admin.admission_issue(room=room, person="u11", expires_at=soon())
    with session_for(janus_server, admitted) as a, session_for(janus_server, sneaky) as b:
        join_publisher(a, a.attach(), admitted)
        join_publisher(b, b.attach(), sneaky, id="organizer")
        kicked = admin.room_enforce_roles(
            room=room, publishers=[], viewers=[admitted.participant_id, sneaky.participant_id]
        )
        assert kicked == ["organizer"]
        assert [p["id"] for p in admin.room_participants(room=room.id) if not p.get("dummy")] == [
            admitted.participant_id
        ]


def test_destroying_the_room_ends_it(admin, janus_server):
    room = admin.room_create(description="Closing soon", publishers=6)
    admission = admin.admission_issue(room=room, person="u4", expires_at=soon())
    with session_for(janus_server, admission) as session:
        handle = session.attach()
        join_publisher(session, handle, admission)

        admin.room_destroy(room=room)
        deadline = time.monotonic() + 10
        while not any(
            e.get("plugindata", {}).get("data", {}).get("videoroom") == "destroyed" for e in session.events
        ):
            assert time.monotonic() < deadline, session.events
            session.events.extend(session.poll())
        assert not admin.room_exists(room=room.id)
        refused(lambda: join_publisher(session, session.attach(), admission), code=426, reason="No such room")
    refused(
        lambda: admin.admission_issue(room=room, person="u4", expires_at=soon()),
        code=426,
        reason="No such room",
    )


# --- settings ---------------------------------------------------------------------------------------


def test_available_only_when_configured(settings, janus_settings):
    assert janus_available()
    with JanusAdmin.from_settings() as client:
        assert client.info()["janus"] == "server_info"
    settings.JANUS_PUBLIC_URL = ""
    assert not janus_available()
    assert janus_missing_settings() == ["JANUS_PUBLIC_URL"]
    with pytest.raises(JanusUnavailable, match="JANUS_PUBLIC_URL"):
        JanusAdmin.from_settings()


def test_an_unreachable_janus_is_unavailable(janus_server):
    with (
        JanusAdmin(
            admin_url="http://127.0.0.1:9/admin",
            admin_secret="x",
            token_secret="x",
            room_admin_key="x",
            timeout=2,
        ) as client,
        pytest.raises(JanusUnavailable, match="does not answer"),
    ):
        client.room_exists(room="any")


def test_admission_for_the_browser(admin, room, janus_server):
    admission = admin.admission_issue(room=room, person="u12", expires_at=soon())
    params = admission.for_browser(server=janus_server.ws_url, display="Aiko", role="viewer")
    assert params["token"] == admission.session_token
    assert params["roomToken"] == admission.room_token
    assert params["room"] == room.id and params["id"] == admission.participant_id
    assert "secret" not in str(params).lower() and room.secret not in str(params)
    assert params["token"].split(",")[:3][1:] == ["janus", VIDEOROOM]
    with pytest.raises(ValueError, match="role"):
        admission.for_browser(server="x", display="Aiko", role="organizer")
    with pytest.raises(ValueError, match="person"):
        admin.admission_issue(room=room, person="no spaces", expires_at=soon())
