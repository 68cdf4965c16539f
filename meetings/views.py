"""Thin views: the private calendar feed and the meeting's page (the video room lands with its own issue)."""

from __future__ import annotations

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404

from fair.permissions import Perm, permission_required
from meetings import ics, selectors
from meetings.models import Meeting


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


@permission_required(Perm.MEETING_JOIN, lambda request, meeting_id: get_object_or_404(Meeting, pk=meeting_id))
def room(request, meeting_id: int):
    meeting = selectors.meeting_get(meeting_id=meeting_id)
    return JsonResponse(selectors.meeting_for(meeting=meeting, viewer=request.user))
