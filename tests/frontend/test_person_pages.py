"""A signed-in person's most-seen pages are kept for their session (frontend/person_pages.py) and are
never shown stale after a change: their own, another person's through the services, or a notice."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from meetings import services as meetings
from notices.services import notify
from tests import factories
from tests.meetings.conftest import booking  # noqa: F401, F811 (a fixture)
from tests.meetings.test_services import request as meeting_request

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _get(client, path: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_a_page_opened_again_is_served_whole_with_the_session_only(small_fair):
    booth = small_fair["booths"]["cosmetics"]
    path = f"/fairs/demo-expo/booths/{booth.pk}/"
    client = _signed_in(small_fair["buyer"].user)
    _get(client, path)  # the day's first visit is recorded (an event of the fair: nothing kept from it)
    first, rendered = _get(client, path)
    again, kept = _get(client, path)
    assert again == first and "Snail repair cream" in again
    assert kept == 2 < rendered  # the session and the user, as for any signed-in request


def test_another_person_accepting_shows_on_the_next_load_of_the_agenda(booking):  # noqa: F811
    buyer = _signed_in(booking["buyer"].user)
    meeting = meeting_request(booking)
    before, _ = _get(buyer, "/schedule/")
    assert "Requested" in before
    meetings.meeting_accept(actor=booking["staff"].user, meeting=meeting)  # an event of the fair
    after, _ = _get(buyer, "/schedule/")
    assert "Accepted" in after and after != before


def test_the_persons_own_bookmark_shows_on_the_next_load(small_fair):
    booth = small_fair["booths"]["cosmetics"]
    path = f"/fairs/demo-expo/booths/{booth.pk}/"
    client = _signed_in(small_fair["buyer"].user)
    before, _ = _get(client, path)
    assert client.post(f"{path}bookmark/").status_code == 302
    shown, _ = _get(client, path)  # the message "Saved in your bookmarks." is shown, the page rendered
    assert "Saved in your bookmarks." in shown
    after, queries = _get(client, path)
    assert after != before and "Saved in your bookmarks." not in after and queries > 2


def test_a_new_notice_changes_the_bell_on_the_next_load(small_fair):
    user = small_fair["buyer"].user
    client = _signed_in(user)
    path = "/fairs/demo-expo/recommended/"
    before, _ = _get(client, path)
    assert "data-bell-count hidden" in before
    notify(user_ids=[user.pk], kind="meeting.invited", params={"booth": "Seoul Glow"}, fair_id=None)
    after, _ = _get(client, path)
    assert "data-bell-count hidden" not in after


def test_a_page_is_kept_for_one_session_of_one_person(small_fair):
    booth = small_fair["booths"]["cosmetics"]
    path = f"/fairs/demo-expo/booths/{booth.pk}/"
    buyer = small_fair["buyer"].user
    first, _ = _get(_signed_in(buyer), path)
    other_session, queries = _get(_signed_in(buyer), path)
    assert queries > 2  # rendered for this session: its own CSRF token, nothing of the other session
    other_person, queries = _get(_signed_in(factories.buyer(small_fair["fair"]).user), path)
    assert queries > 2 and "csrfmiddlewaretoken" in other_person


def test_with_no_kept_time_a_write_without_an_event_shows_at_once(small_fair, settings):
    """Rows written outside the services (an import script, the shell) say nothing: a kept page
    shows them only once it expires. PERSON_PAGE_CACHE_SECONDS=0 turns keeping off: every load renders."""
    settings.PERSON_PAGE_CACHE_SECONDS = 0
    booth = small_fair["booths"]["cosmetics"]
    path = f"/fairs/demo-expo/booths/{booth.pk}/"
    client = _signed_in(small_fair["buyer"].user)
    _get(client, path)  # the day's first visit is recorded (an event)
    _get(client, path)  # would be kept, were keeping on
    booth.tagline = "Now with ginseng"
    booth.save()
    page, _ = _get(client, path)
    assert "Now with ginseng" in page


def test_the_agenda_is_kept_no_longer_than_until_its_join_button_goes_live(booking, settings):  # noqa: F811
    from datetime import timedelta

    from django.utils import timezone

    from frontend.person_pages import _seconds_to_keep
    from meetings import room

    meeting = meeting_request(booking)
    meetings.meeting_accept(actor=booking["staff"].user, meeting=meeting)
    client = _signed_in(booking["buyer"].user)
    # The room opens in 20 s: the kept agenda expires then, not after the usual minute.
    settings.ROOM_OPENS_BEFORE_SECONDS = (meeting.slot.starts_at - timezone.now()).total_seconds() - 20
    opens = room.room_opens_at(meeting)
    assert timedelta(seconds=15) < opens - timezone.now() < timedelta(seconds=25)
    response = client.get("/schedule/")
    assert 15 <= _seconds_to_keep(response.wsgi_request) <= 20


def test_the_agenda_opened_again_needs_the_session_only(booking):  # noqa: F811
    meetings.meeting_accept(actor=booking["staff"].user, meeting=meeting_request(booking))
    client = _signed_in(booking["buyer"].user)
    first, rendered = _get(client, "/schedule/")
    again, kept = _get(client, "/schedule/")
    assert again == first and "Accepted" in again
    assert kept == 2 < rendered  # the fairs the agenda spans are kept under the person's version
