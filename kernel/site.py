"""The site's own address, for links that leave the page (e-mails, calendar invitations, ICS feeds).

In order: ``SITE_URL`` when it is set (production sets it); else the address of the request being
served (a link written while answering a page points where that page came from); else
``SERVER_URL``, the address the server was started on (``make run`` passes it to the web server and
the worker); else http://127.0.0.1:8000.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import DisallowedHost

FALLBACK = "http://127.0.0.1:8000"

_request_base: ContextVar[str] = ContextVar("tradefair_request_base", default="")


def site_url() -> str:
    """The base address without a trailing slash."""
    for base in (getattr(settings, "SITE_URL", ""), _request_base.get(), getattr(settings, "SERVER_URL", "")):
        if base:
            return base.rstrip("/")
    return FALLBACK


def absolute(path: str) -> str:
    return site_url() + path


class SiteUrlMiddleware:
    """Remember the request's scheme and (validated) host while it is served."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            base = f"{request.scheme}://{request.get_host()}"
        except DisallowedHost:
            base = ""
        token = _request_base.set(base)
        try:
            return self.get_response(request)
        finally:
            _request_base.reset(token)
