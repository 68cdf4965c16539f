"""A fair with known numbers for the dashboard tests: every statistic has an answer worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from exhibitors.models import ChatMessage, Knock
from fair.models import Interaction
from meetings import ledger
from meetings.models import Meeting, Outcome, Slot
from tests import factories

NOW = datetime(2026, 12, 2, 10, 30, tzinfo=UTC)


def build() -> dict:
    f = factories.fair(slug="stats-expo")
    beauty = factories.hall(f, name="Beauty", chapters=("33",), slug="beauty")
    food = factories.hall(f, name="Food", chapters=("19", "21"), slug="food")
    a = factories.booth(f, hall=beauty, company_obj=factories.company(name="A Glow"), hs_codes=("3304",))
    b = factories.booth(f, hall=food, company_obj=factories.company(name="B Snacks"), hs_codes=("1905",))
    c = factories.booth(
        f, hall=beauty, company_obj=factories.company(name="C Mixed"), hs_codes=("3305", "2106")
    )
    d = factories.booth(f, hall=food, company_obj=factories.company(name="D Quiet"))
    e = factories.booth(f, hall=None, company_obj=factories.company(name="E Lonely"))
    factories.booth(f, hall=beauty, company_obj=factories.company(name="F Draft"), status="draft")
    staff_a = factories.staff(a)
    staff_b = factories.staff(b)
    jp = [factories.buyer(f, country="JP") for _ in range(3)]
    us = [factories.buyer(f, country="US") for _ in range(2)]
    vn = factories.buyer(f, country="VN")
    organizer = factories.participant(f, "organizer")
    i1 = factories.participant(f, "interpreter", user_obj=factories.user(first_name="Yuki", last_name="One"))
    i2 = factories.participant(f, "interpreter", user_obj=factories.user(first_name="Lan", last_name="Two"))
    factories.participant(f, "interpreter", user_obj=factories.user(first_name="Zed", last_name="Idle"))

    def visit(buyer, booth, at):
        Interaction.objects.create(fair=f, buyer=buyer, booth=booth, kind=Interaction.Kind.BOOTH_VISIT, at=at)

    # A: 5 visits (4 in the last 24 h), B: 3, C: 1 (in the first hour of the window), D and E: none.
    visit(jp[0], a, NOW - timedelta(minutes=10))
    visit(jp[1], a, NOW - timedelta(minutes=20))
    visit(jp[2], a, NOW - timedelta(minutes=70))
    visit(us[0], a, NOW - timedelta(minutes=80))
    visit(us[1], a, NOW - timedelta(hours=30))
    visit(vn, b, NOW - timedelta(minutes=5))
    visit(jp[0], b, NOW - timedelta(hours=2, minutes=10))
    visit(jp[1], b, NOW - timedelta(hours=2, minutes=20))
    visit(us[0], c, NOW - timedelta(hours=23, minutes=5))
    # Other kinds are not visits.
    Interaction.objects.create(fair=f, buyer=vn, booth=d, kind=Interaction.Kind.PRODUCT_VIEW, at=NOW)

    slot = Slot.objects.create(
        fair=f, starts_at=NOW - timedelta(hours=1), ends_at=NOW - timedelta(minutes=30), day=NOW.date()
    )
    S = Meeting.Status
    plan = [
        (jp[0], a, S.HELD, i1),
        (jp[1], a, S.HELD, i1),
        (jp[2], b, S.HELD, None),
        (us[0], a, S.HELD, None),
        (us[1], c, S.HELD, None),
        (vn, b, S.HELD, None),
        (jp[0], c, S.HELD, None),
        (jp[1], b, S.NO_SHOW, None),
        (us[0], b, S.NO_SHOW, None),
        (jp[2], a, S.ACCEPTED, i1),
        (vn, a, S.ACCEPTED, None),
        (us[1], a, S.ACCEPTED, None),
        (jp[0], b, S.REQUESTED, None),
        (jp[1], c, S.REQUESTED, None),
        (us[0], c, S.REQUESTED, None),
        (vn, c, S.REQUESTED, i2),
        (jp[2], c, S.DECLINED, i1),
        (us[1], b, S.CANCELLED, None),
    ]
    meetings = [
        Meeting.objects.create(fair=f, buyer=buyer, booth=booth, slot=slot, status=status, interpreter=interp)
        for buyer, booth, status, interp in plan
    ]
    Outcome.objects.create(
        meeting=meetings[0], side="buyer", deal_size_usd=Decimal("10000"), interest_level=3
    )
    Outcome.objects.create(meeting=meetings[0], side="exhibitor", deal_size_usd=Decimal("12000"))
    Outcome.objects.create(meeting=meetings[4], side="buyer", deal_size_usd=Decimal("5000"), rating=4)
    Outcome.objects.create(meeting=meetings[2], side="buyer", deal_size_usd=Decimal("0"), rating=2)

    # The outcome ledger: a contract in KRW at the organizer's rate (20,000,000 x 0.00075 = 15,000 USD),
    # a contract and an order in USD, and a quotation (not a deal). Deals: 3, orders and contracts 25,500 USD.
    ledger.rate_set(actor=organizer.user, fair=f, currency="KRW", usd_per_unit="0.00075")
    day = NOW.date()
    ledger.lead_update_add(
        actor=staff_a.user, meeting=meetings[0], stage="contract", on=day, value="20000000", currency="KRW"
    )
    ledger.lead_update_add(
        actor=staff_b.user, meeting=meetings[5], stage="contract", on=day, value="8000", currency="USD"
    )
    ledger.lead_update_add(
        actor=staff_a.user, meeting=meetings[3], stage="order", on=day, value="2500", currency="USD"
    )
    ledger.lead_update_add(
        actor=staff_b.user, meeting=meetings[2], stage="quotation", on=day, value="1000", currency="USD"
    )

    def say(booth, who, staff, minutes_ago, knock=None, hidden=False):
        return ChatMessage.objects.create(
            booth=booth,
            knock=knock,
            author=who.user,
            author_name=str(who.user),
            author_is_staff=staff,
            body="hello",
            created_at=NOW - timedelta(minutes=minutes_ago),
            hidden=hidden,
        )

    say(a, jp[0], False, 30)
    say(a, staff_a, True, 29)  # answered
    say(b, vn, False, 40)
    say(b, staff_b, True, 39)
    say(b, vn, False, 20)  # waiting again since 20 minutes
    say(c, us[0], False, 50)  # nobody staffs C: waiting since 50 minutes
    say(d, jp[2], False, 45, hidden=True)  # hidden by moderation: not waiting
    knock = Knock.objects.create(
        booth=a,
        buyer=jp[1],
        status="answered",
        created_at=NOW - timedelta(minutes=15),
        answered_by=staff_a,
        answered_at=NOW - timedelta(minutes=14),
    )
    say(a, jp[1], False, 10, knock=knock)  # the private thread waits
    return {
        "fair": f,
        "booths": {"a": a, "b": b, "c": c, "d": d, "e": e},
        "staff_a": staff_a,
        "staff_b": staff_b,
        "jp": jp,
        "us": us,
        "vn": vn,
        "organizer": organizer,
        "interpreters": (i1, i2),
        "meetings": meetings,
    }
