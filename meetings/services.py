"""Writes of the meetings app: slots, availability, the meeting life cycle, interpreters, outcomes, rounds.

Every function is sync, keyword-only and runs in one transaction. The rule
that no party is double-booked is kept by Seat's unique constraints; the daily
maximum by counting under a row lock on the parties. Notifications (live and
e-mail) leave only after the transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from exhibitors.models import Booth
from fair.models import Fair, Interaction, Participant, parse_breaks
from kernel import events
from kernel.access import allowed, require
from kernel.errors import DomainError, NotFound, PermissionDenied
from meetings import protocol
from meetings.access import BUYER, EXHIBITOR, ORGANIZER, side_of
from meetings.models import (
    Availability,
    CalendarFeed,
    Meeting,
    MeetingRules,
    Outcome,
    Round,
    RoundProposal,
    Seat,
    Slot,
)
from meetings.selectors import booth_languages, buyer_languages
from meetings.slots import cut_slots

MAX_TEXT = 2000

# --- rules and slots -------------------------------------------------------------------


def rules_get(*, fair: Fair) -> MeetingRules:
    rules, _created = MeetingRules.objects.get_or_create(fair=fair)
    return rules


@transaction.atomic
def rules_update(*, actor, fair: Fair, auto_confirm_interpreters: bool | None = None) -> MeetingRules:
    require(actor, "fair:organize", fair)
    rules = rules_get(fair=fair)
    if auto_confirm_interpreters is not None:
        rules.auto_confirm_interpreters = bool(auto_confirm_interpreters)
    rules.save()
    return rules


@transaction.atomic
def slots_generate(*, fair: Fair) -> list[Slot]:
    """Cut the fair's slots from its schedule (days, zone, daily window, slot length, breaks).

    Slots the schedule still gives are kept, with their availability and bookings; new ones are
    added. A slot the schedule no longer gives is deleted, or retired (kept for the history of its
    closed meetings, never offered again); when one still holds a requested, proposed or accepted
    meeting, the change is refused (``fair.schedule_booked``) and nothing changes.
    """
    specs = cut_slots(
        first_day=fair.starts_on,
        last_day=fair.ends_on,
        zone=fair.time_zone,
        day_start=fair.day_start,
        day_end=fair.day_end,
        minutes=fair.slot_minutes,
        breaks=parse_breaks(fair.breaks),
    )
    wanted = {(s.starts_at, s.ends_at): s for s in specs}
    existing_slots = Slot.objects.filter(fair=fair)
    if getattr(fair, "permanent", False):
        # A fair open all year keeps the slots cut from its booths' weekly hours (rfq/standing.py):
        # only the fair's own days are re-cut from its schedule.
        existing_slots = existing_slots.filter(day__gte=fair.starts_on, day__lte=fair.ends_on)
    existing = {(s.starts_at, s.ends_at): s for s in existing_slots}
    stale = [slot.pk for key, slot in existing.items() if key not in wanted and not slot.retired]
    if stale:
        booked = Meeting.objects.filter(slot_id__in=stale, status__in=Meeting.ACTIVE).count()
        if booked:
            raise DomainError(
                "fair.schedule_booked",
                ngettext(
                    "%(n)d booked meeting falls outside the new schedule: move or cancel it first.",
                    "%(n)d booked meetings fall outside the new schedule: move or cancel them first.",
                    booked,
                )
                % {"n": booked},
            )
        kept = set(Slot.objects.filter(pk__in=stale, meetings__isnull=False).values_list("pk", flat=True))
        Availability.objects.filter(slot_id__in=kept).delete()
        Slot.objects.filter(pk__in=kept).update(retired=True)
        Slot.objects.filter(pk__in=set(stale) - kept).delete()
    revived = [slot.pk for key, slot in existing.items() if key in wanted and slot.retired]
    Slot.objects.filter(pk__in=revived).update(retired=False)
    Slot.objects.bulk_create(
        [
            Slot(fair=fair, starts_at=s.starts_at, ends_at=s.ends_at, day=s.day)
            for key, s in wanted.items()
            if key not in existing
        ]
    )
    return list(Slot.objects.filter(fair=fair, retired=False).order_by("starts_at"))


# --- who is acting ----------------------------------------------------------------------


def _is_staff(actor, booth: Booth) -> bool:
    return allowed(actor, "booth:staff", booth)


def _other(side: str) -> str:
    return EXHIBITOR if side == BUYER else BUYER


# --- availability -----------------------------------------------------------------------


def _party_kwargs(*, participant: Participant | None, booth: Booth | None) -> dict:
    if (participant is None) == (booth is None):
        raise DomainError("meeting.bad_party", _("Name either a participant or a booth."))
    return {"participant": participant} if participant is not None else {"booth": booth}


@transaction.atomic
def availability_set(
    *,
    actor,
    fair: Fair,
    slots: Iterable[Slot],
    participant: Participant | None = None,
    booth: Booth | None = None,
) -> int:
    """Replace a party's availability in this fair with ``slots``; returns how many slots it is free in."""
    party = _party_kwargs(participant=participant, booth=booth)
    who = booth if booth is not None else participant
    if who.fair_id != fair.pk:
        raise DomainError("meeting.bad_party", _("That calendar belongs to another fair."))
    require(actor, "availability:keep", who)
    slot_ids = {s.pk for s in slots}
    if Slot.objects.filter(pk__in=slot_ids).exclude(fair=fair).exists():
        raise DomainError("meeting.no_such_slot", _("A slot does not belong to this fair."))
    current = set(Availability.objects.filter(slot__fair=fair, **party).values_list("slot_id", flat=True))
    Availability.objects.filter(slot__fair=fair, slot_id__in=current - slot_ids, **party).delete()
    Availability.objects.bulk_create([Availability(slot_id=s, **party) for s in slot_ids - current])
    return len(slot_ids)


def _available(slot: Slot, **party) -> bool:
    return Availability.objects.filter(slot=slot, **party).exists()


# --- seats: where the database keeps the rules ------------------------------------------


def _parties(meeting: Meeting, *, with_interpreter: bool = True) -> list[dict]:
    parties = [{"participant": meeting.buyer}, {"booth": meeting.booth}]
    if (
        with_interpreter
        and meeting.interpreter_id
        and meeting.interpreter_status == Meeting.InterpreterStatus.CONFIRMED
    ):
        parties.append({"participant": meeting.interpreter})
    return parties


def _slot_taken() -> DomainError:
    return DomainError("meeting.slot_taken", _("Someone in this meeting is already booked at that time."))


def _take_seats(meeting: Meeting, slot: Slot, parties: list[dict]) -> None:
    try:
        with transaction.atomic():  # a savepoint: a clash leaves nothing behind
            Seat.objects.bulk_create([Seat(meeting=meeting, slot=slot, **p) for p in parties])
    except IntegrityError:
        raise _slot_taken() from None
    _check_daily_limit(meeting.fair, slot.day, parties)


def _check_daily_limit(fair: Fair, day: date, parties: list[dict]) -> None:
    """Lock the parties' rows (in a fixed order), then count their seats that day."""
    participant_ids = sorted(p["participant"].pk for p in parties if "participant" in p)
    booth_ids = sorted(p["booth"].pk for p in parties if "booth" in p)
    list(Booth.objects.select_for_update().filter(pk__in=booth_ids).order_by("pk").values_list("pk"))
    list(
        Participant.objects.select_for_update()
        .filter(pk__in=participant_ids)
        .order_by("pk")
        .values_list("pk")
    )
    limit = fair.max_meetings_per_day
    seats = Seat.objects.filter(slot__day=day, slot__fair=fair)
    over = (
        seats.filter(participant_id__in=participant_ids)
        .values("participant_id")
        .annotate(n=Count("id"))
        .filter(n__gt=limit)
    ).exists() or (
        seats.filter(booth_id__in=booth_ids).values("booth_id").annotate(n=Count("id")).filter(n__gt=limit)
    ).exists()
    if over:
        raise DomainError(
            "meeting.daily_limit",
            _("Someone in this meeting already has %(n)s meetings that day.") % {"n": limit},
        )


def _move_seats(meeting: Meeting, slot: Slot) -> None:
    # The interpreter's seat is given up and a new interpreter is found for the new time.
    if meeting.interpreter_status == Meeting.InterpreterStatus.CONFIRMED:
        Seat.objects.filter(meeting=meeting, participant=meeting.interpreter).delete()
        meeting.interpreter_status = Meeting.InterpreterStatus.PROPOSED
    try:
        with transaction.atomic():
            Seat.objects.filter(meeting=meeting).update(slot=slot)
    except IntegrityError:
        raise _slot_taken() from None
    _check_daily_limit(meeting.fair, slot.day, _parties(meeting, with_interpreter=False))


def _release_seats(meeting: Meeting) -> None:
    Seat.objects.filter(meeting=meeting).delete()


def _check_slot(slot: Slot, fair: Fair) -> None:
    if slot.fair_id != fair.pk:
        raise DomainError("meeting.no_such_slot", _("That slot does not belong to this fair."))
    if slot.starts_at <= timezone.now():
        raise DomainError("meeting.slot_past", _("That slot has already begun."))


def _weekly_hours_slot(booth: Booth, slot: Slot) -> bool:
    """One of the booth's weekly hours: a fair open all year, outside its days, the booth available."""
    fair = booth.fair
    if not fair.permanent or fair.starts_on <= slot.day <= fair.ends_on:
        return False
    return _available(slot, booth=booth)


def weekly_hours_claim(*, buyer: Participant, booth: Booth, slot: Slot) -> bool:
    """A buyer choosing one of a booth's weekly hours (a fair open all year, outside its days) says
    they are free then: their availability in that slot is written. True when the slot is one."""
    if not _weekly_hours_slot(booth, slot):
        return False
    Availability.objects.get_or_create(slot=slot, participant=buyer)
    return True


def _check_mutually_free(meeting: Meeting, slot: Slot) -> None:
    """Both sides available. In a booth's weekly hours the buyer publishes nothing: they book it
    (``weekly_hours_claim``) or answer the booth's invitation or proposal of it."""
    booth_free = _available(slot, booth=meeting.booth)
    buyer_free = _available(slot, participant=meeting.buyer) or (
        booth_free and _weekly_hours_slot(meeting.booth, slot)
    )
    if not (buyer_free and booth_free):
        raise DomainError("meeting.not_available", _("Both sides must be available in that slot."))


# --- languages and interpreters ----------------------------------------------------------


def needs_interpreter(*, buyer: Participant, booth: Booth) -> bool:
    """True when both sides state languages and share none."""
    a, b = buyer_languages(buyer), booth_languages(booth)
    return bool(a and b and not (a & b))


def interpreter_candidates(*, meeting: Meeting, slot: Slot | None = None) -> list[Participant]:
    """Approved interpreters who speak one language of each side, are available, free and under the limit."""
    slot = slot or meeting.slot
    a, b = buyer_languages(meeting.buyer), booth_languages(meeting.booth)
    busy_ids = set(
        Seat.objects.filter(slot=slot, participant__isnull=False).values_list("participant_id", flat=True)
    )
    day_load = dict(
        Seat.objects.filter(slot__day=slot.day, slot__fair=meeting.fair, participant__role="interpreter")
        .values_list("participant_id")
        .annotate(n=Count("id"))
    )
    out = []
    pool = Participant.objects.filter(
        fair=meeting.fair,
        role=Participant.Role.INTERPRETER,
        status=Participant.Status.APPROVED,
        availabilities__slot=slot,
    ).order_by("pk")
    for p in pool:
        spoken = set(p.languages or [])
        if (
            spoken & a
            and spoken & b
            and p.pk not in busy_ids
            and day_load.get(p.pk, 0) < meeting.fair.max_meetings_per_day
        ):
            out.append(p)
    out.sort(key=lambda p: (day_load.get(p.pk, 0), p.pk))
    return out


def _propose_interpreter(meeting: Meeting) -> None:
    if not needs_interpreter(buyer=meeting.buyer, booth=meeting.booth):
        meeting.interpreter, meeting.interpreter_status = None, Meeting.InterpreterStatus.NOT_NEEDED
        return
    candidates = interpreter_candidates(meeting=meeting)
    if not candidates:
        meeting.interpreter, meeting.interpreter_status = None, Meeting.InterpreterStatus.NEEDED
        return
    meeting.interpreter, meeting.interpreter_status = candidates[0], Meeting.InterpreterStatus.PROPOSED
    if rules_get(fair=meeting.fair).auto_confirm_interpreters:
        _seat_interpreter(meeting, candidates[0])


def _seat_interpreter(meeting: Meeting, interpreter: Participant) -> None:
    party = [{"participant": interpreter}]
    _take_seats(meeting, meeting.slot, party)
    meeting.interpreter, meeting.interpreter_status = interpreter, Meeting.InterpreterStatus.CONFIRMED


@transaction.atomic
def interpreter_confirm(*, actor, meeting: Meeting, interpreter: Participant | None = None) -> Meeting:
    """The organizer confirms the proposed interpreter (or names another one who fits)."""
    meeting = _locked(meeting)
    require(actor, "fair:organize", meeting.fair)
    if not meeting.is_active:
        raise DomainError("meeting.closed", _("This meeting is no longer open."))
    interpreter = interpreter or meeting.interpreter
    if interpreter is None:
        raise DomainError(
            "meeting.no_interpreter", _("No interpreter who speaks both languages is free then.")
        )
    if interpreter.fair_id != meeting.fair_id or interpreter.role != Participant.Role.INTERPRETER:
        raise DomainError("meeting.no_interpreter", _("That person is not an interpreter of this fair."))
    spoken = set(interpreter.languages or [])
    if not (spoken & buyer_languages(meeting.buyer) and spoken & booth_languages(meeting.booth)):
        raise DomainError(
            "meeting.interpreter_languages", _("That interpreter does not speak both languages.")
        )
    Seat.objects.filter(meeting=meeting, participant__role=Participant.Role.INTERPRETER).delete()
    _seat_interpreter(meeting, interpreter)
    meeting.save()
    _announce(
        meeting,
        actor=actor,
        kind=protocol.MEETING_INTERPRETER,
        invite=meeting.status == Meeting.Status.ACCEPTED,
    )
    return meeting


# --- the life cycle -----------------------------------------------------------------------


def _locked(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related(
            "fair", "buyer__user", "buyer__company", "booth__company", "slot", "interpreter__user"
        )
        .get(pk=meeting.pk)
    )


def _clean_text(value: str, *, required: bool = False, code: str = "meeting.reason_required") -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(code, _("Please give a reason."))
    if len(value) > MAX_TEXT:
        raise DomainError("meeting.text_too_long", _("Keep it under %(n)s characters.") % {"n": MAX_TEXT})
    return value


@transaction.atomic
def meeting_request(*, actor, buyer: Participant, booth: Booth, slot: Slot, message: str = "") -> Meeting:
    """A buyer (or an organizer for them) asks a booth for a meeting at a slot both are free in."""
    fair = buyer.fair
    if buyer.role != Participant.Role.BUYER or not buyer.is_approved:
        raise DomainError("meeting.not_a_buyer", _("Only approved buyers can request meetings."))
    if booth.fair_id != fair.pk or not booth.is_published:
        raise NotFound("meeting.no_such_booth", _("That booth is not open for meetings."))
    if not (buyer.user_id == actor.pk or allowed(actor, "fair:organize", fair)):
        raise PermissionDenied("meeting.denied", _("You may only request meetings for yourself."))
    if slot.fair_id == fair.pk:
        weekly_hours_claim(buyer=buyer, booth=booth, slot=slot)
    meeting = _open(actor=actor, buyer=buyer, booth=booth, slot=slot, message=message, requested_by=BUYER)
    Interaction.objects.create(
        fair=fair, buyer=buyer, booth=booth, kind=Interaction.Kind.MEETING_REQUEST, at=meeting.created_at
    )
    _announce(meeting, actor=actor, kind=protocol.MEETING_REQUESTED)
    return meeting


@transaction.atomic
def meeting_invite(*, actor, booth: Booth, buyer: Participant, slot: Slot, message: str = "") -> Meeting:
    """A booth's staff (or an organizer) invite a buyer to a meeting at a slot both are free in; the
    buyer answers it like any request (accept, decline with a reason, propose another time)."""
    fair = booth.fair
    require(actor, "meeting:invite", booth)
    if buyer.fair_id != fair.pk or buyer.role != Participant.Role.BUYER or not buyer.is_approved:
        raise NotFound("meeting.no_such_buyer", _("That buyer is not taking part in this fair."))
    meeting = _open(actor=actor, buyer=buyer, booth=booth, slot=slot, message=message, requested_by=EXHIBITOR)
    _announce(meeting, actor=actor, kind=protocol.MEETING_INVITED)
    return meeting


def _pair_open_error() -> DomainError:
    return DomainError(
        "meeting.already_open",
        _("There is already an open request between this buyer and this booth: answer or cancel it first."),
    )


def open_request_between(*, buyer: Participant, booth: Booth) -> Meeting | None:
    """The pair's one open (requested or proposed) meeting, if any."""
    return Meeting.objects.filter(buyer=buyer, booth=booth, status__in=Meeting.PENDING).first()


def _open(*, actor, buyer: Participant, booth: Booth, slot: Slot, message: str, requested_by: str) -> Meeting:
    """The new meeting asked for by ``requested_by``; the other side answers. One open request per
    pair: checked here for a clear message, kept by the meeting_one_open_request_per_pair constraint."""
    fair = booth.fair
    message = _clean_text(message)
    _check_slot(slot, fair)
    if open_request_between(buyer=buyer, booth=booth) is not None:
        raise _pair_open_error()
    meeting = Meeting(
        fair=fair,
        buyer=buyer,
        booth=booth,
        slot=slot,
        message=message,
        created_by=actor,
        status=Meeting.Status.REQUESTED,
        requested_by=requested_by,
        awaiting=_other(requested_by),
    )
    if requested_by == EXHIBITOR:
        meeting.exhibitor = _staff_of(actor, booth)
    _check_mutually_free(meeting, slot)
    try:
        with transaction.atomic():  # a savepoint: a concurrent request for the pair loses cleanly
            meeting.save()
    except IntegrityError:
        raise _pair_open_error() from None
    _take_seats(meeting, slot, _parties(meeting))
    _propose_interpreter(meeting)
    meeting.save()
    return meeting


def _answering(actor, meeting: Meeting) -> str:
    side = side_of(actor, meeting)
    if meeting.status not in (Meeting.Status.REQUESTED, Meeting.Status.PROPOSED):
        raise DomainError("meeting.not_pending", _("This meeting is not waiting for an answer."))
    if side != ORGANIZER and side != meeting.awaiting:
        raise DomainError("meeting.not_your_turn", _("The other side has to answer this."))
    return side


@transaction.atomic
def meeting_accept(*, actor, meeting: Meeting) -> Meeting:
    meeting = _locked(meeting)
    side = _answering(actor, meeting)
    if side == EXHIBITOR:
        meeting.exhibitor = _staff_of(actor, meeting.booth)
    meeting.status, meeting.awaiting = Meeting.Status.ACCEPTED, ""
    meeting.sequence += 1
    if meeting.interpreter_status in (Meeting.InterpreterStatus.NEEDED, Meeting.InterpreterStatus.PROPOSED):
        _propose_interpreter(meeting)
    meeting.save()
    _announce(meeting, actor=actor, kind=protocol.MEETING_ACCEPTED, invite=True)
    return meeting


@transaction.atomic
def meeting_decline(*, actor, meeting: Meeting, reason: str) -> Meeting:
    meeting = _locked(meeting)
    side = _answering(actor, meeting)
    meeting.reason = _clean_text(reason, required=True)
    if side == EXHIBITOR:
        meeting.exhibitor = _staff_of(actor, meeting.booth)
    meeting.status, meeting.awaiting = Meeting.Status.DECLINED, ""
    meeting.sequence += 1
    _release_seats(meeting)
    meeting.save()
    _announce(meeting, actor=actor, kind=protocol.MEETING_DECLINED, cancel_invite=meeting.invited)
    return meeting


def _move(actor, meeting: Meeting, slot: Slot, message: str, kind: str, side: str) -> Meeting:
    if slot.pk == meeting.slot_id:
        raise DomainError("meeting.same_slot", _("That is the current time."))
    _check_slot(slot, meeting.fair)
    _check_mutually_free(meeting, slot)
    was_invited = meeting.invited
    _move_seats(meeting, slot)
    meeting.slot = slot
    meeting.message = _clean_text(message) or meeting.message
    meeting.status = Meeting.Status.PROPOSED
    meeting.awaiting = BUYER if side == ORGANIZER else _other(side)
    meeting.sequence += 1
    if meeting.interpreter_status != Meeting.InterpreterStatus.NOT_NEEDED:
        _propose_interpreter(meeting)
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError:
        raise _pair_open_error() from None
    _announce(meeting, actor=actor, kind=kind, invite=was_invited)
    return meeting


@transaction.atomic
def meeting_propose(*, actor, meeting: Meeting, slot: Slot, message: str = "") -> Meeting:
    """Answer a request (or a counter-proposal) with another slot; the other side then accepts or declines."""
    meeting = _locked(meeting)
    side = _answering(actor, meeting)
    return _move(actor, meeting, slot, message, protocol.MEETING_PROPOSED, side)


@transaction.atomic
def meeting_reschedule(*, actor, meeting: Meeting, slot: Slot, message: str = "") -> Meeting:
    """Move an accepted meeting; the other side confirms the new time."""
    meeting = _locked(meeting)
    side = side_of(actor, meeting)
    if meeting.status != Meeting.Status.ACCEPTED:
        raise DomainError("meeting.not_accepted", _("Only an accepted meeting can be rescheduled."))
    return _move(actor, meeting, slot, message, protocol.MEETING_RESCHEDULED, side)


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting, reason: str) -> Meeting:
    meeting = _locked(meeting)
    side_of(actor, meeting)
    if not meeting.is_active:
        raise DomainError("meeting.closed", _("This meeting is no longer open."))
    meeting.reason = _clean_text(reason, required=True)
    meeting.status, meeting.awaiting = Meeting.Status.CANCELLED, ""
    meeting.sequence += 1
    _release_seats(meeting)
    meeting.save()
    _announce(meeting, actor=actor, kind=protocol.MEETING_CANCELLED, cancel_invite=meeting.invited)
    return meeting


def _staff_of(actor, booth: Booth) -> Participant | None:
    return Participant.objects.filter(user=actor, booth=booth, role=Participant.Role.EXHIBITOR).first()


# --- after the meeting ----------------------------------------------------------------------


@transaction.atomic
def meeting_mark_held(*, actor, meeting: Meeting, held: bool, by_room: bool = False) -> Meeting:
    """Record that the meeting took place (or that someone did not show up).

    By hand (``actor`` one of its sides or an organizer), or by the video room (``by_room=True``,
    no actor: meetings/room.py, after both sides were in the call together, or when it closed).
    """
    meeting = _locked(meeting)
    if not by_room:
        side_of(actor, meeting)
    if meeting.status not in (Meeting.Status.ACCEPTED, Meeting.Status.HELD, Meeting.Status.NO_SHOW):
        raise DomainError("meeting.not_accepted", _("Only an accepted meeting can be held."))
    if meeting.slot.starts_at > timezone.now():
        raise DomainError("meeting.not_started", _("The meeting has not started yet."))
    meeting.status = Meeting.Status.HELD if held else Meeting.Status.NO_SHOW
    meeting.save()
    if held:
        Interaction.objects.get_or_create(
            fair=meeting.fair,
            buyer=meeting.buyer,
            booth=meeting.booth,
            kind=Interaction.Kind.MEETING_HELD,
            at=meeting.slot.starts_at,
        )
    else:
        Interaction.objects.filter(
            buyer=meeting.buyer,
            booth=meeting.booth,
            kind=Interaction.Kind.MEETING_HELD,
            at=meeting.slot.starts_at,
        ).delete()
    return meeting


@transaction.atomic
def outcome_record(
    *,
    actor,
    meeting: Meeting,
    rating: int | None = None,
    notes: str = "",
    interest_level: int | None = None,
    deal_size_usd: Decimal | None = None,
    follow_up_on: date | None = None,
) -> Outcome:
    """One side's rating and private notes; the buyer's interest, deal size and follow-up date."""
    meeting = _locked(meeting)
    side = side_of(actor, meeting)
    if side == ORGANIZER:
        raise PermissionDenied("meeting.denied", _("Only the buyer or the exhibitor rate a meeting."))
    if meeting.status != Meeting.Status.HELD:
        raise DomainError("meeting.not_held", _("Mark the meeting as held first."))
    if rating is not None and not (1 <= int(rating) <= 5):
        raise DomainError("meeting.bad_rating", _("A rating is 1 to 5 stars."))
    if interest_level is not None and int(interest_level) not in Outcome.Interest.values:
        raise DomainError("meeting.bad_interest", _("Interest is 0 (none) to 3 (high)."))
    if deal_size_usd is not None:
        deal_size_usd = Decimal(str(deal_size_usd))
        if deal_size_usd < 0 or deal_size_usd >= Decimal("1e12"):
            raise DomainError("meeting.bad_deal_size", _("A deal size is a positive amount in USD."))
    if side != BUYER and interest_level is not None:
        raise DomainError("meeting.bad_interest", _("The buyer states its own interest."))
    outcome, _created = Outcome.objects.update_or_create(
        meeting=meeting,
        side=side,
        defaults={
            "author": actor,
            "rating": rating,
            "notes": _clean_text(notes),
            "interest_level": interest_level,
            "deal_size_usd": deal_size_usd,
            "follow_up_on": follow_up_on,
        },
    )
    if deal_size_usd:
        Interaction.objects.get_or_create(
            fair=meeting.fair,
            buyer=meeting.buyer,
            booth=meeting.booth,
            kind=Interaction.Kind.DEAL,
            at=meeting.slot.ends_at,
        )
    return outcome


# --- calendar feed ----------------------------------------------------------------------------


def feed_get_or_create(*, user) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def feed_revoke(*, user) -> CalendarFeed:
    """The old URL stops working at once; a new one is issued."""
    CalendarFeed.objects.filter(user=user).delete()
    return CalendarFeed.objects.create(user=user)


# --- auto-matchmaking rounds ---------------------------------------------


@dataclass(frozen=True)
class RoundResult:
    round: Round
    proposals: int
    total_score: float


@transaction.atomic
def round_run(
    *, actor, fair: Fair, scores: Mapping[tuple[int, int], float] | None = None, time_limit: float = 20.0
) -> RoundResult:
    """Propose a timetable (a draft round) from mutual interest, availability and the daily limit."""
    from meetings import scheduler
    from meetings.selectors import round_problem

    require(actor, "fair:organize", fair)
    problem = round_problem(fair=fair, scores=scores or {})
    solution = scheduler.schedule(problem, time_limit=time_limit)
    rnd = Round.objects.create(fair=fair, created_by=actor, total_score=solution.total_score)
    RoundProposal.objects.bulk_create(
        [
            RoundProposal(
                round=rnd,
                buyer_id=a.buyer,
                booth_id=a.exhibitor,
                slot_id=a.slot,
                interpreter_id=a.interpreter,
                score=a.score,
            )
            for a in solution.assignments
        ]
    )
    return RoundResult(round=rnd, proposals=len(solution.assignments), total_score=solution.total_score)


@transaction.atomic
def round_edit(*, actor, proposal: RoundProposal, slot: Slot | None = None, remove: bool = False) -> None:
    rnd = Round.objects.select_for_update().get(pk=proposal.round_id)
    require(actor, "fair:organize", rnd.fair)
    if rnd.status != Round.Status.DRAFT:
        raise DomainError("round.published", _("This round is already published."))
    if remove:
        proposal.delete()
        return
    if slot is not None:
        if slot.fair_id != rnd.fair_id:
            raise DomainError("meeting.no_such_slot", _("That slot does not belong to this fair."))
        clash = (
            RoundProposal.objects.filter(round=rnd, slot=slot)
            .exclude(pk=proposal.pk)
            .filter(models_q_party(proposal))
        )
        if clash.exists():
            raise _slot_taken()
        proposal.slot = slot
        proposal.save(update_fields=["slot"])


def models_q_party(proposal: RoundProposal):
    from django.db.models import Q

    q = Q(buyer_id=proposal.buyer_id) | Q(booth_id=proposal.booth_id)
    if proposal.interpreter_id:
        q |= Q(interpreter_id=proposal.interpreter_id)
    return q


@transaction.atomic
def round_publish(*, actor, round: Round) -> dict:
    """Turn the proposals into accepted meetings; a proposal that clashes with a newer booking is skipped."""
    rnd = Round.objects.select_for_update().get(pk=round.pk)
    require(actor, "fair:organize", rnd.fair)
    if rnd.status != Round.Status.DRAFT:
        raise DomainError("round.published", _("This round is already published."))
    made, skipped = 0, 0
    for proposal in rnd.proposals.select_related("buyer__user", "booth__company", "slot", "interpreter"):
        try:
            with transaction.atomic():
                meeting = Meeting.objects.create(
                    fair=rnd.fair,
                    buyer=proposal.buyer,
                    booth=proposal.booth,
                    slot=proposal.slot,
                    created_by=actor,
                    status=Meeting.Status.ACCEPTED,
                    sequence=1,
                    message=_("Scheduled by the organizer's matchmaking round."),
                )
                _take_seats(meeting, proposal.slot, _parties(meeting))
                if proposal.interpreter_id:
                    _seat_interpreter(meeting, proposal.interpreter)
                elif needs_interpreter(buyer=meeting.buyer, booth=meeting.booth):
                    meeting.interpreter_status = Meeting.InterpreterStatus.NEEDED
                meeting.save()
        except DomainError:
            skipped += 1
            continue
        proposal.meeting = meeting
        proposal.save(update_fields=["meeting"])
        made += 1
        _announce(meeting, actor=actor, kind=protocol.ROUND_PUBLISHED, invite=True)
    rnd.status, rnd.published_at = Round.Status.PUBLISHED, timezone.now()
    rnd.save()
    return {"meetings": made, "skipped": skipped}


# --- telling people ---------------------------------------------------------------------------


def _announce(
    meeting: Meeting, *, actor, kind: str, invite: bool = False, cancel_invite: bool = False
) -> None:
    """Emit the meeting's event (``kind``, a meetings.protocol type); meetings/notifications.py tells
    the people through the outbox. An invitation marks the meeting invited (its ICS was sent)."""
    if invite and not meeting.invited:
        meeting.invited = True
        Meeting.objects.filter(pk=meeting.pk).update(invited=True)
    events.emit(
        kind,
        fair_id=meeting.fair_id,
        subject=meeting,
        actor=actor,
        status=meeting.status,
        invite=invite,
        cancel_invite=cancel_invite,
    )
