"""What the exhibitors app hears of the domain events.

- An approved exhibitor without a booth gets a draft booth for its company, to build.
- A knock marked missed (by the timer of the process that took it, the worker's sweep or a check
  on read) is told once: knock.missed to the booth's staff and to the buyer, through the outbox.
"""

from __future__ import annotations

from exhibitors import protocol as p
from exhibitors.models import Booth
from exhibitors.selectors import knock_frame
from fair.models import Participant
from kernel import audit, events, outbox


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
