"""Staff set their booth's status from the booth page (a form; with JavaScript the same over the
socket): a visitor in the booth sees the new status at once, the header shows the real status,
a stranger cannot set it, bad input changes nothing. Missed knocks are listed for the staff."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from exhibitors import services
from exhibitors.access import viewer_of
from exhibitors.models import Booth
from tests.exhibitors.conftest import Socket, run

pytestmark = pytest.mark.django_db(transaction=True)


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _url(booth, tail=""):
    return f"/fairs/demo-expo/booths/{booth.pk}/{tail}"


def test_staff_set_the_status_with_the_form_and_a_visitor_sees_it_live(small_fair):
    booth, staff = small_fair["booths"]["cosmetics"], small_fair["staff"].user
    staff_client = _client(staff)

    async def scenario():
        visitor = Socket(booth.pk, small_fair["buyer"].user)
        snap = await visitor.open()
        assert snap["status"]["status"] == "away"
        answer = await sync_to_async(staff_client.post)(_url(booth, "status/"), {"status": "on_duty"})
        assert answer.status_code == 302 and answer["Location"] == _url(booth)
        assert (await visitor.recv_type("status")) == {
            "type": "status",
            "status": "on_duty",
            "stream_url": "",
        }
        await visitor.close()

    run(scenario)
    page = _client(small_fair["buyer"].user).get(_url(booth)).content.decode()
    assert "data-booth-status-text>Staff on duty</span>" in page  # the header shows the real status
    assert 'data-t-online="Connected"' in page  # the socket's state no longer reads "Live"
    assert "Your booth&#x27;s status" not in page  # the form is for the staff only
    staff_page = _client(staff).get(_url(booth)).content.decode()
    assert 'value="on_duty" checked' in staff_page


def test_a_bad_status_or_link_says_why_and_changes_nothing(small_fair):
    booth, staff = small_fair["booths"]["cosmetics"], small_fair["staff"].user
    c = _client(staff)
    for data, message in (
        ({"status": "asleep"}, "The status is one of"),
        ({"status": "live", "stream_url": "javascript:alert(1)"}, "A live broadcast needs an http(s) link."),
    ):
        answer = c.post(_url(booth, "status/"), data, follow=True)
        assert message in answer.content.decode()
    assert Booth.objects.get(pk=booth.pk).live_status == "away"
    ok = c.post(
        _url(booth, "status/"), {"status": "live", "stream_url": "https://live.example.test/1"}, follow=True
    )
    assert "The booth&#x27;s status is now: Live broadcast." in ok.content.decode()
    assert Booth.objects.get(pk=booth.pk).stream_url == "https://live.example.test/1"


def test_only_the_booths_staff_set_its_status(small_fair):
    booth = small_fair["booths"]["cosmetics"]
    other_staff = small_fair["staff"].__class__.objects.create(
        fair=small_fair["fair"],
        user=small_fair["buyer"].user.__class__.objects.create(
            username="other@example.test", email="other@example.test"
        ),
        role="exhibitor",
        status="approved",
        booth=small_fair["booths"]["snacks"],
        company=small_fair["booths"]["snacks"].company,
    )
    for user, codes in (
        (small_fair["buyer"].user, {403}),
        (small_fair["organizer"].user, {403}),
        (other_staff.user, {403}),
    ):
        assert _client(user).post(_url(booth, "status/"), {"status": "on_duty"}).status_code in codes
    assert Client().post(_url(booth, "status/"), {"status": "on_duty"}).status_code == 302  # sign in first
    draft = small_fair["booths"]["draft"]
    assert (
        _client(small_fair["buyer"].user).post(_url(draft, "status/"), {"status": "on_duty"}).status_code
        == 404
    )
    assert _client(small_fair["staff"].user).get(_url(booth, "status/")).status_code == 405
    assert Booth.objects.get(pk=booth.pk).live_status == "away"


def test_missed_knocks_are_listed_for_the_staff_only(small_fair):
    booth, buyer = small_fair["booths"]["cosmetics"], small_fair["buyer"].user
    buyer.first_name = "Aiko"
    buyer.save()
    knock, _created = services.knock_create(booth=booth, viewer=viewer_of(buyer, booth))
    services.knock_expire(knock_id=knock.pk, force=True)
    services.knock_leave_message(
        booth=booth, viewer=viewer_of(buyer, booth), knock_id=knock.pk, body="Call me"
    )
    staff_page = _client(small_fair["staff"].user).get(_url(booth)).content.decode()
    assert 'id="missed-knocks"' in staff_page and "Aiko" in staff_page and "Call me" in staff_page
    assert 'id="missed-knocks"' not in _client(buyer).get(_url(booth)).content.decode()


def test_the_exhibitors_home_shows_the_live_status_and_the_missed_knocks(small_fair):
    booth, buyer = small_fair["booths"]["cosmetics"], small_fair["buyer"].user
    home = _client(small_fair["staff"].user)
    page = home.get("/").content.decode()
    assert f'booths/{booth.pk}/#live-booth">Away</a>' in page and "missed knock" not in page
    for _ in range(2):
        knock, _created = services.knock_create(booth=booth, viewer=viewer_of(buyer, booth))
        services.knock_expire(knock_id=knock.pk, force=True)
    page = home.get("/").content.decode()
    assert f'booths/{booth.pk}/#missed-knocks">2 missed knocks</a>' in page


def test_the_api_sets_the_status_for_the_staff_only(small_fair):
    booth = small_fair["booths"]["cosmetics"]
    url = f"/api/booths/{booth.pk}/status/"
    staff = _client(small_fair["staff"].user)
    ok = staff.post(url, {"status": "on_duty"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json() == {"status": "on_duty", "stream_url": ""}
    bad = staff.post(url, {"status": "live", "stream_url": "ftp://x"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "status.bad_url"
    assert staff.post(url, {}, content_type="application/json").json()["code"] == "status.invalid"
    denied = _client(small_fair["buyer"].user).post(url, {"status": "away"}, content_type="application/json")
    assert denied.status_code == 403 and denied.json()["code"] == "protocol.denied"
    assert Client().post(url, {"status": "away"}, content_type="application/json").status_code in (401, 403)
    draft = f"/api/booths/{small_fair['booths']['draft'].pk}/status/"
    assert _client(small_fair["buyer"].user).post(draft, {"status": "away"}).status_code == 404
    assert Booth.objects.get(pk=booth.pk).live_status == "on_duty"
