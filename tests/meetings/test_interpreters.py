import pytest

from kernel.errors import DomainError
from meetings import selectors, services
from meetings.models import Meeting, Seat
from tests import factories
from tests.meetings.conftest import free_buyer


def japanese_buyer(booking):
    return free_buyer(booking, languages=("ja",))


def test_interpreter_proposed_confirmed_and_never_double_booked(booking, small_fair):
    interpreter = small_fair["interpreter"]  # speaks ko and ja
    services.availability_set(
        actor=interpreter.user, fair=booking["fair"], slots=booking["slots"], participant=interpreter
    )
    booking["booth"].company.languages = ["ko"]
    booking["booth"].company.save()
    buyer = japanese_buyer(booking)
    slot = booking["slots"][0]
    m = services.meeting_request(actor=buyer.user, buyer=buyer, booth=booking["booth"], slot=slot)
    assert m.interpreter == interpreter and m.interpreter_status == "proposed"
    assert not Seat.objects.filter(participant=interpreter).exists()
    with pytest.raises(DomainError) as e:
        services.interpreter_confirm(actor=buyer.user, meeting=m)
    assert e.value.code == "fair.denied"
    m = services.interpreter_confirm(actor=booking["org"], meeting=m)
    assert m.interpreter_status == "confirmed"
    assert list(selectors.interpreter_schedule(interpreter=interpreter)) == [m]
    assert list(selectors.schedule_for(user=interpreter.user)) == [m]

    # A second meeting at the same time with another booth: the only interpreter is busy.
    snacks = small_fair["booths"]["snacks"]
    snacks.company.languages = ["ko"]
    snacks.company.save()
    services.availability_set(
        actor=booking["org"], fair=booking["fair"], slots=booking["slots"], booth=snacks
    )
    other = japanese_buyer(booking)
    m2 = services.meeting_request(actor=other.user, buyer=other, booth=snacks, slot=slot)
    assert m2.interpreter is None and m2.interpreter_status == "needed"
    with pytest.raises(DomainError) as e:
        services.interpreter_confirm(actor=booking["org"], meeting=m2, interpreter=interpreter)
    assert e.value.code == "meeting.slot_taken"
    assert Seat.objects.filter(participant=interpreter).count() == 1


def test_interpreter_must_speak_both_languages(booking):
    booking["booth"].company.languages = ["ko"]
    booking["booth"].company.save()
    vi = factories.participant(booking["fair"], "interpreter", languages=["vi", "en"])
    services.availability_set(actor=vi.user, fair=booking["fair"], slots=booking["slots"], participant=vi)
    buyer = japanese_buyer(booking)
    m = services.meeting_request(
        actor=buyer.user, buyer=buyer, booth=booking["booth"], slot=booking["slots"][0]
    )
    assert m.interpreter_status == "needed"
    with pytest.raises(DomainError) as e:
        services.interpreter_confirm(actor=booking["org"], meeting=m, interpreter=vi)
    assert e.value.code == "meeting.interpreter_languages"


def test_automatic_rule_confirms_at_once(booking, small_fair):
    services.rules_update(actor=booking["org"], fair=booking["fair"], auto_confirm_interpreters=True)
    interpreter = small_fair["interpreter"]
    services.availability_set(
        actor=interpreter.user, fair=booking["fair"], slots=booking["slots"], participant=interpreter
    )
    booking["booth"].company.languages = ["ko"]
    booking["booth"].company.save()
    buyer = japanese_buyer(booking)
    m = services.meeting_request(
        actor=buyer.user, buyer=buyer, booth=booking["booth"], slot=booking["slots"][0]
    )
    assert m.interpreter_status == Meeting.InterpreterStatus.CONFIRMED
    assert Seat.objects.filter(meeting=m).count() == 3


def test_shared_language_needs_no_interpreter(booking):
    m = services.meeting_request(
        actor=booking["buyer"].user, buyer=booking["buyer"], booth=booking["booth"], slot=booking["slots"][0]
    )
    assert m.interpreter_status == "not_needed"
