"""Reads of sourcing requests: lists per person, the comparison of quotes in the buyer's currency, and
the organizer's figures of RFQ traffic.

Conversion uses the rates the organizer keeps on the fair (meetings.FairCurrencyRate: USD per unit,
stamped with the day it was set): amount x usd_per_unit(from) / usd_per_unit(to). The comparison says
which day's rates it used; a currency without a rate is shown unconverted, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Min, Q, QuerySet

from fair.access import roles_in
from fair.models import Fair, Participant
from meetings.models import FairCurrencyRate
from rfq.access import ORGANIZER, is_buyer_of
from rfq.models import Invitation, Quote, QuoteVersion, Rfq


@dataclass(frozen=True)
class Rates:
    usd_per_unit: dict[str, Decimal]
    on: date | None  # the day of the newest rate used

    def convert(self, amount: Decimal, source: str, target: str) -> Decimal | None:
        if source == target:
            return amount
        src = Decimal(1) if source == "USD" else self.usd_per_unit.get(source)
        dst = Decimal(1) if target == "USD" else self.usd_per_unit.get(target)
        if src is None or dst is None:
            return None
        return amount * src / dst

    def day_of(self, *currencies: str) -> date | None:
        return self.on


def rates_of(fair: Fair) -> Rates:
    rows = list(
        FairCurrencyRate.objects.filter(fair=fair).values_list("currency", "usd_per_unit", "updated_at")
    )
    newest = max((r[2] for r in rows), default=None)
    return Rates({c: r for c, r, _at in rows}, newest.astimezone(fair.zone).date() if newest else None)


def money(value: Decimal | None, currency: str) -> str:
    """An amount for a page: whole units for currencies without minor units (KRW, IDR, JPY), else 2."""
    if value is None:
        return "—"
    places = 0 if currency in ZERO_DECIMALS or abs(value) >= 1000 else 2
    q = Decimal(1).scaleb(-places)
    return f"{value.quantize(q, rounding=ROUND_HALF_UP):,} {currency}"


ZERO_DECIMALS = {"KRW", "IDR", "JPY", "VND", "CLP", "ISK", "PYG", "UGX"}


def compare(rfq: Rfq, *, currency: str) -> dict:
    """Every quote of the request side by side, each unit price and total converted to ``currency``."""
    rates = rates_of(rfq.fair)
    rows = []
    quotes = list(
        rfq.quotes.select_related("booth__company")
        .prefetch_related("versions")
        .order_by("submitted_at", "pk")
    )
    for q in quotes:
        unit = rates.convert(q.unit_price, q.currency, currency) if q.unit_price is not None else None
        total = unit * rfq.quantity if unit is not None else None
        rows.append(
            {
                "quote": q,
                "unit_price": money(q.unit_price, q.currency) if q.unit_price is not None else "—",
                "converted_unit": money(unit, currency) if unit is not None else None,
                "converted_total": money(total, currency) if total is not None else None,
                "sort": unit,
                "versions": len(q.versions.all()),
            }
        )
    priced = [r for r in rows if r["sort"] is not None and r["quote"].status != Quote.Status.DECLINED]
    best = min(priced, key=lambda r: r["sort"])["quote"].pk if priced else None
    return {"rows": rows, "currency": currency, "rates_on": rates.on, "best": best}


def consultation_slots(*, buyer: Participant, booth, limit: int = 6) -> list:
    """The times to offer a buyer for a consultation with a booth: both free (a fair's days); in a fair
    open all year, the booth's published weekly hours that neither side has booked."""
    from django.utils import timezone

    from meetings.models import Availability, Seat, Slot
    from meetings.selectors import slots_mutually_free

    if not booth.fair.permanent:
        return list(slots_mutually_free(buyer=buyer, booth=booth)[:limit])
    taken = set(Seat.objects.filter(participant=buyer).values_list("slot_id", flat=True)) | set(
        Seat.objects.filter(booth=booth).values_list("slot_id", flat=True)
    )
    ids = set(Availability.objects.filter(booth=booth).values_list("slot_id", flat=True)) - taken
    rows = Slot.objects.filter(pk__in=ids, fair_id=booth.fair_id, retired=False, starts_at__gt=timezone.now())
    return list(rows.order_by("starts_at")[:limit])


def rfqs_for(*, user, fair: Fair) -> dict[str, QuerySet[Rfq]]:
    """What a person sees in a fair: the requests they posted (buyer), the requests their booth is
    invited to (staff), every request (organizers)."""
    roles = roles_in(user, fair.pk)
    out: dict[str, QuerySet[Rfq]] = {}
    buyer_id = roles.participant_ids.get(Participant.Role.BUYER)
    if buyer_id:
        out["mine"] = Rfq.objects.filter(fair=fair, buyer_id=buyer_id).order_by("-created_at")
    if roles.staff_of:
        out["invited"] = (
            Rfq.objects.filter(
                fair=fair,
                invitations__booth_id__in=list(roles.staff_of),
                invitations__status=Invitation.Status.INVITED,
            )
            .distinct()
            .order_by("deadline")
        )
    if roles.organizer:
        out["all"] = Rfq.objects.filter(fair=fair).select_related("buyer__company").order_by("-created_at")
    return out


def quotes_visible(*, user, rfq: Rfq) -> QuerySet[Quote]:
    """The buyer and the organizers see every quote; a booth's staff their own booth's only."""
    rows = rfq.quotes.select_related("booth__company").order_by("submitted_at", "pk")
    if (
        is_buyer_of(user, rfq)
        or roles_in(user, rfq.fair_id).organizer
        or getattr(user, "is_superuser", False)
    ):
        return rows
    return rows.filter(booth_id__in=list(roles_in(user, rfq.fair_id).staff_of))


def versions_of(quote: Quote) -> QuerySet[QuoteVersion]:
    return quote.versions.order_by("-number")


def traffic(*, fair: Fair) -> dict:
    """The organizer's view of RFQ traffic: requests per hall and per market, quotes per request, time
    to first quote, acceptance rate."""
    rfqs = Rfq.objects.filter(fair=fair)
    total = rfqs.count()
    from fair.models import Hall

    halls = {h.slug: h for h in Hall.objects.filter(fair=fair)}
    per_hall: dict[str, int] = {}
    for code in rfqs.values_list("hs_code", flat=True):
        name = next((h.name for h in halls.values() if code[:2] in h.hs_chapters), "—")
        per_hall[name] = per_hall.get(name, 0) + 1
    per_market = list(
        rfqs.values("destination_country").annotate(n=Count("pk")).order_by("-n", "destination_country")
    )
    counted = rfqs.annotate(
        n=Count("quotes", filter=~Q(quotes__status=Quote.Status.DECLINED)),
        first=Min("quotes__submitted_at"),
        accepted=Count("quotes", filter=Q(quotes__status=Quote.Status.ACCEPTED)),
    ).values_list("n", "first", "created_at", "accepted")
    quotes = [n for n, *_r in counted]
    waits = sorted((first - created).total_seconds() / 3600 for _n, first, created, _a in counted if first)
    with_quotes = sum(1 for n in quotes if n)
    accepted = sum(1 for *_r, a in counted if a)
    return {
        "requests": total,
        "per_hall": sorted(per_hall.items(), key=lambda kv: (-kv[1], kv[0])),
        "per_market": [(str(r["destination_country"]), r["n"]) for r in per_market],
        "quotes_per_request": round(sum(quotes) / total, 2) if total else 0,
        "hours_to_first_quote": round(waits[len(waits) // 2], 1) if waits else None,
        "acceptance_rate": round(100 * accepted / with_quotes) if with_quotes else None,
        "viewer": ORGANIZER,
    }


def standing_by_month(*, fair: Fair, months: int = 12) -> list[dict]:
    """A standing hall month by month (in the fair's zone): booth visits, sourcing requests, quotes,
    accepted quotes, consultations (meetings) booked and knocks; the newest month first."""
    from django.db.models.functions import TruncMonth

    from exhibitors.models import Knock
    from fair.models import Interaction
    from meetings.models import Meeting

    zone = fair.zone
    rows: dict = {}

    def add(qs, field: str, key: str) -> None:
        for row in qs.annotate(m=TruncMonth(field, tzinfo=zone)).values("m").annotate(n=Count("pk")):
            month = row["m"].date() if hasattr(row["m"], "date") else row["m"]
            rows.setdefault(
                month,
                {
                    "month": month,
                    "visits": 0,
                    "requests": 0,
                    "quotes": 0,
                    "accepted": 0,
                    "consultations": 0,
                    "knocks": 0,
                },
            )
            rows[month][key] += row["n"]

    add(Interaction.objects.filter(fair=fair, kind=Interaction.Kind.BOOTH_VISIT), "at", "visits")
    add(Rfq.objects.filter(fair=fair), "created_at", "requests")
    add(Quote.objects.filter(rfq__fair=fair, submitted_at__isnull=False), "submitted_at", "quotes")
    add(Quote.objects.filter(rfq__fair=fair, status=Quote.Status.ACCEPTED), "decided_at", "accepted")
    add(Meeting.objects.filter(fair=fair), "created_at", "consultations")
    add(Knock.objects.filter(booth__fair=fair), "created_at", "knocks")
    return [rows[m] for m in sorted(rows, reverse=True)[:months]]


def _hall_of_code(halls: list, code: str) -> str:
    """The hall whose HS chapters cover a request's code (a request names no booth, so no hall)."""
    return next((h.name for h in halls if str(code)[:2] in (h.hs_chapters or [])), "")


def standing_halls_by_month(*, fair: Fair, months: int = 12) -> list[dict]:
    """A fair open all year, month by month (in the fair's zone) and hall by hall: meetings asked for,
    knocks, sourcing requests (placed in the hall whose HS chapters cover the request's code) and
    quotes; the newest month first, then the busiest hall. Empty for a fair that is not open all year.

    JSON-ready: the month as "YYYY-MM"; a booth without a hall (or a request no hall covers) is in "".
    """
    if not fair.permanent:
        return []
    from django.db.models.functions import TruncMonth

    from exhibitors.models import Knock
    from fair.models import Hall
    from meetings.models import Meeting

    zone = fair.zone
    halls = list(Hall.objects.filter(fair=fair).order_by("position", "name"))
    rows: dict[tuple, dict] = {}

    def month_of(value) -> str:
        return (value.date() if hasattr(value, "date") else value).strftime("%Y-%m")

    def row(month: str, hall: str) -> dict:
        return rows.setdefault(
            (month, hall),
            {"month": month, "hall": hall, "meetings": 0, "knocks": 0, "requests": 0, "quotes": 0},
        )

    def add(qs, field: str, key: str) -> None:
        grouped = (
            qs.annotate(m=TruncMonth(field, tzinfo=zone))
            .values("m", "booth__hall__name")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for r in grouped:
            row(month_of(r["m"]), r["booth__hall__name"] or "")[key] += r["n"]

    add(Meeting.objects.filter(fair=fair), "created_at", "meetings")
    add(Knock.objects.filter(booth__fair=fair), "created_at", "knocks")
    add(Quote.objects.filter(rfq__fair=fair, submitted_at__isnull=False), "submitted_at", "quotes")
    requests = (
        Rfq.objects.filter(fair=fair)
        .annotate(m=TruncMonth("created_at", tzinfo=zone))
        .values("m", "hs_code")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for r in requests:
        row(month_of(r["m"]), _hall_of_code(halls, r["hs_code"]))["requests"] += r["n"]
    newest = sorted({m for m, _h in rows}, reverse=True)[:months]
    busy = lambda r: -(r["meetings"] + r["knocks"] + r["requests"] + r["quotes"])  # noqa: E731
    return [
        r
        for month in newest
        for r in sorted((r for (m, _h), r in rows.items() if m == month), key=lambda r: (busy(r), r["hall"]))
    ]


def market_requests(fair: Fair, country: str) -> list:
    """The sourcing requests of a market (fair.demand's source, registered in rfq.apps): those posted
    by its buyers (their company is in ``country``) or destined to it, cancelled ones left out, each
    with its quotes counted (declined ones left out)."""
    from fair.demand import Request

    rows = (
        Rfq.objects.filter(fair=fair)
        .filter(Q(buyer__company__country=country) | Q(destination_country=country))
        .exclude(status=Rfq.Status.CANCELLED)
        .annotate(
            n=Count(
                "quotes",
                filter=Q(quotes__submitted_at__isnull=False) & ~Q(quotes__status=Quote.Status.DECLINED),
            )
        )
        .values_list("buyer_id", "hs_code", "n", "target_price", "currency")
        .order_by("pk")
    )
    return [Request(b, str(code or ""), n, price, currency or "") for b, code, n, price, currency in rows]
