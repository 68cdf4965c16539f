"""Telling people what happened to their agreements and outcomes: e-mail and live notifications,
written to the outbox in the transaction of the change (NOW), so a rolled-back step tells no one.

- ``ceremony.scheduled`` / ``ceremony.cancelled``: an invitation (or its cancellation) with an ICS
  file to every signatory;
- ``agreement.completed``: every signatory and the fair's organizers hear that the final PDF is ready;
- ``outcome.declared``: the other side is asked to confirm or dispute; ``outcome.confirmed`` /
  ``outcome.disputed``: the declaring side hears the answer;
- ``shipment.recorded``: the buyer is asked to confirm it.

The audit log hears the agreement.* events (their data carries the IP and the user agent).
"""

from __future__ import annotations

import zoneinfo

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from agreements import ics
from agreements.models import Agreement, Ceremony, Shipment, Side, Signatory, TradeOutcome
from exhibitors.subscribers import booth_staff_user_ids
from fair.models import Participant
from kernel import audit, events, outbox
from kernel.site import site_url
from meetings import notifications


def _link(path: str) -> str:
    return site_url() + path


def _signatory_users(agreement: Agreement) -> list:
    users = {s.user_id: s.user for s in Signatory.objects.filter(agreement=agreement).select_related("user")}
    return list(users.values())


def _organizers(fair_id: int) -> list:
    return [
        p.user
        for p in Participant.objects.filter(
            fair_id=fair_id,
            role=Participant.Role.ORGANIZER,
            status=Participant.Status.APPROVED,
            user__isnull=False,
        ).select_related("user")
    ]


@events.subscribe("ceremony.scheduled", "ceremony.cancelled", phase=events.NOW)
def _ceremony_invitations(event: events.Event) -> None:
    ceremony: Ceremony = event.subject
    agreement = ceremony.agreement
    cancel = event.name == "ceremony.cancelled"
    people = [u for u in _signatory_users(agreement) if u.email]
    for user in people:
        with translation.override(user.language):
            if cancel:
                subject = _("Signing ceremony cancelled: %(title)s") % {"title": agreement.title}
            else:
                subject = _("Signing ceremony: %(title)s") % {"title": agreement.title}
            local = ceremony.starts_at.astimezone(zoneinfo.ZoneInfo(user.time_zone))
            body = "\n".join(
                [subject, "", f"{local:%Y-%m-%d %H:%M} ({user.time_zone})", "", ics.agreement_link(agreement)]
            )
            text = ics.invitation(
                ceremony, user=user, zone=user.time_zone, attendees=people, cancel=cancel
            ).decode()
        method = "CANCEL" if cancel else "REQUEST"
        outbox.mail(
            to=[user.email],
            subject=subject,
            body=body,
            attachments=[("invite.ics", text, f"text/calendar; charset=utf-8; method={method}")],
            event=event.name,
            fair_id=agreement.fair_id,
        )
    notifications.push(
        user_ids=[u.pk for u in people if u.pk != event.actor_id],
        payload={"type": event.name, "agreement_id": agreement.pk, "link": ics.agreement_link(agreement)},
        event=event.name,
        fair_id=agreement.fair_id,
    )


@events.subscribe("agreement.completed", phase=events.NOW)
def _agreement_completed(event: events.Event) -> None:
    agreement: Agreement = event.subject
    people = {u.pk: u for u in _signatory_users(agreement) + _organizers(agreement.fair_id)}
    link = ics.agreement_link(agreement)
    for user in people.values():
        if not user.email:
            continue
        with translation.override(user.language):
            subject = _("Signed by all: %(title)s") % {"title": agreement.title}
            body = "\n".join(
                [
                    _("Every signatory has signed “%(title)s”. The final PDF is ready to download.")
                    % {"title": agreement.title},
                    _("Document SHA-256: %(hash)s") % {"hash": event.data.get("sha256", "")},
                    "",
                    link,
                ]
            )
        outbox.mail(to=[user.email], subject=subject, body=body, event=event.name, fair_id=agreement.fair_id)
    notifications.push(
        user_ids=list(people),
        payload={"type": "agreement.completed", "agreement_id": agreement.pk, "link": link},
        event=event.name,
        fair_id=agreement.fair_id,
    )


def _side_users(outcome: TradeOutcome, side: str) -> list:
    if side == Side.BUYER:
        return [outcome.buyer.user] if outcome.buyer.user_id else []
    return [
        p.user
        for p in outcome.booth.staff.filter(
            status=Participant.Status.APPROVED, user__isnull=False
        ).select_related("user")
    ]


OUTCOME_SUBJECTS = {
    "outcome.declared": (lambda o: _("Please confirm: %(type)s of %(value)s %(currency)s") % _names(o)),
    "outcome.confirmed": (lambda o: _("Confirmed: %(type)s of %(value)s %(currency)s") % _names(o)),
    "outcome.disputed": (lambda o: _("Disputed: %(type)s of %(value)s %(currency)s") % _names(o)),
    "shipment.recorded": (
        lambda o: _("Please confirm a shipment: %(type)s of %(value)s %(currency)s") % _names(o)
    ),
}


def _names(outcome: TradeOutcome) -> dict:
    return {"type": outcome.get_type_display(), "value": outcome.value, "currency": outcome.currency}


@events.subscribe(*OUTCOME_SUBJECTS, phase=events.NOW)
def _outcome_news(event: events.Event) -> None:
    subject_obj = event.subject
    outcome = subject_obj.outcome if isinstance(subject_obj, Shipment) else subject_obj
    if event.name == "outcome.declared":
        side = outcome.other_side
    elif event.name == "shipment.recorded":
        side = Side.BUYER
    else:
        side = outcome.declared_side
    link = _link(reverse("outcome_detail", args=[outcome.pk]))
    users = [u for u in _side_users(outcome, side) if u.pk != event.actor_id]
    for user in users:
        if not user.email:
            continue
        with translation.override(user.language):
            subject = OUTCOME_SUBJECTS[event.name](outcome)
            body = "\n".join([subject, "", outcome.products, "", link])
        outbox.mail(to=[user.email], subject=subject, body=body, event=event.name, fair_id=outcome.fair_id)
    notifications.push(
        user_ids=[u.pk for u in users],
        payload={"type": event.name, "outcome_id": outcome.pk, "link": link},
        event=event.name,
        fair_id=outcome.fair_id,
    )


# --- whose data a line of the audit log touches (kernel/audit.py) -----------------------------------


@audit.people_of("tradeoutcome")
def _trade_outcome_people(outcome: TradeOutcome):
    return [outcome.buyer.user_id, *booth_staff_user_ids(outcome.booth_id)]


@audit.people_of("shipment")
def _shipment_people(shipment: Shipment):
    return _trade_outcome_people(shipment.outcome)


@audit.people_of("agreement")
def _agreement_people(agreement: Agreement):
    return list(Signatory.objects.filter(agreement=agreement).values_list("user_id", flat=True))
