"""An interpreter as a second audio track of a live show (shows/services.py, "interpretation"):
who may assign one, whom, into which language; the interpreter's answer; what ``show:interpret``
admits; the interpreter's agenda and notices; and, against a real Janus, the room's extra place and
the interpreter's admission (their participant id tells viewers' pages their voice)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from fair.models import Participant
from kernel.access import allowed
from kernel.errors import DomainError, PermissionDenied
from meetings import services as meeting_services
from meetings.models import Meeting, MeetingRules, Seat
from notices.models import Notice
from shows import jobs, services
from shows.models import Show, ShowFollower, ShowInterpretation, ShowPass
from tests import factories
from tests.shows.conftest import schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def korean_show(small_fair):
    """A show in Korean; the fair's interpreter speaks Korean and Japanese."""
    return schedule(small_fair, language="ko", in_minutes=5)


def assign(small_fair, show, *, actor=None, interpreter=None, language="ja"):
    return services.interpretation_assign(
        actor=actor or small_fair["staff"].user,
        show=show,
        interpreter=interpreter or small_fair["interpreter"],
        language=language,
    )


def test_staff_assign_the_interpreter_who_confirms_and_only_then_may_interpret(
    small_fair, korean_show, django_capture_on_commit_callbacks
):
    interpreter = small_fair["interpreter"].user
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        row = assign(small_fair, korean_show)
    assert row.status == ShowInterpretation.Status.PROPOSED and row.feed_prefix == "i-ja-"
    # Told at once, with the show's calendar file; the show is on their agenda and their schedule.
    assert Notice.objects.filter(user=interpreter, kind="show.interpreter_assigned").exists()
    (message,) = [m for m in mail.outbox if interpreter.email in m.to]
    event = next(iter(Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")))
    assert event.decoded("dtstart") == korean_show.starts_at
    c = Client()
    c.force_login(interpreter)
    assert korean_show.title in c.get(reverse("my_schedule")).content.decode()
    fair_schedule = reverse("interpreter_schedule", args=[small_fair["fair"].slug])
    assert korean_show.title in c.get(fair_schedule).content.decode()

    # Proposed is not enough to publish.
    assert not allowed(interpreter, "show:interpret", korean_show)
    korean_show.status = Show.Status.LIVE
    with pytest.raises(PermissionDenied):
        services.show_admission(user=interpreter, show=korean_show, role="interpreter")
    # Only the interpreter named answers.
    with pytest.raises(PermissionDenied):
        services.interpretation_answer(user=small_fair["buyer"].user, interpretation=row, accept=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.interpretation_answer(user=interpreter, interpretation=row, accept=True)
    row.refresh_from_db()
    assert row.status == ShowInterpretation.Status.CONFIRMED
    assert Notice.objects.filter(user=small_fair["staff"].user, kind="show.interpreter_confirmed").exists()
    assert allowed(interpreter, "show:interpret", korean_show)
    # Confirmed, they follow the show: the 10-minute reminder and "live now" reach them.
    assert ShowFollower.objects.filter(show=korean_show, user=interpreter).exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.reminders_send(now=korean_show.starts_at - timedelta(minutes=9)) == 1
    assert [m.to for m in mail.outbox] == [[interpreter.email]]
    # Nobody else interprets: not the staff, not a buyer, not another interpreter of the fair.
    other = factories.participant(small_fair["fair"], "interpreter", languages=["ko", "ja"]).user
    for user in (small_fair["staff"].user, small_fair["buyer"].user, other, small_fair["organizer"].user):
        assert not allowed(user, "show:interpret", korean_show), user


def test_who_may_assign_and_whom(small_fair, korean_show):
    for user in (small_fair["buyer"].user, small_fair["interpreter"].user):
        with pytest.raises(PermissionDenied):
            assign(small_fair, korean_show, actor=user)
    other_booth = factories.staff(small_fair["booths"]["snacks"]).user
    with pytest.raises(PermissionDenied):
        assign(small_fair, korean_show, actor=other_booth)
    # A buyer is no interpreter; nor is the interpreter of another fair, or a pending one.
    stranger = factories.participant(factories.fair(), "interpreter", languages=["ko", "ja"])
    pending = factories.participant(
        small_fair["fair"], "interpreter", languages=["ko", "ja"], status=Participant.Status.PENDING
    )
    for who in (small_fair["buyer"], stranger, pending):
        with pytest.raises(DomainError) as e:
            assign(small_fair, korean_show, interpreter=who)
        assert e.value.code == "show.no_interpreter"
    with pytest.raises(DomainError) as e:
        assign(small_fair, korean_show, language="ko")
    assert e.value.code == "show.same_language"
    with pytest.raises(DomainError) as e:
        assign(small_fair, korean_show, language="vi")  # they speak Korean and Japanese only
    assert e.value.code == "show.interpreter_languages"
    with pytest.raises(DomainError) as e:
        assign(small_fair, korean_show, language="xx")
    assert e.value.code == "show.bad_language"
    # The organizers assign too; the fair's rule confirms at once.
    MeetingRules.objects.update_or_create(
        fair=small_fair["fair"], defaults={"auto_confirm_interpreters": True}
    )
    row = assign(small_fair, korean_show, actor=small_fair["organizer"].user)
    assert row.status == ShowInterpretation.Status.CONFIRMED
    assert ShowInterpretation.objects.filter(show=korean_show).count() == 1


def test_an_interpreter_is_not_booked_twice(small_fair, korean_show):
    assign(small_fair, korean_show)
    overlapping = schedule(small_fair, language="ko", in_minutes=20, title="Second show")
    with pytest.raises(DomainError) as e:
        assign(small_fair, overlapping)
    assert e.value.code == "show.interpreter_busy"
    later = schedule(small_fair, language="ko", in_minutes=120, title="Later show")
    assert assign(small_fair, later).status == ShowInterpretation.Status.PROPOSED
    # A meeting they interpret at that time keeps them busy too.
    slot = meeting_services.slots_generate(fair=small_fair["fair"])[0]
    third = schedule(small_fair, language="ko", title="During a meeting", in_minutes=1)
    Show.objects.filter(pk=third.pk).update(starts_at=slot.starts_at, ends_at=slot.ends_at)
    third.refresh_from_db()
    meeting = Meeting.objects.create(
        fair=small_fair["fair"],
        buyer=small_fair["buyer"],
        booth=small_fair["booths"]["cosmetics"],
        slot=slot,
        status=Meeting.Status.ACCEPTED,
        interpreter=small_fair["interpreter"],
        interpreter_status=Meeting.InterpreterStatus.CONFIRMED,
    )
    Seat.objects.create(meeting=meeting, slot=slot, participant=small_fair["interpreter"])
    with pytest.raises(DomainError) as e:
        assign(small_fair, third)
    assert e.value.code == "show.interpreter_busy"


def test_declining_and_being_taken_off(small_fair, korean_show, django_capture_on_commit_callbacks):
    interpreter = small_fair["interpreter"].user
    row = assign(small_fair, korean_show)
    with django_capture_on_commit_callbacks(execute=True):
        services.interpretation_answer(user=interpreter, interpretation=row, accept=False)
    assert Notice.objects.filter(user=small_fair["staff"].user, kind="show.interpreter_declined").exists()
    assert not ShowFollower.objects.filter(show=korean_show, user=interpreter).exists()
    assert services.stage_size(korean_show) == services.PRESENTER_PLACES
    row = assign(small_fair, korean_show)  # asked again
    assert row.status == ShowInterpretation.Status.PROPOSED
    # Another interpreter for the same language replaces them, and they hear of it.
    second = factories.participant(small_fair["fair"], "interpreter", languages=["ko", "ja"])
    with django_capture_on_commit_callbacks(execute=True):
        row = assign(small_fair, korean_show, interpreter=second)
    assert list(
        ShowInterpretation.objects.filter(show=korean_show).values_list("interpreter", flat=True)
    ) == [second.pk]
    assert Notice.objects.filter(user=interpreter, kind="show.interpreter_removed").exists()
    Notice.objects.filter(user=interpreter, kind="show.interpreter_removed").delete()
    row = assign(small_fair, korean_show)  # and back
    assert services.stage_size(korean_show) == services.PRESENTER_PLACES + 1
    with pytest.raises(PermissionDenied):
        services.interpretation_remove(actor=interpreter, interpretation=row)
    with django_capture_on_commit_callbacks(execute=True):
        services.interpretation_remove(actor=small_fair["staff"].user, interpretation=row)
    assert not ShowInterpretation.objects.filter(show=korean_show).exists()
    assert Notice.objects.filter(user=interpreter, kind="show.interpreter_removed").exists()


def test_the_pages_assign_answer_and_take_off_an_interpreter(small_fair, korean_show):
    fair = small_fair["fair"]
    url = reverse("show_detail", args=[fair.slug, korean_show.pk])
    staff, interpreter, buyer = Client(), Client(), Client()
    staff.force_login(small_fair["staff"].user)
    interpreter.force_login(small_fair["interpreter"].user)
    buyer.force_login(small_fair["buyer"].user)
    page = staff.get(url).content.decode()
    assert "Assign an interpreter" in page and 'name="language"' in page
    # A buyer cannot post the form (the access layer refuses), and sees no form.
    assert "Assign an interpreter" not in buyer.get(url).content.decode()
    assign_url = reverse("show_interpreter_assign", args=[fair.slug, korean_show.pk])
    data = {"interpreter": small_fair["interpreter"].pk, "language": "ja"}
    assert buyer.post(assign_url, data).status_code == 403
    assert not ShowInterpretation.objects.exists()
    assert staff.post(assign_url, data).status_code == 302
    row = ShowInterpretation.objects.get(show=korean_show)
    assert "You are asked to interpret this show into 日本語." in interpreter.get(url).content.decode()
    answer = reverse("show_interpretation_answer", args=[fair.slug, korean_show.pk, row.pk])
    assert buyer.post(answer, {"answer": "confirm"}).status_code == 403
    assert staff.post(answer, {"answer": "confirm"}).status_code == 403
    assert interpreter.post(answer, {"answer": "maybe"}).status_code == 302
    row.refresh_from_db()
    assert row.status == ShowInterpretation.Status.PROPOSED
    assert interpreter.post(answer, {"answer": "confirm"}).status_code == 302
    row.refresh_from_db()
    assert row.status == ShowInterpretation.Status.CONFIRMED
    assert "You interpret this show into 日本語." in interpreter.get(url).content.decode()
    # The interpreter's page: theirs only.
    interpret = reverse("show_interpret", args=[fair.slug, korean_show.pk])
    assert interpreter.get(interpret).status_code == 200
    assert buyer.get(interpret).status_code == 403
    assert staff.get(interpret).status_code == 403
    remove = reverse("show_interpretation_remove", args=[fair.slug, korean_show.pk, row.pk])
    assert interpreter.post(remove).status_code == 403
    assert staff.post(remove).status_code == 302
    assert not ShowInterpretation.objects.exists()


# --- through a real Janus --------------------------------------------------------------------------


def _participants(janus_settings, show) -> set[str]:
    with services.janus_admin() as admin:
        return {str(p["id"]) for p in admin.room_participants(room=show.janus_room)}


def test_the_room_gets_a_place_for_the_interpreter_and_only_they_are_admitted_as_such(
    small_fair, korean_show, janus_settings, monkeypatch, django_capture_on_commit_callbacks
):
    from tests.shows.test_janus import joined

    staff, interpreter = small_fair["staff"].user, small_fair["interpreter"].user
    services.show_go_live(actor=staff, show=korean_show)
    korean_show.refresh_from_db()
    with services.janus_admin() as admin:
        assert admin.room_info(room=korean_show.janus_room)["max_publishers"] == 2
    row = assign(small_fair, korean_show)  # while live: the room grows
    with services.janus_admin() as admin:
        assert admin.room_info(room=korean_show.janus_room)["max_publishers"] == 3
    with pytest.raises(PermissionDenied):  # proposed only
        services.show_admission(user=interpreter, show=korean_show, role="interpreter")
    services.interpretation_answer(user=interpreter, interpretation=row, accept=True)
    admission = services.show_admission(user=interpreter, show=korean_show, role="interpreter")
    assert admission.participant_id.startswith(f"i-ja-u{interpreter.pk}.")
    assert ShowPass.objects.get(participant_id=admission.participant_id).role == "interpreter"
    assert joined(janus_settings, admission)["videoroom"] == "joined"
    with pytest.raises(PermissionDenied):
        services.show_admission(user=small_fair["buyer"].user, show=korean_show, role="interpreter")

    # The stage job keeps a confirmed interpreter, and puts them out once taken off the show.
    from kernel.janus import JanusSession

    session = JanusSession(janus_settings.url, token=admission.session_token).create()
    try:
        handle = session.attach()
        session.request(
            handle,
            {
                "request": "join",
                "ptype": "publisher",
                "room": admission.room,
                "id": admission.participant_id,
                "token": admission.room_token,
            },
        )
        assert services.show_enforce_roles(show=korean_show) == []
        assert admission.participant_id in _participants(janus_settings, korean_show)
        # Taken off the show: put out at once (a job queued on commit), not at the next minute's round.
        from django_q.conf import Conf

        with monkeypatch.context() as m, django_capture_on_commit_callbacks(execute=True):
            m.setattr(Conf, "SYNC", True)  # the queued job runs here, as the worker would
            services.interpretation_remove(actor=staff, interpretation=row)
        assert admission.participant_id not in _participants(janus_settings, korean_show)
        assert services.show_enforce_roles(show=korean_show) == []  # nobody left to put out
    finally:
        session.destroy()
        services.show_end(actor=staff, show=korean_show)


def test_a_show_room_created_after_assigning_has_the_place_already(small_fair, korean_show, janus_settings):
    assign(small_fair, korean_show)
    services.show_go_live(actor=small_fair["staff"].user, show=korean_show)
    korean_show.refresh_from_db()
    try:
        with services.janus_admin() as admin:
            assert admin.room_info(room=korean_show.janus_room)["max_publishers"] == 3
    finally:
        services.show_end(actor=small_fair["staff"].user, show=korean_show)


def test_an_ended_show_takes_no_interpreter(small_fair, korean_show):
    Show.objects.filter(pk=korean_show.pk).update(status=Show.Status.ENDED)
    korean_show.refresh_from_db()
    with pytest.raises(DomainError) as e:
        assign(small_fair, korean_show)
    assert e.value.code == "show.ended"
    assert korean_show.ends_at - korean_show.starts_at == timedelta(minutes=30)
