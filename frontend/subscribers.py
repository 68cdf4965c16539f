"""What the pages hear of the domain events: a new version of a fair's public pages whenever
something they show has changed (frontend/public_pages.py, frontend/page_cache.py), and of the pages
kept per signed-in person (frontend/person_pages.py)."""

from __future__ import annotations

from frontend.public_pages import public_pages_changed
from kernel import events
from kernel.page_versions import fair_changed, person_changed

# Everything the hall and booth pages show: the fair, its halls, the companies, booths, products,
# their images and brochures, a booth's live status, its live shows (scheduled, live, ended, cancelled);
# and whatever an import or the admin changes.
SHOWN = (
    "fair.*",
    "hall.*",
    "company.*",
    "booth.*",
    "product.*",
    "dataset.*",
    "admin.*",
    "show.scheduled",
    "show.live",
    "show.ended",
    "show.cancelled",
)


@events.subscribe(*SHOWN, phase=events.NOW)
def _pages_changed(event: events.Event) -> None:
    """Bumped now (a reader inside the transaction sees it) and again on commit (public_pages_changed)."""
    if event.fair_id:
        public_pages_changed(fair_id=event.fair_id)
    if event.data.get("old_slug"):  # a fair whose address changed: its pages under the old one go too
        public_pages_changed(fair_slug=event.data["old_slug"])


@events.subscribe("*", phase=events.NOW)
def _person_pages_changed(event: events.Event) -> None:
    """Any event of a fair makes every person's kept pages of that fair stale (frontend/person_pages.py),
    and any event makes its actor's own pages stale; bumped now and again on commit."""
    fair_changed(event.fair_id)
    person_changed(event.actor_id)
