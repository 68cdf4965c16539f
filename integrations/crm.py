"""An exhibitor's leads for their CRM: one row per buyer the booth has an agreed meeting with (contact
details are shared only then, and only of those who agreed to it: kernel/consent.py), mapped to the
contact/lead import formats of HubSpot and Salesforce
(docs/crm-export.md lists the field maps).

A lead's facts: the buyer's name, e-mail, company and country, what they source, the meetings (first
and last date, how many held), the exhibitor's own outcome of the latest meeting (rating, interest,
expected deal size, follow-up date, notes) and the furthest ledger stage (sample sent, quotation, order,
contract) with its value in USD.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from exhibitors.models import Booth
from kernel import consent
from meetings.models import LeadUpdate, Meeting, Outcome

AGREED = (Meeting.Status.ACCEPTED, Meeting.Status.HELD, Meeting.Status.NO_SHOW)
STAGE_ORDER = [s.value for s in LeadUpdate.Stage]  # sample_sent < quotation < order < contract


@dataclass
class Lead:
    first_name: str
    last_name: str
    email: str
    company: str
    country: str
    sources: list[str]
    first_meeting: datetime
    last_meeting: datetime
    meetings_held: int
    stage: str = ""  # the furthest ledger stage
    stage_value_usd: str = ""
    rating: int | None = None
    interest: str = ""
    deal_size_usd: str = ""
    follow_up_on: date | None = None
    notes: list[str] = field(default_factory=list)


def leads(booth: Booth) -> list[Lead]:
    meetings = (
        Meeting.objects.filter(booth=booth, status__in=AGREED)
        .select_related("slot", "buyer__user", "buyer__company", "buyer__sourcing")
        .order_by("slot__starts_at", "pk")
    )
    outcomes = {
        o.meeting_id: o for o in Outcome.objects.filter(meeting__booth=booth, side=Meeting.Side.EXHIBITOR)
    }
    stages: dict[int, list[LeadUpdate]] = {}
    for update in LeadUpdate.objects.filter(meeting__booth=booth).order_by("on", "pk"):
        stages.setdefault(update.meeting_id, []).append(update)
    meetings = list(meetings)
    # Only buyers who agreed to share their contact details (kernel/consent.py) are leads; a buyer
    # imported without an account has none to share and stays, by company.
    sharing = consent.users_with(consent.CONTACT, [m.buyer.user_id for m in meetings], granted=True)
    by_buyer: dict[int, Lead] = {}
    for m in meetings:
        if m.buyer.user_id is not None and m.buyer.user_id not in sharing:
            continue
        user, company = m.buyer.user, m.buyer.company
        lead = by_buyer.get(m.buyer_id)
        if lead is None:
            sourcing = getattr(m.buyer, "sourcing", None)
            lead = by_buyer[m.buyer_id] = Lead(
                first_name=(user.first_name if user else "") or "",
                last_name=(user.last_name if user else "") or "",
                email=(user.email if user else "") or "",
                company=company.name if company else "",
                country=company.country.code if company and company.country else "",
                sources=list(sourcing.hs_codes) if sourcing else [],
                first_meeting=m.slot.starts_at,
                last_meeting=m.slot.starts_at,
                meetings_held=0,
            )
        lead.last_meeting = m.slot.starts_at
        lead.meetings_held += m.status == Meeting.Status.HELD
        outcome = outcomes.get(m.pk)
        if outcome is not None:
            lead.rating = outcome.rating or lead.rating
            lead.interest = (
                outcome.get_interest_level_display() if outcome.interest_level is not None else lead.interest
            )
            lead.deal_size_usd = (
                str(outcome.deal_size_usd) if outcome.deal_size_usd is not None else lead.deal_size_usd
            )
            lead.follow_up_on = outcome.follow_up_on or lead.follow_up_on
            if outcome.notes:
                lead.notes.append(outcome.notes)
        for update in stages.get(m.pk, []):
            if not lead.stage or STAGE_ORDER.index(update.stage) >= STAGE_ORDER.index(lead.stage):
                lead.stage = update.stage
                lead.stage_value_usd = str(update.value_usd) if update.value_usd is not None else ""
    return list(by_buyer.values())


# --- the two CRMs' import formats -------------------------------------------------------------------


def _hubspot_lifecycle(lead: Lead) -> str:
    if lead.stage in ("order", "contract"):
        return "customer"
    if lead.stage in ("sample_sent", "quotation"):
        return "opportunity"
    return "salesqualifiedlead" if lead.meetings_held else "lead"


def _hubspot_status(lead: Lead) -> str:
    if lead.stage in ("order", "contract", "quotation"):
        return "OPEN_DEAL"
    if lead.stage == "sample_sent":
        return "IN_PROGRESS"
    return "CONNECTED" if lead.meetings_held else "OPEN"


def _salesforce_status(lead: Lead) -> str:
    if lead.stage in ("order", "contract"):
        return "Closed - Converted"
    if lead.stage or lead.meetings_held:
        return "Working - Contacted"
    return "Open - Not Contacted"


def _salesforce_rating(lead: Lead) -> str:
    if lead.rating is None:
        return ""
    return "Hot" if lead.rating >= 4 else "Warm" if lead.rating == 3 else "Cold"


def _description(lead: Lead, booth: Booth) -> str:
    parts = [
        f"Met at {booth.fair.name}: {lead.meetings_held} meeting(s) held, last {lead.last_meeting:%Y-%m-%d}."
    ]
    if lead.sources:
        parts.append("Sources HS " + ", ".join(lead.sources) + ".")
    if lead.stage:
        parts.append(
            f"Stage: {lead.stage}" + (f" (USD {lead.stage_value_usd})" if lead.stage_value_usd else "") + "."
        )
    parts.extend(lead.notes)
    return " ".join(parts)


# Column -> how its value is made. The headers are the labels each CRM's import wizard maps on its own.
FORMATS = {
    "hubspot": {
        "First Name": lambda lead, booth: lead.first_name,
        "Last Name": lambda lead, booth: lead.last_name,
        "Email": lambda lead, booth: lead.email,
        "Company Name": lambda lead, booth: lead.company,
        "Country/Region": lambda lead, booth: lead.country,
        "Lifecycle Stage": lambda lead, booth: _hubspot_lifecycle(lead),
        "Lead Status": lambda lead, booth: _hubspot_status(lead),
        "Original Source Drill-Down 1": lambda lead, booth: booth.fair.name,
        "Amount": lambda lead, booth: lead.stage_value_usd or lead.deal_size_usd,
        "Next Activity Date": lambda lead, booth: lead.follow_up_on.isoformat() if lead.follow_up_on else "",
        "Notes": _description,
    },
    "salesforce": {
        "First Name": lambda lead, booth: lead.first_name,
        "Last Name": lambda lead, booth: lead.last_name or lead.email.split("@")[0],  # required there
        "Email": lambda lead, booth: lead.email,
        "Company": lambda lead, booth: lead.company or "Unknown",  # required there
        "Country": lambda lead, booth: lead.country,
        "Lead Status": lambda lead, booth: _salesforce_status(lead),
        "Lead Source": lambda lead, booth: "Trade Show",
        "Rating": lambda lead, booth: _salesforce_rating(lead),
        "Description": _description,
    },
}


def _cell(value) -> str:
    value = "" if value is None else str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def rows(booth: Booth, crm: str) -> list[dict]:
    columns = FORMATS[crm]
    return [{name: _cell(make(lead, booth)) for name, make in columns.items()} for lead in leads(booth)]


def to_csv(booth: Booth, crm: str) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(FORMATS[crm]))
    writer.writeheader()
    writer.writerows(rows(booth, crm))
    return out.getvalue()
