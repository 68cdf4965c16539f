"""The meeting pages as each role uses them: book, answer, schedule, availability, interpreting, overview."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from fair.models import Interaction
from matching.services import mark_set
from meetings import services
from meetings.models import Availability, CalendarFeed, Meeting, Outcome, Slot
from tests import factories

pytestmark = pytest.mark.django_db


def book_url(booking):
    return reverse("meeting_book", args=[booking["fair"].slug, booking["booth"].pk])


def test_buyer_sees_only_mutually_free_slots_in_jakarta_time_with_seoul_next_to_it(client, booking):
    first, second = booking["slots"][0], booking["slots"][1]
    services.availability_set(
        actor=booking["org"], fair=booking["fair"], slots=[first], booth=booking["booth"]
    )
    client.force_login(booking["buyer"].user)
    body = client.get(book_url(booking)).content.decode()
    # 1 Dec 2026 09:00 in Seoul (the fair's first slot) is 07:00 in Jakarta.
    assert "Tue 07:00 your time / 09:00 in Seoul" in body
    assert f'value="{first.pk}"' in body and f'value="{second.pk}"' not in body


def test_a_booth_whose_staff_never_chose_a_zone_is_shown_in_the_fairs_zone_not_utc(client, booking):
    staff = booking["staff"].user
    staff.time_zone = "UTC"  # every account's default: never chosen
    staff.save()
    client.force_login(booking["buyer"].user)
    body = client.get(book_url(booking)).content.decode()
    assert "Tue 07:00 your time / 09:00 in Seoul" in body and "in UTC" not in body

    colleague = factories.staff(booking["booth"])  # a second staff member who set Tokyo
    colleague.user.time_zone = "Asia/Tokyo"
    colleague.user.save()
    body = client.get(book_url(booking)).content.decode()
    assert "Tue 07:00 your time / 09:00 in Tokyo" in body


def test_booking_creates_a_request_and_the_exhibitor_accepts_on_the_page(
    client, booking, django_capture_on_commit_callbacks
):
    slot = booking["slots"][0]
    client.force_login(booking["buyer"].user)
    response = client.post(book_url(booking), {"slot": slot.pk, "message": "Samples of the toner?"})
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "meeting_detail", args=[meeting.pk]
    )
    assert meeting.status == "requested" and meeting.message == "Samples of the toner?"

    client.force_login(booking["staff"].user)
    schedule = client.get(reverse("my_schedule")).content.decode()
    assert "Waiting for your answer" in schedule and "Tue 09:00 your time / 07:00 in Jakarta" in schedule
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert "Samples of the toner?" in page and "Accept" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("meeting_action", args=[meeting.pk, "accept"]))
    meeting.refresh_from_db()
    assert meeting.status == "accepted"
    assert any(m.attachments for m in mail.outbox)


def test_a_slot_not_offered_is_refused_and_nothing_is_stored(client, booking):
    client.force_login(booking["buyer"].user)
    other = Slot.objects.create(
        fair=booking["fair"],
        starts_at=timezone.now() + timedelta(days=30),
        ends_at=timezone.now() + timedelta(days=30, minutes=30),
        day=timezone.now().date(),
    )
    for bad in ("", "abc", str(other.pk)):
        response = client.post(book_url(booking), {"slot": bad, "message": "hi"})
        assert response.status_code == 400
        assert "Choose one of the times offered." in response.content.decode()
    assert not Meeting.objects.exists()


def test_too_long_message_gets_a_clear_error(client, booking):
    client.force_login(booking["buyer"].user)
    response = client.post(book_url(booking), {"slot": booking["slots"][0].pk, "message": "x" * 2001})
    assert response.status_code == 400 and "Keep it under 2000 characters." in response.content.decode()
    assert not Meeting.objects.exists()


def test_only_approved_buyers_may_book(client, booking):
    client.force_login(booking["staff"].user)
    response = client.get(book_url(booking))
    assert response.status_code == 403
    assert "Only approved buyers of this fair can book meetings." in response.content.decode()


def test_booth_page_links_to_booking_for_a_buyer(client, booking):
    client.force_login(booking["buyer"].user)
    body = client.get(
        reverse("booth_detail", args=[booking["fair"].slug, booking["booth"].pk])
    ).content.decode()
    assert book_url(booking) in body and "Book a meeting" in body


def _request(booking):
    return services.meeting_request(
        actor=booking["buyer"].user, buyer=booking["buyer"], booth=booking["booth"], slot=booking["slots"][0]
    )


def test_decline_needs_a_reason_and_propose_moves_the_meeting(client, booking):
    meeting = _request(booking)
    client.force_login(booking["staff"].user)
    url = reverse("meeting_detail", args=[meeting.pk])
    page = client.post(reverse("meeting_action", args=[meeting.pk, "decline"]), {"reason": " "}, follow=True)
    assert "Please give a reason." in page.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "requested"
    new = booking["slots"][3]
    client.post(reverse("meeting_action", args=[meeting.pk, "propose"]), {"slot": new.pk})
    meeting.refresh_from_db()
    assert meeting.status == "proposed" and meeting.slot == new and meeting.awaiting == "buyer"
    client.force_login(booking["buyer"].user)
    assert "Accept" in client.get(url).content.decode()
    client.post(reverse("meeting_action", args=[meeting.pk, "cancel"]), {"reason": "Flight changed"})
    meeting.refresh_from_db()
    assert meeting.status == "cancelled" and meeting.reason == "Flight changed"


def test_strangers_do_not_see_a_meeting(client, booking):
    meeting = _request(booking)
    from tests import factories

    client.force_login(factories.user())
    assert client.get(reverse("meeting_detail", args=[meeting.pk])).status_code == 404
    assert (
        client.post(reverse("meeting_action", args=[meeting.pk, "cancel"]), {"reason": "x"}).status_code
        == 404
    )
    meeting.refresh_from_db()
    assert meeting.status == "requested"


def test_outcome_form_after_a_held_meeting(client, booking):
    meeting = _request(booking)
    services.meeting_accept(actor=booking["staff"].user, meeting=meeting)
    Slot.objects.filter(pk=meeting.slot_id).update(starts_at=timezone.now() - timedelta(hours=1))
    client.force_login(booking["buyer"].user)
    client.post(reverse("meeting_action", args=[meeting.pk, "held"]), {"held": "yes"})
    meeting.refresh_from_db()
    assert meeting.status == "held"
    url = reverse("meeting_outcome", args=[meeting.pk])
    bad = client.post(url, {"rating": "4", "deal_size_usd": "-5"})
    assert bad.status_code == 400 and not Outcome.objects.exists()
    client.post(
        url,
        {
            "rating": "4",
            "interest_level": "3",
            "deal_size_usd": "25000",
            "follow_up_on": "2026-12-20",
            "notes": "Wants 2,000 units",
        },
    )
    outcome = Outcome.objects.get()
    assert (outcome.side, outcome.rating, outcome.interest_level, str(outcome.deal_size_usd)) == (
        "buyer",
        4,
        3,
        "25000.00",
    )
    assert Interaction.objects.filter(kind="deal").exists()
    client.force_login(booking["staff"].user)
    assert (
        "Wants 2,000 units" not in client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    )


def test_availability_grid_saves_in_the_viewers_zone(client, booking):
    client.force_login(booking["buyer"].user)
    url = reverse("meeting_availability", args=[booking["fair"].slug])
    body = client.get(url).content.decode()
    assert "Times are in your zone, Asia/Jakarta." in body and '<th scope="row">07:00</th>' in body
    assert f'value="{booking["slots"][0].pk}" checked' in body
    keep = booking["slots"][:2]
    client.post(url, {"as": "me", "slot": [s.pk for s in keep]})
    assert set(
        Availability.objects.filter(participant=booking["buyer"]).values_list("slot_id", flat=True)
    ) == {s.pk for s in keep}
    assert client.post(url, {"as": "me", "slot": ["x"]}).status_code == 400
    assert Availability.objects.filter(participant=booking["buyer"]).count() == 2


def test_calendar_feed_is_made_and_revoked_on_the_schedule_page(client, booking):
    client.force_login(booking["buyer"].user)
    client.post(reverse("calendar_feed_change"))
    old = CalendarFeed.objects.get().token
    assert old in client.get(reverse("my_schedule")).content.decode()
    client.post(reverse("calendar_feed_change"), {"action": "revoke"})
    new = CalendarFeed.objects.get().token
    assert new != old
    assert client.get(reverse("meetings:feed", args=[old])).status_code == 404
    assert client.get(reverse("meetings:feed", args=[new])).status_code == 200


def test_organizer_overview_and_a_round(client, booking):
    meeting = _request(booking)
    mark_set(buyer=booking["buyer"], booth=booking["booths"]["snacks"], side="buyer", value="interested")
    services.availability_set(
        actor=booking["org"], fair=booking["fair"], slots=booking["slots"], booth=booking["booths"]["snacks"]
    )
    client.force_login(booking["org"])
    url = reverse("meeting_overview", args=[booking["fair"].slug])
    body = client.get(url).content.decode()
    assert "Seoul Glow Co." in body and "Requested" in body and meeting.get_status_display() in body
    client.post(reverse("meeting_round", args=[booking["fair"].slug]), {"action": "run"})
    body = client.get(url).content.decode()
    assert "Busan Snacks" in body and "Publish the timetable" in body
    rnd = booking["fair"].match_rounds.get()
    client.post(reverse("meeting_round", args=[booking["fair"].slug]), {"action": "publish", "round": rnd.pk})
    assert Meeting.objects.filter(booth=booking["booths"]["snacks"], status="accepted").count() == 1


def test_others_may_not_see_the_overview_or_interpreting(client, booking):
    client.force_login(booking["buyer"].user)
    assert client.get(reverse("meeting_overview", args=[booking["fair"].slug])).status_code == 403
    assert client.get(reverse("interpreter_schedule", args=[booking["fair"].slug])).status_code == 403
    assert (
        client.post(reverse("meeting_round", args=[booking["fair"].slug]), {"action": "run"}).status_code
        == 403
    )
    client.force_login(booking["interpreter"].user)
    assert client.get(reverse("interpreter_schedule", args=[booking["fair"].slug])).status_code == 200
