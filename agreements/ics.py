"""The signing ceremony's calendar invitation (REQUEST / CANCEL), like a meeting's (meetings/ics.py):
times in UTC, UID fixed, SEQUENCE rising with every change, the recipient's room in URL and LOCATION
(agreements/rooms.py), the agreement's page in the description."""

from __future__ import annotations

import zoneinfo
from datetime import UTC

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from agreements.models import Ceremony
from agreements.rooms import ceremony_rooms
from kernel.site import site_url

PRODID = "-//Tradefair//Agreements//EN"


def agreement_link(agreement) -> str:
    return site_url() + reverse("agreement_detail", args=[agreement.pk])


def invitation(ceremony: Ceremony, *, user, zone: str, attendees, cancel: bool = False) -> bytes:
    """The invitation as ``user`` receives it: the first room they enter, else the agreement's page."""
    agreement = ceremony.agreement
    rooms = ceremony_rooms(ceremony, user)
    link = rooms[0].absolute_url if rooms else agreement_link(agreement)
    local = ceremony.starts_at.astimezone(zoneinfo.ZoneInfo(zone))
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancel else "REQUEST")
    event = Event()
    event.add("uid", f"{ceremony.uid}@tradefair")
    event.add("sequence", ceremony.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", ceremony.starts_at.astimezone(UTC))
    event.add("dtend", ceremony.ends_at.astimezone(UTC))
    event.add("summary", f"{agreement.fair.name}: {agreement.title}")
    event.add("url", link)
    event.add("location", link)
    event.add("description", f"{local:%Y-%m-%d %H:%M} ({zone})\n\n{agreement_link(agreement)}")
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    if ceremony.created_by is not None and ceremony.created_by.email:
        organizer = vCalAddress(f"mailto:{ceremony.created_by.email}")
        organizer.params["cn"] = vText(str(ceremony.created_by))
        event.add("organizer", organizer)
    for user in attendees:
        address = vCalAddress(f"mailto:{user.email}")
        address.params["cn"] = vText(str(user))
        address.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", address, encode=0)
    cal.add_component(event)
    return cal.to_ical()
