"""The general booking page of a booth in a fair open all year offers the booth's weekly hours outside
the fair's days, right across a daylight-saving change in the exhibitor's zone (America/New_York moves
to summer time on Sunday 14 March 2027: 09:00 there is 14:00 UTC before and 13:00 UTC after)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from meetings import selectors, services
from meetings.models import Availability, Meeting, Seat
from rfq import standing
from tests import factories


@pytest.fixture
def standing_hall(db):
    fair = factories.fair(
        slug="all-year", permanent=True, starts_on=date(2027, 2, 2), ends_on=date(2027, 2, 4)
    )
    booth = factories.booth(fair)
    staff = factories.staff(booth, user_obj=factories.user(time_zone="America/New_York"))
    standing.weekly_hours_set(
        actor=staff.user, booth=booth, hours=[(2, "09:00", "10:00")], time_zone="America/New_York"
    )
    standing.standing_slots_open(fair=fair, weeks=2, now=datetime(2027, 3, 8, 12, tzinfo=UTC))
    buyer = factories.buyer(fair, user_obj=factories.user(time_zone="Asia/Seoul"))
    return fair, booth, buyer


def _starts(slots) -> list[str]:
    return [s.starts_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M") for s in slots]


def test_weekly_hours_are_mutually_free_across_the_dst_change(standing_hall):
    fair, booth, buyer = standing_hall
    # The buyer published no availability there: the booth's weekly hours are offered all the same.
    assert not Availability.objects.filter(participant=buyer).exists()
    assert _starts(selectors.slots_mutually_free(buyer=buyer, booth=booth)) == [
        "2027-03-10 14:00",  # Wednesday, EST (UTC-5): 09:00 in New York
        "2027-03-10 14:30",
        "2027-03-17 13:00",  # Wednesday after the change, EDT (UTC-4): still 09:00 in New York
        "2027-03-17 13:30",
    ]


def test_the_booking_page_offers_and_books_them(standing_hall, client):
    fair, booth, buyer = standing_hall
    client.force_login(buyer.user)
    url = reverse("meeting_book", args=[fair.slug, booth.pk])
    page = client.get(url)
    assert page.status_code == 200
    offered = list(page.context["slots"])
    assert _starts(offered)[2] == "2027-03-17 13:00"
    html = page.content.decode()
    assert "New York" in html  # shown in both zones: the buyer's own and the exhibitor's
    after = offered[2]
    response = client.post(url, {"slot": after.pk, "message": "A consultation, please."})
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = Meeting.objects.get(buyer=buyer, booth=booth)
    assert meeting.slot == after
    assert Seat.objects.filter(participant=buyer, slot=after).exists()
    # Taken: no longer offered to anyone at that time.
    assert after not in list(selectors.slots_mutually_free(buyer=buyer, booth=booth))
    other = factories.buyer(fair)
    assert after not in list(selectors.slots_mutually_free(buyer=other, booth=booth))


def test_only_outside_the_fair_days_and_only_in_a_fair_open_all_year(standing_hall):
    fair, booth, buyer = standing_hall
    fair.permanent = False
    fair.save(update_fields=["permanent"])
    booth.refresh_from_db()
    assert list(selectors.slots_mutually_free(buyer=buyer, booth=booth)) == []
    slot = Availability.objects.filter(booth=booth).first().slot
    with pytest.raises(Exception) as refused:
        services.meeting_request(actor=buyer.user, buyer=buyer, booth=booth, slot=slot)
    assert getattr(refused.value, "code", "") == "meeting.not_available"


def test_the_api_offers_and_books_them_too(standing_hall, client):
    fair, booth, buyer = standing_hall
    client.force_login(buyer.user)
    offered = client.get(f"/api/meeting-slots/?fair={fair.slug}&booth={booth.pk}").json()
    starts = [datetime.fromisoformat(s["starts_at"]).astimezone(UTC).strftime("%H:%M") for s in offered]
    assert starts == ["14:00", "14:30", "13:00", "13:30"]  # UTC: 09:00 in New York before and after
    response = client.post(
        "/api/meetings/", {"booth": booth.pk, "slot": offered[0]["id"]}, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    assert Meeting.objects.get(buyer=buyer).slot_id == offered[0]["id"]


def test_and_back_in_autumn_in_berlin(db):
    # Europe/Berlin leaves summer time on Sunday 31 October 2027: 09:00 there is 07:00 UTC on Wednesday
    # the 27th and 08:00 UTC on Wednesday 3 November.
    fair = factories.fair(slug="berlin", permanent=True, starts_on=date(2027, 9, 7), ends_on=date(2027, 9, 9))
    booth = factories.booth(fair)
    staff = factories.staff(booth)
    standing.weekly_hours_set(
        actor=staff.user, booth=booth, hours=[(2, "09:00", "09:30")], time_zone="Europe/Berlin"
    )
    standing.standing_slots_open(fair=fair, weeks=2, now=datetime(2027, 10, 25, 12, tzinfo=UTC))
    buyer = factories.buyer(fair)
    offered = list(selectors.slots_mutually_free(buyer=buyer, booth=booth))
    assert _starts(offered) == ["2027-10-27 07:00", "2027-11-03 08:00"]
    meeting = services.meeting_request(actor=buyer.user, buyer=buyer, booth=booth, slot=offered[1])
    assert meeting.slot.starts_at == datetime(2027, 11, 3, 8, tzinfo=UTC)


def test_the_booth_invites_into_them_and_either_side_moves_within_them(standing_hall):
    fair, booth, buyer = standing_hall
    staff = booth.staff.get()
    first, second, *_rest = list(selectors.slots_mutually_free(buyer=buyer, booth=booth))
    meeting = services.meeting_invite(actor=staff.user, booth=booth, buyer=buyer, slot=first)
    meeting = services.meeting_accept(actor=buyer.user, meeting=meeting)
    assert meeting.status == Meeting.Status.ACCEPTED
    moved = services.meeting_reschedule(actor=buyer.user, meeting=meeting, slot=second)
    assert moved.slot == second and not Seat.objects.filter(slot=first).exists()
    # A slot of the fair's own days that neither published stays refused.
    from meetings.models import Slot

    own_day = Slot.objects.create(
        fair=fair,
        starts_at=datetime(2027, 3, 20, 1, tzinfo=UTC),
        ends_at=datetime(2027, 3, 20, 1, 30, tzinfo=UTC),
        day=fair.starts_on,
    )
    with pytest.raises(Exception) as refused:
        services.meeting_propose(actor=staff.user, meeting=moved, slot=own_day)  # the booth answers
    assert getattr(refused.value, "code", "") == "meeting.not_available"
