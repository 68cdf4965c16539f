"""Whole public pages, kept for anonymous visitors: the hall and booth pages under load.

A visitor who is not signed in and has no session sees the same page as every other one in the
same language and time zone (their language switcher carries no CSRF token: see
frontend/views.set_language). So the view's response is kept under the path, the language and the
time zone, next to the fair's public-pages version (frontend/public_pages.py) it was rendered at. A
change to anything the page shows gives the fair a new version, and the kept page is not used again.

Never kept or served from here: a request that carries a session (signed in, or anything the
session holds for an anonymous visitor) or pending messages, anything but GET, query parameters
the view does not read, any response but a plain 200 without cookies, and a page with a CSRF
token in it (it would be one visitor's).
"""

from __future__ import annotations

import functools
import hashlib

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from frontend.public_pages import public_pages_version, version_key

# What {% csrf_token %} renders.
_CSRF_INPUT = b'name="csrfmiddlewaretoken"'


def _cacheable(request, params: frozenset[str]) -> bool:
    return (
        settings.PUBLIC_PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and set(request.GET).issubset(params)
    )


def _page_key(request, fair_slug: str) -> str:
    path = hashlib.blake2b(request.get_full_path().encode(), digest_size=16).hexdigest()
    language = translation.get_language()
    zone = timezone.get_current_timezone_name()
    return f"public-page:{fair_slug}:{language}:{zone}:{path}"


def anonymous_page(*, params: tuple[str, ...] = ()):
    """Keep the view's page for anonymous visitors of the fair in the URL (its `fair_slug`).

    `params`: the query parameters the view reads (each value gets a page of its own); a request
    with any other parameter is rendered and not kept.
    """
    allowed = frozenset(params)

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not _cacheable(request, allowed):
                return view(request, *args, **kwargs)
            fair_slug = kwargs["fair_slug"]
            key = _page_key(request, fair_slug)
            found = cache.get_many([version_key(fair_slug), key])
            # Taken before the view reads the database: see frontend/public_pages.py.
            version = found.get(version_key(fair_slug)) or public_pages_version(fair_slug)
            kept = found.get(key)
            if kept is not None and kept[0] == version:
                _version, content, headers = kept
                response = HttpResponse(content)
                for name, value in headers:
                    response[name] = value
                # A rendered page reads the session (who is signed in): it varies on the cookie.
                patch_vary_headers(response, ("Cookie",))
                return response
            response = view(request, *args, **kwargs)
            if (
                response.status_code == 200
                and not response.streaming
                and not response.cookies
                and _CSRF_INPUT not in response.content
            ):
                cache.set(
                    key,
                    (version, response.content, list(response.items())),
                    settings.PUBLIC_PAGE_CACHE_SECONDS,
                )
            return response

        return wrapped

    return decorator
