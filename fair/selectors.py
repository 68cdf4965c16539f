"""Reads for the pages: fairs, halls, booths and who takes part in what.

Only published booths are public. A draft booth is visible to its own staff
and to the organizers of its fair (approved participations only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet

from fair.models import Fair, Hall, Participant, SourcingProfile, User

Role = Participant.Role
Status = Participant.Status
PUBLISHED = "published"  # a booth's status when the public sees it (exhibitors.Booth.Status)


# --- fairs -------------------------------------------------------------------------------


def fair_list() -> QuerySet[Fair]:
    """The listed fairs: published ones only (a fair not yet published is its organizers' alone)."""
    return Fair.objects.filter(published=True)


def fair_list_open_for_registration() -> QuerySet[Fair]:
    return fair_list().filter(registration_open=True)


def fair_get(*, slug: str) -> Fair | None:
    return Fair.objects.filter(slug=slug).first()


def fair_opening(fair: Fair) -> tuple[datetime, datetime]:
    """The fair's first and last meeting moment as aware datetimes (in the fair's zone)."""
    zone = fair.zone
    return (
        datetime.combine(fair.starts_on, fair.day_start, tzinfo=zone),
        datetime.combine(fair.ends_on, fair.day_end, tzinfo=zone),
    )


def fair_halls_with_counts(*, fair: Fair) -> QuerySet[Hall]:
    """The fair's halls, each with `booth_count`: its published booths."""
    return Hall.objects.filter(fair=fair).annotate(
        booth_count=Count("booths", filter=Q(booths__status=PUBLISHED))
    )


def hall_get(*, fair: Fair, slug: str) -> Hall | None:
    return Hall.objects.filter(fair=fair, slug=slug).first()


# --- participation -------------------------------------------------------------------------


def user_participations(*, user: User) -> QuerySet[Participant]:
    return (
        Participant.objects.filter(user=user)
        .select_related("fair", "booth", "booth__company", "booth__hall", "company")
        .order_by("fair__starts_on", "fair__name", "role")
    )


def user_participations_in_fair(*, user: User, fair: Fair) -> list[Participant]:
    """This user's participations in this fair (any status), with their booths."""
    if not user.is_authenticated:
        return []
    return list(
        Participant.objects.filter(user=user, fair=fair)
        .select_related("booth", "booth__company")
        .order_by("role")
    )


@dataclass
class OrganizerFair:
    fair: Fair
    booths: int
    published_booths: int
    buyers: int
    pending: int


@dataclass
class Dashboard:
    """What the role-aware home page shows a signed-in user."""

    organizing: list[OrganizerFair] = field(default_factory=list)
    staffing: list[Participant] = field(default_factory=list)
    buying: list[Participant] = field(default_factory=list)
    interpreting: list[Participant] = field(default_factory=list)
    pending: list[Participant] = field(default_factory=list)
    open_fairs: list[Fair] = field(default_factory=list)

    @property
    def has_roles(self) -> bool:
        return bool(self.organizing or self.staffing or self.buying or self.interpreting)


def user_dashboard(*, user: User) -> Dashboard:
    dash = Dashboard()
    participations = list(
        user_participations(user=user).prefetch_related(
            Prefetch("sourcing", queryset=SourcingProfile.objects.all())
        )
    )
    organized_ids = []
    for p in participations:
        if p.status != Status.APPROVED:
            if p.status == Status.PENDING:
                dash.pending.append(p)
            continue
        if p.role == Role.ORGANIZER:
            organized_ids.append(p.fair_id)
        elif p.role == Role.EXHIBITOR:
            dash.staffing.append(p)
        elif p.role == Role.BUYER:
            dash.buying.append(p)
        elif p.role == Role.INTERPRETER:
            dash.interpreting.append(p)
    if organized_ids:
        booth_counts = Fair.objects.filter(pk__in=organized_ids).annotate(
            n_booths=Count("booths", distinct=True),
            n_published=Count("booths", filter=Q(booths__status=PUBLISHED), distinct=True),
        )
        people = dict(
            (row["pk"], row)
            for row in Fair.objects.filter(pk__in=organized_ids)
            .annotate(
                n_buyers=Count("participants", filter=Q(participants__role=Role.BUYER), distinct=True),
                n_pending=Count("participants", filter=Q(participants__status=Status.PENDING), distinct=True),
            )
            .values("pk", "n_buyers", "n_pending")
        )
        dash.organizing = [
            OrganizerFair(
                fair=f,
                booths=f.n_booths,
                published_booths=f.n_published,
                buyers=people[f.pk]["n_buyers"],
                pending=people[f.pk]["n_pending"],
            )
            for f in booth_counts
        ]
    if not dash.has_roles:
        taken = {p.fair_id for p in participations}
        dash.open_fairs = [f for f in fair_list_open_for_registration() if f.pk not in taken]
    return dash


# --- the organizer's console ----------------------------------------------------------------------


def registrations_of(*, fair: Fair, role: str = "", status: str = "") -> QuerySet[Participant]:
    """The fair's participants for the registrations page, newest first, filtered by role and status."""
    rows = Participant.objects.filter(fair=fair).select_related("user", "company", "booth", "sourcing")
    if role in Role.values:
        rows = rows.filter(role=role)
    if status in Status.values:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-pk")


def registration_counts(*, fair: Fair) -> dict[str, int]:
    """How many participants are pending, approved and rejected."""
    counts = dict.fromkeys(Status.values, 0)
    for row in Participant.objects.filter(fair=fair).values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


def registration_of(*, fair: Fair, user: User, role: str) -> Participant | None:
    if not user.is_authenticated:
        return None
    rows = Participant.objects.filter(fair=fair, user=user, role=role)
    return rows.select_related("company", "sourcing").first()


# --- registration ---------------------------------------------------------------------------------

# What a complete registration gives, by role (buyers: what they source; exhibitors: who they are,
# their booth says the rest). The meter on the registration page counts these.
PROFILE_PARTS = {
    Role.BUYER: (
        "company_name",
        "country",
        "size",
        "hs_codes",
        "required_certifications",
        "languages",
        "description",
    ),
    Role.EXHIBITOR: ("company_name", "country", "size", "languages", "description"),
}


@dataclass(frozen=True)
class Completeness:
    percent: int
    missing: tuple[str, ...]  # the parts still empty, in PROFILE_PARTS order


def registration_completeness(*, role: str, values: dict) -> Completeness:
    """How complete a registration is: the share of its role's parts that are filled in."""
    parts = PROFILE_PARTS.get(role, PROFILE_PARTS[Role.BUYER])
    missing = tuple(part for part in parts if not values.get(part))
    return Completeness(round(100 * (len(parts) - len(missing)) / len(parts)), missing)


def registration_out(participant: Participant) -> dict:
    """A registration as the API gives it: its values, status and completeness."""
    values = registration_values(participant)
    hs_codes = values.get("hs_codes") or ""
    codes = [c.strip() for c in hs_codes.split(",") if c.strip()] if isinstance(hs_codes, str) else hs_codes
    completeness = registration_completeness(role=participant.role, values=values)
    return {
        "role": participant.role,
        "status": participant.status,
        "company_name": values.get("company_name", ""),
        "country": values.get("country", ""),
        "size": values.get("size", ""),
        "hs_codes": codes,
        "required_certifications": list(values.get("required_certifications") or []),
        "languages": list(values.get("languages") or []),
        "description": values.get("description") or "",
        "completeness": completeness.percent,
        "missing": list(completeness.missing),
    }


def registration_values(participant: Participant | None) -> dict:
    """What a registration holds, in the registration form's terms."""
    if participant is None:
        return {}
    company = participant.company
    sourcing = getattr(participant, "sourcing", None) if participant.role == Role.BUYER else None
    values = {
        "role": participant.role,
        "company_name": company.name if company else "",
        "country": company.country.code if company and company.country else "",
        "size": company.size if company else "",
        "languages": list(participant.languages or (company.languages if company else []) or []),
        "description": company.description if company else "",
    }
    if sourcing is not None:
        values.update(
            hs_codes=", ".join(sourcing.hs_codes),
            required_certifications=list(sourcing.required_certifications),
            languages=list(sourcing.languages),
            description=sourcing.description,
        )
    return values
