"""Webhooks: the events of a fair (or of one booth) sent to the addresses its organizers (or staff)
registered, signed, in order per object, retried, logged (docs/webhooks.md).

- ``_record`` (a NOW subscriber to every event) writes one WebhookDelivery per interested endpoint and
  its outbox row in the transaction of the change: nothing is sent for a rolled-back change, and
  nothing is lost when the receiver, the network or this process is away.
- the outbox's ``webhook`` deliverer POSTs it, signed with HMAC-SHA256 over "<timestamp>.<body>"
  (``Tradefair-Signature: t=<unix seconds>,v1=<hex>``, a second v1 with the previous secret for a day
  after a rotation); a non-2xx answer or no answer raises, and the outbox retries with exponential
  backoff. An event waits while an earlier event of the same object to the same endpoint is
  undelivered, so each object's events arrive in order.
- an endpoint that has failed for WEBHOOK_DISABLE_AFTER_SECONDS (a day) is disabled, its pending
  deliveries marked failed, and its owner told by e-mail; they can enable it and redeliver.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fair.models import Fair
from integrations.models import FAMILIES, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from kernel import events, outbox
from kernel.errors import DomainError

log = logging.getLogger(__name__)

KIND = "webhook"
PRIVATE_DATA = {"ip", "user_agent", "email", "message"}  # never in a payload


def _setting(name: str, default):
    return getattr(settings, name, default)


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def verify(header: str, body: bytes, secret: str, *, tolerance: int = 300, now: float | None = None) -> bool:
    """What a receiver does (docs/webhooks.md has the same in a few languages): True when one v1
    signature of the header matches ``secret`` and the timestamp is within ``tolerance`` seconds."""
    parts = [p.split("=", 1) for p in header.split(",") if "=" in p]
    stamps = [v for k, v in parts if k == "t"]
    if not stamps or not stamps[0].isdigit():
        return False
    timestamp = int(stamps[0])
    if abs((now or time.time()) - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return any(k == "v1" and hmac.compare_digest(v, expected) for k, v in parts)


# --- addresses -------------------------------------------------------------------------------------


def check_address(url: str) -> None:
    """http(s) only; no address on this machine or a private network unless
    WEBHOOK_ALLOW_PRIVATE_ADDRESSES (tests, closed networks): a webhook must not reach inside."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DomainError("webhook.bad_address", _("A webhook address is an http:// or https:// URL."))
    if _setting("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False):
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError:
        raise DomainError("webhook.unresolved", _("This address does not resolve.")) from None
    for info in infos:
        ip = ipaddress.ip_address(info[4][0])
        if not ip.is_global:
            raise DomainError(
                "webhook.private_address", _("A webhook cannot point at a private or local network address.")
            )


# --- managing endpoints ----------------------------------------------------------------------------


def _families(values) -> list[str]:
    chosen = [v for v in dict.fromkeys(values) if v in FAMILIES]
    if not chosen:
        raise DomainError("webhook.no_events", _("Choose at least one kind of event."))
    return chosen


def endpoint_create(*, actor, fair: Fair, booth=None, url: str, families) -> WebhookEndpoint:
    """A new endpoint; its secret is returned in ``endpoint.secret`` (the page shows it once)."""
    check_address(url)
    endpoint = WebhookEndpoint.objects.create(
        fair=fair,
        booth=booth,
        url=url,
        families=_families(families),
        secret=new_secret(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    events.emit("webhook.created", fair_id=fair.pk, subject=endpoint, actor=actor, url=url)
    return endpoint


def endpoint_update(*, actor, endpoint: WebhookEndpoint, url: str, families, active: bool) -> WebhookEndpoint:
    check_address(url)
    endpoint.url, endpoint.families = url, _families(families)
    if active and not endpoint.active:
        endpoint.failing_since, endpoint.disabled_reason = None, ""
    endpoint.active = active
    endpoint.save()
    events.emit("webhook.updated", fair_id=endpoint.fair_id, subject=endpoint, actor=actor, active=active)
    return endpoint


def endpoint_rotate(*, actor, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new secret; deliveries carry a signature with the previous one too for a day."""
    endpoint.previous_secret, endpoint.secret = endpoint.secret, new_secret()
    endpoint.rotated_at = timezone.now()
    endpoint.save(update_fields=["previous_secret", "secret", "rotated_at"])
    events.emit("webhook.secret_rotated", fair_id=endpoint.fair_id, subject=endpoint, actor=actor)
    return endpoint


def endpoint_delete(*, actor, endpoint: WebhookEndpoint) -> None:
    events.emit("webhook.deleted", fair_id=endpoint.fair_id, subject=endpoint, actor=actor, url=endpoint.url)
    endpoint.delete()


@transaction.atomic
def redeliver(*, actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again (same event id: receivers drop what they already have)."""
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    delivery.status = WebhookDelivery.Status.PENDING
    delivery.save(update_fields=["status"])
    outbox.put(KIND, {"delivery": delivery.pk}, event=delivery.event, fair_id=delivery.endpoint.fair_id)
    return delivery


# --- recording events --------------------------------------------------------------------------


def _booth_of(event: events.Event) -> int | None:
    subject = event.subject
    if event.subject_type == "booth":
        return event.subject_id
    booth = getattr(subject, "booth_id", None) or event.data.get("booth")
    return int(booth) if booth else None


def _payload(event: events.Event, uid: str, fair_slug: str) -> dict:
    return {
        "id": uid,
        "type": event.name,
        "created": event.at.isoformat(),
        "fair": fair_slug,
        "object": {"type": event.subject_type, "id": event.subject_id},
        "data": {k: v for k, v in event.data.items() if k not in PRIVATE_DATA},
    }


@events.subscribe("*", phase=events.NOW)
def _record(event: events.Event) -> None:
    if event.fair_id is None or event.name.split(".")[0] not in FAMILIES:
        return
    endpoints = [
        e for e in WebhookEndpoint.objects.filter(fair_id=event.fair_id, active=True) if e.wants(event.name)
    ]
    if not endpoints:
        return
    booth = _booth_of(event)
    slug = Fair.objects.filter(pk=event.fair_id).values_list("slug", flat=True).first() or ""
    for endpoint in endpoints:
        if endpoint.booth_id is not None and endpoint.booth_id != booth:
            continue
        delivery = WebhookDelivery(
            endpoint=endpoint, event=event.name, object_key=f"{event.subject_type}:{event.subject_id}"
        )
        delivery.payload = _payload(event, str(delivery.uid), slug)
        delivery.save()
        outbox.put(KIND, {"delivery": delivery.pk}, event=event.name, fair_id=event.fair_id)


# --- delivering ----------------------------------------------------------------------------------


class WebhookFailed(Exception):
    pass


def _headers(endpoint: WebhookEndpoint, delivery: WebhookDelivery, body: bytes) -> dict:
    now = int(time.time())
    sigs = [f"v1={signature(endpoint.secret, now, body)}"]
    grace = timedelta(seconds=_setting("WEBHOOK_ROTATION_GRACE_SECONDS", 86400))
    if endpoint.previous_secret and endpoint.rotated_at and timezone.now() - endpoint.rotated_at < grace:
        sigs.append(f"v1={signature(endpoint.previous_secret, now, body)}")
    return {
        "Content-Type": "application/json",
        "User-Agent": "Tradefair-Webhooks/1",
        "Tradefair-Event": delivery.event,
        "Tradefair-Delivery": str(delivery.uid),
        "Tradefair-Signature": ",".join([f"t={now}", *sigs]),
    }


@outbox.deliverer(KIND)
def _deliver(payload: dict) -> None:
    delivery = (
        WebhookDelivery.objects.select_related("endpoint", "endpoint__created_by")
        .filter(pk=payload["delivery"])
        .first()
    )
    if delivery is None or delivery.status == WebhookDelivery.Status.DELIVERED:
        return
    endpoint = delivery.endpoint
    if not endpoint.active:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(status=WebhookDelivery.Status.FAILED)
        return
    if WebhookDelivery.objects.filter(
        endpoint=endpoint,
        object_key=delivery.object_key,
        pk__lt=delivery.pk,
        status=WebhookDelivery.Status.PENDING,
    ).exists():
        raise WebhookFailed("waiting for an earlier event of the same object")
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()
    started = time.monotonic()
    code, error = None, ""
    try:
        check_address(endpoint.url)
        response = httpx.post(
            endpoint.url,
            content=body,
            headers=_headers(endpoint, delivery, body),
            timeout=float(_setting("WEBHOOK_TIMEOUT_SECONDS", 10)),
            follow_redirects=False,
        )
        code = response.status_code
    except (httpx.HTTPError, DomainError, OSError) as e:
        error = f"{type(e).__name__}: {e}"[:300]
    ms = int((time.monotonic() - started) * 1000)
    WebhookAttempt.objects.create(delivery=delivery, status_code=code, milliseconds=ms, error=error)
    now = timezone.now()
    if code is not None and 200 <= code < 300:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.DELIVERED, attempts=delivery.attempts + 1, delivered_at=now
        )
        WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=False).update(failing_since=None)
        return
    WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=delivery.attempts + 1)
    since = endpoint.failing_since or now
    if endpoint.failing_since is None:
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=now)
    if now - since >= timedelta(seconds=_setting("WEBHOOK_DISABLE_AFTER_SECONDS", 86400)):
        _disable(endpoint, since)
        return
    raise WebhookFailed(error or f"HTTP {code}")


def _disable(endpoint: WebhookEndpoint, since) -> None:
    reason = _("Disabled: every delivery has failed since %(since)s.") % {
        "since": since.isoformat(timespec="minutes")
    }
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False, disabled_reason=reason[:300])
        WebhookDelivery.objects.filter(endpoint=endpoint, status=WebhookDelivery.Status.PENDING).update(
            status=WebhookDelivery.Status.FAILED
        )
        owner = endpoint.created_by
        if owner is not None and owner.email:
            outbox.mail(
                to=[owner.email],
                subject=_("Your webhook was disabled"),
                body="\n".join(
                    [endpoint.url, "", reason, "", _("Fix the receiver, then enable it and redeliver.")]
                ),
                event="webhook.disabled",
                fair_id=endpoint.fair_id,
            )
    log.warning("webhook %s disabled after failing since %s", endpoint.url, since)
