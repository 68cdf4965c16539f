"""ws/agreements/<agreement_id>/ceremony/: the chat of a signing ceremony's own room, on the group
rooms' chat protocol (meetings/group_chat.py, docs/video-protocol.md "Group rooms"). Thin: who enters
is the access layer's ``agreement:join_ceremony`` and the ceremony's time (agreements/ceremony_room.py)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from agreements.access import access_ceremony
from agreements.ceremony_room import (
    CeremonyClosed,
    ceremony_chat_backlog,
    ceremony_chat_frame,
    ceremony_chat_post,
    ceremony_group,
    ceremony_room_check,
)
from kernel.access import signed_in
from kernel.errors import NotFound
from meetings import protocol as p
from meetings.group_chat import Entered, GroupChatConsumer
from meetings.room import RoomRefused

CLOSE_CODES = {
    "ceremony.too_early": p.ROOM_CLOSE_TOO_EARLY,
    "ceremony.ended": p.ROOM_CLOSE_TOO_LATE,
    "ceremony.cancelled": p.ROOM_CLOSE_NOT_ACTIVE,
}


class CeremonyChatConsumer(GroupChatConsumer):
    def enter(self) -> Entered:
        user = self.scope.get("user")
        if not signed_in(user):
            raise RoomRefused("room.anonymous", _("Sign in to join the ceremony."), p.ROOM_CLOSE_ANONYMOUS)
        try:
            ceremony = access_ceremony(user, self.scope["url_route"]["kwargs"]["agreement_id"])
            ceremony_room_check(ceremony=ceremony)
        except NotFound as e:
            raise RoomRefused(e.code, e.message, p.ROOM_CLOSE_NOT_FOUND) from e
        except CeremonyClosed as e:
            raise RoomRefused(e.code, e.message, CLOSE_CODES[e.code]) from e
        self.ceremony = ceremony
        return Entered(
            group=ceremony_group(ceremony.pk),
            backlog=ceremony_chat_backlog(ceremony=ceremony),
            closes_at=ceremony.ends_at,
        )

    def post(self, body, client_id):
        message = ceremony_chat_post(
            user=self.scope["user"], ceremony=self.ceremony, body=body, client_id=client_id
        )
        return message, ceremony_chat_frame(message)
