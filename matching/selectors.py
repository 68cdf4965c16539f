"""Reads for matching: the fair's rows for the engine (the ORM adapter), marks, and the served model.

The engine never touches the ORM; these functions turn Booth/Company/Product/Participant/
SourcingProfile/Interaction into the same lightweight rows the fair dataset uses
(exhibitor_id = booth pk, buyer_id = participant pk, as strings).
"""

from __future__ import annotations

import hashlib
import io
import logging
import threading
from collections import defaultdict

import numpy as np
import sklearn
from django.core.files.storage import default_storage

from exhibitors.models import Booth, Product
from fair.dataset import BuyerRow, ExhibitorRow, InteractionRow
from fair.models import Fair, Interaction, Participant, SourcingProfile
from kernel import consent
from matching.engine import FORMAT, MarkRow, MatchingEngine, MatchingError
from matching.models import Mark, MatchingModel

log = logging.getLogger(__name__)


def _exhibitor_row(booth: Booth, products: list[Product], staff_languages: list[str]) -> ExhibitorRow:
    company = booth.company
    codes = list(dict.fromkeys([*booth.hs_codes, *(p.hs_code for p in products if p.hs_code)]))
    text = " ".join([company.description, *(f"{p.name} {p.description}" for p in products)])
    return ExhibitorRow(
        exhibitor_id=str(booth.pk),
        company=company.name,
        country=str(company.country),
        hs_codes=tuple(codes),
        target_markets=tuple(booth.target_markets),
        certifications=tuple(company.certifications),
        languages=tuple(dict.fromkeys([*company.languages, *staff_languages])),
        description=text.strip(),
    )


def buyer_row(buyer: Participant) -> BuyerRow | None:
    """A buyer's current profile as the engine reads it (None without a sourcing profile)."""
    try:
        profile = buyer.sourcing
    except SourcingProfile.DoesNotExist:
        return None
    return _buyer_row(buyer, profile)


def _buyer_row(buyer: Participant, profile: SourcingProfile) -> BuyerRow:
    company = buyer.company
    return BuyerRow(
        buyer_id=str(buyer.pk),
        company=company.name if company else str(buyer),
        country=str(company.country) if company else "",
        hs_codes=tuple(profile.hs_codes),
        required_certifications=tuple(profile.required_certifications),
        languages=tuple(profile.languages or buyer.languages),
        description=profile.description,
    )


def fair_rows(fair: Fair) -> tuple[list[ExhibitorRow], list[BuyerRow], list[InteractionRow], dict[str, str]]:
    """Published booths, approved buyers with a profile, their interactions, and each booth's hall slug."""
    booths = list(
        Booth.objects.filter(fair=fair, status=Booth.Status.PUBLISHED)
        .select_related("company", "hall")
        .order_by("pk")
    )
    products: dict[int, list[Product]] = defaultdict(list)
    for p in Product.objects.filter(booth__in=booths).order_by("booth_id", "position", "pk"):
        products[p.booth_id].append(p)
    staff_languages: dict[int, list[str]] = defaultdict(list)
    for booth_id, langs in Participant.objects.filter(
        fair=fair, role=Participant.Role.EXHIBITOR, booth__in=booths
    ).values_list("booth_id", "languages"):
        staff_languages[booth_id].extend(langs or [])
    exhibitors = [_exhibitor_row(b, products[b.pk], staff_languages[b.pk]) for b in booths]
    halls = {str(b.pk): b.hall.slug for b in booths if b.hall}
    profiles = (
        SourcingProfile.objects.filter(
            buyer__fair=fair, buyer__role=Participant.Role.BUYER, buyer__status=Participant.Status.APPROVED
        )
        .select_related("buyer", "buyer__company", "buyer__user")
        .order_by("buyer_id")
    )
    profiles = list(profiles)
    refused = consent.users_with(consent.RECOMMEND, [p.buyer.user_id for p in profiles], granted=False)
    buyers = [_buyer_row(p.buyer, p) for p in profiles if p.buyer.user_id not in refused]
    booth_ids = {b.pk for b in booths}
    buyer_ids = {int(b.buyer_id) for b in buyers}
    interactions = [
        InteractionRow(str(b), str(e), kind, at)
        for b, e, kind, at in Interaction.objects.filter(fair=fair)
        .order_by("at", "pk")
        .values_list("buyer_id", "booth_id", "kind", "at")
        .iterator(chunk_size=20_000)
        if b in buyer_ids and e in booth_ids
    ]
    return exhibitors, buyers, interactions, halls


def fair_marks(fair: Fair, exhibitors: list[ExhibitorRow], buyers: list[BuyerRow]) -> list[MarkRow]:
    """Every mark on a pair of the fair's rows (as fair_rows returns them): training labels."""
    booth_ids = {int(e.exhibitor_id) for e in exhibitors}
    buyer_ids = {int(b.buyer_id) for b in buyers}
    return [
        MarkRow(str(b), str(e), side, value)
        for b, e, side, value in Mark.objects.filter(fair=fair)
        .order_by("buyer_id", "booth_id", "side")
        .values_list("buyer_id", "booth_id", "side", "value")
        if b in buyer_ids and e in booth_ids
    ]


def marks_for_buyer(buyer: Participant) -> dict[str, dict[str, str]]:
    """booth id -> {side: mark} for every mark on this buyer's pairs."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for booth_id, side, value in Mark.objects.filter(buyer=buyer).values_list("booth_id", "side", "value"):
        out[str(booth_id)][side] = value
    return dict(out)


def marks_for_booth(booth: Booth) -> dict[str, dict[str, str]]:
    """buyer id -> {side: mark} for every mark on this booth's pairs."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for buyer_id, side, value in Mark.objects.filter(booth=booth).values_list("buyer_id", "side", "value"):
        out[str(buyer_id)][side] = value
    return dict(out)


def matching_model_latest(fair: Fair) -> MatchingModel | None:
    return MatchingModel.objects.filter(fair=fair).order_by("-version").first()


def load_artifact(record: MatchingModel) -> MatchingEngine:
    """Load a stored model, refusing anything we did not write: checksum, format and scikit-learn version."""
    with default_storage.open(record.path, "rb") as f:
        data = f.read()
    if hashlib.sha256(data).hexdigest() != record.sha256:
        raise MatchingError(f"{record.path}: the artifact does not match its recorded checksum")
    if record.sklearn_version != sklearn.__version__:
        raise MatchingError(
            f"{record.path} was fitted with scikit-learn {record.sklearn_version}, "
            f"this is {sklearn.__version__}: refit with manage.py train_matching"
        )
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        engine = MatchingEngine.from_arrays({name: npz[name] for name in npz.files})
    if engine.meta.get("format") != FORMAT:
        raise MatchingError(f"{record.path} is not a Tradefair matching model")
    return engine


_cache: dict[int, tuple[int, MatchingEngine]] = {}
_lock = threading.Lock()


def engine_for_fair(fair: Fair) -> MatchingEngine | None:
    """The newest model of the fair, loaded once per process and kept until a newer one is stored.

    The web process never trains: without a usable model this returns None.
    """
    record = matching_model_latest(fair)
    if record is None:
        return None
    cached = _cache.get(fair.pk)
    if cached and cached[0] == record.version:
        return cached[1]
    with _lock:
        cached = _cache.get(fair.pk)
        if cached and cached[0] == record.version:
            return cached[1]
        try:
            engine = load_artifact(record)
        except (MatchingError, OSError, ValueError) as exc:
            log.warning("matching model %s of %s not loaded: %s", record.version, fair.slug, exc)
            return cached[1] if cached else None
        _cache[fair.pk] = (record.version, engine)
        return engine


def clear_cache() -> None:
    _cache.clear()


# --- what the pages and the API show about each side of a pair ---------------------------------------


def buyer_for_user(fair: Fair, user) -> Participant | None:
    """The user's approved buyer participation in this fair (None for anyone else)."""
    if user is None or not user.is_authenticated:
        return None
    return (
        Participant.objects.filter(
            fair=fair, user=user, role=Participant.Role.BUYER, status=Participant.Status.APPROVED
        )
        .select_related("fair", "company")
        .first()
    )


def booth_cards(fair: Fair, ids: list[int]) -> dict[int, dict]:
    """What a buyer sees of a recommended booth: company, country, hall, what it sells, certificates."""
    booths = Booth.objects.filter(fair=fair, pk__in=ids, status=Booth.Status.PUBLISHED).select_related(
        "company", "hall"
    )
    return {
        b.pk: {
            "booth_id": b.pk,
            "company": b.company.name,
            "country": str(b.company.country),
            "hall": b.hall.slug if b.hall else "",
            "hall_name": b.hall.name if b.hall else "",
            "tagline": b.tagline,
            "hs_codes": list(b.hs_codes),
            "target_markets": list(b.target_markets),
            "certifications": list(b.company.certifications),
        }
        for b in booths
    }


def buyer_cards(fair: Fair, ids: list[int]) -> dict[int, dict]:
    """What booth staff see of a recommended buyer: company, country, what it sources; no contact details."""
    buyers = (
        Participant.objects.filter(fair=fair, pk__in=ids, role=Participant.Role.BUYER)
        .select_related("company", "sourcing")
        .order_by("pk")
    )
    out = {}
    for p in buyers:
        try:
            profile = p.sourcing
        except SourcingProfile.DoesNotExist:
            profile = None
        out[p.pk] = {
            "buyer_id": p.pk,
            "company": p.company.name if p.company else "",
            "country": str(p.company.country) if p.company else "",
            "hs_codes": list(profile.hs_codes) if profile else [],
            "required_certifications": list(profile.required_certifications) if profile else [],
        }
    return out


def fair_filter_choices(fair: Fair) -> dict[str, list]:
    """Halls and exhibitor countries of the fair's published booths, for the recommendation filters."""
    booths = Booth.objects.filter(fair=fair, status=Booth.Status.PUBLISHED)
    halls = list(fair.halls.filter(booths__in=booths).distinct().order_by("position", "name"))
    countries = sorted(set(booths.values_list("company__country", flat=True)) - {""})
    return {"halls": halls, "countries": countries}


def not_to_recommend(fair: Fair, ids) -> set[int]:
    """Of these buyers (participant ids), those not to recommend to exhibitors: they said no
    (kernel/consent.py), or their profile is gone (an erased participation, docs/privacy.md)."""
    rows = list(
        Participant.objects.filter(fair=fair, pk__in=[int(i) for i in ids]).values_list(
            "pk", "user_id", "sourcing"
        )
    )
    refused = consent.users_with(consent.RECOMMEND, [user_id for _pk, user_id, _s in rows], granted=False)
    return {pk for pk, user_id, sourcing in rows if sourcing is None or user_id in refused}
