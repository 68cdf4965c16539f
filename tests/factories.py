"""Small factories for tests: a fair with halls, booths, buyers and staff, built in a few lines."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from exhibitors.models import Booth, Product
from fair.models import Company, Fair, Hall, Participant, SourcingProfile, User

_seq = itertools.count(1)


def first_fair_day(today: date | None = None) -> date:
    """The first day of every test fair: the first Tuesday of December, in the first year in which it is
    at least 30 days away.

    Always ahead (a slot in the past cannot be booked; the browser and the servers a test starts keep
    the real clock), always a Tuesday in winter (labels such as "Tue 07:00 your time / 09:00 in Seoul",
    New York on standard time): only the year moves.
    """
    today = today or date.today()
    year = today.year
    while True:
        first = date(year, 12, 1)
        first += timedelta(days=(1 - first.weekday()) % 7)  # Monday is 0: Tuesday is 1
        if first >= today + timedelta(days=30):
            return first
        year += 1


FAIR_START = first_fair_day()  # Tue; the fair runs FAIR_START .. FAIR_START + 2 days, 09:00-18:00 in Seoul
FAIR_END = FAIR_START + timedelta(days=2)


def user(
    *,
    email: str | None = None,
    password: str = "pass-word-123",
    time_zone: str = "UTC",
    language: str = "en",
    **extra,
) -> User:
    n = next(_seq)
    email = email or f"user{n}@example.test"
    u = User(username=email, email=email, time_zone=time_zone, language=language, **extra)
    u.set_password(password)
    u.save()
    return u


def fair(*, slug: str | None = None, **extra) -> Fair:
    n = next(_seq)
    values = {
        "name": f"Test Fair {n}",
        "slug": slug or f"fair-{n}",
        "starts_on": FAIR_START,
        "ends_on": FAIR_END,
        "time_zone": "Asia/Seoul",
        "published": True,
    }
    values.update(extra)
    return Fair.objects.create(**values)


def hall(f: Fair, *, name: str = "Beauty & Cosmetics", chapters=("33", "34"), **extra) -> Hall:
    n = next(_seq)
    return Hall.objects.create(
        fair=f, name=name, slug=extra.pop("slug", f"hall-{n}"), hs_chapters=list(chapters), **extra
    )


def company(*, name: str | None = None, country: str = "KR", **extra) -> Company:
    return Company.objects.create(name=name or f"Company {next(_seq)}", country=country, **extra)


def booth(
    f: Fair,
    *,
    hall: Hall | None = None,
    company_obj: Company | None = None,
    hs_codes=("3304",),
    status: str = Booth.Status.PUBLISHED,
    **extra,
) -> Booth:
    return Booth.objects.create(
        fair=f, hall=hall, company=company_obj or company(), hs_codes=list(hs_codes), status=status, **extra
    )


def product(b: Booth, *, name: str = "Snail repair cream", hs_code: str = "330499", **extra) -> Product:
    return Product.objects.create(booth=b, name=name, hs_code=hs_code, **extra)


def participant(
    f: Fair, role: str, *, user_obj: User | None = None, status: str = Participant.Status.APPROVED, **extra
) -> Participant:
    return Participant.objects.create(fair=f, user=user_obj or user(), role=role, status=status, **extra)


def staff(b: Booth, **kwargs) -> Participant:
    return participant(b.fair, Participant.Role.EXHIBITOR, booth=b, company=b.company, **kwargs)


def buyer(
    f: Fair, *, country: str = "JP", hs_codes=("3304",), certs=(), languages=("en",), **kwargs
) -> Participant:
    p = participant(f, Participant.Role.BUYER, company=company(country=country), **kwargs)
    SourcingProfile.objects.create(
        buyer=p, hs_codes=list(hs_codes), required_certifications=list(certs), languages=list(languages)
    )
    return p
