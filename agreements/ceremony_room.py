"""A signing ceremony's own multi-party room through Janus, the SFU (docs/janus.md): the people of the
agreement's parties, the fair's organizers and the interpreter, up to CEREMONY_SIZE cameras at once.

Who may enter is the access layer's ``agreement:join_ceremony`` (agreements/access.py); when is this module's:
from ROOM_OPENS_BEFORE_SECONDS before the ceremony starts until it ends, while it is scheduled. Janus
is given tokens only for the people admitted, valid until the ceremony ends, and refuses anyone else
by itself. Without Janus the ceremony keeps the consultation rooms (agreements/rooms.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import Ceremony, CeremonyMessage, CeremonyRoom
from kernel import events
from kernel.access import require, signed_in
from kernel.errors import DomainError
from kernel.janus import Admission, JanusAdmin
from kernel.janus_rooms import admit, require_janus
from meetings import protocol as p
from meetings.room import chat_line_once
from meetings.room_sfu import GROUP_SIZE

CEREMONY_SIZE = GROUP_SIZE  # cameras at once; Janus refuses one more (432)
# The ceremony may be streamed to viewers who watch only: a subscription needs a signed room token of
# this room rather than a participant's private id, and only the participants' room tokens are in the
# allowed list, so Janus refuses a viewer's "join" as a participant (433): viewers never publish.
ROOM_OPTIONS = {"require_pvtid": False}


class CeremonyClosed(DomainError):
    status = 403


def ceremony_opens_at(ceremony: Ceremony) -> datetime:
    return ceremony.starts_at - timedelta(seconds=settings.ROOM_OPENS_BEFORE_SECONDS)


def ceremony_room_check(*, ceremony: Ceremony, now: datetime | None = None) -> None:
    """CeremonyClosed unless the ceremony's room is open now (scheduled, a little before start until end)."""
    now = now or timezone.now()
    if ceremony.status != Ceremony.Status.SCHEDULED:
        raise CeremonyClosed("ceremony.cancelled", _("This ceremony was cancelled."))
    if now < ceremony_opens_at(ceremony):
        raise CeremonyClosed(
            "ceremony.too_early",
            _("The ceremony's room opens %(minutes)d minutes before it starts.")
            % {"minutes": round(settings.ROOM_OPENS_BEFORE_SECONDS / 60)},
        )
    if now >= ceremony.ends_at:
        raise CeremonyClosed("ceremony.ended", _("This ceremony has ended."))


def ceremony_admission(*, user, ceremony: Ceremony, admin: JanusAdmin | None = None) -> Admission:
    """Admit ``user`` to the ceremony's room until it ends, as a participant (camera and microphone).

    PermissionDenied when they are not one of its people (``agreement:join_ceremony``); CeremonyClosed outside
    its time; DomainError when Janus is not configured or does not answer."""
    require(user, "agreement:join_ceremony", ceremony.agreement)
    return _admit(ceremony, admin, person=f"u{user.pk}", watch_only=False)


def _admit(ceremony: Ceremony, admin: JanusAdmin | None, *, person: str, watch_only: bool) -> Admission:
    """Tokens for the ceremony's room until it ends, when it is open and Janus is configured."""
    ceremony_room_check(ceremony=ceremony)
    require_janus(
        "ceremony.video_unavailable",
        _("The ceremony's own video room needs a video server (Janus), and none is configured here."),
    )
    return admit(
        model=CeremonyRoom,
        owner={"ceremony": ceremony},
        description=f"ceremony {ceremony.pk}",
        publishers=CEREMONY_SIZE,
        person=person,
        until=ceremony.ends_at,
        admin=admin,
        options=ROOM_OPTIONS,
        watch_only=watch_only,
    )


# --- streaming to viewers ------------------------------------------------------------------------


@transaction.atomic
def ceremony_stream_set(*, actor, ceremony: Ceremony, audience: str) -> Ceremony:
    """Stream the ceremony to viewers (``participants``: the fair's registered participants;
    ``public``: anyone with the link) or stop (``""``): the fair's organizers."""
    require(actor, "agreement:stream_ceremony", ceremony.agreement)
    if audience not in Ceremony.Audience.values:
        raise DomainError("ceremony.bad_audience", _("Choose who may watch."))
    locked = Ceremony.objects.select_for_update().select_related("agreement").get(pk=ceremony.pk)
    locked.stream_audience = audience
    locked.save(update_fields=["stream_audience"])
    events.emit(
        "ceremony.stream_changed",
        fair_id=locked.agreement.fair_id,
        subject=locked,
        actor=actor,
        audience=audience,
    )
    return locked


def ceremony_watch_admission(*, user, ceremony: Ceremony, admin: JanusAdmin | None = None) -> Admission:
    """Let ``user`` (or a visitor, for a public stream) watch the ceremony's room, listen-only, until
    it ends: tokens that subscribe to its cameras and that Janus refuses as a participant (433)."""
    require(user, "agreement:watch_ceremony", ceremony.agreement)
    person = f"w{user.pk}" if signed_in(user) else "guest"
    return _admit(ceremony, admin, person=person, watch_only=True)


# --- the room's chat (meetings/group_chat.py, docs/video-protocol.md "Group rooms") ----------------


def ceremony_chat_post(*, user, ceremony: Ceremony, body, client_id: str | None = None) -> CeremonyMessage:
    """Store a chat line of the ceremony's room before anyone sees it; the same ``client_id`` again
    returns the line already stored (``duplicate``) and stores nothing. The rules of every call's chat
    (meetings.room.chat_checked): text, not empty, at most 2,000 characters, not too fast."""
    require(user, "agreement:join_ceremony", ceremony.agreement)
    mine = CeremonyMessage.objects.filter(ceremony=ceremony, author_id=user.pk)
    return chat_line_once(
        mine, model=CeremonyMessage, user=user, body=body, client_id=client_id, ceremony=ceremony
    )


def ceremony_chat_frame(message: CeremonyMessage) -> dict:
    return {
        "type": p.ROOM_CHAT_MESSAGE,
        "id": message.pk,
        "from": None,
        "name": message.author_name,
        "role": "",
        "body": message.body,
        "at": message.created_at.isoformat(),
    }


def ceremony_chat_backlog(*, ceremony: Ceremony) -> list[dict]:
    latest = CeremonyMessage.objects.filter(ceremony=ceremony).order_by("-id")[: p.ROOM_CHAT_BACKLOG]
    return [ceremony_chat_frame(m) for m in reversed(list(latest))]


def ceremony_group(ceremony_id: int) -> str:
    """Every chat socket of one ceremony's room (ws/agreements/<agreement_id>/ceremony/)."""
    return f"ceremony.{int(ceremony_id)}"
