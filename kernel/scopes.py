"""API tokens' scopes: which scope an operation of the REST API needs (fair/tokens.py checks it once
per request; kernel/api.py writes it into the OpenAPI schema as x-token-scope). No DRF import here:
the authentication class is loaded while DRF itself loads."""

from __future__ import annotations

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
READ_SCOPE = "read"


def required_scope(view, method: str) -> str | None:
    """The scope an API token needs for this operation (fair/tokens.py checks it, the schema shows
    it as x-token-scope): ``read`` to read; else what the view declares as ``api_scope`` (on the
    class, or per action: ``@action(..., api_scope="booth")``); None when it declares none, and
    then no token may call it."""
    if method.upper() in SAFE_METHODS:
        return READ_SCOPE
    return getattr(view, "api_scope", None)
