"""Logging filters (config/settings.py LOGGING uses them).

A refusal (403) is an answer the application means to give: it is logged as one line, the method,
the path and the status, never with a traceback. Errors (5xx) keep theirs.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied

from kernel.errors import PermissionDenied


class ExpectedRefusals(logging.Filter):
    """On django.request: a 403, or a record carrying a PermissionDenied, loses its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if getattr(record, "status_code", None) == 403 or isinstance(
            error, DjangoPermissionDenied | PermissionDenied
        ):
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True
