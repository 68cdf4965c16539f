"""Webhooks against a real HTTP receiver on 127.0.0.1: a meeting's whole life arrives once, in order,
signed; a receiver that is down gets everything when it returns; a wrong secret fails verification;
an endpoint failing for a day is disabled and its owner told; a booth's endpoint hears only its booth."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse

from integrations import webhooks
from integrations.models import WebhookDelivery, WebhookEndpoint
from kernel import outbox
from kernel.errors import DomainError
from meetings import services as meeting_services
from tests import factories

pytestmark = pytest.mark.django_db


class Receiver:
    """A small HTTP server that records every POST; ``down`` makes it answer 503."""

    def __init__(self):
        self.received: list[tuple[dict, bytes]] = []
        self.down = False
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the stdlib's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.down:
                    self.send_response(503)
                else:
                    receiver.received.append((dict(self.headers), body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def events(self) -> list[str]:
        return [json.loads(body)["type"] for _h, body in self.received]


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    settings.OUTBOX_DELIVER_AT_ONCE = False  # the worker's relay delivers: deliver_due below
    settings.OUTBOX_MAX_BACKOFF_SECONDS = 0
    r = Receiver()
    yield r
    r.close()


def _meeting_life(small_fair):
    fair, booth, buyer = small_fair["fair"], small_fair["booths"]["cosmetics"], small_fair["buyer"]
    org = small_fair["organizer"].user
    slots = meeting_services.slots_generate(fair=fair)
    meeting_services.availability_set(actor=org, fair=fair, slots=slots, booth=booth)
    meeting_services.availability_set(actor=org, fair=fair, slots=slots, participant=buyer)
    meeting = meeting_services.meeting_request(actor=buyer.user, buyer=buyer, booth=booth, slot=slots[0])
    meeting_services.meeting_accept(actor=small_fair["staff"].user, meeting=meeting)
    meeting_services.meeting_cancel(actor=buyer.user, meeting=meeting, reason="Travel changed")
    return meeting


def _relay(rounds: int = 5) -> None:
    for _ in range(rounds):
        outbox.deliver_due()


def test_a_meetings_life_arrives_once_in_order_and_signed(small_fair, receiver):
    endpoint = webhooks.endpoint_create(
        actor=small_fair["organizer"].user, fair=small_fair["fair"], url=receiver.url, families=["meeting"]
    )
    meeting = _meeting_life(small_fair)
    _relay()
    assert receiver.events() == ["meeting.requested", "meeting.accepted", "meeting.cancelled"]
    ids = set()
    for headers, body in receiver.received:
        assert webhooks.verify(headers["Tradefair-Signature"], body, endpoint.secret)
        assert not webhooks.verify(headers["Tradefair-Signature"], body, "whsec_not-the-secret")
        payload = json.loads(body)
        assert payload["object"] == {"type": "meeting", "id": meeting.pk} and payload["fair"] == "demo-expo"
        assert small_fair["buyer"].user.email not in body.decode()  # ids only: details through the API
        ids.add(payload["id"])
    assert len(ids) == 3
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}


def test_a_receiver_that_was_down_gets_everything_in_order_when_it_returns(small_fair, receiver):
    webhooks.endpoint_create(
        actor=small_fair["organizer"].user, fair=small_fair["fair"], url=receiver.url, families=["meeting"]
    )
    receiver.down = True
    _meeting_life(small_fair)
    _relay()
    assert receiver.received == []
    first = WebhookDelivery.objects.order_by("pk").first()
    assert first.attempts >= 2 and first.attempt_log.last().status_code == 503
    receiver.down = False
    _relay()
    assert receiver.events() == ["meeting.requested", "meeting.accepted", "meeting.cancelled"]


def test_a_rotated_secret_signs_with_both_for_a_day(small_fair, receiver):
    endpoint = webhooks.endpoint_create(
        actor=small_fair["organizer"].user, fair=small_fair["fair"], url=receiver.url, families=["meeting"]
    )
    old = endpoint.secret
    webhooks.endpoint_rotate(actor=None, endpoint=endpoint)
    _meeting_life(small_fair)
    _relay()
    headers, body = receiver.received[0]
    assert webhooks.verify(headers["Tradefair-Signature"], body, endpoint.secret)
    assert webhooks.verify(headers["Tradefair-Signature"], body, old)


def test_an_endpoint_failing_for_a_day_is_disabled_and_its_owner_told(
    small_fair, receiver, settings, mailoutbox
):
    settings.WEBHOOK_DISABLE_AFTER_SECONDS = 0
    owner = small_fair["organizer"].user
    endpoint = webhooks.endpoint_create(
        actor=owner, fair=small_fair["fair"], url=receiver.url, families=["meeting"]
    )
    receiver.down = True
    _meeting_life(small_fair)
    _relay()
    endpoint.refresh_from_db()
    assert not endpoint.active and "Disabled" in endpoint.disabled_reason
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"failed"}
    assert any(m.to == [owner.email] and "disabled" in m.subject for m in mailoutbox)
    receiver.down = False
    webhooks.endpoint_update(
        actor=owner, endpoint=endpoint, url=receiver.url, families=["meeting"], active=True
    )
    for delivery in WebhookDelivery.objects.order_by("pk"):
        webhooks.redeliver(actor=owner, delivery=delivery)
    _relay()
    assert receiver.events() == ["meeting.requested", "meeting.accepted", "meeting.cancelled"]


def test_a_booths_endpoint_hears_only_its_booths_events(small_fair, receiver):
    other = small_fair["booths"]["snacks"]
    webhooks.endpoint_create(
        actor=small_fair["staff"].user,
        fair=small_fair["fair"],
        booth=other,
        url=receiver.url,
        families=["meeting"],
    )
    _meeting_life(small_fair)  # a meeting with the cosmetics booth
    _relay()
    assert receiver.received == [] and not WebhookDelivery.objects.exists()


def test_private_addresses_and_empty_choices_are_refused(small_fair, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    for url in ("http://127.0.0.1:9/x", "http://10.0.0.5/x", "ftp://example.org/x"):
        with pytest.raises(DomainError):
            webhooks.endpoint_create(actor=None, fair=small_fair["fair"], url=url, families=["meeting"])
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    with pytest.raises(DomainError, match="at least one kind"):
        webhooks.endpoint_create(
            actor=None, fair=small_fair["fair"], url="http://127.0.0.1/x", families=["chat"]
        )
    assert not WebhookEndpoint.objects.exists()


def test_the_pages_add_show_and_guard_webhooks(client, small_fair, receiver):
    fair = small_fair["fair"]
    client.force_login(small_fair["organizer"].user)
    response = client.post(
        reverse("fair_webhooks", args=[fair.slug]), {"url": receiver.url, "families": ["meeting"]}
    )
    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("webhook_detail", args=[fair.slug, endpoint.pk]), follow=True).content.decode()
    assert endpoint.secret in page  # shown once, in the message after adding
    assert (
        endpoint.secret
        not in client.get(reverse("webhook_detail", args=[fair.slug, endpoint.pk])).content.decode()
    )
    client.force_login(small_fair["staff"].user)
    assert client.get(reverse("webhook_detail", args=[fair.slug, endpoint.pk])).status_code == 404
    assert client.get(reverse("fair_webhooks", args=[fair.slug])).status_code == 403
    booth = small_fair["booths"]["cosmetics"]
    response = client.post(
        reverse("booth_webhooks", args=[fair.slug, booth.pk]), {"url": receiver.url, "families": ["lead"]}
    )
    assert response.status_code == 302 and WebhookEndpoint.objects.filter(booth=booth).exists()
    client.force_login(factories.staff(small_fair["booths"]["snacks"]).user)
    assert client.get(reverse("booth_webhooks", args=[fair.slug, booth.pk])).status_code == 403
