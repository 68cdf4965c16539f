"""API tokens' scopes: which scope an operation of the REST API needs (fair/tokens.py checks it once
per request; kernel/api.py writes it into the OpenAPI schema as x-token-scope). No DRF import here:
the authentication class is loaded while DRF itself loads."""

from __future__ import annotations

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
READ_SCOPE = "read"
# Declared by an operation no token may call, whatever its scopes (erasing one's account, one's
# consents): a person does it on the site, signed in. ``api_scope = SESSION_ONLY``.
SESSION_ONLY = "session-only"


def required_scope(view, method: str) -> str | None:
    """The scope an API token needs for this operation (fair/tokens.py checks it, the schema shows
    it as x-token-scope): ``read`` to read; else what the view declares as ``api_scope`` (on the
    class, or per action: ``@action(..., api_scope="booth")``), ``SESSION_ONLY`` on purpose; None
    when it declares none. No token may call an operation of SESSION_ONLY or None; the tests tell the
    two apart (tests/fair/test_token_scopes.py: every unsafe operation declares one or the other)."""
    declared = getattr(view, "api_scope", None)
    if declared == SESSION_ONLY:  # closed to tokens, reading too
        return SESSION_ONLY
    if method.upper() in SAFE_METHODS:
        return READ_SCOPE
    return declared
