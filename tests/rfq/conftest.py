"""A Jakarta buyer's request for a serum, and three Korean and European booths that can quote on it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from meetings import ledger
from rfq import services
from tests import factories


@pytest.fixture
def rfq_world(db):
    f = factories.fair(slug="beauty-expo", name="K-Beauty Export Fair")
    hall = factories.hall(f, name="Beauty & Cosmetics", chapters=("33",))
    organizer = factories.participant(f, "organizer")
    buyer = factories.buyer(
        f,
        country="ID",
        hs_codes=("3304",),
        certs=("HALAL",),
        user_obj=factories.user(email="sari@jakarta.test", time_zone="Asia/Jakarta", language="id"),
    )
    booths, staff = {}, {}
    for key, name, country, code, certs in [
        ("seoul", "Seoul Glow Co.", "KR", "330499", ["HALAL", "CPNP"]),
        ("busan", "Busan Skin Lab", "KR", "330499", ["HALAL"]),
        ("paris", "Paris Derm SAS", "FR", "330420", ["CPNP"]),
        ("fish", "Busan Ocean Foods", "KR", "160520", []),
    ]:
        b = factories.booth(
            f, hall=hall, hs_codes=(code[:4],), company_obj=factories.company(name=name, country=country)
        )
        b.company.certifications = certs
        b.company.save()
        factories.product(b, name=f"{name} serum", hs_code=code)
        booths[key] = b
        staff[key] = factories.staff(b, user_obj=factories.user(email=f"{key}@booth.test", language="ko"))
    for currency, usd in [("KRW", "0.00075"), ("EUR", "1.08"), ("IDR", "0.000064")]:
        ledger.rate_set(actor=organizer.user, fair=f, currency=currency, usd_per_unit=Decimal(usd))
    return {"fair": f, "hall": hall, "organizer": organizer, "buyer": buyer, "booths": booths, "staff": staff}


def post(world, **extra):
    values = {
        "actor": world["buyer"].user,
        "fair": world["fair"],
        "product": "Vitamin C serum, 30 ml, CPNP notified",
        "hs_code": "3304.99",
        "quantity": "20000",
        "unit": "pcs",
        "target_price": "2.10",
        "currency": "USD",
        "incoterm": "CIF",
        "destination_country": "ID",
        "destination_port": "Tanjung Priok",
        "certifications": ["HALAL"],
        "deadline": timezone.now() + timedelta(days=7),
    }
    values.update(extra)
    return services.rfq_post(**values)


@pytest.fixture
def rfq(rfq_world):
    w = rfq_world
    r = post(w, max_quotes=5)
    services.rfq_invite(
        actor=w["buyer"].user, rfq=r, booth_ids=[w["booths"][k].pk for k in ("seoul", "busan", "paris")]
    )
    return r


def quote(world, key, rfq, **extra):
    values = {"unit_price": "2.00", "currency": "USD", "moq": "5000", "lead_time_days": 30}
    values.update(extra)
    return services.quote_submit(actor=world["staff"][key].user, rfq=rfq, **values)


class Sent:
    """The mail written to the outbox (a test's transaction never commits, so nothing leaves)."""

    def __init__(self):
        self.after = 0

    def __iter__(self):
        from types import SimpleNamespace

        from kernel.models import OutboxMessage

        rows = OutboxMessage.objects.filter(kind="mail", pk__gt=self.after).order_by("pk")
        return iter(
            [
                SimpleNamespace(to=r.payload["to"], subject=r.payload["subject"], body=r.payload["body"])
                for r in rows
            ]
        )

    def __getitem__(self, i):
        return list(self)[i]

    def __bool__(self):
        return bool(list(self))

    def clear(self):
        from kernel.models import OutboxMessage

        self.after = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.fixture
def sent(db):
    return Sent()
