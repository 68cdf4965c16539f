"""Thin views: the private calendar feed and the meeting's video room page (what e-mails and ICS link to)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from meetings import ics, room_selectors, room_sfu, selectors
from meetings.access import access_meeting


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
    context["chat_ws"] = f"/ws/meetings/{meeting.pk}/group/"
    context.update(
        room_sfu.sfu_page(
            user=request.user,
            admission=lambda: room_sfu.group_admission(user=request.user, meeting=meeting),
        )
    )
    response = render(request, "meetings/group_room.html", context)
    response["Permissions-Policy"] = "camera=(self), microphone=(self), display-capture=(self)"
    return response
