"""Versions of what a signed-in person's pages show, for the pages kept whole per session
(frontend/person_pages.py). Here, at the bottom, so that any app can say that something changed: a
person's own version (their writes, their notices) and a fair's version (any domain event of it).
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction


def person_key(user_id: int) -> str:
    return f"person-pages:v1:user:{user_id}"


def fair_key(fair_id: int) -> str:
    return f"person-pages:v1:fair:{fair_id}"


def _bump(keys: list[str]) -> None:
    # Random, never a counter: a version the cache evicted must not come back as an old value.
    cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)


def _changed(keys: list[str]) -> None:
    _bump(keys)  # now: a reader inside this transaction sees it
    transaction.on_commit(lambda: _bump(keys))  # and after it: nothing rendered before the commit stays


def person_changed(*user_ids: int | None) -> None:
    """Something these people's own pages show has changed (or is changing in this transaction)."""
    keys = [person_key(pk) for pk in user_ids if pk]
    if keys:
        _changed(keys)


def fair_changed(fair_id: int | None) -> None:
    """Something of this fair has changed: every person's kept pages of it are stale."""
    if fair_id:
        _changed([fair_key(fair_id)])


def versions_of(keys: list[str]) -> tuple[str, ...]:
    found = cache.get_many(keys)
    missing = {key: uuid.uuid4().hex for key in keys if key not in found}
    for key, value in missing.items():
        if cache.add(key, value, timeout=None):
            found[key] = value
        else:
            found[key] = cache.get(key) or value
    return tuple(found[key] for key in keys)
