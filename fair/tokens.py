"""API tokens: created and revoked on the "API tokens" page, sent as ``Authorization: Bearer <token>``.

The REST API takes two ways in and no other: the browser's session (with its CSRF check) and these
tokens. There is no HTTP Basic: every password goes through the sign-in form, whose rate limits
lock an account after repeated failures (docs/api-tokens.md).

A token is bound to one fair and acts as its owner there only; outside it, its bearer is treated
as a visitor who is not signed in (kernel/access.py). A read token is refused any request that
could change something (403 ``api.token_read_only``). Only a hash of the token is kept.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from fair.models import ApiToken, Fair
from kernel.access import require
from kernel.errors import DomainError, NotFound

TOKEN_PREFIX = "tf_"  # noqa: S105 (what every token starts with, not a secret)
MAX_ACTIVE_TOKENS = 20
_LAST_USED_EVERY = timedelta(minutes=1)  # how often a token's "last used" is written


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(*, actor, fair: Fair, name: str, scope: str) -> tuple[ApiToken, str]:
    """A new token of ``actor`` for ``fair`` (they take part in it): the row and the token itself,
    which is shown this once and never again."""
    require(actor, "fair:attend", fair)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise DomainError("token.bad_name", _("Name the token (at most 100 characters)."))
    if scope not in ApiToken.Scope.values:
        raise DomainError("token.bad_scope", _("Choose read, or read and write."))
    if ApiToken.objects.filter(user=actor, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise DomainError(
            "token.too_many", _("You have %(n)d active tokens; revoke one first.") % {"n": MAX_ACTIVE_TOKENS}
        )
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, fair=fair, name=name, scope=scope, prefix=key[:10], key_hash=_hash(key)
    )
    return token, key


@transaction.atomic
def token_revoke(*, actor, token_id: int) -> ApiToken:
    """Revoke one of ``actor``'s tokens: it stops working at once."""
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
    if token is None:
        raise NotFound("token.not_found", _("No such token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def tokens_of(user):
    return ApiToken.objects.filter(user=user).select_related("fair").order_by("revoked_at", "-created_at")


class TokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer tf_...``: the token's owner, confined to the token's fair."""

    keyword = "bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the header as: Authorization: Bearer <token>."))
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=_hash(key), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        if token.scope == ApiToken.Scope.READ and request.method not in ("GET", "HEAD", "OPTIONS"):
            raise exceptions.PermissionDenied(
                _("This token may only read; create a read and write token."), code="token_read_only"
            )
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > _LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        user = token.user
        user.api_token_fair_id = token.fair_id
        return user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class TokenScheme(OpenApiAuthenticationExtension):
    """The token in the OpenAPI schema: an HTTP bearer scheme."""

    target_class = "fair.tokens.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from the API tokens page, bound to one fair; read or read and write.",
        }
