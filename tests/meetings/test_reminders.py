from datetime import timedelta

import pytest
from django.core import mail
from django_q.models import Schedule

from kernel.models import OutboxMessage
from meetings import jobs, services
from meetings.models import Reminder
from tests.meetings.test_services import request


@pytest.fixture
def accepted(booking):
    m = services.meeting_accept(actor=booking["staff"].user, meeting=request(booking))
    mail.outbox.clear()
    return m


def test_reminders_go_once_to_both_sides(accepted, booking, django_capture_on_commit_callbacks):
    start = accepted.slot.starts_at
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.reminders_send(now=start - timedelta(hours=23)) == 2
        assert jobs.reminders_send(now=start - timedelta(hours=23)) == 0  # a second run sends nothing
        assert jobs.reminders_send(now=start - timedelta(hours=2)) == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [booking["buyer"].user.email, booking["staff"].user.email]
    )
    assert all("Tomorrow" in m.subject for m in mail.outbox)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.reminders_send(now=start - timedelta(minutes=9)) == 2
        assert jobs.reminders_send(now=start - timedelta(minutes=5)) == 0
    assert all("10 minutes" in m.subject for m in mail.outbox) and len(mail.outbox) == 2
    assert Reminder.objects.count() == 4
    assert jobs.reminders_send(now=start + timedelta(minutes=1)) == 0  # begun: nothing more


def test_a_crash_between_claim_and_send_loses_nothing(
    accepted, monkeypatch, django_capture_on_commit_callbacks
):
    start = accepted.slot.starts_at
    real = jobs._send_one

    def crash(*args, **kwargs):
        real(*args, **kwargs)  # the mail is written to the outbox...
        raise SystemExit("worker killed")  # ...and the worker dies before the claim commits

    monkeypatch.setattr(jobs, "_send_one", crash)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(SystemExit):
        jobs.reminders_send(now=start - timedelta(minutes=5))
    # The claim and the outbox rows rolled back together: nothing sent, nothing marked sent.
    assert Reminder.objects.count() == 0 and not mail.outbox
    assert not OutboxMessage.objects.filter(event="meeting.reminder").exists()
    monkeypatch.setattr(jobs, "_send_one", real)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.reminders_send(now=start - timedelta(minutes=5)) == 2
    assert len(mail.outbox) == 2


def test_cancelled_meetings_get_no_reminder(accepted, booking):
    services.meeting_cancel(actor=booking["buyer"].user, meeting=accepted, reason="no longer needed")
    mail.outbox.clear()
    assert jobs.reminders_send(now=accepted.slot.starts_at - timedelta(minutes=5)) == 0


def test_the_worker_runs_reminders_every_minute(db):
    jobs.ensure_schedules()
    jobs.ensure_schedules()
    schedule = Schedule.objects.get(name=jobs.SCHEDULE_NAME)
    assert schedule.func == "meetings.jobs.reminders_send"
    assert schedule.schedule_type == Schedule.MINUTES and schedule.minutes == 1
