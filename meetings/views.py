"""Thin views: the private calendar feed and the meeting's video room page (what e-mails and ICS link to)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from kernel.errors import DomainError
from kernel.janus import janus_available, janus_missing_settings
from meetings import ics, room_selectors, room_sfu, selectors
from meetings.access import access_meeting
from meetings.room import ice_servers


def calendar_feed(request, token: str):
    user = selectors.feed_user(token=token)
    if user is None:
        raise Http404("unknown or revoked calendar")
    body = ics.feed(
        selectors.schedule_for(user=user, include_closed=True), zone=user.time_zone, name="Tradefair"
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def room(request, meeting_id: int):
    """The video room page (templates/meetings/room.html, js/room.js); it joins ws/meetings/<id>/room/."""
    meeting = access_meeting(request.user, meeting_id, perm="meeting:join")
    context = room_selectors.room_page(meeting=meeting, user=request.user)
    response = render(request, "meetings/room.html", context)
    response["Permissions-Policy"] = "camera=(self), microphone=(self), display-capture=(self)"
    return response


@login_required
def group_room(request, meeting_id: int):
    """The meeting's group video room through Janus (more than three people, up to 12 cameras)."""
    meeting = access_meeting(request.user, meeting_id, perm="meeting:join")
    context = room_selectors.room_page(meeting=meeting, user=request.user)
    context.update(video=janus_available(), missing=[], sfu_params=None, refusal="")
    if not context["video"]:
        context["missing"] = janus_missing_settings() if request.user.is_superuser else []
    else:
        try:
            admission = room_sfu.group_admission(user=request.user, meeting=meeting)
        except DomainError as e:  # RoomRefused too: not a participant, too early, too late
            context["refusal"] = e.message
        else:
            context["sfu_params"] = admission.for_browser(
                server=settings.JANUS_PUBLIC_URL,
                display=str(request.user.first_name or request.user),
                role="publisher",
                ice_servers=ice_servers(user=request.user),
            )
            context["sfu_params"]["video"] = {"width": 640, "height": 360, "frameRate": 15}
    response = render(request, "meetings/group_room.html", context)
    response["Permissions-Policy"] = "camera=(self), microphone=(self), display-capture=(self)"
    return response
