"""Errors a user can cause: a dotted code and a translated message.

The websocket answers {"type": "error", "code": e.code, "message": e.message};
the API answers 4xx with the same code.
"""

from __future__ import annotations


class DomainError(Exception):
    status = 400

    def __init__(self, code: str, message: str | None = None, **params):
        self.code = code
        self.params = params
        self.message = str(message) if message is not None else code
        super().__init__(self.message)

    def as_dict(self) -> dict:
        return {"type": "error", "code": self.code, "message": self.message}


class PermissionDenied(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


def unavailable_errors() -> tuple[type[BaseException], ...]:
    """What a lost database or Redis raises: the request may succeed if tried again later.

    Not a user's error and not a bug: websockets answer "try again" (an error frame with
    ``retry_after``, or close code 4503) and pages 503 with Retry-After (kernel/middleware.py).
    """
    from django.db import InterfaceError, OperationalError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError, OSError, TimeoutError)


def is_unavailable(exc: BaseException) -> bool:
    return isinstance(exc, unavailable_errors())
