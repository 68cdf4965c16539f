"""The version of a fair's public pages (its hall and booth pages), for the caches that keep them.

Whatever those pages show (the fair, its halls, the companies, booths, products, product images,
brochures, a booth's live status) is changed by a service that emits a domain event saying so
(kernel/events.py); frontend/subscribers.py hears those events and calls ``public_pages_changed``.

A change gives the fair a new, random version, now and again once the transaction commits: a
page rendered from the old rows is stored under a version no reader will ask for again. Readers
take the version *before* they read the database (frontend/page_cache.py), so a page rendered
while the change was committing is never kept under the new version. The version is keyed by
the fair's slug, which the page's URL carries: a cache hit needs no database query.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction


def version_key(fair_slug: str) -> str:
    return f"public-pages:v1:{fair_slug}"


def _new_version() -> str:
    # Random, never a counter: a version key the cache evicted must not come back as an old value.
    return uuid.uuid4().hex


def public_pages_version(fair_slug: str) -> str:
    """The fair's current version (made when the cache has none)."""
    key = version_key(fair_slug)
    version = cache.get(key)
    if version is None:
        cache.add(key, _new_version(), timeout=None)
        version = cache.get(key)
    return version


def _bump(slugs: list[str]) -> None:
    cache.set_many({version_key(slug): _new_version() for slug in slugs}, timeout=None)


def public_pages_changed(*, fair_id: int | None = None, fair_slug: str | None = None) -> None:
    """What the fair's public pages show has changed (or is changing in the current transaction)."""
    from fair.models import Fair

    slugs = [fair_slug] if fair_slug else []
    if fair_id and not fair_slug:
        slugs = list(Fair.objects.filter(pk=fair_id).values_list("slug", flat=True))
    if not slugs:
        return
    _bump(slugs)  # now: a reader inside this transaction, or a test without commits, sees the change
    transaction.on_commit(lambda: _bump(slugs))  # and after it: nothing rendered before the commit stays
