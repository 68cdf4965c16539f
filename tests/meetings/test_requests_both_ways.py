"""Requests both ways (issue 13): a buyer asks a booth, a booth's staff invite a buyer; one open
request per pair; the receiver answers in one decision form; the agenda's Join button; the links in
e-mails when SITE_URL is unset."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kernel.errors import DomainError, PermissionDenied
from meetings import services
from meetings.models import Meeting
from tests import factories

pytestmark = pytest.mark.django_db


def _request(booking, slot=None, **kw):
    return services.meeting_request(
        actor=booking["buyer"].user,
        buyer=booking["buyer"],
        booth=booking["booth"],
        slot=slot or booking["slots"][0],
        **kw,
    )


def _invite(booking, slot=None, buyer=None):
    return services.meeting_invite(
        actor=booking["staff"].user,
        booth=booking["booth"],
        buyer=buyer or booking["buyer"],
        slot=slot or booking["slots"][1],
        message="We make the toner you source.",
    )


# --- one open request per pair ---------------------------------------------------------------


def test_a_second_open_request_for_the_same_pair_is_refused_and_changes_nothing(booking):
    first = _request(booking)
    with pytest.raises(DomainError) as err:
        _request(booking, slot=booking["slots"][2])
    assert err.value.code == "meeting.already_open"
    with pytest.raises(DomainError) as err:
        _invite(booking)  # the other direction is the same pair
    assert err.value.code == "meeting.already_open"
    assert list(Meeting.objects.values_list("pk", flat=True)) == [first.pk]
    # Once the request is answered, the pair may ask again.
    services.meeting_decline(actor=booking["staff"].user, meeting=first, reason="Not this week")
    again = _request(booking, slot=booking["slots"][2])
    assert again.status == "requested" and Meeting.objects.count() == 2


def test_the_database_keeps_one_open_request_per_pair(booking):
    first = _request(booking)
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(
            fair=first.fair, buyer=first.buyer, booth=first.booth, slot=booking["slots"][3], status="proposed"
        )


def test_the_booking_page_says_a_request_is_open_and_a_post_changes_nothing(client, booking):
    first = _request(booking)
    client.force_login(booking["buyer"].user)
    url = reverse("meeting_book", args=[booking["fair"].slug, booking["booth"].pk])
    body = client.get(url).content.decode()
    assert "You already have an open request with this booth" in body
    assert reverse("meeting_detail", args=[first.pk]) in body
    response = client.post(url, {"slot": booking["slots"][2].pk})
    assert response.status_code == 400 and Meeting.objects.count() == 1


# --- an exhibitor invites a buyer --------------------------------------------------------------


def test_staff_invite_a_buyer_from_a_page_and_the_buyer_accepts(
    client, booking, django_capture_on_commit_callbacks
):
    staff, buyer = booking["staff"].user, booking["buyer"].user
    client.force_login(staff)
    url = reverse("meeting_invite", args=[booking["fair"].slug, booking["booth"].pk, booking["buyer"].pk])
    page = client.get(url).content.decode()
    # The buyer's profile and why they fit, before inviting.
    assert "Japan" in page and "English" in page and "HS 3304" in page
    assert "Sells what the buyer sources" in page
    slot = booking["slots"][1]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"slot": slot.pk, "message": "Samples ready"})
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "meeting_detail", args=[meeting.pk]
    )
    assert (meeting.requested_by, meeting.status, meeting.awaiting) == ("exhibitor", "requested", "buyer")
    assert meeting.exhibitor == booking["staff"]
    invitation = [m for m in mail.outbox if m.to == [buyer.email]]
    assert invitation and "Meeting invitation from Seoul Glow Co." in invitation[0].subject

    # The buyer sees who invites them (the booth's profile) and answers in one form.
    other = Client()
    other.force_login(buyer)
    detail = other.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert "the exhibitor (an invitation)" in detail and "Seoul Glow Co." in detail
    assert 'name="decision" value="accept"' in detail and 'name="decision" value="propose"' in detail
    other.post(reverse("meeting_action", args=[meeting.pk, "decide"]), {"decision": "accept"})
    meeting.refresh_from_db()
    assert meeting.status == "accepted"


def test_only_the_booths_staff_invite(client, booking):
    stranger = factories.buyer(booking["fair"])
    with pytest.raises(PermissionDenied):
        services.meeting_invite(
            actor=stranger.user, booth=booking["booth"], buyer=booking["buyer"], slot=booking["slots"][1]
        )
    client.force_login(stranger.user)
    url = reverse("meeting_invite", args=[booking["fair"].slug, booking["booth"].pk, booking["buyer"].pk])
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, {"slot": booking["slots"][1].pk}).status_code in (403, 404)
    assert not Meeting.objects.exists()


def test_recommended_buyers_page_links_to_the_invitation(client, booking, monkeypatch):
    from frontend import matching_views

    row = {
        "buyer_id": booking["buyer"].pk,
        "company": "Tokyo Beauty KK",
        "country": "JP",
        "hs_codes": ["3304"],
        "why": [],
        "marks": {},
    }
    monkeypatch.setattr(matching_views.services, "buyers_for_booth", lambda **kw: [row])
    monkeypatch.setattr(matching_views.services, "markets_for_booth", lambda **kw: [])
    client.force_login(booking["staff"].user)
    body = client.get(reverse("recommended_buyers", args=[booking["fair"].slug, booking["booth"].pk])).content
    invite = reverse("meeting_invite", args=[booking["fair"].slug, booking["booth"].pk, booking["buyer"].pk])
    assert invite.encode() in body and b"Invite to a meeting" in body


def test_the_api_invites_and_refuses_a_second_open_request(booking):
    staff = Client()
    staff.force_login(booking["staff"].user)
    body = {"booth": booking["booth"].pk, "buyer": booking["buyer"].pk, "slot": booking["slots"][1].pk}
    made = staff.post("/api/meetings/invite/", body, content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["awaiting"] == "buyer"
    again = staff.post(
        "/api/meetings/invite/", {**body, "slot": booking["slots"][2].pk}, content_type="application/json"
    )
    assert again.status_code == 400 and again.json()["code"] == "meeting.already_open"
    buyer = Client()
    buyer.force_login(booking["buyer"].user)
    refused = buyer.post("/api/meetings/invite/", body, content_type="application/json")
    assert refused.status_code in (403, 404) and Meeting.objects.count() == 1


# --- the one decision form -----------------------------------------------------------------------


@pytest.fixture
def answering(client, booking):
    meeting = _request(booking)
    client.force_login(booking["staff"].user)
    return client, meeting, reverse("meeting_action", args=[meeting.pk, "decide"])


def test_decision_form_shows_the_requester_and_why_they_fit(answering, booking):
    client, meeting, _url = answering
    company = booking["buyer"].company
    company.size = "50-249"
    company.save()
    body = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert body.count('action="' + reverse("meeting_action", args=[meeting.pk, "decide"])) == 1
    assert "Japan" in body and "English" in body and "HS 3304" in body
    assert "Company size" in body and "50–249 employees" in body
    assert "Why you match" in body and "Sells what the buyer sources" in body


def test_decision_accept(answering):
    client, meeting, url = answering
    client.post(url, {"decision": "accept"})
    meeting.refresh_from_db()
    assert meeting.status == "accepted"


def test_decision_decline_needs_a_reason(answering):
    client, meeting, url = answering
    client.post(url, {"decision": "decline", "reason": ""})
    meeting.refresh_from_db()
    assert meeting.status == "requested"
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert "Please give a reason." in page
    client.post(url, {"decision": "decline", "reason": "Out of stock"})
    meeting.refresh_from_db()
    assert (meeting.status, meeting.reason) == ("declined", "Out of stock")


def test_decision_propose_another_slot(answering, booking):
    client, meeting, url = answering
    later = booking["slots"][4]
    client.post(url, {"decision": "propose", "slot": later.pk, "message": "Later?"})
    meeting.refresh_from_db()
    assert (meeting.status, meeting.slot_id, meeting.awaiting) == ("proposed", later.pk, "buyer")


def test_decision_without_a_choice_changes_nothing(answering):
    client, meeting, url = answering
    client.post(url, {"decision": "maybe"})
    meeting.refresh_from_db()
    assert meeting.status == "requested"
    assert (
        "Choose accept, decline or another time."
        in client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    )


# --- the agenda ------------------------------------------------------------------------------------


def test_agenda_shows_date_both_zones_status_profile_and_join(client, booking, settings):
    settings.PERSON_PAGE_CACHE_SECONDS = 0  # the room's window moves by settings here, not by the clock
    meeting = _request(booking)
    services.meeting_accept(actor=booking["staff"].user, meeting=meeting)
    client.force_login(booking["buyer"].user)
    room = reverse("meetings:room", args=[meeting.pk])
    body = client.get(reverse("my_schedule")).content.decode()
    # 1 Dec 2026 09:00 in Seoul is 07:00 in Jakarta, on Tuesday.
    assert "Tuesday, " in body and "Tue 07:00 your time / 09:00 in Seoul" in body and "Accepted" in body
    assert "About Seoul Glow Co." in body and "South Korea" in body
    assert f'data-href="{room}"' in body and 'aria-disabled="true"' in body  # not open yet
    settings.ROOM_OPENS_BEFORE_SECONDS = (meeting.slot.starts_at - timezone.now()).total_seconds() + 60
    body = client.get(reverse("my_schedule")).content.decode()
    assert f'<a class="button join" href="{room}">' in body  # the room is open: the button is live
    detail = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert f'href="{room}"' in detail


def test_agenda_has_no_join_for_a_request_or_a_closed_room(client, booking, settings):
    settings.PERSON_PAGE_CACHE_SECONDS = 0  # the room's window moves by settings here, not by the clock
    meeting = _request(booking)
    client.force_login(booking["buyer"].user)
    room = reverse("meetings:room", args=[meeting.pk])
    assert room not in client.get(reverse("my_schedule")).content.decode()
    services.meeting_accept(actor=booking["staff"].user, meeting=meeting)
    settings.ROOM_CLOSES_AFTER_SECONDS = -(
        meeting.slot.ends_at - timezone.now() + timedelta(minutes=1)
    ).total_seconds()
    assert room not in client.get(reverse("my_schedule")).content.decode()


# --- links in e-mails when SITE_URL is unset ------------------------------------------------------


def _mail_link(booking, django_capture_on_commit_callbacks, step) -> str:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting = step()
    to_staff = next(m for m in mail.outbox if m.to == [booking["staff"].user.email])
    line = next(x for x in to_staff.body.splitlines() if "/meetings/" in x)
    assert f"/meetings/{meeting.pk}/" in line
    return line.split(": ", 1)[-1].rsplit("/meetings/", 1)[0]


def _cancel_all(booking):
    for m in Meeting.objects.filter(status__in=Meeting.ACTIVE):
        services.meeting_cancel(actor=booking["buyer"].user, meeting=m, reason="Testing the next step")


def test_links_use_site_url_then_the_request_then_the_server_address(
    booking, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = ""
    settings.SERVER_URL = ""
    settings.ALLOWED_HOSTS = ["fair.test"]
    buyer = Client(HTTP_HOST="fair.test:8123")
    buyer.force_login(booking["buyer"].user)
    url = reverse("meeting_book", args=[booking["fair"].slug, booking["booth"].pk])

    def book():
        assert buyer.post(url, {"slot": booking["slots"][0].pk}).status_code == 302
        return Meeting.objects.latest("pk")

    # A step taken on a page links to the address that page was served on.
    assert _mail_link(booking, django_capture_on_commit_callbacks, book) == "http://fair.test:8123"
    # Without a request (the worker, a command): the address the server was started on ...
    _cancel_all(booking)
    settings.SERVER_URL = "http://10.1.2.3:9000"
    step = lambda: _request(booking, slot=booking["slots"][1])  # noqa: E731
    assert _mail_link(booking, django_capture_on_commit_callbacks, step) == "http://10.1.2.3:9000"
    # ... and with nothing configured at all, the embedded default.
    _cancel_all(booking)
    settings.SERVER_URL = ""
    step = lambda: _request(booking, slot=booking["slots"][2])  # noqa: E731
    assert _mail_link(booking, django_capture_on_commit_callbacks, step) == "http://127.0.0.1:8000"
    # SITE_URL, when set, wins over the request's address.
    _cancel_all(booking)
    settings.SITE_URL = "https://fair.example.org"
    booking["slots"] = booking["slots"][3:]
    assert _mail_link(booking, django_capture_on_commit_callbacks, book) == "https://fair.example.org"


def test_the_mail_and_the_ics_carry_the_date(booking, django_capture_on_commit_callbacks):
    meeting = _request(booking)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_accept(actor=booking["staff"].user, meeting=meeting)
    to_buyer = next(m for m in mail.outbox if m.to == [booking["buyer"].user.email])
    local = meeting.slot.starts_at.astimezone(timezone.get_fixed_timezone(7 * 60))  # Jakarta
    assert f"Tuesday, Dec. {local.day}, {local.year}" in to_buyer.body
    assert "Join the meeting: " in to_buyer.body
    ics = to_buyer.attachments[0][1]
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert f"{local:%Y-%m-%d %H:%M}" in ics.replace("\r\n ", "")


# --- recommendations of a new fair ------------------------------------------------------------------


def test_a_new_fair_recommends_on_the_profiles_until_its_model_is_trained(client, booking):
    client.force_login(booking["buyer"].user)  # sources HS 3304
    body = client.get(reverse("recommended_booths", args=[booking["fair"].slug])).content.decode()
    assert "Matched on what you source and what each booth sells" in body
    assert "Seoul Glow Co." in body and "Sells what the buyer sources" in body
    assert "Busan Snacks" not in body  # sells HS 1905, which the buyer does not source
