"""The show pages: scheduling in the presenter's zone, the programme and the booth page in the viewer's
zone, the page without Janus saying why, the calendar file, the reminder, the prefilled quote request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shows.models import Show, ShowFollower, ShowStats
from tests.shows.conftest import schedule

pytestmark = pytest.mark.django_db


def client_for(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def test_staff_schedule_a_show_in_their_zone_and_a_viewer_sees_it_in_theirs(small_fair):
    f, booth, staff = small_fair["fair"], small_fair["booths"]["cosmetics"], small_fair["staff"].user
    staff.time_zone = "Asia/Seoul"
    staff.save()
    url = reverse("show_new", args=[f.slug, booth.pk])
    page = client_for(staff).get(url)
    assert page.status_code == 200 and b"Snail repair cream" in page.content
    year = timezone.now().year + 1
    product = booth.products.first()
    answer = client_for(staff).post(
        url,
        {
            "title": "Snail cream live",
            "language": "ko",
            "starts": f"{year}-06-02T10:00",
            "zone": "Asia/Seoul",
            "minutes": "30",
            "products": [product.pk],
        },
    )
    show = Show.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse("show_detail", args=[f.slug, show.pk])
    assert show.starts_at.isoformat() == f"{year}-06-02T01:00:00+00:00"  # 10:00 KST
    buyer = small_fair["buyer"].user
    buyer.time_zone = "Asia/Jakarta"  # UTC+7: 08:00
    buyer.save()
    programme = client_for(buyer).get(reverse("show_programme", args=[f.slug])).content.decode()
    assert "Snail cream live" in programme and f"June 2, {year}, 8 a.m." in programme
    assert f'datetime="{year}-06-02T01:00:00+00:00"' in programme
    detail = client_for(buyer).get(reverse("show_detail", args=[f.slug, show.pk])).content.decode()
    assert f"June 2, {year}, 8 a.m." in detail and "10:00 in Asia/Seoul for the presenter" in detail
    booth_page = client_for(buyer).get(reverse("booth_detail", args=[f.slug, booth.pk])).content.decode()
    assert "Snail cream live" in booth_page


def test_only_staff_get_the_scheduling_page(small_fair):
    f, booth = small_fair["fair"], small_fair["booths"]["cosmetics"]
    url = reverse("show_new", args=[f.slug, booth.pk])
    assert client_for(small_fair["buyer"].user).get(url).status_code == 403
    assert client_for().get(url).status_code == 302


def test_without_janus_the_show_page_says_the_show_is_unavailable_and_why(small_fair):
    show = schedule(small_fair, in_minutes=5)
    Show.objects.filter(pk=show.pk).update(status=Show.Status.LIVE)
    url = reverse("show_detail", args=[small_fair["fair"].slug, show.pk])
    for user in (small_fair["buyer"].user, small_fair["staff"].user):
        page = client_for(user).get(url).content.decode()
        assert "Live video is unavailable on this server." in page
        assert "no video server" in page.lower() or "video server (Janus)" in page
        assert "data-sfu=" not in page
    staff_page = client_for(small_fair["staff"].user).get(url).content.decode()
    assert "JANUS_ADMIN_URL" in staff_page  # the presenter is told what to set
    buyer_page = client_for(small_fair["buyer"].user).get(url).content.decode()
    assert "JANUS_ADMIN_URL" not in buyer_page


def test_going_live_without_janus_is_refused_with_the_reason(small_fair):
    show = schedule(small_fair, in_minutes=5)
    url = reverse("show_action", args=[small_fair["fair"].slug, show.pk, "live"])
    answer = client_for(small_fair["staff"].user).post(url, follow=True)
    assert "no video server (Janus)" in answer.content.decode()
    assert Show.objects.get(pk=show.pk).status == Show.Status.SCHEDULED
    assert client_for(small_fair["buyer"].user).post(url).status_code == 403


def test_the_calendar_file_and_the_reminder(small_fair, django_capture_on_commit_callbacks):
    show = schedule(small_fair)
    f = small_fair["fair"]
    ics = client_for().get(reverse("show_ics", args=[f.slug, show.pk]))
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in ics.content
    assert show.starts_at.strftime("%Y%m%dT%H%M%SZ").encode() in ics.content
    buyer = small_fair["buyer"].user
    with django_capture_on_commit_callbacks(execute=True):
        client_for(buyer).post(reverse("show_remind", args=[f.slug, show.pk]))
    assert ShowFollower.objects.filter(show=show, user=buyer).exists()
    page = client_for(buyer).get(reverse("show_detail", args=[f.slug, show.pk])).content.decode()
    assert "You will be reminded 10 minutes before." in page


def test_request_a_quote_opens_a_prefilled_request(small_fair):
    f = small_fair["fair"]
    product = small_fair["booths"]["cosmetics"].products.first()
    buyer = small_fair["buyer"].user
    new = reverse("rfq_new", args=[f.slug])
    page = client_for(buyer).get(f"{new}?product={product.pk}").content.decode()
    assert 'value="Snail repair cream"' in page and 'value="330499"' in page
    sample = client_for(buyer).get(reverse("rfq_new", args=[f.slug]) + f"?product={product.pk}&sample=1")
    assert "A sample of Snail repair cream" in sample.content.decode()
    draft_product = small_fair["booths"]["draft"].products.create(name="Secret", hs_code="330499")
    hidden = client_for(buyer).get(reverse("rfq_new", args=[f.slug]) + f"?product={draft_product.pk}")
    assert "Secret" not in hidden.content.decode()


def test_an_ended_show_leaves_the_programme_after_two_hours(small_fair):
    show = schedule(small_fair)
    Show.objects.filter(pk=show.pk).update(
        starts_at=timezone.now() - timedelta(hours=4), ends_at=timezone.now() - timedelta(hours=3)
    )
    page = client_for().get(reverse("show_programme", args=[small_fair["fair"].slug])).content.decode()
    assert "New serums, live" not in page


def test_the_organizers_dashboard_shows_each_shows_figures(small_fair):
    show = schedule(small_fair)
    ShowStats.objects.filter(show=show).update(viewers_peak=42, watch_seconds=3600, quote_clicks=7)
    dashboard = reverse("fair_dashboard", args=[small_fair["fair"].slug])
    page = client_for(small_fair["organizer"].user).get(dashboard)
    text = page.content.decode()
    assert page.status_code == 200 and "New serums, live" in text
    row = text[text.index('id="table-shows"') :]
    assert "<td>42</td>" in row and "<td>60</td>" in row and "<td>7</td>" in row
