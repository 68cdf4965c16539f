"""Findings of the audit in issue 14 around meetings, checked where they were found: rejected
participants and merely proposed interpreters read no meeting; a draft booth's slots are a 404 like
the booth itself."""

from rest_framework.test import APIClient

from fair.models import Participant, User
from meetings import services
from meetings.models import Meeting


def _client(user):
    """A client signed in as a fresh copy of ``user`` (as every request loads it: no roles cached)."""
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=user.pk))
    return client


def test_a_rejected_buyer_and_a_proposed_interpreter_read_no_meeting(booking, client):
    buyer, interpreter = booking["buyer"], booking["interpreter"]
    meeting = services.meeting_request(
        actor=buyer.user, buyer=buyer, booth=booking["booth"], slot=booking["slots"][0]
    )
    Meeting.objects.filter(pk=meeting.pk).update(interpreter=interpreter, interpreter_status="proposed")
    pages = (f"/api/meetings/{meeting.pk}/", f"/meetings/{meeting.pk}/")
    api = _client(interpreter.user)
    assert api.get(pages[0]).status_code == 404
    client.force_login(interpreter.user)
    assert client.get(pages[1]).status_code == 404
    Meeting.objects.filter(pk=meeting.pk).update(interpreter_status="confirmed")
    assert _client(interpreter.user).get(pages[0]).status_code == 200

    assert _client(buyer.user).get(pages[0]).status_code == 200
    Participant.objects.filter(pk=buyer.pk).update(status=Participant.Status.REJECTED)
    assert _client(buyer.user).get(pages[0]).status_code == 404
    client.force_login(buyer.user)
    assert client.get(pages[1]).status_code == 404


def test_a_draft_booths_slots_are_a_404_like_the_booth(booking):
    api = _client(booking["buyer"].user)
    draft = booking["booths"]["draft"]
    slug = booking["fair"].slug
    assert api.get(f"/api/booths/{draft.pk}/").status_code == 404
    response = api.get(f"/api/meeting-slots/?fair={slug}&booth={draft.pk}")
    assert response.status_code == 404 and response.json()["code"] == "booth.not_found"
    assert api.get(f"/api/meeting-slots/?fair={slug}&booth={booking['booth'].pk}").status_code == 200
