"""The standing-hall pages: the organizer keeps a fair open all year and carries booths over; a booth's
staff publish weekly hours; a buyer books a consultation in them after accepting a quote."""

from __future__ import annotations

import re
import zoneinfo

from exhibitors.models import Booth
from meetings.models import Meeting
from rfq.models import WeeklyHours
from tests import factories
from tests.rfq.conftest import quote


def _english(user):
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def test_the_organizer_keeps_the_fair_open_and_carries_booths_over(client, db):
    last_year = factories.fair(slug="kb-2025")
    organizer = factories.participant(last_year, "organizer")
    factories.booth(last_year, company_obj=factories.company(name="Seoul Glow Co."))
    factories.booth(last_year, company_obj=factories.company(name="Busan Skin Lab"))
    hall = factories.fair(slug="kb-all-year")
    factories.participant(hall, "organizer", user_obj=organizer.user)
    client.force_login(_english(organizer.user))
    url = "/fairs/kb-all-year/organize/all-year/"
    page = client.get(url).content.decode()
    assert "Keep this fair open all year" in page and "kb-2025" in page
    client.post(url, {"action": "permanent", "on": "1"})
    hall.refresh_from_db()
    assert hall.permanent
    client.post(url, {"action": "carry", "from": "kb-2025"})
    assert sorted(Booth.objects.filter(fair=hall).values_list("company__name", flat=True)) == [
        "Busan Skin Lab",
        "Seoul Glow Co.",
    ]
    bad = client.post(url, {"action": "carry", "from": "nope"})
    assert bad.status_code == 400 and "Choose a fair you organize" in bad.content.decode()
    stranger = factories.user()
    client.force_login(stranger)
    assert client.get(url).status_code == 403


def test_staff_publish_weekly_hours_and_a_buyer_books_in_them(client, rfq, rfq_world):
    w = rfq_world
    f = w["fair"]
    f.permanent = True
    f.save()
    seoul = w["booths"]["seoul"]
    client.force_login(_english(w["staff"]["seoul"].user))
    url = f"/fairs/{f.slug}/booths/{seoul.pk}/weekly-hours/"
    assert client.get(url).status_code == 200
    data = {
        "time_zone": "Asia/Seoul",
        "weekday": [str(d) for d in range(7)],
        "starts": ["10:00"] * 7,
        "ends": ["11:00"] * 7,
    }
    assert client.post(url, data).status_code == 302
    assert WeeklyHours.objects.filter(booth=seoul).count() == 7
    bad = client.post(url, {**data, "ends": ["09:00"] * 7})
    assert bad.status_code == 400 and WeeklyHours.objects.filter(booth=seoul).count() == 7
    q = quote(w, "seoul", rfq)
    client.force_login(_english(w["buyer"].user))
    rfq_url = f"/fairs/{f.slug}/rfq/{rfq.pk}/"
    client.post(rfq_url, {"action": "accept", "quote": q.pk})
    page = client.get(rfq_url).content.decode()
    offered = [int(x) for x in re.findall(r'name="slot" value="(\d+)"', page)]
    assert len(offered) == 6  # the booth's hours; the buyer never set any
    response = client.post(rfq_url, {"action": "book", "quote": q.pk, "slot": offered[0]})
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and meeting.slot_id == offered[0]
    local = meeting.slot.starts_at.astimezone(zoneinfo.ZoneInfo("Asia/Seoul"))
    assert local.strftime("%H:%M") in ("10:00", "10:30")


def test_the_fair_report_shows_a_standing_hall_month_by_month(client, rfq, rfq_world):
    w = rfq_world
    f = w["fair"]
    q = quote(w, "seoul", rfq)
    from rfq import services

    services.quote_accept(actor=w["buyer"].user, quote=q)
    client.force_login(_english(w["organizer"].user))
    page = client.get(f"/fairs/{f.slug}/report/")
    assert page.status_code == 200 and "Open all year: month by month" not in page.content.decode()
    assert client.get(f"/fairs/{f.slug}/dashboard/export/standing_by_month.csv").status_code == 404
    f.permanent = True
    f.save()
    page = client.get(f"/fairs/{f.slug}/report/").content.decode()
    assert "Open all year: month by month" in page
    csv = client.get(f"/fairs/{f.slug}/dashboard/export/standing_by_month.csv").content.decode()
    month = rfq.created_at.astimezone(f.zone).strftime("%Y-%m")
    assert f"{month},0,1,1,1,0" in csv.replace("\r", "")
    per_market = client.get(f"/fairs/{f.slug}/dashboard/export/rfq_per_market.csv").content.decode()
    assert "ID,1" in per_market.replace("\r", "")
