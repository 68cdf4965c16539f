from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from fair import services as fair_services
from fair.models import parse_breaks
from kernel.errors import DomainError
from meetings import services
from meetings.models import Slot
from meetings.slots import cut_slots, format_dual
from tests.factories import FAIR_START


def test_slots_follow_the_fair_window_and_breaks_in_its_zone(small_fair):
    f = small_fair["fair"]  # Asia/Seoul, 09:00-18:00, 30 minutes, three days from FAIR_START
    f = fair_services.fair_update(actor=small_fair["organizer"].user, fair=f, breaks=[["12:00", "13:00"]])
    slots = list(Slot.objects.filter(fair=f).order_by("starts_at"))  # cut by the change itself
    assert len(slots) == 3 * (18 - 2)  # 18 half hours a day, two lost to lunch
    first = slots[0]
    assert first.starts_at == datetime.combine(FAIR_START, time(0), tzinfo=UTC)  # 09:00 in Seoul
    assert all(not (3 <= s.starts_at.hour < 4) for s in slots)  # 12:00-13:00 Seoul is 03:00-04:00 UTC
    assert {s.day for s in slots} == {FAIR_START + timedelta(days=n) for n in range(3)}
    # Running it again changes nothing.
    assert len(services.slots_generate(fair=f)) == len(slots) == Slot.objects.filter(fair=f).count()


def test_slots_keep_local_start_across_a_dst_change():
    specs = cut_slots(
        first_day=date(2027, 11, 6),
        last_day=date(2027, 11, 8),
        zone="America/New_York",
        day_start=time(9),
        day_end=time(10),
        minutes=60,
    )
    assert [s.starts_at.hour for s in specs] == [13, 14, 14]  # 09:00 EDT, then 09:00 EST


def test_bad_breaks_are_refused_and_change_nothing(small_fair):
    with pytest.raises(DomainError) as e:
        fair_services.fair_update(
            actor=small_fair["organizer"].user, fair=small_fair["fair"], breaks=[["13:00", "12:00"]]
        )
    assert e.value.code == "fair.invalid"
    small_fair["fair"].refresh_from_db()
    assert small_fair["fair"].breaks == []
    with pytest.raises(ValidationError):
        parse_breaks([["noon", "13:00"]])


def test_only_organizers_change_the_rules(small_fair):
    with pytest.raises(DomainError) as e:
        fair_services.fair_update(actor=small_fair["buyer"].user, fair=small_fair["fair"], breaks=[])
    assert e.value.code == "fair.denied"
    with pytest.raises(DomainError) as e:
        services.rules_update(
            actor=small_fair["buyer"].user, fair=small_fair["fair"], auto_confirm_interpreters=True
        )
    assert e.value.code == "fair.denied"


def test_time_shown_with_the_other_sides_local_time():
    moment = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)  # Tue 09:00 in New York, 23:00 in Seoul
    with translation.override("en"):
        assert format_dual(moment, viewer_zone="America/New_York", other_zone="Asia/Seoul") == (
            "Tue 09:00 your time / 23:00 in Seoul"
        )
        assert format_dual(moment, viewer_zone="Asia/Seoul", other_zone="America/New_York") == (
            "Tue 23:00 your time / 09:00 in New York"
        )
        late = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
        assert format_dual(late, viewer_zone="Asia/Seoul", other_zone="America/New_York") == (
            "Wed 01:00 your time / Tue 11:00 in New York"
        )
