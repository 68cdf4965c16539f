"""The tables behind the dashboard, and one booth's own figures, as CSV and Excel (openpyxl).

Each table is a title, a header row and rows, read from insights/stats.py (whole lists, not the
dashboard's top N) or, for one booth, from a few aggregate queries. Numbers stay numbers in
Excel; times are UTC, written as ISO 8601 in CSV.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from agreements.selectors import disputed_outcomes, verified_exports
from exhibitors.models import Booth, ChatMessage
from fair.models import Fair, Interaction
from insights import stats
from kernel import events
from meetings.models import LeadUpdate, Meeting, Outcome
from rfq import selectors as rfq_selectors


@dataclass
class Table:
    key: str
    title: str
    headers: list
    rows: list[list]


MONTH_HEADERS = [
    _("Month"),
    _("Booth visits"),
    _("Requests"),
    _("Quotes"),
    _("Accepted"),
    _("Consultations"),
    _("Knocks"),
]
HALL_MONTH_HEADERS = [_("Month"), _("Hall"), _("Meetings"), _("Knocks"), _("Requests"), _("Quotes")]


def rfq_tables(fair: Fair) -> list[Table]:
    """Sourcing requests per market, and, for a fair open all year, the standing hall month by month
    (the whole fair, and each of its halls)."""
    traffic = rfq_selectors.traffic(fair=fair)
    out = [
        Table(
            "rfq_per_market",
            _("Requests per market"),
            [_("Destination"), _("Requests")],
            traffic["per_market"],
        ),
        Table("rfq_per_hall", _("Requests per hall"), [_("Hall"), _("Requests")], traffic["per_hall"]),
        Table(
            "rfq_traffic",
            _("RFQ traffic"),
            [
                _("Requests"),
                _("Quotes per request"),
                _("Time to first quote (median, hours)"),
                _("Acceptance rate"),
            ],
            [
                [
                    traffic["requests"],
                    traffic["quotes_per_request"],
                    traffic["hours_to_first_quote"],
                    traffic["acceptance_rate"],
                ]
            ],
        ),
    ]
    if fair.permanent:
        rows = [
            [
                m["month"].strftime("%Y-%m"),
                m["visits"],
                m["requests"],
                m["quotes"],
                m["accepted"],
                m["consultations"],
                m["knocks"],
            ]
            for m in rfq_selectors.standing_by_month(fair=fair)
        ]
        out.append(Table("standing_by_month", _("Open all year: month by month"), MONTH_HEADERS, rows))
        out.append(
            Table(
                "standing_halls_by_month",
                _("Open all year: each hall month by month"),
                HALL_MONTH_HEADERS,
                [
                    [r["month"], r["hall"], r["meetings"], r["knocks"], r["requests"], r["quotes"]]
                    for r in rfq_selectors.standing_halls_by_month(fair=fair)
                ],
            )
        )
    return out


def fair_tables(fair: Fair, *, now: datetime | None = None) -> list[Table]:
    """Every table of the dashboard, complete."""
    online = stats.run_sync(stats.online_now, fair)
    funnel = stats.meeting_funnel(fair)
    deal = stats.deal_value(fair)
    ledger = stats.ledger(fair)
    verified = verified_exports(fair)
    return [
        Table("online_by_role", _("People online by role"), [_("Role"), _("People")], online["by_role"]),
        Table("online_by_hall", _("People online by hall"), [_("Hall"), _("People")], online["by_hall"]),
        Table(
            "online_by_country",
            _("People online by country"),
            [_("Country"), _("People")],
            online["by_country"],
        ),
        Table(
            "visits_per_hour",
            _("Booth visits per hour (UTC)"),
            [_("Hour"), _("Visits")],
            stats.visits_per_hour(fair, now=now),
        ),
        Table(
            "busiest_booths",
            _("Booth visits"),
            [_("Booth"), _("Exhibitor"), _("Visits")],
            [[b["booth"], b["name"], b["visits"]] for b in stats.busiest_booths(fair, limit=None)],
        ),
        Table(
            "unvisited_booths",
            _("Booths nobody visited"),
            [_("Booth"), _("Exhibitor"), _("Hall")],
            [[b["booth"], b["name"], b["hall"]] for b in stats.unvisited_booths(fair, limit=None)["booths"]],
        ),
        Table(
            "chats_waiting",
            _("Chats waiting for an answer"),
            [_("Booth"), _("Exhibitor"), _("Private"), _("Waiting since (UTC)")],
            [
                [t["booth"], t["name"], t["private"], t["since"]]
                for t in stats.chats_waiting(fair, limit=None)["threads"]
            ],
        ),
        Table(
            "meeting_funnel",
            _("Meetings"),
            [_("Stage"), _("Meetings")],
            [
                [_("Requested"), funnel["requested"]],
                [_("Accepted"), funnel["accepted"]],
                [_("Held"), funnel["held"]],
                [_("No-show"), funnel["no_show"]],
                [_("Deal reported"), funnel["deal"]],
            ],
        ),
        Table(
            "meetings_by_country",
            _("Meetings by buyer country"),
            [_("Country"), _("Requested"), _("Agreed"), _("Held")],
            [[r["country"], r["requested"], r["agreed"], r["held"]] for r in stats.meetings_by_country(fair)],
        ),
        Table(
            "meetings_by_chapter",
            _("Meetings by HS chapter"),
            [_("HS chapter"), _("Requested"), _("Held")],
            [[r["chapter"], r["requested"], r["held"]] for r in stats.meetings_by_chapter(fair)],
        ),
        Table(
            "interpreter_load",
            _("Interpreter load"),
            [_("Interpreter"), _("Meetings"), _("Held")],
            [[r["name"], r["meetings"], r["held"]] for r in stats.interpreter_load(fair)],
        ),
        Table(
            "ledger",
            _("Lead ledger"),
            [_("Stage"), _("Updates"), _("USD")],
            [
                [LeadUpdate.Stage(stage).label, ledger["updates_by_stage"][stage], Decimal(usd)]
                for stage, usd in ledger["usd_by_stage"].items()
            ],
        ),
        Table(
            "deals",
            _("Deals (orders and contracts)"),
            [_("Deals (orders and contracts)"), _("Orders and contracts (USD)")],
            [[ledger["deals"], Decimal(ledger["deal_usd"])]],
        ),
        Table(
            "deal_value",
            _("Expected deal size (USD)"),
            [_("Meetings with a deal"), _("USD")],
            [[deal["meetings"], Decimal(deal["usd"])]],
        ),
        *_verified_tables(verified),
        Table(
            "disputed_outcomes",
            _("Disputed outcomes"),
            [_("Exhibitor"), _("Buyer"), _("Declared (USD)"), _("Other side's value"), _("What is wrong")],
            [
                [
                    d["exhibitor"],
                    d["buyer"],
                    Decimal(d["declared"]["usd"]),
                    f"{d['other']['value'] or ''} {d['other']['currency']}".strip(),
                    d["other"]["note"],
                ]
                for d in disputed_outcomes(fair)
            ],
        ),
        *rfq_tables(fair),
    ]


VERIFIED_HEADERS = [
    _("Verified (USD)"),
    _("Confirmed outcomes"),
    _("Declared, not confirmed (USD)"),
    _("Disputed"),
    _("Shipped, confirmed (USD)"),
]


def _verified_tables(verified: dict) -> list[Table]:
    """Verified export value per hall, market and exhibitor (confirmed by the other side)."""
    out = [
        Table(
            "verified",
            _("Verified export value"),
            VERIFIED_HEADERS,
            [
                [
                    Decimal(verified["verified_usd"]),
                    verified["verified"],
                    Decimal(verified["declared_usd"]),
                    verified["disputed"],
                    Decimal(verified["shipped_usd"]),
                ]
            ],
        )
    ]
    for key, title, label in (
        ("by_hall", _("Verified export value by hall"), _("Hall")),
        ("by_market", _("Verified export value by market"), _("Market")),
        ("by_exhibitor", _("Verified export value by exhibitor"), _("Exhibitor")),
    ):
        out.append(
            Table(
                f"verified_{key}",
                title,
                [label, *VERIFIED_HEADERS],
                [
                    [
                        r["name"],
                        Decimal(r["verified_usd"]),
                        r["verified"],
                        Decimal(r["declared_usd"]),
                        r["disputed"],
                        Decimal(r["shipped_usd"]),
                    ]
                    for r in verified[key]
                ],
            )
        )
    return out


def booth_tables(booth: Booth) -> list[Table]:
    """One booth's own report for its staff: visits, chats, meetings and its own outcomes."""
    visits = (
        Interaction.objects.filter(booth=booth, kind=Interaction.Kind.BOOTH_VISIT)
        .annotate(day=TruncDate("at", tzinfo=UTC))
        .values("day")
        .annotate(visits=Count("id"), visitors=Count("buyer_id", distinct=True))
        .order_by("day")
        .values_list("day", "visits", "visitors")
    )
    by_country = (
        Interaction.objects.filter(booth=booth, kind=Interaction.Kind.BOOTH_VISIT)
        .values("buyer__company__country")
        .annotate(visits=Count("id"))
        .order_by("-visits", "buyer__company__country")
        .values_list("buyer__company__country", "visits")
    )
    chats = ChatMessage.objects.filter(booth=booth, hidden=False).aggregate(
        visitors=Count("id", filter=Q(author_is_staff=False)),
        staff=Count("id", filter=Q(author_is_staff=True)),
        private=Count("id", filter=Q(knock__isnull=False)),
    )
    outcomes = {
        o.meeting_id: o for o in Outcome.objects.filter(meeting__booth=booth, side=Meeting.Side.EXHIBITOR)
    }
    meetings = (
        Meeting.objects.filter(booth=booth)
        .select_related("slot", "buyer__company", "buyer__user")
        .order_by("slot__starts_at", "pk")
    )
    meeting_rows = []
    for m in meetings:  # one booth's meetings: a handful of rows
        o = outcomes.get(m.pk)
        meeting_rows.append(
            [
                m.slot.starts_at.astimezone(UTC).isoformat(),
                str(m.buyer.company or m.buyer.user),
                m.buyer.company.country.code if m.buyer.company else "",
                m.get_status_display(),
                o.rating if o else None,
                o.deal_size_usd if o else None,
                o.follow_up_on.isoformat() if o and o.follow_up_on else "",
            ]
        )
    return [
        Table(
            "visits",
            _("Booth visits per day (UTC)"),
            [_("Day"), _("Visits"), _("Visitors")],
            [[d.isoformat(), v, n] for d, v, n in visits],
        ),
        Table(
            "visitors_by_country",
            _("Visits by buyer country"),
            [_("Country"), _("Visits")],
            [[c or "", n] for c, n in by_country],
        ),
        Table(
            "chats",
            _("Chat messages"),
            [_("From visitors"), _("From your staff"), _("In private threads")],
            [[chats["visitors"], chats["staff"], chats["private"]]],
        ),
        Table(
            "meetings",
            _("Meetings and outcomes"),
            [
                _("Starts (UTC)"),
                _("Buyer"),
                _("Country"),
                _("Status"),
                _("Your rating"),
                _("Expected deal size (USD)"),
                _("Follow-up date"),
            ],
            meeting_rows,
        ),
    ]


def _cell(value):
    if isinstance(value, Promise):  # a translated label
        value = str(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value  # a name a spreadsheet would run as a formula stays text
    return "" if value is None else value


def to_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(h) for h in table.headers])
    writer.writerows([[_cell(v) for v in row] for row in table.rows])
    return out.getvalue()


def to_xlsx(tables: list[Table], *, title: str) -> bytes:
    """One sheet per table, header row in bold and frozen."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    book.properties.title = title
    for table in tables:
        sheet = book.create_sheet(table.key[:31])
        sheet.append([str(h) for h in table.headers])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for row in table.rows:
            sheet.append([float(v) if isinstance(v, Decimal) else _cell(v) for v in row])
        for column, header in zip(sheet.columns, table.headers, strict=False):
            width = max([len(str(header))] + [len(str(c.value or "")) for c in column[:200]])
            sheet.column_dimensions[column[0].column_letter].width = min(60, width + 2)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def report_exported(*, actor, fair, what: str, booth=None) -> None:
    """Say that someone downloaded a report (the audit log hears it: exports are personal data leaving)."""
    events.emit("report.exported", fair_id=fair.pk, subject=booth or fair, actor=actor, what=what)
