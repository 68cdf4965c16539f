"""Reads of the video room: who is in it, its recent chat, the welcome frame."""

from __future__ import annotations

from kernel.janus import janus_available
from meetings import protocol as p
from meetings import room
from meetings.models import Meeting
from meetings.room_models import RoomMessage, RoomVisit


def display_name(user) -> str:
    return user.get_full_name() or user.email or user.username


def peer_info(visit: RoomVisit) -> dict:
    """A peer as other clients see it (the channel name is for the server only)."""
    return {"id": visit.peer, "name": display_name(visit.user), "role": visit.role}


def present_peers(*, meeting: Meeting, exclude_id: int | None = None):
    return (
        RoomVisit.objects.filter(meeting=meeting, left_at__isnull=True)
        .exclude(pk=exclude_id)
        .select_related("user")
        .order_by("id")
    )


def chat_frame(message: RoomMessage, peer: str | None = None) -> dict:
    return {
        "type": p.ROOM_CHAT_MESSAGE,
        "id": message.pk,
        "from": peer,
        "name": message.author_name,
        "role": message.role,
        "body": message.body,
        "at": message.created_at.isoformat(),
    }


def chat_backlog(*, meeting: Meeting) -> list[dict]:
    latest = RoomMessage.objects.filter(meeting=meeting).order_by("-id")[: p.ROOM_CHAT_BACKLOG]
    return [chat_frame(m) for m in reversed(list(latest))]


def welcome(*, visit: RoomVisit, meeting: Meeting) -> tuple[dict, dict[str, str]]:
    """The first frame a socket gets, and {peer id: channel} of the peers already there.

    The newcomer makes the offer to each peer already present ("offer": true): one side per pair,
    since a later visit always has the higher id.
    """
    peers, channels = [], {}
    for other in present_peers(meeting=meeting, exclude_id=visit.pk):
        peers.append({**peer_info(other), "offer": other.pk < visit.pk})
        channels[other.peer] = other.channel
    frame = {
        "type": p.ROOM_WELCOME,
        "you": peer_info(visit),
        "peers": peers,
        "ice_servers": room.ice_servers(user=visit.user),
        "meeting": {
            "id": meeting.pk,
            "status": meeting.status,
            "starts_at": meeting.slot.starts_at.isoformat(),
            "ends_at": meeting.slot.ends_at.isoformat(),
            "closes_at": room.room_closes_at(meeting).isoformat(),
        },
        "chat": chat_backlog(meeting=meeting),
    }
    return frame, channels


def room_page(*, meeting: Meeting, user) -> dict:
    """What the room page shows before the socket opens: who, when, and the role the user has there."""
    from meetings.selectors import meeting_for

    return {
        "meeting": meeting,
        "when": meeting_for(meeting=meeting, viewer=user)["when"],
        "role": room.room_role(user=user, meeting=meeting),
        "opens_at": room.room_opens_at(meeting),
        "closes_at": room.room_closes_at(meeting),
        "buyer_name": str(meeting.buyer.company or display_name(meeting.buyer.user)),
        "group_video": janus_available(),  # the group room through Janus (meetings/room_sfu.py)
    }
