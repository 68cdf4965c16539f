"""What the exhibitors app hears of the domain events.

- An approved exhibitor without a booth gets a draft booth for its company, to build.
- A knock marked missed (by the timer of the process that took it, the worker's sweep or a check
  on read) is told once: knock.missed to the booth's staff and to the buyer, through the outbox,
  and a line in the notification centre of each (notices/).
- A knock is told to the booth's staff wherever they are: a notice with a toast.
- A new live status is sent to everyone in the booth (status frame), whichever page or socket set it.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from exhibitors import protocol as p
from exhibitors.access import display_name
from exhibitors.models import Booth
from exhibitors.selectors import knock_frame
from fair.models import Participant
from kernel import audit, events, outbox
from notices import kinds
from notices.services import notify

# The notification centre's lines of the live booth (notices/kinds.py).
kinds.register("knock.received", _("%(buyer)s is knocking at %(booth)s"), toast=True)
kinds.register("knock.missed", _("Missed knock from %(buyer)s at %(booth)s"), toast=True)
kinds.register(
    "knock.missed.buyer", _("Nobody at %(booth)s answered your knock in time: leave a message"), toast=True
)


def _staff_user_ids(booth_id: int) -> list[int]:
    return list(
        Participant.objects.filter(
            booth_id=booth_id,
            role=Participant.Role.EXHIBITOR,
            status=Participant.Status.APPROVED,
            user__isnull=False,
        ).values_list("user_id", flat=True)
    )


def _knock_names(knock) -> dict:
    buyer = Participant.objects.select_related("user", "company").get(pk=knock.buyer_id)
    booth = Booth.objects.select_related("company", "fair").get(pk=knock.booth_id)
    return {"buyer": display_name(buyer, buyer.user), "booth": booth.company.name}, booth


def _booth_url(booth: Booth, anchor: str = "") -> str:
    return reverse("booth_detail", kwargs={"fair_slug": booth.fair.slug, "booth_id": booth.pk}) + anchor


@events.subscribe("participant.approved", phase=events.NOW)
def _draft_booth_for_exhibitor(event: events.Event) -> None:
    participant: Participant = event.subject
    if participant.role != Participant.Role.EXHIBITOR or participant.booth_id or not participant.company_id:
        return
    booth, _created = Booth.objects.get_or_create(
        fair_id=participant.fair_id, company_id=participant.company_id
    )
    participant.booth = booth
    participant.save(update_fields=["booth"])


@events.subscribe("knock.missed", phase=events.NOW)
def _knock_missed(event: events.Event) -> None:
    knock = event.subject
    frame = knock_frame(p.KNOCK_MISSED, knock)
    group = p.booth_group(knock.booth_id)
    for message in (
        p.layer_frame(frame, private_to=p.STAFF_ONLY),
        p.layer_frame(frame, private_to=event.data["buyer_user_id"], staff=False),
    ):
        outbox.push(group=group, message=message, layer=p.LAYER, event=event.name, fair_id=event.fair_id)
    names, booth = _knock_names(knock)
    notify(
        user_ids=_staff_user_ids(knock.booth_id),
        kind="knock.missed",
        params=names,
        url=_booth_url(booth, "#missed-knocks"),
        fair_id=event.fair_id,
    )
    notify(
        user_ids=[event.data["buyer_user_id"]],
        kind="knock.missed.buyer",
        params=names,
        url=_booth_url(booth, "#live-booth"),
        fair_id=event.fair_id,
    )


@events.subscribe("knock.created", phase=events.NOW)
def _knock_created(event: events.Event) -> None:
    knock = event.subject
    names, booth = _knock_names(knock)
    notify(
        user_ids=_staff_user_ids(knock.booth_id),
        kind="knock.received",
        params=names,
        url=_booth_url(booth, "#live-booth"),
        fair_id=event.fair_id,
    )


@events.subscribe("booth.status_changed", phase=events.NOW)
def _status_changed(event: events.Event) -> None:
    booth: Booth = event.subject
    frame = {"type": p.STATUS, "status": booth.live_status, "stream_url": booth.stream_url}
    outbox.push(
        group=p.booth_group(booth.pk),
        message=p.layer_frame(frame),
        layer=p.LAYER,
        event=event.name,
        fair_id=event.fair_id,
    )


# --- whose data a line of the audit log touches (kernel/audit.py) -----------------------------------


def booth_staff_user_ids(booth_id) -> list[int]:
    return list(
        Participant.objects.filter(booth_id=booth_id, status=Participant.Status.APPROVED).values_list(
            "user_id", flat=True
        )
    )


@audit.people_of("booth")
def _booth_people(booth: Booth):
    return booth_staff_user_ids(booth.pk)


@audit.people_of("product")
def _product_people(product):
    return booth_staff_user_ids(product.booth_id)
