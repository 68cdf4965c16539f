from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from fair.models import Interaction
from kernel.errors import DomainError
from meetings import selectors, services
from meetings.models import Meeting, Outcome, Seat
from tests import factories
from tests.meetings.conftest import free_buyer


def request(booking, slot=None, buyer=None, **kw):
    buyer = buyer or booking["buyer"]
    return services.meeting_request(
        actor=buyer.user,
        buyer=buyer,
        booth=booking["booth"],
        slot=slot or booking["slots"][0],
        message=kw.pop("message", "Hello"),
        **kw,
    )


def test_request_holds_the_slot_and_tells_the_exhibitor(booking, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        m = request(booking)
    assert m.status == Meeting.Status.REQUESTED and m.awaiting == "exhibitor"
    assert Seat.objects.filter(meeting=m).count() == 2
    assert Interaction.objects.filter(kind="meeting_request", buyer=booking["buyer"]).count() == 1
    assert [msg.to for msg in mail.outbox] == [[booking["staff"].user.email]]
    body = mail.outbox[0].body
    assert (
        "Hello" in body and "your time" in body and "in Jakarta" in body
    )  # Seoul staff sees Jakarta time next to it
    # The slot is no longer offered to anyone else for that booth.
    assert booking["slots"][0] not in selectors.slots_mutually_free(
        buyer=free_buyer(booking), booth=booking["booth"]
    )


def test_booth_cannot_be_double_booked(booking):
    request(booking)
    other = free_buyer(booking)
    with pytest.raises(DomainError) as e:
        request(booking, buyer=other)
    assert e.value.code == "meeting.slot_taken"
    assert Meeting.objects.count() == 1 and Seat.objects.count() == 2


def test_buyer_cannot_be_double_booked(booking, small_fair):
    request(booking)
    snacks = small_fair["booths"]["snacks"]
    services.availability_set(
        actor=booking["org"], fair=booking["fair"], slots=booking["slots"], booth=snacks
    )
    with pytest.raises(DomainError) as e:
        services.meeting_request(
            actor=booking["buyer"].user, buyer=booking["buyer"], booth=snacks, slot=booking["slots"][0]
        )
    assert e.value.code == "meeting.slot_taken"
    assert Meeting.objects.count() == 1


def test_only_mutually_free_slots_can_be_requested(booking):
    b = factories.buyer(booking["fair"])
    services.availability_set(actor=b.user, fair=booking["fair"], slots=booking["slots"][5:6], participant=b)
    assert list(selectors.slots_mutually_free(buyer=b, booth=booking["booth"])) == [booking["slots"][5]]
    with pytest.raises(DomainError) as e:
        request(booking, buyer=b, slot=booking["slots"][0])
    assert e.value.code == "meeting.not_available"
    assert not Meeting.objects.exists()


def test_daily_maximum(booking):
    for i in range(3):
        request(booking, slot=booking["slots"][i], buyer=free_buyer(booking))
    with pytest.raises(DomainError) as e:
        request(booking, slot=booking["slots"][3], buyer=free_buyer(booking))
    assert e.value.code == "meeting.daily_limit"
    assert Meeting.objects.count() == 3 and Seat.objects.count() == 6
    # The next day is fine.
    next_day = [s for s in booking["slots"] if s.day != booking["slots"][0].day][0]
    request(booking, slot=next_day, buyer=free_buyer(booking))


def test_accept_decline_propose_cancel(booking, django_capture_on_commit_callbacks):
    staff = booking["staff"].user
    m = request(booking)
    with pytest.raises(DomainError) as e:
        services.meeting_accept(actor=booking["buyer"].user, meeting=m)
    assert e.value.code == "meeting.not_your_turn"
    m = services.meeting_propose(actor=staff, meeting=m, slot=booking["slots"][4], message="Later?")
    assert m.status == "proposed" and m.awaiting == "buyer" and m.slot == booking["slots"][4]
    assert set(Seat.objects.filter(meeting=m).values_list("slot_id", flat=True)) == {booking["slots"][4].pk}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        m = services.meeting_accept(actor=booking["buyer"].user, meeting=m)
    assert m.status == "accepted" and m.invited
    assert {tuple(x.to) for x in mail.outbox} == {(booking["buyer"].user.email,), (staff.email,)}
    assert all(x.attachments and "METHOD:REQUEST" in str(x.attachments[0][1]) for x in mail.outbox)
    with pytest.raises(DomainError) as e:
        services.meeting_cancel(actor=staff, meeting=m, reason="  ")
    assert e.value.code == "meeting.reason_required"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        m = services.meeting_cancel(actor=staff, meeting=m, reason="Our CEO is travelling")
    assert m.status == "cancelled" and not Seat.objects.filter(meeting=m).exists()
    assert all("METHOD:CANCEL" in str(x.attachments[0][1]) for x in mail.outbox)
    assert "Our CEO is travelling" in mail.outbox[0].body
    # The slot is free again.
    request(booking, buyer=free_buyer(booking), slot=booking["slots"][4])


def test_decline_needs_a_reason_and_frees_the_slot(booking):
    m = request(booking)
    with pytest.raises(DomainError):
        services.meeting_decline(actor=booking["staff"].user, meeting=m, reason="")
    m = services.meeting_decline(
        actor=booking["staff"].user, meeting=m, reason="We do not export to Indonesia"
    )
    assert m.status == "declined" and m.reason.startswith("We do not")
    assert not Seat.objects.exists()


def test_reschedule_moves_and_rises_sequence(booking):
    m = services.meeting_accept(actor=booking["staff"].user, meeting=request(booking))
    seq = m.sequence
    m = services.meeting_reschedule(actor=booking["buyer"].user, meeting=m, slot=booking["slots"][2])
    assert m.sequence > seq and m.status == "proposed" and m.awaiting == "exhibitor"
    other = request(booking, buyer=free_buyer(booking), slot=booking["slots"][0])  # the old slot is free
    with pytest.raises(DomainError) as e:
        services.meeting_reschedule(
            actor=booking["org"],
            meeting=services.meeting_accept(actor=booking["staff"].user, meeting=other),
            slot=booking["slots"][2],
        )
    assert e.value.code == "meeting.slot_taken"
    other.refresh_from_db()
    assert other.slot == booking["slots"][0] and other.status == "accepted"


def test_organizer_can_act_for_both_sides_and_strangers_cannot(booking):
    org = booking["org"]
    m = services.meeting_request(
        actor=org, buyer=booking["buyer"], booth=booking["booth"], slot=booking["slots"][1]
    )
    m = services.meeting_accept(actor=org, meeting=m)
    assert m.status == "accepted"
    stranger = factories.buyer(booking["fair"]).user
    for call in (
        lambda: services.meeting_cancel(actor=stranger, meeting=m, reason="x"),
        lambda: services.meeting_request(
            actor=stranger, buyer=booking["buyer"], booth=booking["booth"], slot=booking["slots"][2]
        ),
    ):
        with pytest.raises(DomainError) as e:
            call()
        assert e.value.code == "meeting.denied"


def test_past_slot_and_foreign_slot_refused(booking):
    past = booking["slots"][0]
    past.starts_at = timezone.now() - timedelta(hours=1)
    past.save()
    with pytest.raises(DomainError) as e:
        request(booking, slot=past)
    assert e.value.code == "meeting.slot_past"


def test_after_the_meeting_outcomes_are_private_and_write_interactions(booking):
    m = services.meeting_accept(actor=booking["staff"].user, meeting=request(booking))
    with pytest.raises(DomainError) as e:
        services.meeting_mark_held(actor=booking["org"], meeting=m, held=True)
    assert e.value.code == "meeting.not_started"
    Meeting.objects.filter(pk=m.pk).update()
    m.slot.starts_at = timezone.now() - timedelta(minutes=40)
    m.slot.ends_at = timezone.now() - timedelta(minutes=10)
    m.slot.save()
    with pytest.raises(DomainError) as e:
        services.outcome_record(actor=booking["buyer"].user, meeting=m, rating=5)
    assert e.value.code == "meeting.not_held"
    services.meeting_mark_held(actor=booking["staff"].user, meeting=m, held=True)
    assert (
        Interaction.objects.filter(
            kind="meeting_held", buyer=booking["buyer"], booth=booking["booth"]
        ).count()
        == 1
    )
    with pytest.raises(DomainError) as e:
        services.outcome_record(actor=booking["buyer"].user, meeting=m, rating=6)
    assert e.value.code == "meeting.bad_rating"
    services.outcome_record(
        actor=booking["buyer"].user,
        meeting=m,
        rating=4,
        notes="buyer secret",
        interest_level=3,
        deal_size_usd=Decimal("25000"),
        follow_up_on=m.slot.day,
    )
    services.outcome_record(actor=booking["staff"].user, meeting=m, rating=5, notes="exhibitor secret")
    assert selectors.outcome_visible(meeting=m, side="exhibitor").notes == "exhibitor secret"
    assert selectors.outcome_visible(meeting=m, side="buyer").notes == "buyer secret"
    assert Outcome.objects.count() == 2
    assert Interaction.objects.filter(kind="deal", buyer=booking["buyer"]).count() == 1
    with pytest.raises(DomainError) as e:
        services.outcome_record(actor=booking["staff"].user, meeting=m, interest_level=2)
    assert e.value.code == "meeting.bad_interest"


def test_seat_constraint_is_in_the_database(booking):
    from django.db import IntegrityError, transaction

    m = request(booking)
    with pytest.raises(IntegrityError), transaction.atomic():
        Seat.objects.create(meeting=m, slot=m.slot, booth=booking["booth"])
    assert connection.vendor in {"sqlite", "postgresql"}
