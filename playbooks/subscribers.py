"""Telling exhibitors about a briefing: an e-mail with an ICS invitation to the staff of every invited
booth, written to the outbox in the transaction that scheduled it (NOW), so a rolled-back step tells
no one and an outage of the mail server delays it without losing it."""

from __future__ import annotations

import zoneinfo
from datetime import UTC

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from fair.models import Participant
from kernel import events, outbox
from playbooks.models import Briefing

PRODID = "-//Tradefair//Briefings//EN"


def programme_link(briefing: Briefing) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("briefings", args=[briefing.fair.slug])


def invitation(briefing: Briefing, *, zone: str, attendees) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    event = Event()
    event.add("uid", f"{briefing.uid}@tradefair")
    event.add("sequence", 0)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", briefing.starts_at.astimezone(UTC))
    event.add("dtend", briefing.ends_at.astimezone(UTC))
    event.add("summary", f"{briefing.fair.name}: {briefing.title}")
    where = briefing.link or programme_link(briefing)
    event.add("url", where)
    event.add("location", where)
    local = briefing.starts_at.astimezone(zoneinfo.ZoneInfo(zone))
    event.add("description", f"{local:%Y-%m-%d %H:%M} ({zone})\n\n{programme_link(briefing)}")
    event.add("status", "CONFIRMED")
    if briefing.created_by is not None and briefing.created_by.email:
        organizer = vCalAddress(f"mailto:{briefing.created_by.email}")
        organizer.params["cn"] = vText(str(briefing.created_by))
        event.add("organizer", organizer)
    for user in attendees:
        address = vCalAddress(f"mailto:{user.email}")
        address.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", address, encode=0)
    cal.add_component(event)
    return cal.to_ical()


@events.subscribe("briefing.scheduled", phase=events.NOW)
def _briefing_invitations(event: events.Event) -> None:
    briefing: Briefing = event.subject
    people = {
        p.user.pk: p.user
        for p in Participant.objects.filter(
            booth__in=briefing.booths.all(),
            role=Participant.Role.EXHIBITOR,
            status=Participant.Status.APPROVED,
            user__isnull=False,
        ).select_related("user")
        if p.user.email
    }
    for user in people.values():
        with translation.override(user.language):
            subject = _("Briefing: %(title)s") % {"title": briefing.title}
            local = briefing.starts_at.astimezone(zoneinfo.ZoneInfo(user.time_zone))
            body = "\n".join(
                [
                    subject,
                    "",
                    f"{local:%Y-%m-%d %H:%M} ({user.time_zone})",
                    briefing.link,
                    "",
                    programme_link(briefing),
                ]
            )
            text = invitation(briefing, zone=user.time_zone, attendees=[user]).decode()
        outbox.mail(
            to=[user.email],
            subject=subject,
            body=body,
            attachments=[("invite.ics", text, "text/calendar; charset=utf-8; method=REQUEST")],
            event=event.name,
            fair_id=briefing.fair_id,
        )
