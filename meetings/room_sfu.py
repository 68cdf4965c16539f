"""A meeting's group video room through Janus, the SFU: everyone in the meeting (the buyer, the booth's
staff, the interpreter, the organizers) up to GROUP_SIZE cameras at once, each sent once to Janus.

The one-to-one room stays peer-to-peer (meetings/room.py); this one is for calls of more than three
people, when Janus is configured (kernel.janus.janus_available()). The same rules admit: the
meeting's room rules (room_check: a participant, a confirmed meeting, within the room's hours); Janus
is given tokens only for them and refuses anyone else by itself (docs/janus.md, "Admission").
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.errors import DomainError
from kernel.janus import Admission, JanusAdmin, JanusRoom, JanusUnavailable, janus_available
from meetings.models import Meeting
from meetings.room import RoomRefused, room_check, room_closes_at
from meetings.room_models import GroupRoom

GROUP_SIZE = 12  # cameras at once; Janus refuses one more (432)


@contextlib.contextmanager
def _admin(admin: JanusAdmin | None) -> Iterator[JanusAdmin]:
    if admin is not None:
        yield admin
        return
    with JanusAdmin.from_settings() as own:
        yield own


def _room(meeting: Meeting, admin: JanusAdmin) -> JanusRoom:
    """The meeting's Janus room, created (again, after a restart of Janus) when Janus has none."""
    kept = GroupRoom.objects.filter(meeting=meeting).first()
    if kept is not None and admin.room_exists(room=kept.janus_room):
        return JanusRoom(id=kept.janus_room, secret=kept.janus_secret)
    room = admin.room_create(description=f"meeting {meeting.pk}", publishers=GROUP_SIZE)
    try:
        with transaction.atomic():
            GroupRoom.objects.update_or_create(
                meeting=meeting, defaults={"janus_room": room.id, "janus_secret": room.secret}
            )
    except IntegrityError:  # created at the same moment by another participant: use theirs
        admin.room_destroy(room=room)
        kept = GroupRoom.objects.get(meeting=meeting)
        return JanusRoom(id=kept.janus_room, secret=kept.janus_secret)
    return room


def group_admission(*, user, meeting: Meeting, admin: JanusAdmin | None = None) -> Admission:
    """Admit a participant of the meeting to its group room until the room closes.

    RoomRefused as in the one-to-one room (not a participant, not confirmed, too early or late);
    DomainError when Janus is not configured or does not answer."""
    room_check(user=user, meeting=meeting)
    if not janus_available():
        raise DomainError(
            "room.group_unavailable",
            _("Group video is not available on this server: no video server (Janus) is configured."),
        )
    try:
        with _admin(admin) as client:
            room = _room(meeting, client)
            until = max(room_closes_at(meeting), timezone.now())
            return client.admission_issue(room=room, person=f"u{user.pk}", expires_at=until)
    except JanusUnavailable as e:
        raise DomainError("room.video_down", _("The video server does not answer. Try again.")) from e


__all__ = ["GROUP_SIZE", "JanusAdmin", "JanusRoom", "RoomRefused", "group_admission"]
