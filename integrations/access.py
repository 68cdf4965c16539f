"""Who may manage a webhook: the fair's organizers for the fair's endpoints, a booth's approved staff
for the booth's."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from fair.access import roles_in
from integrations.models import WebhookEndpoint
from kernel.access import allowed, require, rule
from kernel.errors import NotFound


@rule("webhook:manage", code="webhook.denied", message=_("Only the owner of this webhook may change it."))
def _webhook_manage(user, endpoint) -> bool:
    """A booth's endpoint: its approved staff (and the fair's organizers); a fair's: its organizers."""
    roles = roles_in(user, endpoint.fair_id)
    if endpoint.booth_id is not None:
        return endpoint.booth_id in roles.staff_of or roles.organizer
    return roles.organizer


def access_endpoint(user, endpoint_id, *, fair) -> WebhookEndpoint:
    try:
        endpoint = (
            WebhookEndpoint.objects.filter(pk=int(endpoint_id), fair=fair).select_related("booth").first()
        )
    except (TypeError, ValueError):
        endpoint = None
    if endpoint is None or not allowed(user, "webhook:manage", endpoint):
        raise NotFound("webhook.not_found", _("No such webhook."))
    require(user, "webhook:manage", endpoint)
    return endpoint


@rule(
    "account:manage",
    code="privacy.denied",
    message=_("Only the person themselves may do this, signed in (not with an API token)."),
)
def _account_manage(user, account) -> bool:
    """Erase an account, change its consents: the person themselves, signed in (an API token, bound to
    one fair, may not)."""
    return user.pk == account.pk
