"""The access layer's machinery: one table of rules, and one function that answers it.

A rule is a namespaced permission (``booth:edit``, ``meeting:join``) with a test over (user, object)
and the error a refusal raises. Each domain app registers the rules of its objects in its own
``access.py`` and offers there one access function per kind of object, in the zulip style:

    meeting = access_meeting(request.user, meeting_id, perm="meeting:act", lock=True)

which loads the object, asks this table, and raises ``NotFound`` (no such object, or one the user
may not even see: a refusal never tells that the object exists) or ``PermissionDenied`` (seen, but
not this action). Views, API views, consumers and services all call those functions or
``require``; nothing else decides who may do what. docs/access.md lists every rule.

Superusers pass every rule. An inactive user is anonymous.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from kernel.errors import PermissionDenied

Test = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class Rule:
    perm: str
    test: Test  # (user, obj) -> bool; the user is signed in and active unless the rule is public
    code: str  # the dotted code of a refusal
    message: str  # what the refused person reads (lazily translated)
    public: bool = False  # asked for visitors who are not signed in too
    doc: str = ""
    login_code: str = ""  # the code when a visitor who is not signed in is refused (auth.login_required)


RULES: dict[str, Rule] = {}
LOGIN_REQUIRED = "auth.login_required"


def rule(perm: str, *, code: str, message, public: bool = False, login_code: str = ""):
    """Register the decorated test as the one rule for ``perm`` (its docstring documents it)."""

    def decorator(test: Test) -> Test:
        if perm in RULES:
            raise RuntimeError(f"the access rule {perm} is defined twice")
        doc = (test.__doc__ or "").strip()
        RULES[perm] = Rule(perm, test, code, message, public, doc, login_code or LOGIN_REQUIRED)
        return test

    return decorator


def signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


# Which rules were asked, for the tests that prove every entry point goes through this table.
_traces: list[list[tuple[str, Any]]] = []


@contextlib.contextmanager
def tracing() -> Iterator[list[tuple[str, Any]]]:
    """Collect (perm, object) of every check made in this process while the block runs (any thread:
    consumers ask from their database threads)."""
    asked: list[tuple[str, Any]] = []
    _traces.append(asked)
    try:
        yield asked
    finally:
        _traces.remove(asked)


# The fair an object belongs to, for API tokens bound to one fair: set by fair/access.py (the kernel
# knows no app). None for an object of no fair (creating a fair, naming fair creators).
fair_of: Callable[[Any], int | None] = lambda obj: None  # noqa: E731


def token_fair_id(user) -> int | None:
    """The fair an API token confines this request's user to (fair/tokens.py), or None: a session."""
    return getattr(user, "api_token_fair_id", None)


def allowed(user, perm: str, obj) -> bool:
    """May ``user`` do ``perm`` on ``obj``?

    A user who came with an API token is, outside the token's fair, a visitor who is not signed in:
    public rules only."""
    rule_ = RULES[perm]
    for asked in _traces:
        asked.append((perm, obj))
    scope = token_fair_id(user) if signed_in(user) else None
    if not signed_in(user) or (scope is not None and fair_of(obj) != scope):
        return rule_.public and bool(rule_.test(None, obj))
    if user.is_superuser:
        return True
    return bool(rule_.test(user, obj))


def refusal(perm: str, *, anonymous: bool) -> PermissionDenied:
    """The error a refusal of ``perm`` raises: the rule's code and message, or for a visitor who is
    not signed in, the rule's login code (auth.login_required unless the rule names its own)."""
    rule_ = RULES[perm]
    if anonymous:
        return PermissionDenied(rule_.login_code, _("Sign in first."))
    return PermissionDenied(rule_.code, rule_.message)


def require(user, perm: str, obj) -> None:
    """Raise ``refusal(perm)`` unless ``user`` may do ``perm`` on ``obj``."""
    if not allowed(user, perm, obj):
        raise refusal(perm, anonymous=not signed_in(user))
