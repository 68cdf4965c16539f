"""A meeting's group video room through Janus, the SFU: everyone in the meeting (the buyer, the booth's
staff, the interpreter, the organizers) up to GROUP_SIZE cameras at once, each sent once to Janus.

The one-to-one room stays peer-to-peer (meetings/room.py); this one is for calls of more than three
people, when Janus is configured (kernel.janus.janus_available()). The same rules admit: the
meeting's room rules (room_check: a participant, a confirmed meeting, within the room's hours); Janus
is given tokens only for them and refuses anyone else by itself (docs/janus.md, "Admission").
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.errors import DomainError
from kernel.janus import Admission, JanusAdmin, JanusRoom, janus_available, janus_missing_settings
from kernel.janus_rooms import admit, require_janus
from meetings.models import Meeting
from meetings.room import RoomRefused, ice_servers, room_check, room_closes_at
from meetings.room_models import GroupRoom

GROUP_SIZE = 12  # cameras at once; Janus refuses one more (432)
CAMERA = {"width": 640, "height": 360, "frameRate": 15}  # what each of up to 12 cameras sends


def sfu_page(*, user, admission: Callable[[], Admission], role: str = "publisher") -> dict:
    """What a page with an sfu.js room needs (templates' frontend/_sfu_room.html): ``video`` (Janus is
    configured), ``missing`` (its unset settings, for a superuser), ``refusal`` and ``refusal_code``
    (why this person is not admitted now) or ``sfu_params`` (the browser's parameters, docs/janus.md).
    ``admission`` admits the person, raising DomainError when they may not enter now."""
    context = {
        "video": janus_available(),
        "missing": [],
        "sfu_params": None,
        "refusal": "",
        "refusal_code": "",
    }
    if not context["video"]:
        context["missing"] = janus_missing_settings() if user.is_superuser else []
        return context
    try:
        admitted = admission()
    except DomainError as e:  # RoomRefused too: not a participant, too early, too late
        context.update(refusal=e.message, refusal_code=e.code)
        return context
    params = admitted.for_browser(
        server=settings.JANUS_PUBLIC_URL,
        display=str(user.first_name or user) if user.is_authenticated else "",
        role=role,
        ice_servers=ice_servers(user=user) if user.is_authenticated else [],
    )
    if role == "publisher":
        params["video"] = dict(CAMERA)
    context["sfu_params"] = params
    return context


def group_admission(*, user, meeting: Meeting, admin: JanusAdmin | None = None) -> Admission:
    """Admit a participant of the meeting to its group room until the room closes.

    RoomRefused as in the one-to-one room (not a participant, not confirmed, too early or late);
    DomainError when Janus is not configured or does not answer."""
    room_check(user=user, meeting=meeting)
    require_janus(
        "room.group_unavailable",
        _("Group video is not available on this server: no video server (Janus) is configured."),
    )
    return admit(
        model=GroupRoom,
        owner={"meeting": meeting},
        description=f"meeting {meeting.pk}",
        publishers=GROUP_SIZE,
        person=f"u{user.pk}",
        until=max(room_closes_at(meeting), timezone.now()),
        admin=admin,
    )


__all__ = ["GROUP_SIZE", "JanusAdmin", "JanusRoom", "RoomRefused", "group_admission", "sfu_page"]
