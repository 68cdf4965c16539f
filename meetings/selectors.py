"""Reads of the meetings app: free slots, schedules, what one side may see, the input of a round."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from exhibitors.models import Booth
from fair.models import Fair, Interaction, Participant, SourcingProfile, User
from kernel import consent
from matching.models import Mark
from meetings.models import Availability, CalendarFeed, Meeting, Outcome, Seat, Slot


def buyer_languages(buyer: Participant) -> set[str]:
    langs = set(buyer.languages or [])
    sourcing = getattr(buyer, "sourcing", None) if hasattr(buyer, "sourcing") else None
    if sourcing is not None:
        langs |= set(sourcing.languages or [])
    if buyer.company_id:
        langs |= set(buyer.company.languages or [])
    return langs


def booth_languages(booth: Booth) -> set[str]:
    langs = set(booth.company.languages or [])
    approved = getattr(booth, "approved_staff", None)  # prefetched by schedule_for: no query per meeting
    if approved is not None:
        staff_langs = [s.languages for s in approved]
    else:
        staff_langs = booth.staff.filter(status=Participant.Status.APPROVED).values_list(
            "languages", flat=True
        )
    for one in staff_langs:
        langs |= set(one or [])
    return langs


def meeting_payload(meeting: Meeting, kind: str) -> dict:
    return {
        "type": kind,
        "meeting": {
            "id": meeting.pk,
            "status": meeting.status,
            "awaiting": meeting.awaiting,
            "starts_at": meeting.slot.starts_at.isoformat(),
            "ends_at": meeting.slot.ends_at.isoformat(),
            "buyer": str(meeting.buyer.company or meeting.buyer.user),
            "booth": meeting.booth.company.name,
            "interpreter_status": meeting.interpreter_status,
            "reason": meeting.reason,
        },
    }


def people(meeting: Meeting, *, with_organizers: bool = True) -> list[tuple[object, str]]:
    """(user, the zone of the other side) for everyone in the meeting."""
    buyer_user = meeting.buyer.user
    approved = getattr(meeting.booth, "approved_staff", None)  # prefetched by schedule_for
    if approved is None:
        approved = meeting.booth.staff.filter(
            status=Participant.Status.APPROVED, user__isnull=False
        ).select_related("user")
    staff = [s.user for s in approved]
    booth_zone = staff[0].time_zone if staff else meeting.fair.time_zone
    buyer_zone = buyer_user.time_zone if buyer_user else meeting.fair.time_zone
    people = [(buyer_user, booth_zone)] if buyer_user else []
    people += [(u, buyer_zone) for u in staff]
    if meeting.interpreter_status == Meeting.InterpreterStatus.CONFIRMED and meeting.interpreter.user_id:
        people.append((meeting.interpreter.user, meeting.fair.time_zone))
    elif with_organizers and meeting.interpreter_status == Meeting.InterpreterStatus.PROPOSED:
        # The organizers are the ones to confirm.
        for org in Participant.objects.filter(
            fair=meeting.fair,
            role=Participant.Role.ORGANIZER,
            status=Participant.Status.APPROVED,
            user__isnull=False,
        ).select_related("user"):
            people.append((org.user, buyer_zone))
    return people


def slots_of(*, fair: Fair) -> QuerySet[Slot]:
    return Slot.objects.filter(fair=fair, retired=False).order_by("starts_at")


def _free_slot_ids(**party) -> set[int]:
    available = set(Availability.objects.filter(**party).values_list("slot_id", flat=True))
    return available - set(Seat.objects.filter(**party).values_list("slot_id", flat=True))


def weekly_hours_free(*, buyer: Participant, booth: Booth) -> set[int]:
    """In a fair open all year, outside its days: the slots the booth's weekly hours opened
    (rfq/standing.py marks the booth available in them) that neither side has booked. The buyer
    publishes no availability there: choosing such a time says they are free then
    (``services.weekly_hours_claim``)."""
    fair = booth.fair
    if not fair.permanent:
        return set()
    ids = set(
        Availability.objects.filter(booth=booth)
        .filter(Q(slot__day__lt=fair.starts_on) | Q(slot__day__gt=fair.ends_on))
        .values_list("slot_id", flat=True)
    )
    taken = Seat.objects.filter(Q(booth=booth) | Q(participant=buyer), slot_id__in=ids)
    return ids - set(taken.values_list("slot_id", flat=True))


def slots_mutually_free(*, buyer: Participant, booth: Booth) -> QuerySet[Slot]:
    """The slots to offer a buyer for a booth: both available, neither booked, not begun; in a fair
    open all year, also the booth's weekly hours outside the fair's days (``weekly_hours_free``)."""
    ids = _free_slot_ids(participant=buyer) & _free_slot_ids(booth=booth)
    ids |= weekly_hours_free(buyer=buyer, booth=booth)
    return Slot.objects.filter(
        pk__in=ids, fair_id=buyer.fair_id, retired=False, starts_at__gt=timezone.now()
    ).order_by("starts_at")


def availability_of(*, participant: Participant | None = None, booth: Booth | None = None) -> set[int]:
    party = {"participant": participant} if participant is not None else {"booth": booth}
    return set(Availability.objects.filter(**party).values_list("slot_id", flat=True))


def meeting_get(*, meeting_id: int) -> Meeting:
    return Meeting.objects.select_related(
        "fair", "buyer__user", "buyer__company", "booth__company", "slot", "interpreter__user"
    ).get(pk=meeting_id)


def schedule_for(*, user, fair: Fair | None = None, include_closed: bool = False) -> QuerySet[Meeting]:
    """Every meeting the user takes part in: as buyer, as staff of the booth, or as confirmed interpreter."""
    parts = Participant.objects.filter(user=user, status=Participant.Status.APPROVED)
    if fair is not None:
        parts = parts.filter(fair=fair)
    booths = parts.filter(role=Participant.Role.EXHIBITOR, booth__isnull=False).values("booth_id")
    q = (
        Q(buyer__in=parts.filter(role=Participant.Role.BUYER))
        | Q(booth__in=booths)
        | Q(interpreter__in=parts.filter(role=Participant.Role.INTERPRETER), interpreter_status="confirmed")
    )
    statuses = list(Meeting.ACTIVE) + [Meeting.Status.HELD, Meeting.Status.NO_SHOW]
    if include_closed:
        statuses += [Meeting.Status.CANCELLED, Meeting.Status.DECLINED]
    return (
        Meeting.objects.filter(q, status__in=statuses)
        .select_related(
            "fair", "buyer__user", "buyer__company", "booth__company", "slot", "interpreter__user"
        )
        .prefetch_related(_approved_staff())
        .order_by("slot__starts_at", "id")
    )  # no DISTINCT: every condition is a subquery on the meeting's own columns, so no row repeats,
    # and DISTINCT over eight joined tables cost PostgreSQL ~10 ms of planning per agenda


def _approved_staff() -> Prefetch:
    """Each meeting's booth staff in one query for the whole list (people() reads them)."""
    return Prefetch(
        "booth__staff",
        queryset=Participant.objects.filter(status=Participant.Status.APPROVED, user__isnull=False)
        .select_related("user")
        .order_by("pk"),
        to_attr="approved_staff",
    )


def interpreter_schedule(*, interpreter: Participant) -> QuerySet[Meeting]:
    return Meeting.objects.filter(
        interpreter=interpreter,
        interpreter_status="confirmed",
        status__in=Meeting.ACTIVE + (Meeting.Status.HELD,),
    ).select_related("slot", "buyer__company", "booth__company")


def meetings_needing_interpreter(*, fair: Fair) -> QuerySet[Meeting]:
    """For the organizer: active meetings whose interpreter is proposed but not confirmed, or missing."""
    return Meeting.objects.filter(
        fair=fair, status__in=Meeting.ACTIVE, interpreter_status__in=["needed", "proposed"]
    ).select_related("slot", "interpreter__user", "buyer__company", "booth__company")


def outcome_visible(*, meeting: Meeting, side: str) -> Outcome | None:
    """A side sees its own notes only."""
    return Outcome.objects.filter(meeting=meeting, side=side).first()


def feed_user(*, token: str):
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    return feed.user if feed is not None and feed.user.is_active else None


def meeting_for(*, meeting: Meeting, viewer) -> dict:
    """A meeting as one viewer sees it: in their zone, with the other side's local time next to it."""
    zones = {u.pk: z for u, z in people(meeting)}
    other_zone = zones.get(viewer.pk, meeting.fair.time_zone)
    data = meeting_payload(meeting, "meeting")["meeting"]
    data["when"] = _when(meeting, viewer, other_zone)
    return data


def _when(meeting: Meeting, viewer, other_zone: str) -> str:
    from meetings.slots import format_dual

    return format_dual(meeting.slot.starts_at, viewer_zone=viewer.time_zone, other_zone=other_zone)


MARK_BONUS = {Mark.Value.MUST_MEET: 2.0, Mark.Value.INTERESTED: 1.0}


def round_problem(*, fair: Fair, scores: Mapping[tuple[int, int], float]):
    """Build the scheduler's input from the database.

    Candidate pairs: any pair with an open request, an 'interested' mark, or a
    score from the matching engine. Score: the engine's score (0 without one)
    plus 1 per side that marked interest and 1 for a request.
    """
    from meetings import scheduler

    slots = list(
        Slot.objects.filter(fair=fair, retired=False, starts_at__gt=timezone.now()).order_by("starts_at")
    )
    slot_ids = {s.pk for s in slots}
    score: dict[tuple[int, int], float] = {k: float(v) for k, v in scores.items()}
    no_thanks = set()
    for buyer_id, booth_id, value in Mark.objects.filter(fair=fair).values_list(
        "buyer_id", "booth_id", "value"
    ):
        if value == Mark.Value.NO_THANKS:
            no_thanks.add((buyer_id, booth_id))
        else:
            bonus = MARK_BONUS[value]
            score[(buyer_id, booth_id)] = score.get((buyer_id, booth_id), 0.0) + bonus
    for buyer_id, booth_id in (
        Interaction.objects.filter(fair=fair, kind=Interaction.Kind.MEETING_REQUEST)
        .values_list("buyer_id", "booth_id")
        .distinct()
    ):
        score[(buyer_id, booth_id)] = score.get((buyer_id, booth_id), 0.0) + 1.0
    # A "no thanks" from either side removes the pair;
    # pairs that already meet (or met) are not scheduled again.
    for pair in no_thanks:
        score.pop(pair, None)
    for pair in Meeting.objects.filter(
        fair=fair, status__in=Meeting.ACTIVE + (Meeting.Status.HELD,)
    ).values_list("buyer_id", "booth_id"):
        score.pop(pair, None)

    buyers = {
        p.pk: p
        for p in Participant.objects.filter(
            fair=fair, role="buyer", status="approved", pk__in={b for b, _e in score}
        ).select_related("company", "sourcing")
    }
    booths = {
        b.pk: b
        for b in Booth.objects.filter(
            fair=fair, status="published", pk__in={e for _b, e in score}
        ).select_related("company")
    }
    interpreters = {
        p.pk: p for p in Participant.objects.filter(fair=fair, role="interpreter", status="approved")
    }

    def free(**party_filter) -> dict[int, set[int]]:
        out: dict[int, set[int]] = {}
        for owner, slot_id in Availability.objects.filter(slot__fair=fair, **party_filter).values_list(
            next(iter(party_filter)).split("__")[0] + "_id", "slot_id"
        ):
            out.setdefault(owner, set()).add(slot_id)
        for owner, slot_id in Seat.objects.filter(slot__fair=fair, **party_filter).values_list(
            next(iter(party_filter)).split("__")[0] + "_id", "slot_id"
        ):
            out.get(owner, set()).discard(slot_id)
        return {k: v & slot_ids for k, v in out.items()}

    buyer_free = free(participant__in=list(buyers))
    interpreter_free = free(participant__in=list(interpreters))
    booth_free = free(booth__in=list(booths))
    booked: dict = {}
    for seat in Seat.objects.filter(slot__fair=fair).select_related("slot", "participant"):
        if seat.booth_id:
            key = ("e", seat.booth_id, seat.slot.day)
        elif seat.participant.role == "interpreter":
            key = ("i", seat.participant_id, seat.slot.day)
        else:
            key = ("b", seat.participant_id, seat.slot.day)
        booked[key] = booked.get(key, 0) + 1

    pairs = []
    booth_langs = {pk: booth_languages(b) for pk, b in booths.items()}
    for (buyer_id, booth_id), value in sorted(score.items()):
        if buyer_id not in buyers or booth_id not in booths:
            continue
        a, b = buyer_languages(buyers[buyer_id]), booth_langs[booth_id]
        needed = None
        if a and b and not (a & b):
            needed = frozenset(
                pk
                for pk, p in interpreters.items()
                if set(p.languages or []) & a and set(p.languages or []) & b
            )
        pairs.append(scheduler.Pair(buyer=buyer_id, exhibitor=booth_id, score=value, interpreters=needed))
    return scheduler.Problem(
        slots=[s.pk for s in slots],
        slot_day={s.pk: s.day for s in slots},
        pairs=pairs,
        buyer_free=buyer_free,
        exhibitor_free=booth_free,
        interpreter_free=interpreter_free,
        daily_limit=fair.max_meetings_per_day,
        booked=booked,
    )


def booth_time_zone(*, booth: Booth) -> str:
    """The zone the booth's staff live in: its first approved staff member's who chose one, else the
    fair's. An account's default zone (UTC) is not a choice: "09:00 in UTC" tells a buyer nothing."""
    unset = User._meta.get_field("time_zone").default
    zone = (
        Participant.objects.filter(booth=booth, role="exhibitor", status="approved", user__isnull=False)
        .exclude(user__time_zone=unset)
        .order_by("pk")
        .values_list("user__time_zone", flat=True)
        .first()
    )
    return zone or booth.fair.time_zone


def other_zone_for(*, meeting: Meeting, viewer) -> str:
    """The zone of the other side, as the viewer sees the meeting (the fair's for anyone outside it)."""
    return dict((u.pk, z) for u, z in people(meeting)).get(viewer.pk, meeting.fair.time_zone)


def staff_booth_ids(*, user, fair: Fair | None = None) -> set[int]:
    parts = Participant.objects.filter(user=user, role="exhibitor", status="approved", booth__isnull=False)
    if fair is not None:
        parts = parts.filter(fair=fair)
    return set(parts.values_list("booth_id", flat=True))


def fair_meetings(*, fair: Fair, status: str | None = None) -> QuerySet[Meeting]:
    """For the organizer: every meeting of the fair, optionally of one status."""
    qs = Meeting.objects.filter(fair=fair).select_related(
        "slot", "buyer__user", "buyer__company", "booth__company", "interpreter__user"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("slot__starts_at", "id")


def round_latest(*, fair: Fair):
    from meetings.models import Round

    return Round.objects.filter(fair=fair).first()


# --- the outcome ledger ---------------------------------------------------------------------


def ledger_totals(fair: Fair) -> dict:
    """The outcome ledger's headline figures for one fair (the organizer's dashboard reads these).

    ``deals``: buyer-booth pairs with an order or a contract; ``usd_by_stage``: the sum of value_usd
    for each stage (every stage present, 0 when nothing was recorded); ``updates_by_stage``: how many
    updates; ``deal_usd``: the order and contract values together. Amounts are Decimals in USD.
    """
    from decimal import Decimal

    from django.db.models import Count, Sum

    from meetings.models import LeadUpdate

    rows = (
        LeadUpdate.objects.filter(meeting__fair=fair)
        .values("stage")
        .annotate(n=Count("id"), usd=Sum("value_usd"))
    )
    usd = {stage: Decimal("0") for stage in LeadUpdate.Stage.values}
    counts = dict.fromkeys(LeadUpdate.Stage.values, 0)
    for row in rows:
        usd[row["stage"]] = row["usd"] or Decimal("0")
        counts[row["stage"]] = row["n"]
    deals = (
        LeadUpdate.objects.filter(meeting__fair=fair, stage__in=LeadUpdate.DEAL_STAGES)
        .values("meeting__buyer_id", "meeting__booth_id")
        .distinct()
        .count()
    )
    return {
        "deals": deals,
        "usd_by_stage": usd,
        "updates_by_stage": counts,
        "deal_usd": sum((usd[s] for s in LeadUpdate.DEAL_STAGES), Decimal("0")),
    }


def lead_updates_of(*, meeting: Meeting):
    """A meeting's ledger, oldest first: for the booth's staff only (the notes are private)."""
    from meetings.models import LeadUpdate

    updates = LeadUpdate.objects.filter(meeting=meeting).select_related("created_by")
    return updates.order_by("on", "created_at")


def currency_rates_of(*, fair: Fair):
    from meetings.models import FairCurrencyRate

    return FairCurrencyRate.objects.filter(fair=fair).order_by("currency")


KNOCK_OFFERS = 3  # how many meeting slots a missed knock offers the buyer


def knock_offers(*, knock, limit: int = KNOCK_OFFERS) -> tuple[int, list[dict]] | None:
    """After a missed knock: (the buyer's user id, the next slots the buyer and the booth are both
    free in), each labelled in the buyer's zone and language with the booking page that picks it.
    The list is empty when no slot is free; None for a knock whose buyer is not an approved buyer."""
    from django.urls import reverse
    from django.utils import translation

    from meetings.slots import format_dual

    buyer = Participant.objects.select_related("user", "fair").filter(pk=knock.buyer_id).first()
    if (
        buyer is None
        or buyer.user is None
        or buyer.role != Participant.Role.BUYER
        or buyer.status != Participant.Status.APPROVED
    ):
        return None
    booth = Booth.objects.select_related("fair").get(pk=knock.booth_id)
    slots = list(slots_mutually_free(buyer=buyer, booth=booth)[:limit])
    other_zone = booth_time_zone(booth=booth)
    book_url = reverse("meeting_book", args=[booth.fair.slug, booth.pk])
    with translation.override(buyer.user.language or None):
        offers = [
            {
                "id": slot.pk,
                "starts_at": slot.starts_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                "label": format_dual(slot.starts_at, viewer_zone=buyer.user.time_zone, other_zone=other_zone),
                "url": f"{book_url}?slot={slot.pk}",
            }
            for slot in slots
        ]
    return buyer.user_id, offers


# --- what one side sees of the other ------------------------------------------------------------


def buyer_profile(buyer: Participant) -> dict:
    """What a booth's staff see of a buyer: company, country, languages, what it sources (no contact)."""
    sourcing = SourcingProfile.objects.filter(buyer=buyer).first()
    company = buyer.company
    return {
        "kind": "buyer",
        "name": company.name if company else str(buyer.user or ""),
        "country": str(company.country) if company else "",
        "size": company.get_size_display() if company and company.size else "",
        "languages": sorted(buyer_languages(buyer)),
        "hs_codes": list(sourcing.hs_codes) if sourcing else [],
        "certifications": list(sourcing.required_certifications) if sourcing else [],
        "description": (sourcing.description if sourcing else "") or (company.description if company else ""),
    }


def booth_profile(booth: Booth) -> dict:
    """What a buyer sees of a booth: company, country, languages, what it sells."""
    company = booth.company
    return {
        "kind": "booth",
        "name": company.name,
        "country": str(company.country),
        "size": company.get_size_display() if company.size else "",
        "languages": sorted(booth_languages(booth)),
        "hs_codes": list(booth.hs_codes or []),
        "certifications": list(company.certifications or []),
        "description": booth.tagline or company.description,
    }


def other_side_profile(*, meeting: Meeting, side: str | None) -> dict:
    """The profile of the other side of ``meeting`` for a viewer on ``side`` (an organizer and an
    interpreter see the buyer's: the booth is on its own page)."""
    return booth_profile(meeting.booth) if side == "buyer" else buyer_profile(meeting.buyer)


def booth_hs_codes(booth: Booth) -> set[str]:
    """What a booth sells: its own HS codes and its products' (prefetched as product_codes by
    profile_matches: no query per booth)."""
    products = getattr(booth, "product_codes", None)
    codes = (
        [p.hs_code for p in products]
        if products is not None
        else booth.products.values_list("hs_code", flat=True)
    )
    return set(booth.hs_codes or []) | set(codes)


def profile_matches(*, buyer: Participant, limit: int = 20) -> list[tuple[Booth, list[dict]]]:
    """Published booths that sell what the buyer sources, with the reasons: the recommendations a
    fair shows before its matching model is first trained. A constant number of queries: the
    products' codes and the booths' staff come in one query each."""
    from exhibitors.models import Product

    profile = buyer_profile(buyer)
    wanted = set(profile["hs_codes"])
    if not wanted:
        return []
    out = []
    booths = (
        Booth.objects.filter(fair_id=buyer.fair_id, status=Booth.Status.PUBLISHED)
        .select_related("company", "hall")
        .prefetch_related(
            Prefetch(
                "products",
                queryset=Product.objects.only("id", "booth_id", "hs_code"),
                to_attr="product_codes",
            ),
            Prefetch(
                "staff",
                queryset=Participant.objects.filter(status=Participant.Status.APPROVED).only(
                    "id", "booth_id", "languages"
                ),
                to_attr="approved_staff",
            ),
        )
        .order_by("pk")
    )
    for booth in booths:
        offered = booth_hs_codes(booth)
        if any(code.startswith(w) or w.startswith(code) for code in offered for w in wanted):
            out.append((booth, pair_reasons(buyer=buyer, booth=booth, profile=profile)))
        if len(out) >= limit:
            break
    return out


def pair_reasons(*, buyer: Participant, booth: Booth, profile: dict | None = None) -> list[dict]:
    """Why a buyer and a booth fit, from their profiles alone (what the pages show when the fair's
    recommender has no model yet): shared products, shared languages, the booth's target markets.
    ``profile``: the buyer's profile (buyer_profile), when the caller already has it."""
    from django.utils.translation import get_language
    from django.utils.translation import gettext as _

    from fair import hs, vocab

    out = []
    profile = profile if profile is not None else buyer_profile(buyer)
    wanted = set(profile["hs_codes"])
    offered = booth_hs_codes(booth)
    shared = sorted(code for code in offered if any(code.startswith(w) or w.startswith(code) for w in wanted))
    if shared:
        names = ", ".join(hs.hs_label(code) for code in shared[:3])
        out.append(
            {"code": "hs", "sign": 1, "text": _("Sells what the buyer sources: %(names)s") % {"names": names}}
        )
    elif wanted and offered:
        out.append({"code": "hs", "sign": -1, "text": _("No product in common yet.")})
    langs = set(profile["languages"]) & booth_languages(booth)
    if langs:
        out.append(
            {
                "code": "language",
                "sign": 1,
                "text": _("A language in common: %(codes)s")
                % {"codes": ", ".join(vocab.language_name_in(c, get_language()) for c in sorted(langs))},
            }
        )
    elif profile["languages"]:
        out.append(
            {"code": "language", "sign": 0, "text": _("No language in common: an interpreter can help.")}
        )
    markets = set(booth.target_markets or [])
    if profile["country"] and profile["country"] in markets:
        out.append(
            {
                "code": "market",
                "sign": 1,
                "text": _("The buyer's country is one of the booth's target markets."),
            }
        )
    return out


AGREED_STATUSES = (Meeting.Status.ACCEPTED, Meeting.Status.HELD, Meeting.Status.NO_SHOW)


def other_side_contacts(*, meeting: Meeting, side: str | None) -> list[tuple[str, str]]:
    """(name, e-mail) of the other side's people who agreed to share their address (kernel/consent.py),
    once the meeting is agreed; nothing before, and nothing for an organizer looking on."""
    if meeting.status not in AGREED_STATUSES or side not in ("buyer", "exhibitor"):
        return []
    if side == "exhibitor":
        people = [meeting.buyer.user] if meeting.buyer.user_id else []
    else:
        people = [
            p.user
            for p in meeting.booth.staff.filter(status=Participant.Status.APPROVED, user__isnull=False)
            .select_related("user")
            .order_by("pk")
        ]
    people = [u for u in people if u.is_active and u.email]
    sharing = consent.users_with(consent.CONTACT, [u.pk for u in people], granted=True)
    return [(str(u), u.email) for u in people if u.pk in sharing]
