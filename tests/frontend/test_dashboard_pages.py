"""The dashboard page, its exports and report, and a booth's own report: what each shows, and to whom."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from openpyxl import load_workbook

from tests import factories
from tests.insights.dashboard_world import build


@pytest.fixture
def world(db):
    return build()


def client_for(participant=None, user=None) -> Client:
    c = Client()
    if participant is not None or user is not None:
        c.force_login(user or participant.user)
    return c


def url(world, tail=""):
    return f"/fairs/{world['fair'].slug}/{tail}"


def test_the_dashboard_shows_the_fairs_figures_to_its_organizer(world):
    response = client_for(world["organizer"]).get(url(world, "dashboard/"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-stat="funnel.held">7<' in html and 'data-stat="funnel.no_show">2<' in html
    assert 'data-stat="chats_waiting.count">3<' in html and 'data-stat="unvisited_booths.count">2<' in html
    assert "A Glow" in html and "vendor/chartjs/chart.umd.min.js" in html
    assert f"/ws/fairs/{world['fair'].slug}/dashboard/" in html


@pytest.mark.parametrize("who", ["buyer", "staff", "interpreter", "other_organizer"])
def test_nobody_else_sees_the_dashboard_or_its_exports(world, who):
    other = factories.participant(factories.fair(slug="elsewhere"), "organizer")
    person = {
        "buyer": world["jp"][0],
        "staff": world["staff_a"],
        "interpreter": world["interpreters"][0],
        "other_organizer": other,
    }[who]
    c = client_for(person)
    for tail in ("dashboard/", "dashboard/export.xlsx", "dashboard/export/busiest_booths.csv", "report/"):
        assert c.get(url(world, tail)).status_code == 403, tail


def test_anonymous_visitors_are_sent_to_sign_in(world):
    response = client_for().get(url(world, "dashboard/"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_csv_export_of_a_table(world):
    response = client_for(world["organizer"]).get(url(world, "dashboard/export/meetings_by_country.csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["Country", "Requested", "Agreed", "Held"],
        ["JP", "9", "6", "4"],
        ["US", "6", "4", "2"],
        ["VN", "3", "2", "1"],
    ]
    assert client_for(world["organizer"]).get(url(world, "dashboard/export/passwords.csv")).status_code == 404


def test_excel_export_has_every_table_with_numbers(world):
    response = client_for(world["organizer"]).get(url(world, "dashboard/export.xlsx"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert {
        "meeting_funnel",
        "busiest_booths",
        "unvisited_booths",
        "chats_waiting",
        "interpreter_load",
        "meetings_by_chapter",
        "visits_per_hour",
        "online_by_country",
        "deal_value",
        "ledger",
        "deals",
    } <= set(book.sheetnames)
    funnel = [tuple(r) for r in book["meeting_funnel"].iter_rows(values_only=True)]
    assert funnel[1:] == [
        ("Requested", 18),
        ("Accepted", 12),
        ("Held", 7),
        ("No-show", 2),
        ("Deal reported", 2),
    ]
    assert list(book["deal_value"].iter_rows(values_only=True))[1] == (2, 17000)
    assert list(book["deals"].iter_rows(values_only=True))[1] == (3, 25500)
    assert [r[1:] for r in book["ledger"].iter_rows(min_row=2, values_only=True)] == [
        (0, 0),
        (1, 1000),
        (1, 2500),
        (2, 23000),
    ]
    assert [r[1:] for r in book["busiest_booths"].iter_rows(min_row=2, values_only=True)] == [
        ("A Glow", 5),
        ("B Snacks", 3),
        ("C Mixed", 1),
    ]


def test_the_printable_report_has_the_headline_figures_and_a_print_stylesheet(world):
    response = client_for(world["organizer"]).get(url(world, "report/"))
    html = response.content.decode()
    assert response.status_code == 200 and 'data-stat="funnel.held">7<' in html
    assert 'data-stat="deal_value.usd" data-format="money">17000.00<' in html
    assert 'data-stat="ledger.deals">3<' in html
    assert 'data-stat="ledger.deal_usd" data-format="money">25500.00<' in html
    assert "Expected deal size (USD)" in html and "Orders and contracts (USD)" in html
    assert "frontend/css/dashboard.css" in html and "chart-funnel" in html
    css = (Path(settings.BASE_DIR) / "frontend/static/frontend/css/dashboard.css").read_text()
    assert "@media print" in css and "@page" in css


def test_a_booths_staff_download_their_own_report_and_nobody_elses(world):
    a, b = world["booths"]["a"], world["booths"]["b"]
    own = f"/fairs/{world['fair'].slug}/booths/{a.pk}/report/"
    staff = client_for(world["staff_a"])
    response = staff.get(own + "xlsx/")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["visits", "visitors_by_country", "chats", "meetings"]
    assert sum(r[1] for r in book["visits"].iter_rows(min_row=2, values_only=True)) == 5
    meetings = list(book["meetings"].iter_rows(min_row=2, values_only=True))
    assert len(meetings) == 6 and sorted(m[3] for m in meetings).count("Held") == 3
    assert [r for r in meetings if r[5]] and max(r[5] or 0 for r in meetings) == 12000  # its own outcome
    chats = list(csv.reader(io.StringIO(staff.get(own + "chats/").content.decode())))
    assert chats[1] == ["2", "1", "1"]
    # Another booth's staff, a buyer: refused. The organizers may read it.
    other = f"/fairs/{world['fair'].slug}/booths/{b.pk}/report/xlsx/"
    assert staff.get(other).status_code == 403
    assert client_for(world["jp"][0]).get(own + "xlsx/").status_code == 403
    assert client_for(world["staff_b"]).get(own + "meetings/").status_code == 403
    assert client_for(world["organizer"]).get(own + "xlsx/").status_code == 200
    assert staff.get(own + "nothing/").status_code == 404
