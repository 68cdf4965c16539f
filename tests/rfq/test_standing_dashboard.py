"""The organizer's live dashboard, report and exports show a fair open all year hall by hall, month by
month: meetings, knocks, sourcing requests and quotes."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from exhibitors.models import Knock
from insights import stats
from meetings import selectors as meeting_selectors
from meetings import services as meeting_services
from rfq import selectors, standing
from tests.rfq.conftest import quote


def _world(rfq_world, rfq):
    w = rfq_world
    f = w["fair"]
    f.permanent = True
    f.save(update_fields=["permanent"])
    quote(w, "seoul", rfq)
    Knock.objects.create(
        booth=w["booths"]["busan"], buyer=w["buyer"], created_at=timezone.now() - timedelta(days=62)
    )
    seoul = w["booths"]["seoul"]
    standing.weekly_hours_set(
        actor=w["staff"]["seoul"].user, booth=seoul, hours=[(d, "10:00", "11:00") for d in range(7)],
        time_zone="Asia/Seoul",
    )  # fmt: skip
    standing.standing_slots_open(fair=f)
    slot = meeting_selectors.slots_mutually_free(buyer=w["buyer"], booth=seoul).first()
    meeting_services.meeting_request(actor=w["buyer"].user, buyer=w["buyer"], booth=seoul, slot=slot)
    return w


def test_each_hall_month_by_month(rfq_world, rfq):
    w = _world(rfq_world, rfq)
    f = w["fair"]
    now = timezone.now().astimezone(f.zone)
    this = now.strftime("%Y-%m")
    before = (now - timedelta(days=62)).strftime("%Y-%m")
    rows = selectors.standing_halls_by_month(fair=f)
    assert rows[0] == {
        "month": this, "hall": "Beauty & Cosmetics", "meetings": 1, "knocks": 0, "requests": 1, "quotes": 1
    }  # fmt: skip
    assert {"month": before, "hall": "Beauty & Cosmetics", "meetings": 0, "knocks": 1, "requests": 0,
            "quotes": 0} in rows  # fmt: skip
    whole = {m["month"].strftime("%Y-%m"): m for m in selectors.standing_by_month(fair=f)}
    assert whole[before]["knocks"] == 1 and whole[this]["consultations"] == 1
    # The live dashboard's snapshot carries it; a fair open only on its days has none.
    assert stats.run_sync(stats.snapshot, f)["standing_halls"] == rows
    f.permanent = False
    f.save(update_fields=["permanent"])
    assert selectors.standing_halls_by_month(fair=f) == []


def test_the_dashboard_report_and_export_show_it(client, rfq_world, rfq):
    w = _world(rfq_world, rfq)
    f = w["fair"]
    user = w["organizer"].user
    user.language = "en"
    user.save(update_fields=["language"])
    client.force_login(user)
    for url in (f"/fairs/{f.slug}/dashboard/", f"/fairs/{f.slug}/report/"):
        page = client.get(url).content.decode()
        assert "Open all year: each hall month by month" in page
        assert 'data-table="standing_halls"' in page
    month = timezone.now().astimezone(f.zone).strftime("%Y-%m")
    csv = client.get(f"/fairs/{f.slug}/dashboard/export/standing_halls_by_month.csv")
    assert csv.status_code == 200
    assert f"{month},Beauty & Cosmetics,1,0,1,1" in csv.content.decode().replace("\r", "")
    # Organizers only.
    client.force_login(w["staff"]["seoul"].user)
    assert client.get(f"/fairs/{f.slug}/dashboard/export/standing_halls_by_month.csv").status_code == 403
