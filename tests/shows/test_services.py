"""Scheduling across time zones, the access rules, reminders and the invitation (ICS)."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from kernel.access import allowed
from kernel.errors import DomainError, PermissionDenied
from notices.models import Notice
from shows import ics, jobs, services
from shows.access import access_show
from shows.models import Show, ShowFollower
from tests import factories
from tests.shows.conftest import schedule

pytestmark = pytest.mark.django_db


def test_a_time_in_the_presenters_zone_is_stored_in_utc(small_fair):
    booth = small_fair["booths"]["cosmetics"]
    year = timezone.now().year + 1
    show = services.show_schedule(
        actor=small_fair["staff"].user,
        booth=booth,
        title="Serums",
        language="ko",
        starts_local=datetime(year, 3, 20, 14, 0),  # 14:00 in Seoul (UTC+9, no daylight saving)
        zone="Asia/Seoul",
        minutes=45,
        products=list(booth.products.all()),
    )
    assert show.starts_at == datetime(year, 3, 20, 5, 0, tzinfo=UTC)
    assert show.ends_at == datetime(year, 3, 20, 5, 45, tzinfo=UTC)
    assert show.zone == "Asia/Seoul"
    # A viewer in New York (on daylight saving time since 14 March) and one in Jakarta: their own hours.
    assert show.starts_at.astimezone(zoneinfo.ZoneInfo("America/New_York")).hour == 1  # EDT, UTC-4
    assert show.starts_at.astimezone(zoneinfo.ZoneInfo("Asia/Jakarta")).hour == 12
    assert list(show.products.all()) == list(booth.products.all())


def test_a_time_that_does_not_exist_in_the_zone_is_refused(small_fair):
    year = timezone.now().year + 1
    with pytest.raises(DomainError) as e:
        services.show_schedule(
            actor=small_fair["staff"].user,
            booth=small_fair["booths"]["cosmetics"],
            title="Gap",
            language="en",
            starts_local=datetime(year, 3, 8 + (6 - datetime(year, 3, 8).weekday()) % 7, 2, 30),
            zone="America/New_York",  # 02:30 on the second Sunday of March is skipped
            minutes=30,
        )
    assert e.value.code == "show.no_such_time"


def test_only_the_booths_staff_schedule_and_only_its_products(small_fair):
    booth = small_fair["booths"]["cosmetics"]
    for person in ("buyer", "organizer"):
        with pytest.raises(PermissionDenied):
            schedule({**small_fair, "staff": small_fair[person]})
    other = small_fair["booths"]["snacks"].products.first()
    with pytest.raises(DomainError) as e:
        services.show_schedule(
            actor=small_fair["staff"].user,
            booth=booth,
            title="x",
            language="en",
            starts_local=datetime(timezone.now().year + 1, 1, 5, 10),
            zone="UTC",
            minutes=30,
            products=[other],
        )
    assert e.value.code == "show.bad_product"
    with pytest.raises(DomainError):
        schedule(small_fair, in_minutes=-30)


def test_who_may_watch_present_and_chat(small_fair, show):
    f = small_fair["fair"]
    other_fair_buyer = factories.buyer(factories.fair())
    pending = factories.buyer(f, status="pending")
    staff, buyer, organizer = small_fair["staff"].user, small_fair["buyer"].user, small_fair["organizer"].user
    other_staff = factories.staff(small_fair["booths"]["snacks"]).user
    assert allowed(None, "show:view", show)
    for user in (staff, buyer, organizer, other_staff):
        assert allowed(user, "show:watch", show)
    for user in (None, other_fair_buyer.user, pending.user):
        assert not allowed(user, "show:watch", show)
    assert allowed(staff, "show:present", show)
    for user in (buyer, organizer, other_staff):
        assert not allowed(user, "show:present", show)
    assert allowed(buyer, "show:chat", show) and not allowed(None, "show:chat", show)
    # A show of a draft booth is not even seen by others.
    draft = small_fair["booths"]["draft"]
    hidden = Show.objects.create(
        fair=f, booth=draft, title="x", starts_at=show.starts_at, ends_at=show.ends_at, zone="UTC"
    )
    from kernel.errors import NotFound

    with pytest.raises(NotFound):
        access_show(buyer, hidden.pk)


def test_without_janus_going_live_and_admission_say_why(small_fair, show):
    with pytest.raises(DomainError) as e:
        services.show_go_live(actor=small_fair["staff"].user, show=show, now=show.starts_at)
    assert e.value.code == "show.video_unavailable"
    show.status = Show.Status.LIVE
    with pytest.raises(DomainError) as e:
        services.show_admission(user=small_fair["buyer"].user, show=show, role="viewer")
    assert e.value.code == "show.video_unavailable"


def test_admission_is_refused_to_whom_the_rules_refuse(small_fair, show):
    show.status = Show.Status.LIVE
    stranger = factories.buyer(factories.fair()).user
    with pytest.raises(PermissionDenied):
        services.show_admission(user=stranger, show=show, role="viewer")
    with pytest.raises(PermissionDenied):
        services.show_admission(user=small_fair["buyer"].user, show=show, role="publisher")


def test_a_reminder_sets_an_invitation_and_is_sent_ten_minutes_before_once(
    small_fair, show, django_capture_on_commit_callbacks
):
    buyer = small_fair["buyer"].user
    buyer.time_zone = "America/New_York"
    buyer.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        follower, created = services.show_follow(user=buyer, show=show)
    assert created and not services.show_follow(user=buyer, show=show)[1]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    (name, content, mimetype) = message.attachments[0]
    assert name == "show.ics" and mimetype.startswith("text/calendar")
    cal = Calendar.from_ical(content)
    event = next(iter(cal.walk("VEVENT")))
    assert event.decoded("dtstart") == show.starts_at
    assert "America/New_York" in str(event.get("description"))
    assert Notice.objects.filter(user=buyer, kind="show.followed").exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.reminders_send(now=show.starts_at - timedelta(minutes=30)) == 0
        assert jobs.reminders_send(now=show.starts_at - timedelta(minutes=9)) == 1
        assert jobs.reminders_send(now=show.starts_at - timedelta(minutes=8)) == 0
    assert len(mail.outbox) == 1 and "In 10 minutes" in mail.outbox[0].subject
    assert ShowFollower.objects.get(pk=follower.pk).reminded_at is not None


def test_the_calendar_file_is_valid_and_in_utc(small_fair, show):
    cal = Calendar.from_ical(ics.invitation(show, zone="Asia/Jakarta"))
    event = next(iter(cal.walk("VEVENT")))
    assert event.decoded("dtstart") == show.starts_at and event.decoded("dtend") == show.ends_at
    assert str(event["uid"]) == f"{show.uid}@tradefair"


def test_cancelling_tells_who_asked_with_the_calendars_cancellation(
    small_fair, show, django_capture_on_commit_callbacks
):
    buyer = small_fair["buyer"].user
    with django_capture_on_commit_callbacks(execute=True):
        services.show_follow(user=buyer, show=show)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.show_cancel(actor=small_fair["staff"].user, show=show)
    (message,) = mail.outbox
    assert message.subject.startswith("Cancelled: New serums, live")
    _name, content, mimetype = message.attachments[0]
    assert "method=CANCEL" in mimetype
    event = next(iter(Calendar.from_ical(content).walk("VEVENT")))
    assert str(event["status"]) == "CANCELLED" and int(event["sequence"]) == 1
    assert Notice.objects.filter(user=buyer, kind="show.cancelled").exists()
    with pytest.raises(DomainError):
        services.show_follow(user=buyer, show=Show.objects.get(pk=show.pk))
    with pytest.raises(PermissionDenied):
        services.show_cancel(actor=buyer, show=show)
