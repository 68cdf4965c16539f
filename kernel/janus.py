"""Janus, the SFU of live shows and rooms of more than three, from the application's side.

The application manages Janus through its Admin API only (`JANUS_ADMIN_URL`, `JANUS_ADMIN_SECRET`):
the VideoRoom plugin's synchronous requests travel in the Admin API's "message_plugin". Browsers
talk to Janus themselves (janus.js over `JANUS_PUBLIC_URL`) with tokens the application signs;
they never see a secret. docs/janus.md is the protocol page.

Who may join a room is decided by Janus, with what the application gave it:

- every Janus API request must carry a *session token*, "<expiry>,janus,janus.plugin.videoroom,
  p=<participant>:<HMAC-SHA1>" (Janus's signed-token mode, `token_auth_secret` =
  `JANUS_TOKEN_SECRET`): no token, a forged one or an expired one gets Janus error 403;
- a room is created with `signed_tokens`: "join" must carry a *room token* "<expiry>,
  janus.plugin.videoroom,room=<room>,p=<participant>:<HMAC-SHA1>" for that very room and not
  expired (else VideoRoom error 433);
- the room's `allowed` list holds the room tokens the application issued and not revoked: a
  publisher "join" with any other gets 433 ("not in the allowed list");
- `require_pvtid`: a subscription must name the private id of a participant who joined (so of
  an admitted token), and kicking that participant stops its subscriptions too;
- the room's `secret` (kept by the application) guards destroy, allowed, kick and recording;
  the plugin's `admin_key` (`JANUS_ROOM_ADMIN_KEY`) guards room creation; `lock_record` keeps
  participants from starting or stopping recordings with "configure" (not with their own
  "joinandconfigure", a gap in Janus: docs/janus.md, "Recordings").

What Janus cannot tell apart is a participant's role: any participant of a room may publish, up
to the room's `publishers`. `room_enforce_roles` kicks whoever publishes without being allowed
to, and anyone in the room under an id the application did not issue.

This module imports no app: only Django's settings, and only in `janus_available()` and
`JanusAdmin.from_settings()`.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import itertools
import re
import secrets
import time
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

VIDEOROOM = "janus.plugin.videoroom"

# Janus's own error codes (apierror.h) and the VideoRoom's (janus_videoroom.c) this module meets.
ERROR_UNAUTHORIZED = 403  # core: wrong, missing or expired token (or secret)
ERROR_UNAUTHORIZED_PLUGIN = 405  # core: the token does not open this plugin
ERROR_SESSION_NOT_FOUND = 458
VIDEOROOM_ERROR_NO_SUCH_ROOM = 426
VIDEOROOM_ERROR_ROOM_EXISTS = 427
VIDEOROOM_ERROR_NO_SUCH_FEED = 428
VIDEOROOM_ERROR_PUBLISHERS_FULL = 432
VIDEOROOM_ERROR_UNAUTHORIZED = 433  # wrong/expired room token, not in the allowed list, no private id
VIDEOROOM_ERROR_ID_EXISTS = 436

# What a person is called inside Janus (participant ids, token descriptors, recording file names).
LABEL = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
REQUIRED_SETTINGS = (
    "JANUS_ADMIN_URL",
    "JANUS_ADMIN_SECRET",
    "JANUS_TOKEN_SECRET",
    "JANUS_ROOM_ADMIN_KEY",
    "JANUS_PUBLIC_URL",
)


class JanusError(Exception):
    """Janus refused a request. `code` is Janus's own (403 from the core, 4xx from the VideoRoom)."""

    def __init__(self, code: int, reason: str, *, request: str = ""):
        self.code = code
        self.reason = reason
        self.request = request
        super().__init__(f"Janus error {code} on {request or 'a request'}: {reason}")


class JanusUnavailable(Exception):
    """Janus is not configured here (see `janus_missing_settings()`) or does not answer."""


# --- settings ---------------------------------------------------------------------------------


def janus_missing_settings() -> list[str]:
    """The settings Janus needs that are not set (empty: Janus is configured)."""
    from django.conf import settings

    return [name for name in REQUIRED_SETTINGS if not getattr(settings, name, "")]


def janus_available() -> bool:
    """Whether live shows and multi-party rooms can run: every Janus setting is set.

    Answers from the settings alone (no request to Janus), so a page may ask it on every view.
    """
    return not janus_missing_settings()


# --- tokens -------------------------------------------------------------------------------------


def _unix(moment: datetime | int | float) -> int:
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            raise ValueError("expires_at must be an aware datetime")
        return int(moment.timestamp())
    return int(moment)


def sign_token(*, secret: str, realm: str, descriptors: Iterable[str], expires_at: datetime | int) -> str:
    """A Janus signed token: "<expiry>,<realm>,<descriptor>...:<base64 HMAC-SHA1 of the part before ':'>".

    Janus checks the expiry (UNIX seconds), the realm ("janus" for the Janus API, the plugin's
    package for the plugin's own checks), that a descriptor it looks for is among the others, and
    the signature, with the same secret (`token_auth_secret`).
    """
    parts = [str(_unix(expires_at)), realm, *descriptors]
    for part in parts:
        if not part or "," in part or ":" in part:
            raise ValueError(f"a token part may not be empty or hold ',' or ':': {part!r}")
    data = ",".join(parts)
    signature = hmac.new(secret.encode(), data.encode(), hashlib.sha1).digest()
    return f"{data}:{base64.b64encode(signature).decode()}"


def token_expiry(token: str) -> int | None:
    """The UNIX time a signed token expires at (None for anything else)."""
    head = token.split(",", 1)[0]
    return int(head) if head.isdigit() else None


def session_token(*, secret: str, participant: str, expires_at: datetime | int) -> str:
    """The token of every Janus API request of one participant: opens the VideoRoom plugin, no more."""
    return sign_token(
        secret=secret, realm="janus", descriptors=[VIDEOROOM, f"p={participant}"], expires_at=expires_at
    )


def room_token(*, secret: str, room: str, participant: str, expires_at: datetime | int) -> str:
    """The token of one participant's "join" in one room (the room's signed_tokens and allowed list)."""
    return sign_token(
        secret=secret,
        realm=VIDEOROOM,
        descriptors=[f"room={room}", f"p={participant}"],
        expires_at=expires_at,
    )


@dataclass(frozen=True)
class JanusRoom:
    """A VideoRoom room the application created: its id and the secret that manages it."""

    id: str
    secret: str = field(repr=False)


@dataclass(frozen=True)
class Admission:
    """One person let into one room until `expires_at`: what their browser needs to join.

    `session_token` goes with every Janus API request (janus.js's `token`), `room_token` in the
    VideoRoom "join"; the browser joins under `participant_id`, which the application keeps to
    kick or revoke them later.
    """

    room: str
    participant_id: str
    session_token: str = field(repr=False)
    room_token: str = field(repr=False)
    expires_at: datetime

    def for_browser(
        self, *, server: str, display: str, role: str, ice_servers: list[dict] | None = None
    ) -> dict[str, Any]:
        """The parameters of frontend/static/frontend/js/sfu.js (to put in a page with json_script)."""
        if role not in ("publisher", "viewer", "watcher"):
            raise ValueError(f"role must be 'publisher', 'viewer' or 'watcher', not {role!r}")
        return {
            "server": server,
            "token": self.session_token,
            "roomToken": self.room_token,
            "room": self.room,
            "id": self.participant_id,
            "display": display,
            "role": role,
            "iceServers": ice_servers or [],
            "expiresAt": self.expires_at.isoformat(),
        }


# --- the Admin API ------------------------------------------------------------------------------


class JanusAdmin:
    """The application's side of Janus: rooms, admissions, participants and recording.

    Synchronous (plain httpx); every method is one or two Admin API requests. Errors Janus
    answers raise JanusError with Janus's code; an unreachable Janus raises JanusUnavailable.
    """

    def __init__(
        self,
        *,
        admin_url: str,
        admin_secret: str,
        token_secret: str,
        room_admin_key: str,
        recordings_dir: str = "",
        timeout: float = 10.0,
    ):
        self.admin_url = admin_url
        self._admin_secret = admin_secret
        self._token_secret = token_secret
        self._room_admin_key = room_admin_key
        self.recordings_dir = recordings_dir
        self._http = httpx.Client(timeout=timeout)
        self._transactions = itertools.count(1)

    @classmethod
    def from_settings(cls, **overrides: Any) -> JanusAdmin:
        """A client on the configured Janus; JanusUnavailable when a setting is missing."""
        from django.conf import settings

        missing = janus_missing_settings()
        if missing:
            raise JanusUnavailable("Janus is not configured: set " + ", ".join(missing))
        options = {
            "admin_url": settings.JANUS_ADMIN_URL,
            "admin_secret": settings.JANUS_ADMIN_SECRET,
            "token_secret": settings.JANUS_TOKEN_SECRET,
            "room_admin_key": settings.JANUS_ROOM_ADMIN_KEY,
            "recordings_dir": getattr(settings, "JANUS_RECORDINGS_DIR", ""),
        }
        options.update(overrides)
        return cls(**options)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> JanusAdmin:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- transport --------------------------------------------------------------------------

    def _admin(self, janus: str, **fields: Any) -> dict:
        transaction = f"tf-{next(self._transactions)}-{secrets.token_hex(4)}"
        body = {"janus": janus, "transaction": transaction, "admin_secret": self._admin_secret, **fields}
        try:
            response = self._http.post(self.admin_url, json=body)
        except httpx.TransportError as e:
            raise JanusUnavailable(f"Janus's Admin API at {self.admin_url} does not answer: {e}") from e
        try:
            reply = response.json()
        except ValueError as e:
            raise JanusUnavailable(f"Janus's Admin API answered HTTP {response.status_code}, not JSON") from e
        if reply.get("janus") == "error":
            error = reply.get("error", {})
            raise JanusError(error.get("code", 0), error.get("reason", ""), request=janus)
        return reply

    def _videoroom(self, request: str, **fields: Any) -> dict:
        reply = self._admin("message_plugin", plugin=VIDEOROOM, request={"request": request, **fields})
        data = reply.get("response", {})
        if "error_code" in data:
            raise JanusError(data["error_code"], data.get("error", ""), request=request)
        return data

    def info(self) -> dict:
        """Janus's "info" (version, plugins, transports): no secret needed, a health check."""
        return self._admin("info")

    # --- rooms --------------------------------------------------------------------------------

    def room_create(
        self,
        *,
        description: str,
        publishers: int,
        room: str | None = None,
        bitrate: int = 0,
        record: bool = False,
        options: Mapping[str, Any] | None = None,
    ) -> JanusRoom:
        """A new room only admitted tokens may join; returns its id and the secret that manages it.

        `publishers`: how many may send media at once (1 for a show, 6 for a six-party room).
        `options`: further VideoRoom room properties (videocodec, fir_freq, dummy_publisher...).
        """
        room_id = room or f"r{secrets.token_urlsafe(12)}"
        if not LABEL.match(room_id):
            raise ValueError(f"a room id is 1-64 letters, digits, '-' or '_': {room_id!r}")
        secret = secrets.token_urlsafe(24)
        body: dict[str, Any] = {
            "room": room_id,
            "admin_key": self._room_admin_key,
            "permanent": False,
            "description": description[:120],
            "secret": secret,
            "is_private": True,
            "publishers": publishers,
            "bitrate": bitrate,
            "signed_tokens": True,
            "allowed": [],
            "require_pvtid": True,
            "lock_record": True,
            "record": record,
        }
        if self.recordings_dir:
            body["rec_dir"] = self.recordings_dir
        body.update(options or {})
        self._videoroom("create", **body)
        return JanusRoom(id=room_id, secret=secret)

    def room_destroy(self, *, room: JanusRoom) -> None:
        """End a room: Janus tells everyone in it ("destroyed") and hangs up their media."""
        self._videoroom("destroy", room=room.id, secret=room.secret, permanent=False)

    def room_edit(self, *, room: JanusRoom, publishers: int) -> None:
        """Change how many may send media at once in a room (a show that gains an interpreter)."""
        self._videoroom("edit", room=room.id, secret=room.secret, new_publishers=publishers, permanent=False)

    def room_info(self, *, room: str) -> dict:
        """A room's properties as Janus has them ({"room", "max_publishers", ...})."""
        for entry in self.room_list():
            if str(entry.get("room")) == room:
                return entry
        raise JanusError(VIDEOROOM_ERROR_NO_SUCH_ROOM, f"No such room ({room})", request="list")

    def room_exists(self, *, room: str) -> bool:
        return bool(self._videoroom("exists", room=room).get("exists"))

    def room_list(self) -> list[dict]:
        """Every room (private ones too: the request carries the admin key)."""
        return self._videoroom("list", admin_key=self._room_admin_key).get("list", [])

    def room_allowed(self, *, room: JanusRoom) -> list[str]:
        """The room tokens Janus admits to a room now (its "allowed" list)."""
        return self._videoroom("allowed", room=room.id, secret=room.secret, action="add", allowed=[]).get(
            "allowed", []
        )

    def room_participants(self, *, room: str) -> list[dict]:
        """Who is in a room: [{"id", "display", "publisher": bool, ...}] (not subscriptions)."""
        return self._videoroom("listparticipants", room=room).get("participants", [])

    def room_record(self, *, room: JanusRoom, record: bool) -> None:
        """Start or stop recording every publisher of a room into .mjr files (one per track).

        Files land in the room's rec_dir on the Janus host (JANUS_RECORDINGS_DIR) as
        videoroom-<room>-user-<participant>-<timestamp>-<audio|video>-<mindex>.mjr; janus-pp-rec
        (Debian package janus-tools) turns each into a playable file (docs/janus.md).
        """
        self._videoroom("enable_recording", room=room.id, secret=room.secret, record=record)

    # --- people ---------------------------------------------------------------------------------

    def admission_issue(self, *, room: JanusRoom, person: str, expires_at: datetime) -> Admission:
        """Let one person into one room until `expires_at`: sign their tokens, allow the room token.

        `person` names them inside Janus (letters, digits, '-', '_': e.g. "u42"); their participant
        id is "<person>.<random>", new for every admission. The room's allowed list forgets tokens
        that have expired.
        """
        admission = self._signed(room=room, person=person, expires_at=expires_at)
        allowed = self._videoroom(
            "allowed", room=room.id, secret=room.secret, action="add", allowed=[admission.room_token]
        ).get("allowed", [])
        now = time.time()
        expired = [t for t in allowed if (token_expiry(t) or 0) < now]
        if expired:
            self._videoroom("allowed", room=room.id, secret=room.secret, action="remove", allowed=expired)
        return admission

    def admission_watch(self, *, room: JanusRoom, person: str, expires_at: datetime) -> Admission:
        """Let one person watch a room until `expires_at`, never join it: tokens signed like
        `admission_issue`'s, the room token kept out of the allowed list.

        Janus lets such a token subscribe to the room's publishers only in a room created with
        `require_pvtid: false` (a subscription then needs a signed room token of this room, not a
        participant's private id), and refuses its "join" as a participant (433, "not in the allowed
        list"): a watcher can never publish.
        """
        return self._signed(room=room, person=person, expires_at=expires_at)

    def _signed(self, *, room: JanusRoom, person: str, expires_at: datetime) -> Admission:
        """A new participant id for ``person`` and its two tokens for ``room``, signed, not yet allowed."""
        if not LABEL.match(person):
            raise ValueError(f"person is 1-64 letters, digits, '-' or '_': {person!r}")
        participant = f"{person}.{secrets.token_hex(4)}"
        return Admission(
            room=room.id,
            participant_id=participant,
            session_token=session_token(
                secret=self._token_secret, participant=participant, expires_at=expires_at
            ),
            room_token=room_token(
                secret=self._token_secret, room=room.id, participant=participant, expires_at=expires_at
            ),
            expires_at=expires_at.astimezone(UTC),
        )

    def admission_revoke(self, *, room: JanusRoom, admission: Admission) -> None:
        """Take an admission back: its room token leaves the allowed list and its participant is kicked.

        Janus then refuses the token's "join" (433) and stops the participant's media and
        subscriptions at once; an admission never used leaves nobody to kick.
        """
        self._videoroom(
            "allowed", room=room.id, secret=room.secret, action="remove", allowed=[admission.room_token]
        )
        self.participant_kick(room=room, participant_id=admission.participant_id)

    def participant_kick(self, *, room: JanusRoom, participant_id: str) -> bool:
        """Put a participant out of a room (media and subscriptions); False when they were not in it."""
        try:
            self._videoroom("kick", room=room.id, secret=room.secret, id=participant_id)
        except JanusError as e:
            if e.code == VIDEOROOM_ERROR_NO_SUCH_FEED:
                return False
            raise
        return True

    def room_enforce_roles(
        self, *, room: JanusRoom, publishers: Collection[str], viewers: Collection[str]
    ) -> list[str]:
        """Kick whoever is in the room under an id not issued, and whoever publishes as a viewer.

        `publishers` and `viewers` are the participant ids of the admissions in force; returns the
        ids kicked. Janus's own checks cannot tell a viewer from a publisher (any participant may
        publish up to the room's limit): this is how a show keeps its stage to its presenters.
        """
        kicked = []
        for p in self.room_participants(room=room.id):
            if p.get("dummy"):
                continue
            pid = str(p["id"])
            stranger = pid not in publishers and pid not in viewers
            if (stranger or (p.get("publisher") and pid not in publishers)) and self.participant_kick(
                room=room, participant_id=pid
            ):
                kicked.append(pid)
        return kicked


# --- the Janus API, as a participant ------------------------------------------------------------


class JanusSession:
    """One participant's Janus API session over HTTP (what janus.js does over a websocket).

    For tests, benchmarks and server-side participants: create a session with a session token,
    attach the VideoRoom, send requests and wait for their events (long polling).
    `request()` returns the plugin's answer (the event of an asynchronous request such as
    "join") and raises JanusError with Janus's code when the core or the plugin refuses.
    Events that answer no request (someone published, you were kicked) gather in `events`.
    """

    def __init__(self, url: str, *, token: str | None, timeout: float = 10.0):
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.session_id: int | None = None
        self.events: list[dict] = []
        self._http = httpx.Client(timeout=timeout + 35)  # a long poll waits up to 30 s
        self._transactions = itertools.count(1)

    def __enter__(self) -> JanusSession:
        return self.create()

    def __exit__(self, *exc) -> None:
        self.destroy()

    def _post(self, path: str, janus: str, **fields: Any) -> dict:
        transaction = f"p-{next(self._transactions)}-{secrets.token_hex(4)}"
        body = {"janus": janus, "transaction": transaction, **fields}
        if self.token is not None:
            body["token"] = self.token
        try:
            reply = self._http.post(self.url + path, json=body).json()
        except httpx.TransportError as e:
            raise JanusUnavailable(f"Janus API at {self.url} does not answer: {e}") from e
        if reply.get("janus") == "error":
            error = reply.get("error", {})
            raise JanusError(error.get("code", 0), error.get("reason", ""), request=janus)
        return reply

    def create(self) -> JanusSession:
        self.session_id = self._post("", "create")["data"]["id"]
        return self

    def attach(self, plugin: str = VIDEOROOM) -> int:
        return self._post(f"/{self.session_id}", "attach", plugin=plugin)["data"]["id"]

    def keepalive(self) -> None:
        self._post(f"/{self.session_id}", "keepalive")

    def request(self, handle_id: int, body: Mapping[str, Any], *, jsep: Mapping | None = None) -> dict:
        """Send a plugin request; return the plugin's data (and its "jsep", if any, under "jsep")."""
        fields: dict[str, Any] = {"body": dict(body)}
        if jsep is not None:
            fields["jsep"] = dict(jsep)
        reply = self._post(f"/{self.session_id}/{handle_id}", "message", **fields)
        if reply.get("janus") == "success":  # a synchronous request: the answer is here
            return self._plugin_data(reply, request=body.get("request", ""))
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            for event in self.poll():
                if event.get("transaction") == reply["transaction"] and event.get("janus") == "event":
                    return self._plugin_data(event, request=body.get("request", ""))
                self.events.append(event)
        raise TimeoutError(f"no answer from Janus to {body.get('request')!r} within {self.timeout}s")

    @staticmethod
    def _plugin_data(message: dict, *, request: str) -> dict:
        data = dict(message.get("plugindata", {}).get("data", {}))
        if "error_code" in data:
            raise JanusError(data["error_code"], data.get("error", ""), request=request)
        if message.get("jsep"):
            data["jsep"] = message["jsep"]
        return data

    def poll(self) -> list[dict]:
        """The session's pending events (waits up to 30 s for one, as Janus's long poll does)."""
        params: dict[str, Any] = {"maxev": 10, "rid": int(time.time() * 1000)}
        if self.token is not None:
            params["token"] = self.token
        try:
            reply = self._http.get(f"{self.url}/{self.session_id}", params=params).json()
        except httpx.TransportError as e:
            raise JanusUnavailable(f"Janus API at {self.url} does not answer: {e}") from e
        events = reply if isinstance(reply, list) else [reply]
        for event in events:
            if event.get("janus") == "error":
                error = event.get("error", {})
                raise JanusError(error.get("code", 0), error.get("reason", ""), request="poll")
        return [e for e in events if e.get("janus") != "keepalive"]

    def destroy(self) -> None:
        """End the session (its handles leave their rooms); quiet if it is already gone."""
        if self.session_id is not None:
            with contextlib.suppress(JanusError, JanusUnavailable):
                self._post(f"/{self.session_id}", "destroy")
            self.session_id = None
        self._http.close()
