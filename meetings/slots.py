"""Cutting a fair's days into slots, and showing a time to two people in two zones.

Pure functions: no database. The fair's daily window and breaks are wall-clock
times in the fair's zone; the slots come out as aware UTC datetimes, so a
window that crosses a daylight-saving change still starts at 09:00 local.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.utils import formats
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class SlotSpec:
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    day: date  # in the fair's zone


def cut_slots(
    *,
    first_day: date,
    last_day: date,
    zone: str,
    day_start: time,
    day_end: time,
    minutes: int,
    breaks: list[tuple[time, time]] = (),
) -> list[SlotSpec]:
    """Every slot of every day, skipping any slot that overlaps a break."""
    tz = zoneinfo.ZoneInfo(zone)
    step = timedelta(minutes=minutes)
    specs: list[SlotSpec] = []
    day = first_day
    while day <= last_day:
        cursor = datetime.combine(day, day_start)
        end_of_day = datetime.combine(day, day_end)
        while cursor + step <= end_of_day:
            wall_end = cursor + step
            overlaps = any(
                cursor < datetime.combine(day, b_end) and datetime.combine(day, b_start) < wall_end
                for b_start, b_end in breaks
            )
            if not overlaps:
                starts = cursor.replace(tzinfo=tz).astimezone(UTC)
                ends = wall_end.replace(tzinfo=tz).astimezone(UTC)
                specs.append(SlotSpec(starts_at=starts, ends_at=ends, day=day))
            cursor = wall_end
        day += timedelta(days=1)
    return specs


def place_name(zone: str) -> str:
    """'Asia/Seoul' -> 'Seoul', 'America/New_York' -> 'New York'."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def format_dual(moment: datetime, *, viewer_zone: str, other_zone: str) -> str:
    """'Tue 10:00 your time / 23:00 in Seoul' (the other side's day is named when it differs)."""
    mine = moment.astimezone(zoneinfo.ZoneInfo(viewer_zone))
    mine_text = formats.date_format(mine, "D H:i")
    if other_zone == viewer_zone:
        return _("%(mine)s your time") % {"mine": mine_text}
    theirs = moment.astimezone(zoneinfo.ZoneInfo(other_zone))
    theirs_text = formats.date_format(theirs, "H:i" if theirs.date() == mine.date() else "D H:i")
    return _("%(mine)s your time / %(theirs)s in %(place)s") % {
        "mine": mine_text,
        "theirs": theirs_text,
        "place": place_name(other_zone),
    }


def format_day(moment: datetime, *, zone: str) -> str:
    """The date of ``moment`` in ``zone``, written the viewer's way ('Tuesday, 3 March 2026')."""
    local = moment.astimezone(zoneinfo.ZoneInfo(zone))
    return _("%(weekday)s, %(date)s") % {
        "weekday": formats.date_format(local, "l"),
        "date": formats.date_format(local, "DATE_FORMAT"),
    }
