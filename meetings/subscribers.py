"""What the meetings app hears of other apps' events.

- A new fair gets its meeting slots, and a changed schedule re-cuts them, in the same transaction
  (a change that would orphan a booked meeting is refused there, and undoes the fair's change).
- A missed knock offers the buyer the booth's next meeting slots both are free in: a
  ``knock.offers`` frame on the booth socket, to that buyer only (docs/booth-protocol.md).
"""

from __future__ import annotations

from exhibitors import protocol as booth_protocol
from exhibitors.subscribers import booth_staff_user_ids
from fair.models import Participant
from kernel import audit, events, outbox
from meetings import selectors, services


@events.subscribe("fair.created", "fair.schedule_changed", phase=events.NOW)
def _schedule_changed(event: events.Event) -> None:
    services.slots_generate(fair=event.subject)


@events.subscribe("knock.missed", phase=events.NOW)
def _knock_missed(event: events.Event) -> None:
    knock = event.subject
    offer = selectors.knock_offers(knock=knock)
    if offer is None:
        return
    buyer_user_id, slots = offer
    frame = {"type": booth_protocol.KNOCK_OFFERS, "knock": knock.pk, "slots": slots}
    outbox.push(
        group=booth_protocol.booth_group(knock.booth_id),
        message=booth_protocol.layer_frame(frame, private_to=buyer_user_id, staff=False),
        layer=booth_protocol.LAYER,
        event=event.name,
        fair_id=event.fair_id,
    )


# --- whose data a line of the audit log touches (kernel/audit.py) -----------------------------------


def meeting_user_ids(meeting) -> list[int]:
    """The buyer, the booth's staff and the interpreter of a meeting."""
    ids = booth_staff_user_ids(meeting.booth_id)
    ids += Participant.objects.filter(pk__in=[meeting.buyer_id, meeting.interpreter_id]).values_list(
        "user_id", flat=True
    )
    return ids


@audit.people_of("meeting")
def _meeting_people(meeting):
    return meeting_user_ids(meeting)


@audit.people_of("outcome")
def _outcome_people(outcome):
    return meeting_user_ids(outcome.meeting)


@audit.people_of("leadupdate")
def _lead_people(update):
    return booth_staff_user_ids(update.meeting.booth_id)
