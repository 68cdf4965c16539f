"""Telling people about sourcing requests and quotes: a live notification (the notification centre's
socket) and an e-mail, both written to the outbox in the transaction of the change (NOW).

- ``rfq.invited``: the staff of each newly invited booth;
- ``quote.submitted``, ``quote.revised``, ``quote.passed``: the buyer;
- ``quote.accepted``, ``quote.rejected``: the quoting booth's staff;
- ``quote.message_posted``: the other side of the thread;
- ``rfq.closed`` (deadline or quote limit): the buyer.
"""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_countries import countries

from fair.models import Participant
from kernel import events, outbox
from meetings import notifications
from rfq.models import Quote, QuoteMessage, Rfq


def rfq_link(rfq: Rfq) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("rfq_detail", args=[rfq.fair.slug, rfq.pk])


def buyer_name(rfq: Rfq, *, revealed: bool) -> str:
    """The buyer as an exhibitor sees it: the company once revealed, else 'a buyer from <country>'."""
    if revealed and rfq.buyer.company:
        return rfq.buyer.company.name
    country = rfq.buyer.company.country if rfq.buyer.company else rfq.destination_country
    return _("a buyer from %(country)s") % {"country": countries.name(str(country)) or str(country)}


def quantity_text(value) -> str:
    """20000, 12.5: a quantity without trailing zeros or an exponent."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _staff_users(booth_ids) -> list:
    rows = Participant.objects.filter(
        booth_id__in=list(booth_ids), status=Participant.Status.APPROVED, user__isnull=False
    ).select_related("user")
    return list({p.user_id: p.user for p in rows}.values())


def _tell(event, users, *, subject, body, payload, fair_id) -> None:
    users = [u for u in users if u.pk != event.actor_id]
    for user in users:
        if not user.email:
            continue
        with translation.override(user.language):
            outbox.mail(
                to=[user.email],
                subject=str(subject()),
                body=str(body(user)),
                event=event.name,
                fair_id=fair_id,
            )
    notifications.push(user_ids=[u.pk for u in users], payload=payload, event=event.name, fair_id=fair_id)


@events.subscribe("rfq.invited", phase=events.NOW)
def _invited(event: events.Event) -> None:
    rfq: Rfq = event.subject
    link = rfq_link(rfq)

    def subject():
        return _("Request for quotation: %(product)s") % {"product": rfq.product}

    def body(user):
        local = rfq.deadline.astimezone(zoneinfo.ZoneInfo(user.time_zone))
        return "\n".join(
            [
                _(
                    "%(buyer)s asks for a quotation: %(quantity)s %(unit)s of %(product)s (HS %(hs)s), %(incoterm)s %(country)s."  # noqa: E501
                )
                % {
                    "buyer": buyer_name(rfq, revealed=rfq.reveal_company),
                    "quantity": quantity_text(rfq.quantity),
                    "unit": rfq.unit,
                    "product": rfq.product,
                    "hs": rfq.hs_code,
                    "incoterm": rfq.incoterm,
                    "country": countries.name(str(rfq.destination_country)),
                },
                _("Quotes until %(deadline)s (%(zone)s).")
                % {
                    "deadline": f"{local:%Y-%m-%d %H:%M}",
                    "zone": user.time_zone,
                },
                "",
                link,
            ]
        )

    _tell(
        event,
        _staff_users(event.data.get("booths", [])),
        subject=subject,
        body=body,
        payload={"type": "rfq.invited", "rfq_id": rfq.pk, "product": rfq.product, "link": link},
        fair_id=rfq.fair_id,
    )


BUYER_NEWS = {
    "quote.submitted": lambda q: _("New quote from %(booth)s: %(product)s"),
    "quote.revised": lambda q: _("Quote revised by %(booth)s: %(product)s"),
    "quote.passed": lambda q: _("%(booth)s will not quote: %(product)s"),
}
BOOTH_NEWS = {
    "quote.accepted": lambda q: _("Your quote was accepted: %(product)s"),
    "quote.rejected": lambda q: _("Your quote was declined: %(product)s"),
}


@events.subscribe(*BUYER_NEWS, *BOOTH_NEWS, phase=events.NOW)
def _quote_news(event: events.Event) -> None:
    quote: Quote = event.subject
    rfq = quote.rfq
    link = rfq_link(rfq)
    names = {"booth": quote.booth.company.name, "product": rfq.product}
    if event.name in BUYER_NEWS:
        users = [rfq.buyer.user] if rfq.buyer.user_id else []
        template = BUYER_NEWS[event.name]
    else:
        users = _staff_users([quote.booth_id])
        template = BOOTH_NEWS[event.name]

    def subject():
        return template(quote) % names

    def body(user):
        lines = [subject(), ""]
        if quote.reason and event.name in ("quote.passed", "quote.rejected"):
            lines += [_("Reason: %(reason)s") % {"reason": quote.reason}, ""]
        return "\n".join([*lines, link])

    _tell(
        event,
        users,
        subject=subject,
        body=body,
        payload={"type": event.name, "rfq_id": rfq.pk, "quote_id": quote.pk, "link": link},
        fair_id=rfq.fair_id,
    )


@events.subscribe("quote.message_posted", phase=events.NOW)
def _message(event: events.Event) -> None:
    msg: QuoteMessage = event.subject
    quote = msg.quote
    rfq = quote.rfq
    link = rfq_link(rfq)
    if msg.side == QuoteMessage.Side.BUYER:
        users = _staff_users([quote.booth_id])
    else:
        users = [rfq.buyer.user] if rfq.buyer.user_id else []

    def subject():
        return _("A question on the quote for %(product)s") % {"product": rfq.product}

    _tell(
        event,
        users,
        subject=subject,
        body=lambda user: "\n".join([subject(), "", msg.text, "", link]),
        payload={"type": event.name, "rfq_id": rfq.pk, "quote_id": quote.pk, "link": link},
        fair_id=rfq.fair_id,
    )


@events.subscribe("rfq.closed", phase=events.NOW)
def _closed(event: events.Event) -> None:
    rfq: Rfq = event.subject
    if event.data.get("reason") == Rfq.CloseReason.BUYER or not rfq.buyer.user_id:
        return
    link = rfq_link(rfq)

    def subject():
        return _("Your request is closed: %(product)s") % {"product": rfq.product}

    def body(user):
        return "\n".join([subject(), "", str(Rfq.CloseReason(event.data["reason"]).label), "", link])

    _tell(
        event,
        [rfq.buyer.user],
        subject=subject,
        body=body,
        payload={"type": event.name, "rfq_id": rfq.pk, "link": link},
        fair_id=rfq.fair_id,
    )
