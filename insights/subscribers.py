"""What the organizers' dashboard hears of the domain events: "this fair changed", after the commit.

Every event the dashboard counts (meetings, outcomes and leads, registrations, chat lines, knocks,
visits, imports) sends the cheap hint of kernel/live.py; the dashboard consumer reads a fresh
snapshot at most once a second. Presence (no database write) sends it from exhibitors/live.py.
"""

from __future__ import annotations

from insights.stats import history_changed
from kernel import events, live

COUNTED = (
    "meeting.*",
    "outcome.*",
    "lead.*",
    "participant.*",
    "chat.*",
    "knock.*",
    "interaction.*",
    "booth.published",
    "booth.unpublished",
    "dataset.*",
    "rfq.*",  # sourcing requests and quotes: the RFQ figures and a fair open all year's halls by month
    "quote.*",
)


@events.subscribe(*COUNTED, phase=events.COMMITTED)
def _dashboard_hint(event: events.Event) -> None:
    live.fair_changed(event.fair_id)


@events.subscribe("dataset.imported", phase=events.NOW)
def _history_changed(event: events.Event) -> None:
    """An import may add visits in the past: the next snapshot counts the past hours again (at once:
    a snapshot taken while the import commits only counts them once more)."""
    history_changed(event.fair_id)
