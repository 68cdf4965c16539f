"""A signed-in buyer's most-seen pages read the database a fixed number of times, however many
meetings or booths there are (bench/http_pages.py --signed-in measures the same pages under load)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings import services as meetings
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    """These tests count what a render reads: no page kept for the session (frontend/person_pages.py)."""
    settings.PERSON_PAGE_CACHE_SECONDS = 0


def _agenda(client, small_fair, n_booths: int) -> tuple[int, str]:
    f, buyer = small_fair["fair"], small_fair["buyer"]
    organizer = small_fair["organizer"].user
    slots = meetings.slots_generate(fair=f)
    meetings.availability_set(actor=organizer, fair=f, slots=slots, participant=buyer)
    hall = small_fair["halls"]["beauty"]
    for i in range(n_booths):
        booth = factories.booth(f, hall=hall, company_obj=factories.company(name=f"Maker {i}"))
        staff = factories.staff(booth)
        meetings.availability_set(actor=organizer, fair=f, slots=slots, booth=booth)
        meeting = meetings.meeting_request(actor=buyer.user, buyer=buyer, booth=booth, slot=slots[i])
        meetings.meeting_accept(actor=staff.user, meeting=meeting)
    client.force_login(buyer.user)
    client.get("/schedule/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/schedule/")
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize("n", [1, 5])
def test_the_agenda_reads_every_meetings_staff_in_one_query(client, small_fair, n):
    queries, page = _agenda(client, small_fair, n)
    assert all(f"Maker {i}" in page for i in range(n))
    # session, user, the booths they staff, their participations (the fairs' list), the meetings, their
    # booths' staff, the calendar link, the bell's unread count: the same for 1 meeting and for 5
    assert queries <= 8


def test_the_booth_page_reads_the_buyer_once(client, small_fair):
    buyer = small_fair["buyer"]
    booth = small_fair["booths"]["cosmetics"]
    client.force_login(buyer.user)
    path = f"/fairs/{small_fair['fair'].slug}/booths/{booth.pk}/"
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    assert "Snail repair cream" in response.content.decode()
    participant_reads = [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "fair_participant"' in q["sql"] and "fair_company" in q["sql"]
    ]
    assert len(participant_reads) == 1, participant_reads


def test_the_recommendation_filters_follow_publishing_at_once(
    client, small_fair, django_capture_on_commit_callbacks
):
    """The halls and countries offered as filters are kept for every buyer; a booth's publishing
    replaces them (the fair's public-pages version)."""
    from exhibitors import builder

    booth, staff = small_fair["booths"]["cosmetics"], small_fair["staff"].user
    client.force_login(small_fair["buyer"].user)
    path = f"/fairs/{small_fair['fair'].slug}/recommended/"

    def hall_filter() -> str:
        page = client.get(path).content.decode()
        return page[page.index('name="hall"') :].split("</select>")[0]

    assert "Beauty &amp; Cosmetics" in hall_filter()
    assert "Beauty &amp; Cosmetics" in hall_filter()  # the kept choices
    with django_capture_on_commit_callbacks(execute=True):
        builder.booth_unpublish(user=staff, booth=booth)
    assert "Beauty &amp; Cosmetics" not in hall_filter()
    assert "Food &amp; Beverage" in hall_filter()
    with django_capture_on_commit_callbacks(execute=True):
        builder.booth_publish(user=staff, booth=booth)
    assert "Beauty &amp; Cosmetics" in hall_filter()


def _profile_recommendations(client, small_fair, n_booths: int, first: int = 0) -> tuple[int, str]:
    """A fair with no trained model yet recommends on the profiles (meetings.selectors.profile_matches)."""
    f, buyer = small_fair["fair"], small_fair["buyer"]
    hall = small_fair["halls"]["beauty"]
    for i in range(first, first + n_booths):
        booth = factories.booth(
            f, hall=hall, company_obj=factories.company(name=f"Maker {i}"), hs_codes=("3304",)
        )
        factories.staff(booth)
    client.force_login(buyer.user)
    path = f"/fairs/{f.slug}/recommended/"
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_profile_recommendations_read_the_same_for_2_booths_as_for_8(client, small_fair):
    few, page = _profile_recommendations(client, small_fair, 2)
    assert "Maker 1" in page
    many, page = _profile_recommendations(client, small_fair, 6, first=2)  # 8 makers selling 3304 now
    assert "Maker 7" in page
    assert many == few  # products' codes and staff's languages: one query each, not one per booth
