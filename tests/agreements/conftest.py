"""A fair where two Korean companies and a Chinese one sign an MOU, with the organizer's templates."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from agreements import services
from agreements.models import Kind
from tests import factories

KO_TEXT = "제1조 (목적) 본 양해각서는 화장품 수출 협력을 목적으로 한다.\n\n제2조 (협력 분야) 공동 마케팅."
ZH_TEXT = "第一条（目的）本谅解备忘录旨在促进双方化妆品出口合作。\n\n第二条（合作领域）联合营销与分销。"


def verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def mou_world(db):
    f = factories.fair(slug="mou-expo", name="Gyeonggi Export Fair")
    organizer = factories.participant(f, "organizer")
    verified(organizer.user)
    seoul = factories.company(name="Seoul Glow Co.", country="KR")
    busan = factories.company(name="Busan Ocean Foods", country="KR")
    shanghai = factories.company(name="上海美妆贸易有限公司", country="CN")
    booth_a = factories.booth(f, company_obj=seoul)
    booth_b = factories.booth(f, company_obj=busan, hs_codes=("1605",))
    staff_a = factories.staff(
        booth_a, user_obj=verified(factories.user(first_name="Minji", last_name="Kim", language="ko"))
    )
    staff_b = factories.staff(
        booth_b, user_obj=verified(factories.user(first_name="Jihoon", last_name="Park", language="ko"))
    )
    buyer_c = factories.participant(
        f,
        "buyer",
        company=shanghai,
        user_obj=verified(factories.user(first_name="伟", last_name="王", language="zh-hans")),
    )
    org_user = organizer.user
    services.template_save(
        actor=org_user, fair=f, kind=Kind.MOU, language="ko", title="양해각서", body=KO_TEXT
    )
    services.template_save(
        actor=org_user, fair=f, kind=Kind.MOU, language="zh-hans", title="谅解备忘录", body=ZH_TEXT
    )
    return {
        "fair": f,
        "organizer": organizer,
        "companies": {"seoul": seoul, "busan": busan, "shanghai": shanghai},
        "booths": {"seoul": booth_a, "busan": booth_b},
        "staff_a": staff_a,
        "staff_b": staff_b,
        "buyer_c": buyer_c,
    }


@pytest.fixture
def mou(mou_world):
    """A bilingual Korean/Chinese MOU drafted from the templates, three signatories of three companies."""
    w = mou_world
    return services.agreement_draft(
        actor=w["staff_a"].user,
        fair=w["fair"],
        kind=Kind.MOU,
        title="양해각서 / 谅解备忘录",
        language="ko",
        second_language="zh-hans",
        from_template=True,
        signatories=[(w["staff_a"], "대표이사"), (w["staff_b"], "대표"), (w["buyer_c"], "总经理")],
    )


def signatory_of(agreement, participant):
    return agreement.signatories.get(user=participant.user)


CODE = re.compile(r"\b(\d{6})\b")


def last_code(email: str) -> str:
    """The code in the latest signing-code mail to ``email`` (its subject carries it)."""
    for message in reversed(mail.outbox):
        found = CODE.search(message.subject)
        if email in message.to and found:
            return found.group(1)
    raise AssertionError(f"no signing code was mailed to {email}")
