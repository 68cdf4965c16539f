"""Reads of agreements and declared outcomes, and the verified export figures the organizer reports.

Verified means confirmed by the other side: an outcome counts in ``verified_usd`` only once it is
confirmed, a shipment in ``shipped_usd`` only once the buyer confirmed it. What one side declared and
the other has not answered yet is shown beside it (``declared_usd``), and disputed outcomes are listed
with both versions (``disputed_outcomes``).
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from agreements.access import company_ids_of
from agreements.body import version_sha256
from agreements.models import (
    Agreement,
    AgreementVersion,
    Ceremony,
    Comment,
    Shipment,
    Signature,
    SigningCode,
    TradeOutcome,
)
from fair.access import roles_in
from fair.models import Company, Fair

ST = TradeOutcome.Status
ZERO = Decimal("0.00")


# --- agreements ----------------------------------------------------------------------------------


def agreements_for(*, user, fair: Fair):
    """The agreements of this fair the user sees: all for an organizer, else their companies' and
    those they sign."""
    rows = Agreement.objects.filter(fair=fair).select_related("fair")
    if not roles_in(user, fair.pk).organizer and not user.is_superuser:
        companies = company_ids_of(user, fair.pk)
        rows = rows.filter(Q(parties__company_id__in=companies) | Q(signatories__user_id=user.pk)).distinct()
    return rows.order_by("-created_at", "-pk")


def versions_of(*, agreement: Agreement):
    return AgreementVersion.objects.filter(agreement=agreement).order_by("-number")


def comments_of(*, agreement: Agreement):
    return (
        Comment.objects.filter(agreement=agreement)
        .select_related("author", "version")
        .order_by("created_at", "pk")
    )


def signatures_of(*, version: AgreementVersion):
    return (
        Signature.objects.filter(version=version)
        .select_related("signatory__party__company", "signatory__user")
        .order_by("at", "pk")
    )


def signing_state(*, agreement: Agreement, version: AgreementVersion) -> list[dict]:
    """Each signatory with their answer to ``version`` (None while waiting), parties in order."""
    answers = {s.signatory_id: s for s in signatures_of(version=version)}
    rows = []
    for s in agreement.signatories.select_related("party__company", "user").order_by(
        "party__position", "party_id", "pk"
    ):
        rows.append({"signatory": s, "answer": answers.get(s.pk)})
    return rows


def live_code(*, signatory, version: AgreementVersion) -> SigningCode | None:
    """The signatory's code for this version that still works (sent, unused, not expired)."""
    return (
        SigningCode.objects.filter(
            signatory=signatory, version=version, used_at__isnull=True, expires_at__gt=timezone.now()
        )
        .order_by("-created_at")
        .first()
    )


def document_hash(*, version: AgreementVersion) -> str:
    return version_sha256(version)


def ceremonies_of(*, fair: Fair, user):
    """The fair programme's signing ceremonies: those of the agreements the user may see, and those
    streamed to viewers (scheduled ones, soonest first; the page asks who may watch which)."""
    visible = agreements_for(user=user, fair=fair).values("pk")
    return (
        Ceremony.objects.filter(
            Q(agreement__in=visible) | (Q(agreement__fair=fair) & ~Q(stream_audience="")),
            status=Ceremony.Status.SCHEDULED,
        )
        .select_related("agreement")
        .order_by("starts_at")
    )


# --- outcomes ------------------------------------------------------------------------------------


def outcomes_of_origin(*, kind: str, origin_id: int):
    return (
        TradeOutcome.objects.filter(origin_kind=kind, origin_id=origin_id)
        .select_related("booth__company", "buyer__company", "buyer__user", "declared_by", "agreement")
        .order_by("-created_at", "-pk")
    )


def outcomes_for(*, user, fair: Fair):
    """Outcomes the user is a side of (all of the fair's for an organizer)."""
    rows = TradeOutcome.objects.filter(fair=fair).select_related(
        "booth__company", "buyer__company", "buyer__user"
    )
    roles = roles_in(user, fair.pk)
    if not roles.organizer and not user.is_superuser:
        rows = rows.filter(
            Q(buyer_id=roles.participant_ids.get("buyer", 0)) | Q(booth_id__in=list(roles.staff_of))
        )
    return rows.order_by("-created_at", "-pk")


def shipments_of(*, outcome: TradeOutcome):
    return Shipment.objects.filter(outcome=outcome).order_by("shipped_on", "pk")


def _usd(value) -> str:
    return str((value or ZERO).quantize(Decimal("0.01")))


def _confirmed_shipments():
    return Sum("shipments__value_usd", filter=Q(shipments__status=Shipment.Status.CONFIRMED))


def _grouped(rows, key: str, label: str) -> list[dict]:
    """Per ``key``: verified (confirmed) and declared (waiting) USD and counts, confirmed shipments."""
    out = (
        rows.values(key, label)
        .annotate(
            verified=Sum("value_usd", filter=Q(status=ST.CONFIRMED)),
            verified_n=Count("id", filter=Q(status=ST.CONFIRMED)),
            declared=Sum("value_usd", filter=Q(status=ST.DECLARED)),
            disputed_n=Count("id", filter=Q(status=ST.DISPUTED)),
        )
        .order_by()
    )
    shipped = dict(
        Shipment.objects.filter(outcome__in=rows, status=Shipment.Status.CONFIRMED)
        .values_list(f"outcome__{key}")
        .annotate(s=Sum("value_usd"))
        .order_by()
    )
    result = [
        {
            "key": r[key],
            "name": r[label] or "",
            "verified_usd": _usd(r["verified"]),
            "verified": r["verified_n"],
            "declared_usd": _usd(r["declared"]),
            "disputed": r["disputed_n"],
            "shipped_usd": _usd(shipped.get(r[key])),
        }
        for r in out
    ]
    return sorted(
        result, key=lambda r: (-Decimal(r["verified_usd"]), -Decimal(r["declared_usd"]), str(r["name"]))
    )


def verified_totals(fair: Fair) -> dict:
    """The fair's headline outcome figures (two queries): verified (confirmed) USD and count, declared
    and waiting USD and count, disputed count, confirmed shipments' USD; JSON-ready strings."""
    totals = (
        TradeOutcome.objects.filter(fair=fair)
        .exclude(status=ST.WITHDRAWN)
        .aggregate(
            verified=Sum("value_usd", filter=Q(status=ST.CONFIRMED)),
            verified_n=Count("id", filter=Q(status=ST.CONFIRMED)),
            declared=Sum("value_usd", filter=Q(status=ST.DECLARED)),
            declared_n=Count("id", filter=Q(status=ST.DECLARED)),
            disputed_n=Count("id", filter=Q(status=ST.DISPUTED)),
        )
    )
    shipped = Shipment.objects.filter(outcome__fair=fair, status=Shipment.Status.CONFIRMED).aggregate(
        s=Sum("value_usd")
    )["s"]
    return {
        "verified_usd": _usd(totals["verified"]),
        "verified": totals["verified_n"],
        "declared_usd": _usd(totals["declared"]),
        "declared": totals["declared_n"],
        "disputed": totals["disputed_n"],
        "shipped_usd": _usd(shipped),
    }


def verified_exports(fair: Fair) -> dict:
    """The fair's verified export value (USD): in total, per hall, per market (the buyer's country) and
    per exhibitor; beside it what was declared and awaits the other side; JSON-ready strings."""
    rows = TradeOutcome.objects.filter(fair=fair).exclude(status=ST.WITHDRAWN)
    return {
        **verified_totals(fair),
        "by_hall": _grouped(rows, "booth__hall_id", "booth__hall__name"),
        "by_market": _grouped(rows, "buyer__company__country", "buyer__company__country"),
        "by_exhibitor": _grouped(rows, "booth__company_id", "booth__company__name"),
    }


def disputed_outcomes(fair: Fair) -> list[dict]:
    """Every disputed outcome with both versions: the declared one and the other side's."""
    rows = (
        TradeOutcome.objects.filter(fair=fair, status=ST.DISPUTED)
        .select_related("booth__company", "buyer__company", "buyer__user")
        .order_by("-answered_at", "-pk")
    )
    return [
        {
            "id": o.pk,
            "exhibitor": o.booth.company.name,
            "buyer": str(o.buyer.company or o.buyer.user),
            "declared_by": o.declared_side,
            "declared": {
                "type": o.type,
                "value": str(o.value),
                "currency": o.currency,
                "usd": str(o.value_usd),
                "products": o.products,
                "ship_by": o.ship_by.isoformat() if o.ship_by else None,
            },
            "other": {
                "value": str(o.counter_value) if o.counter_value is not None else None,
                "currency": o.counter_currency,
                "usd": str(o.counter_value_usd) if o.counter_value_usd is not None else None,
                "products": o.counter_products,
                "ship_by": o.counter_ship_by.isoformat() if o.counter_ship_by else None,
                "note": o.dispute_note,
            },
        }
        for o in rows
    ]


def company_history(company: Company) -> list[dict]:
    """One company across fairs: per fair, its verified and declared outcomes (as exhibitor or buyer)
    and its confirmed shipments, the latest fair first."""
    rows = TradeOutcome.objects.filter(Q(booth__company=company) | Q(buyer__company=company)).exclude(
        status=ST.WITHDRAWN
    )
    per_fair = (
        rows.values("fair_id", "fair__name", "fair__starts_on")
        .annotate(
            verified=Sum("value_usd", filter=Q(status=ST.CONFIRMED)),
            verified_n=Count("id", filter=Q(status=ST.CONFIRMED)),
            declared=Sum("value_usd", filter=Q(status=ST.DECLARED)),
            disputed_n=Count("id", filter=Q(status=ST.DISPUTED)),
        )
        .order_by("-fair__starts_on", "fair_id")
    )
    shipped = dict(
        Shipment.objects.filter(outcome__in=rows, status=Shipment.Status.CONFIRMED)
        .values_list("outcome__fair_id")
        .annotate(s=Sum("value_usd"))
        .order_by()
    )
    return [
        {
            "fair_id": r["fair_id"],
            "fair": r["fair__name"],
            "starts_on": r["fair__starts_on"].isoformat(),
            "verified_usd": _usd(r["verified"]),
            "verified": r["verified_n"],
            "declared_usd": _usd(r["declared"]),
            "disputed": r["disputed_n"],
            "shipped_usd": _usd(shipped.get(r["fair_id"])),
        }
        for r in per_fair
    ]


def companies_with_outcomes(fair: Fair):
    """The companies (exhibitors and buyers) with declared outcomes in this fair, for the organizer."""
    ids = set(TradeOutcome.objects.filter(fair=fair).values_list("booth__company_id", flat=True))
    ids |= set(TradeOutcome.objects.filter(fair=fair).values_list("buyer__company_id", flat=True))
    return Company.objects.filter(pk__in=[i for i in ids if i]).order_by("name")
