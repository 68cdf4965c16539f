"""A signing ceremony of six organisations from two countries (three Korean exhibitors, three Chinese
buyers), with the fair's organizer and an interpreter confirmed for the consultation chosen for it:
eight people who may join its room, and strangers who may not."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from agreements import services
from agreements.models import Ceremony, Kind
from fair.models import Participant
from meetings.models import Meeting, Slot
from tests import factories

KOREAN = [("Seoul Glow Co.", "Minji"), ("Busan Ocean Foods", "Jihoon"), ("Incheon MedTech", "Seo-yeon")]
CHINESE = [("上海美妆贸易有限公司", "伟"), ("Guangzhou Beauty Import", "芳"), ("Hangzhou Tea House", "静")]


def six_party_ceremony(*, starts_in: timedelta = -timedelta(minutes=1), minutes: int = 30) -> dict:
    f = factories.fair()
    organizer = factories.participant(f, Participant.Role.ORGANIZER)
    interpreter = factories.participant(f, Participant.Role.INTERPRETER, languages=["ko", "zh-hans"])
    korean = []
    for name, first in KOREAN:
        booth = factories.booth(f, company_obj=factories.company(name=name, country="KR"))
        korean.append(factories.staff(booth, user_obj=factories.user(first_name=first, language="ko")))
    chinese = []
    for name, first in CHINESE:
        chinese.append(
            factories.participant(
                f,
                Participant.Role.BUYER,
                company=factories.company(name=name, country="CN"),
                user_obj=factories.user(first_name=first, language="zh-hans"),
            )
        )
    parties = korean + chinese
    agreement = services.agreement_draft(
        actor=korean[0].user,
        fair=f,
        kind=Kind.MOU,
        title="Six-party export MOU",
        language="en",
        text="The six parties mean to trade together.",
        signatories=[(p, "CEO") for p in parties],
    )
    start = timezone.now().replace(microsecond=0) + starts_in
    slot = Slot.objects.create(
        fair=f, starts_at=start, ends_at=start + timedelta(minutes=30), day=start.date()
    )
    meeting = Meeting.objects.create(
        fair=f,
        buyer=chinese[0],
        booth=korean[0].booth,
        exhibitor=korean[0],
        slot=slot,
        status=Meeting.Status.ACCEPTED,
        interpreter=interpreter,
        interpreter_status=Meeting.InterpreterStatus.CONFIRMED,
    )
    ceremony = Ceremony.objects.create(
        agreement=agreement,
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        meeting=meeting,
        created_by=organizer.user,
    )
    return {
        "fair": f,
        "agreement": agreement,
        "ceremony": ceremony,
        "meeting": meeting,
        "parties": [p.user for p in parties],
        "organizer": organizer.user,
        "interpreter": interpreter.user,
        "stranger": factories.buyer(f, country="CN").user,
        "proposed_interpreter": factories.participant(f, Participant.Role.INTERPRETER).user,
    }
