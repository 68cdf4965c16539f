"""Where the parties of a signing ceremony see each other: the one place that says which rooms.

When the fair has multi-party rooms (Janus is configured: kernel.janus.janus_available()), a ceremony
has its own room (agreements/ceremony_room.py, page /agreements/<id>/ceremony/room/) and
``ceremony_rooms`` answers with it for everyone who may join it (``agreement:join_ceremony``); every page,
invitation and API answer follows. Without Janus a ceremony uses the video rooms of the consultations
between its parties: each person gets the rooms of the consultations they may join (the organizers,
all of them), the consultation chosen when the ceremony was scheduled first.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, IntegerField, Value, When
from django.urls import reverse
from django.utils.translation import gettext as _

from agreements.models import Ceremony
from kernel.access import allowed
from kernel.janus import janus_available
from kernel.site import site_url
from meetings.models import Meeting


@dataclass(frozen=True)
class Room:
    url: str  # a path on this site
    label: str  # who meets there
    meeting_id: int | None = None

    @property
    def absolute_url(self) -> str:
        return site_url() + self.url


def _consultations(ceremony: Ceremony):
    """Accepted or held meetings between two party companies, the chosen one first, latest next."""
    companies = list(ceremony.agreement.parties.values_list("company_id", flat=True))
    chosen = ceremony.meeting_id or 0
    return (
        Meeting.objects.filter(
            fair_id=ceremony.agreement.fair_id,
            buyer__company_id__in=companies,
            booth__company_id__in=companies,
            status__in=[Meeting.Status.ACCEPTED, Meeting.Status.HELD],
        )
        .select_related("fair", "booth__company", "buyer__company", "buyer__user", "slot")
        .annotate(chosen=Case(When(pk=chosen, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("chosen", "-slot__starts_at", "-pk")
    )


def ceremony_rooms(ceremony: Ceremony, user) -> list[Room]:
    """The rooms ``user`` enters for this ceremony: its own room with Janus, else the consultations'."""
    if janus_available():
        if not allowed(user, "agreement:join_ceremony", ceremony.agreement):
            return []
        return [
            Room(
                url=reverse("agreement_ceremony_room", args=[ceremony.agreement_id]),
                label=_("The ceremony's own room"),
            )
        ]
    return consultation_rooms(ceremony, user)


def consultation_rooms(ceremony: Ceremony, user) -> list[Room]:
    """The consultations' rooms ``user`` may enter for this ceremony (without Janus)."""
    return [
        Room(
            url=reverse("meetings:room", args=[m.pk]),
            label=f"{m.booth.company.name} · {m.buyer.company or m.buyer.user}",
            meeting_id=m.pk,
        )
        for m in _consultations(ceremony)
        if allowed(user, "meeting:join", m)
    ]
