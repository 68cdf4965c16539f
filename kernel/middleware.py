"""503 with Retry-After, instead of a 500 after a long wait, while the database or Redis is away.

A request that fails with what kernel.errors.is_unavailable() recognises (a refused or timed-out
connection, the pool finding no connection within DATABASE_POOL_TIMEOUT seconds) is answered with
the styled 503 page (503.html, rendered without the database) or, for /api/, a JSON error with the
code ``service.unavailable``; both carry ``Retry-After``. Whether the failure happened in a view or in
a middleware (loading the session or the user), Django turns it into a 500 response first and sends
``got_request_exception`` with the exception still being handled: the receiver below marks the
request, and this middleware (the outermost but security) swaps that 500 for the 503.
"""

from __future__ import annotations

import sys

from django.core.signals import got_request_exception
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from kernel.errors import is_unavailable

RETRY_AFTER_SECONDS = 5


@receiver(got_request_exception)
def _mark_unavailable(sender, request=None, **kwargs):
    exc = sys.exc_info()[1]
    if request is not None and exc is not None and is_unavailable(exc):
        request._service_unavailable = exc


def unavailable_response(request) -> HttpResponse:
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "code": "service.unavailable",
                "detail": _("The service is briefly unavailable. Try again in a few seconds."),
            },
            status=503,
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class UnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "_service_unavailable", None) is not None and response.status_code >= 500:
            return unavailable_response(request)
        return response

    def process_exception(self, request, exception):
        """A view's failure: answered at once (under DEBUG, the debug page would query again)."""
        if is_unavailable(exception):
            return unavailable_response(request)
        return None
