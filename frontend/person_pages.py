"""Whole pages as one signed-in person sees them, kept for that person's session for a minute.

The pages a signed-in person opens most (a hall, a booth, their agenda, their recommendations) are
rendered from a dozen queries; opened again, they are served from the cache unless something they
could show has changed. A kept page is stored under the session (its CSRF token and its person are
that session's), the path, the language and the time zone, next to the versions it was rendered at:

- the person's own version (``person_changed`` in kernel/page_versions.py): any request of theirs
  that can change something (frontend/middleware.py), every domain event they caused, and their
  notices (the bell);
- the version of each fair the page shows (``fair_changed``): every domain event of the fair, by
  anyone (a meeting accepted by the other side, a chat line, a booth edited...), now and again when
  its transaction commits (frontend/subscribers.py).

A page is used only while every version it was rendered at is still current, and for at most
PERSON_PAGE_CACHE_SECONDS, or until the moment the view says its page changes by time alone. Versions
are taken *before* the view reads the database, so a page rendered while a change was committing is
never kept under the new version (as frontend/public_pages.py does for anonymous visitors).

Never kept or served from here: anything but GET, a request without a session or with pending
messages, query parameters the view does not read, and any response but a plain 200 whose only
cookie is the CSRF cookie.
"""

from __future__ import annotations

import functools
import hashlib
import math

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone, translation

from kernel.page_versions import fair_key, person_key, versions_of


def fair_of_slug(request, *, fair_slug: str, **_kwargs) -> list[int]:
    """The fair in the URL, by its slug: kept a few minutes, so a hit needs no query for it."""
    from fair.models import Fair

    key = f"person-pages:fair-id:{fair_slug}"
    fair_id = cache.get(key)
    if fair_id is None:
        fair_id = Fair.objects.filter(slug=fair_slug).values_list("pk", flat=True).first() or 0
        cache.set(key, fair_id, 300)
    return [fair_id] if fair_id else []


def fairs_of_person(request, *, person_version: str, **_kwargs) -> list[int]:
    """Every fair the signed-in person takes part in (their agenda spans them), kept under their
    version: registering (their write) or being approved (a notice) gives them a new one."""
    from fair.models import Participant

    key = f"person-pages:fairs:{request.user.pk}:{person_version}"
    fair_ids = cache.get(key)
    if fair_ids is None:
        rows = Participant.objects.filter(user=request.user).values_list("fair_id", flat=True)
        fair_ids = sorted(set(rows))
        cache.set(key, fair_ids, settings.PERSON_PAGE_CACHE_SECONDS)
    return fair_ids


def _cacheable(request, params: frozenset[str]) -> bool:
    user = getattr(request, "user", None)
    return (
        settings.PERSON_PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and user is not None
        and user.is_authenticated
        and settings.SESSION_COOKIE_NAME in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and not request.session.get("_messages")
        and set(request.GET).issubset(params)
    )


def _page_key(request) -> str:
    session = hashlib.blake2b(request.COOKIES[settings.SESSION_COOKIE_NAME].encode(), digest_size=16)
    path = hashlib.blake2b(request.get_full_path().encode(), digest_size=16).hexdigest()
    language = translation.get_language()
    zone = timezone.get_current_timezone_name()
    return f"person-page:{request.user.pk}:{session.hexdigest()}:{language}:{zone}:{path}"


def _seconds_to_keep(request) -> int:
    """PERSON_PAGE_CACHE_SECONDS, or less when the view said when its page changes by time alone
    (``request.person_page_until``: a Join button going live, a meeting becoming past)."""
    seconds = settings.PERSON_PAGE_CACHE_SECONDS
    until = getattr(request, "person_page_until", None)
    if until is not None:
        seconds = min(seconds, math.floor((until - timezone.now()).total_seconds()))
    return seconds


def _keepable(response) -> bool:
    cookies = set(response.cookies) - {settings.CSRF_COOKIE_NAME}
    return response.status_code == 200 and not response.streaming and not cookies


def person_page(*, fairs, params: tuple[str, ...] = ()):
    """Keep the view's page for the signed-in person who asked for it (see the module's text).

    ``fairs(request, person_version=..., **kwargs)``: the ids of the fairs the page shows (without a
    query where it can: it runs on every request, hit or miss). ``params``: the query parameters the
    view reads (each value gets a page of its own); a request with any other parameter is rendered
    and not kept.
    """
    allowed = frozenset(params)

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not _cacheable(request, allowed):
                return view(request, *args, **kwargs)
            # The versions are taken before the view reads the database.
            (person,) = versions_of([person_key(request.user.pk)])
            fair_ids = fairs(request, person_version=person, **kwargs)
            versions = (person, *versions_of([fair_key(pk) for pk in fair_ids]))
            key = _page_key(request)
            kept = cache.get(key)
            if kept is not None and kept[0] == versions:
                _versions_then, content, headers = kept
                response = HttpResponse(content)
                for name, value in headers:
                    response[name] = value
                return response
            response = view(request, *args, **kwargs)
            seconds = _seconds_to_keep(request)
            if seconds > 0 and _keepable(response):
                headers = [(k, v) for k, v in response.items() if k.lower() != "set-cookie"]
                cache.set(key, (versions, response.content, headers), seconds)
            return response

        return wrapped

    return decorator
