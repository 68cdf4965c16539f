"""Where the parties of a signing ceremony see each other: the one place that says which room.

Until the fair has multi-party rooms, a ceremony uses the video room of a consultation of its parties
(the meeting chosen when it was scheduled, else the latest accepted or held meeting between two of
its party companies). When multi-party rooms exist, ``ceremony_room`` answers with the ceremony's own
room instead, and every page, invitation and API answer follows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from agreements.models import Ceremony
from meetings.models import Meeting


@dataclass(frozen=True)
class Room:
    url: str  # a path on this site
    meeting_id: int | None

    @property
    def absolute_url(self) -> str:
        return settings.SITE_URL.rstrip("/") + self.url


def ceremony_meeting(ceremony: Ceremony) -> Meeting | None:
    if ceremony.meeting_id:
        return ceremony.meeting
    companies = list(ceremony.agreement.parties.values_list("company_id", flat=True))
    return (
        Meeting.objects.filter(
            Q(fair_id=ceremony.agreement.fair_id),
            Q(buyer__company_id__in=companies),
            Q(booth__company_id__in=companies),
            status__in=[Meeting.Status.ACCEPTED, Meeting.Status.HELD],
        )
        .order_by("-slot__starts_at", "-pk")
        .first()
    )


def ceremony_room(ceremony: Ceremony) -> Room | None:
    """The room the ceremony's parties meet in, or None when there is none yet."""
    meeting = ceremony_meeting(ceremony)
    if meeting is None:
        return None
    return Room(url=reverse("meetings:room", args=[meeting.pk]), meeting_id=meeting.pk)
