"""API tokens: created and revoked on the "API tokens" page, sent as ``Authorization: Bearer <token>``.

The REST API takes two ways in and no other: the browser's session (with its CSRF check) and these
tokens. There is no HTTP Basic: every password goes through the sign-in form, whose rate limits
lock an account after repeated failures (docs/api-tokens.md).

A token is bound to one fair and acts as its owner there only; outside it, its bearer is treated
as a visitor who is not signed in (kernel/access.py). Only a hash of the token is kept.

Everything a token may do is decided here, in ``TokenAuthentication``, once per request:

- the token exists, is not revoked (401 ``api.token_revoked``), has not expired (401
  ``api.token_expired``), and for an organization token, the person it acts as is still staff of
  its booth or organizer of its fair (401 ``api.token_owner_left``);
- its rate (settings ``API_TOKEN_RATE``, per token, kernel/ratelimit.py): 429 ``api.token_rate_limited``
  with Retry-After;
- its scopes: the operation's scope (``required_scope``: ``read`` for GET, HEAD and OPTIONS, else
  what the view declares as ``api_scope``) must be one of the token's, else 403
  ``api.token_scope``. An operation that declares none takes no token for writing (fail closed);
  tests/fair/test_token_scopes.py proves every unsafe operation of the API declares one.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, status

from fair.access import roles_in
from fair.models import ApiToken, Fair
from kernel import ratelimit
from kernel.access import allowed, refusal, require
from kernel.errors import DomainError, NotFound
from kernel.scopes import SESSION_ONLY, required_scope

TOKEN_PREFIX = "tf_"  # noqa: S105 (what every token starts with, not a secret)
MAX_ACTIVE_TOKENS = 20
_LAST_USED_EVERY = timedelta(minutes=1)  # how often a token's "last used" is written

Scope = ApiToken.Scope
SCOPES: tuple[str, ...] = tuple(Scope.values)
WRITE_SCOPES = (Scope.MEETINGS, Scope.LEADS, Scope.RFQ, Scope.BOOTH)
EXPIRY_DAYS = (30, 90, 365)
DEFAULT_EXPIRY_DAYS = 90

# What each scope lets a token do (the page, the schema and docs/api-tokens.md say the same).
SCOPE_HELP = {
    Scope.READ: "GET, HEAD and OPTIONS of every operation the owner may read",
    Scope.MEETINGS: "meeting requests, invitations, answers, moves, held and outcomes; availability; "
    "marking notifications read; following live shows",
    Scope.LEADS: "lead stages of the outcome ledger, buyer marks, trade outcomes, shipments and agreements",
    Scope.RFQ: "RFQs, their invitations and quotes, quote messages and decisions",
    Scope.BOOTH: "booth content: texts, products, publishing, live status, weekly hours, readiness marks; "
    "scheduling and cancelling live shows",
    Scope.ADMIN: "the organizers' operations (permanent fair, carrying booths over); the owner must be "
    "an organizer of the fair",
}


class Owner:
    """Whom a new token belongs to (the page's "Owner" choice)."""

    ME = "me"
    COMPANY = "company"
    ORGANIZERS = "organizers"
    ALL = (ME, COMPANY, ORGANIZERS)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def scopes_clean(scopes) -> list[str]:
    """The chosen scopes, in a stable order; DomainError("token.bad_scope") for none or an unknown."""
    chosen = {str(s) for s in (scopes or ())}
    if not chosen or chosen - set(SCOPES):
        raise DomainError("token.bad_scope", _("Choose at least one scope from the list."))
    return [s for s in SCOPES if s in chosen]


@transaction.atomic
def token_create(
    *,
    actor,
    fair: Fair,
    name: str,
    scopes,
    expires_in_days: int = DEFAULT_EXPIRY_DAYS,
    owner: str = Owner.ME,
) -> tuple[ApiToken, str]:
    """A new token for ``fair`` (``actor`` takes part in it): the row and the token itself, which is
    shown this once and never again.

    ``owner``: ``me`` (a personal token), ``company`` (an organization token of the booth ``actor``
    staffs in this fair) or ``organizers`` (an organization token of the fair's organizers). An
    organization token acts with ``actor``'s rights while ``actor`` stays staff (or organizer)."""
    require(actor, "fair:attend", fair)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise DomainError("token.bad_name", _("Name the token (at most 100 characters)."))
    scopes = scopes_clean(scopes)
    if expires_in_days not in EXPIRY_DAYS:
        raise DomainError("token.bad_expiry", _("Choose an expiry of 30, 90 or 365 days."))
    if owner not in Owner.ALL:
        raise DomainError("token.bad_owner", _("Choose whom the token belongs to."))
    booth_id = None
    roles = roles_in(actor, fair.pk)
    if owner == Owner.COMPANY:
        require(actor, "token:company", fair)
        # One exhibitor part per person and fair (participant_one_role_per_user): at most one booth.
        booth_id = next(iter(roles.staff_of), None)
        if booth_id is None:  # a superuser passes the rule but has no booth to act for
            raise refusal("token:company", anonymous=False)
    if owner == Owner.ORGANIZERS or Scope.ADMIN in scopes:
        require(actor, "fair:organize", fair)
        if not roles.organizer:  # the token acts as its maker, who must be an organizer there
            raise refusal("fair:organize", anonymous=False)
    working = ApiToken.objects.filter(user=actor, revoked_at__isnull=True).exclude(
        expires_at__lte=timezone.now()
    )
    if working.count() >= MAX_ACTIVE_TOKENS:
        raise DomainError(
            "token.too_many", _("You have %(n)d active tokens; revoke one first.") % {"n": MAX_ACTIVE_TOKENS}
        )
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        fair=fair,
        kind=ApiToken.Kind.PERSONAL if owner == Owner.ME else ApiToken.Kind.ORGANIZATION,
        booth_id=booth_id,
        name=name,
        scopes=scopes,
        expires_at=timezone.now() + timedelta(days=expires_in_days),
        prefix=key[:10],
        key_hash=_hash(key),
    )
    return token, key


@transaction.atomic
def token_revoke(*, actor, token_id: int) -> ApiToken:
    """Revoke a token ``actor`` manages (token:manage): it stops working at once."""
    token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
    if token is None or not _manages(actor, token):
        raise NotFound("token.not_found", _("No such token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def _manages(user, token: ApiToken) -> bool:
    return allowed(user, "token:manage", token)


def tokens_of(user) -> list[ApiToken]:
    """The personal tokens of ``user``, newest first, those still working first."""
    rows = ApiToken.objects.filter(user=user, kind=ApiToken.Kind.PERSONAL).select_related("fair")
    return sorted(rows.order_by("-created_at"), key=lambda t: not t.active)


def organization_tokens_of(user) -> list[ApiToken]:
    """The organization tokens ``user`` manages (every booth they staff, every fair they organize)."""
    fair_ids = set(
        user.participations.filter(status="approved", role__in=("exhibitor", "organizer")).values_list(
            "fair_id", flat=True
        )
    )
    rows = (
        ApiToken.objects.filter(kind=ApiToken.Kind.ORGANIZATION, fair_id__in=fair_ids)
        .select_related("fair", "user", "booth__company")
        .order_by("-created_at")
    )
    return sorted((t for t in rows if _manages(user, t)), key=lambda t: not t.active)


# --- the request's side -----------------------------------------------------------------------


class TokenRefused(exceptions.APIException):
    """401 with a stable code: the token is unknown, revoked, expired, or its owner left. (DRF's own
    AuthenticationFailed would become 403 here, the session being the first way in.)"""

    status_code = status.HTTP_401_UNAUTHORIZED
    auth_header = 'Bearer realm="api", error="invalid_token"'


def _still_owner(token: ApiToken) -> bool:
    if token.kind == ApiToken.Kind.PERSONAL:
        return True
    roles = roles_in(token.user, token.fair_id)
    return token.booth_id in roles.staff_of if token.booth_id else roles.organizer


def _rate() -> tuple[int, float]:
    n, seconds = settings.API_TOKEN_RATE
    return int(n), float(seconds)


class TokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer tf_...``: the token's owner, confined to the token's fair and scopes."""

    keyword = "bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.encode():
            return None
        if len(header) != 2:
            raise TokenRefused(_("Send the header as: Authorization: Bearer <token>."), code="token_invalid")
        try:
            key = header[1].decode()
        except UnicodeError:
            raise TokenRefused(_("Invalid token."), code="token_invalid") from None
        token = ApiToken.objects.select_related("user").filter(key_hash=_hash(key)).first()
        if token is None or not token.user.is_active:
            raise TokenRefused(_("Invalid token."), code="token_invalid")
        if token.revoked_at is not None:
            raise TokenRefused(_("This token was revoked."), code="token_revoked")
        if token.expired:
            raise TokenRefused(_("This token has expired; create a new one."), code="token_expired")
        if not _still_owner(token):
            raise TokenRefused(
                _("The person this organization token acts as is no longer staff here; create a new one."),
                code="token_owner_left",
            )
        n, seconds = _rate()
        if not ratelimit.allow(f"api-token:{token.pk}:{token.prefix}", rate=(n, seconds)):
            raise exceptions.Throttled(
                wait=math.ceil(seconds / n),
                detail=_("Too many requests with this token; try again shortly."),
                code="token_rate_limited",
            )
        self._check_scope(request, token)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > _LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        user = token.user
        user.api_token_fair_id = token.fair_id
        return user, token

    def _check_scope(self, request, token: ApiToken) -> None:
        view = (getattr(request, "parser_context", None) or {}).get("view")
        needed = required_scope(view, request.method)
        held = set(token.scopes)
        if Scope.ADMIN in held and not roles_in(token.user, token.fair_id).organizer:
            held.discard(Scope.ADMIN)  # the owner is no longer an organizer of the fair
        if needed is None or needed == SESSION_ONLY:
            raise exceptions.PermissionDenied(
                _("This operation takes no API token; use the site."), code="token_scope"
            )
        if needed not in held:
            refused = exceptions.PermissionDenied(
                _("This token lacks the scope %(scope)s.") % {"scope": needed}, code="token_scope"
            )
            refused.extra = {"scope": needed}
            raise refused

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class TokenScheme(OpenApiAuthenticationExtension):
    """The token in the OpenAPI schema: an HTTP bearer scheme, its scopes described."""

    target_class = "fair.tokens.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        scopes = "; ".join(f"`{s}`: {SCOPE_HELP[s]}" for s in SCOPES)
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A token from the API tokens page, bound to one fair, with scopes and an expiry date. "
                "Each operation says the scope it needs (x-token-scope). "
                f"Scopes: {scopes}. A missing scope answers 403 api.token_scope; a revoked or expired "
                "token 401 api.token_revoked / api.token_expired; too many requests 429 "
                "api.token_rate_limited with Retry-After."
            ),
        }
