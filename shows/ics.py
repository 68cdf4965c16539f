"""A show in iCalendar: the invitation mailed to who asks to be reminded, and the page's download.

Like meetings/ics.py: times in UTC ("...Z"), every calendar converts them to its own zone; the UID
is the show's and never changes; SEQUENCE rises with every change. The reader's and the
presenter's local times are written in the description.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from kernel.site import site_url

PRODID = "-//Tradefair//Live shows//EN"


def show_link(show) -> str:
    return site_url() + reverse("show_detail", kwargs={"fair_slug": show.fair.slug, "show_id": show.pk})


def _event(show, *, zone: str, status: str) -> Event:
    event = Event()
    event.add("uid", f"{show.uid}@tradefair")
    event.add("sequence", show.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", show.starts_at.astimezone(UTC))
    event.add("dtend", show.ends_at.astimezone(UTC))
    event.add("summary", f"{show.booth.company.name}: {show.title}")
    link = show_link(show)
    event.add("url", link)
    event.add("location", link)
    mine = show.starts_at.astimezone(zoneinfo.ZoneInfo(zone))
    theirs = show.starts_at.astimezone(zoneinfo.ZoneInfo(show.zone))
    when = f"{mine:%Y-%m-%d %H:%M} ({zone})"
    if zone != show.zone:
        when += f" / {theirs:%Y-%m-%d %H:%M} ({show.zone})"
    event.add("description", f"{show.title}\n{when}\n\n{link}")
    event.add("status", status)
    return event


def ics_status(show) -> str:
    return "CANCELLED" if show.status == "ended" and not show.janus_room else "CONFIRMED"


def invitation(show, *, zone: str, method: str = "PUBLISH") -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    cal.add_component(_event(show, zone=zone, status=ics_status(show)))
    return cal.to_ical()
