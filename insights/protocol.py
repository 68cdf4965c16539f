"""The organizer dashboard's websocket: route, group name, message types and timings (docs/dashboard.md).

Services and signals announce "this fair changed" to the fair's group; the dashboard consumer
(insights/consumers.py) gathers those announcements and sends at most one fresh snapshot a second.
"""

from __future__ import annotations

from django.conf import settings

DASHBOARD_PATH = "ws/fairs/<slug:slug>/dashboard/"


# channel layer: the cheap announcement of kernel/live.py (its group, its FAIR_CHANGED message type),
# handled by DashboardConsumer.fair_changed

# server -> client
SNAPSHOT = "snapshot"  # {"type": "snapshot", "snapshot": {...fair.stats.snapshot()...}}
PONG = "pong"
ERROR = "error"

# client -> server
PING = "ping"
REFRESH = "refresh"  # ask for a snapshot now (still at most one a second)

# close codes (accepted first, so the browser sees the code)
CLOSE_NOT_FOUND = 4404
CLOSE_DENIED = 4403


def setting(name: str, default: float) -> float:
    """Tunables (tests shorten them): settings.DASHBOARD_LIVE.get(name, default)."""
    return getattr(settings, "DASHBOARD_LIVE", {}).get(name, default)


def min_interval() -> float:
    """At most one snapshot per this many seconds, however many events arrive."""
    return setting("MIN_INTERVAL", 1.0)


def refresh_every() -> float:
    """A snapshot at least this often without events: visitors of a dead process fade out of the counts."""
    return setting("REFRESH_EVERY", 15.0)
