"""The notification centre: notices written with the change they tell of, the bell's count (stored,
API, page), marking read, and nobody reaching another person's notices."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client

from kernel.models import OutboxMessage
from meetings import services as meeting_services
from notices import selectors, services
from notices.models import Notice
from tests import factories
from tests.meetings.test_services import request


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_request_writes_a_notice_for_the_booth_staff_not_the_buyer(booking):
    staff, buyer = booking["staff"].user, booking["buyer"].user
    meeting = request(booking)
    notice = Notice.objects.get(user=staff)
    assert notice.kind == "meeting.requested" and notice.url == f"/schedule/{meeting.pk}/"
    assert selectors.notice_text(notice) == f"Meeting request from {booking['buyer'].company}"
    assert selectors.unread_count(user=staff) == 1
    assert selectors.unread_count(user=buyer) == 0
    # ... and the bell hears it live through the outbox, with the count
    rows = OutboxMessage.objects.filter(event="meeting.requested", payload__group=f"notify.user.{staff.pk}")
    frames = [r.payload["message"]["payload"] for r in rows]
    [frame] = [f for f in frames if f["type"] == "notice"]
    assert frame["unread"] == 1 and frame["toast"] and frame["notice"]["id"] == notice.pk
    assert frame["notice"]["text"].startswith("Meeting request from")
    meeting_services.meeting_accept(actor=staff, meeting=meeting)
    accepted = Notice.objects.get(user=buyer)
    assert accepted.kind == "meeting.accepted" and selectors.unread_count(user=buyer) == 1


def test_a_rolled_back_change_leaves_no_notice(booking):
    with pytest.raises(RuntimeError), transaction.atomic():
        request(booking)
        assert Notice.objects.count() == 1
        raise RuntimeError("undo")
    assert Notice.objects.count() == 0


def test_the_text_is_drawn_in_the_readers_language(booking):
    staff = booking["staff"].user
    staff.language = "ko"
    staff.save()
    request(booking)
    notice = Notice.objects.get(user=staff)
    assert notice.text != "" and "Meeting request" not in notice.text  # written in Korean
    from django.utils import translation

    with translation.override("en"):
        assert selectors.notice_text(notice).startswith("Meeting request from")
    with translation.override("ja"):
        assert not selectors.notice_text(notice).startswith("Meeting request from")


def test_an_unknown_kind_shows_the_line_it_was_written_with(db):
    u = factories.user()
    [n] = services.notify(user_ids=[u.pk, None, u.pk], kind="some.kind_gone", params={"x": 1})
    assert n.text == "some.kind_gone" and selectors.notice_text(n) == "some.kind_gone"
    assert Notice.objects.filter(user=u).count() == 1


def test_api_count_list_mark_read_and_all(booking):
    staff = booking["staff"].user
    c = _client(staff)
    assert c.get("/api/notifications/unread/").json() == {"unread": 0}
    first = request(booking)
    meeting_services.meeting_cancel(actor=booking["buyer"].user, meeting=first, reason="Sorry")
    assert c.get("/api/notifications/unread/").json() == {"unread": 2}
    listed = c.get("/api/notifications/").json()["results"]
    assert [n["kind"] for n in listed] == ["meeting.cancelled", "meeting.requested"]
    assert listed[0]["url"] == f"/schedule/{first.pk}/" and not listed[0]["read"]
    assert c.get("/api/notifications/?unread=1").json()["count"] == 2
    read = c.post(f"/api/notifications/{listed[1]['id']}/read/")
    assert read.status_code == 200 and read.json()["read"] and read.json()["unread"] == 1
    again = c.post(f"/api/notifications/{listed[1]['id']}/read/")  # idempotent
    assert again.json()["unread"] == 1
    assert c.get("/api/notifications/?unread=1").json()["count"] == 1
    everything = c.post("/api/notifications/read-all/")
    assert everything.json() == {"marked": 1, "unread": 0}
    assert c.get("/api/notifications/unread/").json() == {"unread": 0}


def test_nobody_reads_or_marks_another_persons_notices(booking):
    request(booking)
    staff, buyer = booking["staff"].user, booking["buyer"].user
    notice = Notice.objects.get(user=staff)
    admin = factories.user(is_superuser=True, is_staff=True)
    for other in (buyer, admin):
        c = _client(other)
        assert c.get("/api/notifications/").json()["count"] == 0
        for answer in (
            c.get(f"/api/notifications/{notice.pk}/"),
            c.post(f"/api/notifications/{notice.pk}/read/"),
        ):
            assert answer.status_code == 404 and answer.json()["code"] == "notice.not_found"
        assert c.post(f"/notifications/{notice.pk}/read/").status_code == 404
        assert c.get(f"/notifications/{notice.pk}/").status_code == 404
        c.post("/api/notifications/read-all/")
    notice.refresh_from_db()
    assert notice.read_at is None
    anonymous = Client()
    assert anonymous.get("/api/notifications/unread/").status_code in (401, 403)
    assert anonymous.get("/notifications/").status_code == 302
    for bad in ("abc", "99999999999999999999999", "0"):
        assert _client(staff).get(f"/api/notifications/{bad}/").status_code == 404


def test_the_bell_and_the_list_page(booking):
    staff = booking["staff"].user
    c = _client(staff)
    page = c.get("/fairs/demo-expo/").content.decode()
    assert "data-bell-count hidden" in page  # nothing unread: no number shown
    meeting = request(booking)
    page = c.get("/fairs/demo-expo/").content.decode()
    assert 'data-bell-count>1<span class="visually-hidden"> unread' in page
    listing = c.get("/notifications/").content.decode()
    assert "Meeting request from" in listing and "1 unread notification" in listing
    notice = Notice.objects.get(user=staff)
    opened = c.get(f"/notifications/{notice.pk}/")
    assert opened.status_code == 302 and opened["Location"] == f"/schedule/{meeting.pk}/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert "data-bell-count hidden" in c.get("/notifications/").content.decode()
    # mark one read with the form, then all
    meeting_services.meeting_cancel(actor=booking["buyer"].user, meeting=meeting, reason="Sorry")
    second = Notice.objects.filter(user=staff, read_at__isnull=True).get()
    done = c.post(f"/notifications/{second.pk}/read/", {"next": "/notifications/?show=unread"})
    assert done.status_code == 302 and done["Location"] == "/notifications/?show=unread"
    assert "You have read every notification." in c.get("/notifications/?show=unread").content.decode()
    services.notify(user_ids=[staff.pk], kind="meeting.requested", params={"buyer": "X", "booth": "Y"})
    services.notify(user_ids=[staff.pk], kind="meeting.requested", params={"buyer": "Z", "booth": "Y"})
    assert (
        c.post("/notifications/read-all/", {"next": "https://evil.example/"})["Location"] == "/notifications/"
    )
    assert selectors.unread_count(user=staff) == 0
    assert c.get("/notifications/read-all/").status_code == 405


def test_knocks_notify_the_staff_and_a_missed_one_both_sides(booking):
    from exhibitors import services as booth_services
    from exhibitors.access import viewer_of

    booth, staff, buyer = booking["booth"], booking["staff"].user, booking["buyer"].user
    knock, created = booth_services.knock_create(booth=booth, viewer=viewer_of(buyer, booth))
    assert created
    received = Notice.objects.get(user=staff, kind="knock.received")
    assert "is knocking at Seoul Glow Co." in selectors.notice_text(received)
    assert received.url == f"/fairs/demo-expo/booths/{booth.pk}/#live-booth"
    booth_services.knock_expire(knock_id=knock.pk, force=True)
    missed = Notice.objects.get(user=staff, kind="knock.missed")
    assert missed.url.endswith("#missed-knocks")
    told = Notice.objects.get(user=buyer, kind="knock.missed.buyer")
    assert "Seoul Glow Co." in selectors.notice_text(told)


NOTIFICATIONS = {
    "en": ("Notifications", "Meeting request from"),
    "ko": ("알림", "상담 신청"),
    "ja": ("通知", "商談"),
    "zh-hans": ("通知", "洽谈"),
    "vi": ("Thông báo", "họp"),
    "id": ("Notifikasi", "pertemuan"),
}


@pytest.mark.parametrize("code", sorted(NOTIFICATIONS))
def test_the_centre_speaks_every_ui_language(booking, code):
    """The page, the bell and each notice's line are drawn in the reader's language, whatever
    language the notice was written in."""
    staff = booking["staff"].user
    request(booking)  # written while the staff's language is English
    staff.language = code
    staff.save()
    heading, line = NOTIFICATIONS[code]
    page = _client(staff).get("/notifications/").content.decode()
    assert f'<html lang="{code}"' in page and f"<h1>{heading}</h1>" in page
    assert line in page
    if code != "en":
        assert "Meeting request from" not in page


def test_reminders_ring_both_sides_once_with_a_toast(booking):
    from datetime import timedelta

    from meetings import jobs

    meeting = meeting_services.meeting_accept(actor=booking["staff"].user, meeting=request(booking))
    Notice.objects.all().delete()
    start = meeting.slot.starts_at
    assert jobs.reminders_send(now=start - timedelta(hours=23)) == 2
    assert jobs.reminders_send(now=start - timedelta(hours=23)) == 0
    buyer_line = Notice.objects.get(user=booking["buyer"].user)
    staff_line = Notice.objects.get(user=booking["staff"].user)
    assert buyer_line.kind == staff_line.kind == "meeting.reminder.day"
    assert selectors.notice_text(buyer_line) == "Tomorrow: meeting with Seoul Glow Co."
    assert selectors.notice_text(staff_line) == f"Tomorrow: meeting with {booking['buyer'].company}"
    assert selectors.notice_payload(buyer_line)["toast"] is True
    assert buyer_line.url == f"/schedule/{meeting.pk}/"


def test_registrations_ring_the_organizers_and_decisions_the_person(booking):
    from fair import services as fair_services

    newcomer = factories.user(first_name="Dewi")
    organizer = booking["organizer"].user
    p = fair_services.registration_submit(
        user=newcomer,
        fair=booking["fair"],
        role="buyer",
        company_name="PT Nusantara Beauty",
        country="ID",
        hs_codes=["3304"],
        languages=["id"],
    )
    [line] = Notice.objects.filter(user=organizer)
    assert selectors.notice_text(line) == f"New registration for {booking['fair'].name}: PT Nusantara Beauty"
    assert line.url == "/fairs/demo-expo/organize/registrations/"
    assert not Notice.objects.filter(user=newcomer).exists()
    fair_services.participants_decide(
        actor=organizer, fair=booking["fair"], participant_ids=[p.pk], approve=True
    )
    [told] = Notice.objects.filter(user=newcomer)
    assert selectors.notice_text(told) == f"Your registration for {booking['fair'].name} is approved"
    assert told.url == "/fairs/demo-expo/first-steps/" and selectors.notice_payload(told)["toast"]
