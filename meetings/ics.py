"""iCalendar output with the icalendar library: invitations (REQUEST / CANCEL) and the private feed (PUBLISH).

In the feed a meeting asked for but not agreed is TENTATIVE and carries no address and no message of
the other side; a declined or cancelled one is CANCELLED (with no addresses either); only an agreed
meeting (accepted, held, no-show) is CONFIRMED with its people as attendees.

Times are written in UTC ("...Z"): every calendar converts them to its own
zone, so the meeting shows at the right local hour on both sides of a
daylight-saving change. (A VTIMEZONE built from the tz database was read an
hour off by a second parser in our tests; UTC leaves nothing to interpret.)
The recipient's local time is written in the description. UID is the
meeting's and never changes; SEQUENCE rises with every change.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import UTC

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from kernel import consent
from kernel.site import site_url

PRODID = "-//Tradefair//Meetings//EN"


def meeting_link(meeting) -> str:
    base = site_url()
    return f"{base}{reverse('meetings:room', args=[meeting.pk])}"


def uid_of(meeting) -> str:
    return f"{meeting.uid}@tradefair"


def _address(user, role: str | None = None) -> vCalAddress:
    addr = vCalAddress(f"mailto:{user.email}")
    addr.params["cn"] = vText(str(user))
    if role:
        addr.params["role"] = vText(role)
        addr.params["partstat"] = vText("ACCEPTED")
    return addr


# What a calendar shows of a meeting in each state. Only an agreed meeting carries the people's
# addresses and the request's message: recommendations promise no contact details before then.
AGREED = {"accepted", "held", "no_show"}
OPEN = {"requested", "proposed"}  # asked, not yet agreed: TENTATIVE


def ics_status(meeting) -> str:
    if meeting.status in AGREED:
        return "CONFIRMED"
    if meeting.status in OPEN:
        return "TENTATIVE"
    return "CANCELLED"  # declined, cancelled


def _event(meeting, *, zone: str, status: str, contacts: bool) -> Event:
    tz = zoneinfo.ZoneInfo(zone)
    local = meeting.slot.starts_at.astimezone(tz)
    event = Event()
    event.add("uid", uid_of(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.slot.starts_at.astimezone(UTC))
    event.add("dtend", meeting.slot.ends_at.astimezone(UTC))
    company = meeting.booth.company.name
    buyer = meeting.buyer.company or (meeting.buyer.user if contacts else "")
    event.add("summary", f"{meeting.fair.name}: {company} / {buyer}".rstrip(" /"))
    link = meeting_link(meeting)
    event.add("url", link)
    event.add("location", link)
    when = f"{local:%Y-%m-%d %H:%M} ({zone})"
    message = meeting.message if contacts else ""
    event.add("description", f"{when}\n\n{message}\n\n{link}".replace("\n\n\n\n", "\n\n"))
    event.add("status", status)
    if not contacts:
        return event
    people = attendees(meeting)
    # Addresses only of those who agreed to share them (kernel/consent.py).
    sharing = consent.users_with(
        consent.CONTACT, [u.pk for u, _r in people] + [meeting.created_by_id or 0], granted=True
    )
    organizer_user = meeting.created_by or meeting.buyer.user
    if organizer_user is not None and organizer_user.pk in sharing:
        event.add("organizer", _address(organizer_user))
    for user, role in people:
        if user.pk in sharing:
            event.add("attendee", _address(user, role), encode=0)
    return event


def attendees(meeting) -> list[tuple[object, str]]:
    """(user, ROLE) of everyone in the meeting: buyer, the booth's staff, the interpreter."""
    people = []
    if meeting.buyer.user_id:
        people.append((meeting.buyer.user, "REQ-PARTICIPANT"))
    for staff in meeting.booth.staff.filter(status="approved", user__isnull=False).select_related("user"):
        people.append((staff.user, "REQ-PARTICIPANT"))
    if meeting.interpreter_id and meeting.interpreter_status == "confirmed" and meeting.interpreter.user_id:
        people.append((meeting.interpreter.user, "OPT-PARTICIPANT"))
    return people


def _calendar(method: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    return cal


def invitation(meeting, *, zone: str, cancel: bool = False) -> bytes:
    """An invitation by e-mail to the meeting's people (sent when it is agreed), or its cancellation."""
    cal = _calendar("CANCEL" if cancel else "REQUEST")
    status = "CANCELLED" if cancel else ics_status(meeting)
    cal.add_component(_event(meeting, zone=zone, status=status, contacts=status != "TENTATIVE"))
    return cal.to_ical()


def feed(meetings: Iterable, *, zone: str, name: str) -> bytes:
    cal = _calendar("PUBLISH")
    cal.add("x-wr-calname", name)
    for meeting in meetings:
        cal.add_component(
            _event(meeting, zone=zone, status=ics_status(meeting), contacts=meeting.status in AGREED)
        )
    return cal.to_ical()
