from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from django.core import mail
from django.test import Client

from kernel import consent
from meetings import ics, selectors, services
from tests import factories

NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def dst_meeting(db, django_capture_on_commit_callbacks):
    """A US buyer in New York, a Seoul booth; meetings on both sides of the US DST end (Sun 7 Nov 2027)."""
    f = factories.fair(
        starts_on=date(2027, 11, 6),
        ends_on=date(2027, 11, 8),
        time_zone="America/New_York",
        day_start=time(9),
        day_end=time(11),
        slot_minutes=60,
    )
    org = factories.participant(f, "organizer").user
    booth = factories.booth(f)
    staff = factories.staff(booth, user_obj=factories.user(time_zone="Asia/Seoul"))
    buyer = factories.buyer(f, country="US", user_obj=factories.user(time_zone="America/New_York"))
    for person in (staff.user, buyer.user):  # both share their addresses once a meeting is agreed
        consent.consent_set(actor=person, user=person, kind=consent.CONTACT, granted=True)
    slots = services.slots_generate(fair=f)
    services.availability_set(actor=org, fair=f, slots=slots, booth=booth)
    services.availability_set(actor=org, fair=f, slots=slots, participant=buyer)
    before = [s for s in slots if s.day == date(2027, 11, 6)][0]
    after = [s for s in slots if s.day == date(2027, 11, 7)][0]
    m = services.meeting_request(actor=buyer.user, buyer=buyer, booth=booth, slot=before, message="Samples")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        m = services.meeting_accept(actor=staff.user, meeting=m)
    return {"meeting": m, "buyer": buyer, "staff": staff, "before": before, "after": after, "fair": f}


def _ics_for(email):
    msg = next(m for m in mail.outbox if m.to == [email])
    name, content, mimetype = msg.attachments[0]
    assert name.endswith(".ics") and mimetype.startswith("text/calendar")
    return content.encode() if isinstance(content, str) else content


def test_invitation_parses_with_two_parsers_and_has_the_right_times(
    dst_meeting, django_capture_on_commit_callbacks
):
    buyer, m = dst_meeting["buyer"], dst_meeting["meeting"]
    raw = _ics_for(buyer.user.email)
    cal = icalendar.Calendar.from_ical(raw)
    assert str(cal["METHOD"]) == "REQUEST"
    event = cal.walk("VEVENT")[0]
    assert str(event["UID"]) == f"{m.uid}@tradefair"
    first_sequence = int(event["SEQUENCE"])
    start = event.decoded("DTSTART").astimezone(NEW_YORK)
    assert start.utcoffset().total_seconds() == -4 * 3600  # EDT on Saturday
    assert (start.hour, start.minute) == (9, 0)
    assert start.astimezone(UTC) == m.slot.starts_at
    assert str(event["ORGANIZER"]) == f"mailto:{buyer.user.email}"
    attendees = {str(a) for a in event.get("ATTENDEE")}
    assert attendees == {f"mailto:{buyer.user.email}", f"mailto:{dst_meeting['staff'].user.email}"}
    assert ics.meeting_link(m) in str(event["URL"])

    parsed = vobject.readOne(raw.decode())
    vevent = parsed.vevent
    assert vevent.uid.value == f"{m.uid}@tradefair"
    assert vevent.dtstart.value.astimezone(UTC) == m.slot.starts_at

    # Moved over the DST change: the same UID, a higher SEQUENCE, 09:00 EST this time.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.meeting_reschedule(actor=buyer.user, meeting=m, slot=dst_meeting["after"])
    raw = _ics_for(dst_meeting["staff"].user.email)  # the staff member in Seoul
    event = icalendar.Calendar.from_ical(raw).walk("VEVENT")[0]
    assert str(event["UID"]) == f"{m.uid}@tradefair" and int(event["SEQUENCE"]) > first_sequence
    start = event.decoded("DTSTART")
    assert start.astimezone(UTC) == moved.slot.starts_at == datetime(2027, 11, 7, 14, 0, tzinfo=UTC)
    assert start.astimezone(ZoneInfo("Asia/Seoul")).hour == 23
    raw_buyer = _ics_for(buyer.user.email)
    start_ny = (
        icalendar.Calendar.from_ical(raw_buyer).walk("VEVENT")[0].decoded("DTSTART").astimezone(NEW_YORK)
    )
    assert (start_ny.hour, start_ny.utcoffset().total_seconds()) == (
        9,
        -5 * 3600,
    )  # 09:00 EST after the change
    assert vobject.readOne(raw_buyer.decode()).vevent.dtstart.value.astimezone(UTC) == moved.slot.starts_at
    assert "2027-11-07 09:00 (America/New_York)" in str(
        icalendar.Calendar.from_ical(raw_buyer).walk("VEVENT")[0]["DESCRIPTION"]
    )

    # Cancelled: METHOD:CANCEL, same UID, a higher SEQUENCE again.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(actor=buyer.user, meeting=moved, reason="Budget frozen")
    cal = icalendar.Calendar.from_ical(_ics_for(buyer.user.email))
    assert str(cal["METHOD"]) == "CANCEL"
    event = cal.walk("VEVENT")[0]
    assert str(event["STATUS"]) == "CANCELLED" and str(event["UID"]) == f"{m.uid}@tradefair"
    assert vobject.readOne(_ics_for(buyer.user.email).decode()).vevent.status.value == "CANCELLED"


def test_private_feed_with_revocable_token(dst_meeting):
    user = dst_meeting["buyer"].user
    feed = services.feed_get_or_create(user=user)
    client = Client()
    response = client.get(f"/meetings/calendar/{feed.token}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    assert [str(e["UID"]) for e in cal.walk("VEVENT")] == [f"{dst_meeting['meeting'].uid}@tradefair"]
    assert vobject.readOne(response.content.decode()).vevent.uid.value.endswith("@tradefair")
    new = services.feed_revoke(user=user)
    assert new.token != feed.token
    assert client.get(f"/meetings/calendar/{feed.token}.ics").status_code == 404
    assert client.get(f"/meetings/calendar/{new.token}.ics").status_code == 200
    assert selectors.feed_user(token="nonsense") is None


def _feed_events(user) -> dict[str, icalendar.Event]:
    feed = services.feed_get_or_create(user=user)
    response = Client().get(f"/meetings/calendar/{feed.token}.ics")
    assert response.status_code == 200
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")}


def test_the_feed_shows_no_contact_before_a_meeting_is_agreed(dst_meeting):
    """Issue 14: an exhibitor's feed showed a pending request as CONFIRMED with the buyer's address as
    an accepted attendee and their message. Asked: TENTATIVE, nobody's address, no message;
    declined or cancelled: CANCELLED; agreed: CONFIRMED with its people."""
    f, staff, buyer = dst_meeting["fair"], dst_meeting["staff"], dst_meeting["buyer"]
    agreed = dst_meeting["meeting"]
    booth = agreed.booth
    slots = [s for s in selectors.slots_of(fair=f) if s.pk != agreed.slot_id]
    # One open request per pair at a time: the closed ones first, the one still asked last.
    declined = services.meeting_request(
        actor=buyer.user, buyer=buyer, booth=booth, slot=slots[1], message="x"
    )
    declined = services.meeting_decline(actor=staff.user, meeting=declined, reason="Fully booked")
    cancelled = services.meeting_request(actor=buyer.user, buyer=buyer, booth=booth, slot=slots[2])
    cancelled = services.meeting_cancel(actor=buyer.user, meeting=cancelled, reason="Plans changed")
    asked = services.meeting_request(
        actor=buyer.user, buyer=buyer, booth=booth, slot=slots[0], message="Call me on +1 212 555 0100"
    )

    events = _feed_events(staff.user)
    pending = events[ics.uid_of(asked)]
    raw = pending.to_ical().decode()
    assert str(pending["STATUS"]) == "TENTATIVE"
    assert buyer.user.email not in raw and "mailto:" not in raw and "555 0100" not in raw
    assert "ATTENDEE" not in pending and "ORGANIZER" not in pending
    for gone in (declined, cancelled):
        event = events[ics.uid_of(gone)]
        assert str(event["STATUS"]) == "CANCELLED"
        assert buyer.user.email not in event.to_ical().decode()
    confirmed = events[ics.uid_of(agreed)]
    assert str(confirmed["STATUS"]) == "CONFIRMED"
    assert any(buyer.user.email in str(a) for a in confirmed["ATTENDEE"])
