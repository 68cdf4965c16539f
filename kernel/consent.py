"""What a person agreed to: explicit, revocable consents, kept as a history (docs/privacy.md).

Two questions, asked at join time (unticked) and on the profile's Privacy page:

- ``contact``: share my e-mail address with the other side after a meeting is agreed (the meeting page,
  calendar invitations, the exhibitor's CRM export). Nobody's contacts are shared without it.
- ``recommend``: recommend me to exhibitors (the matching engine's recommended buyers, the "invite
  recommended buyers" list, the next fit of the model). A person who never answered (an account made
  before the question, a buyer imported from a dataset) is recommended; one who said no is not.

Each answer is one ``Consent`` row (given or refused, when, where); the newest counts. The kernel knows
no app: every floor reads these functions; ``consent_set`` emits ``consent.granted`` /
``consent.revoked``, which the audit log writes.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kernel import events
from kernel.errors import DomainError
from kernel.models import Consent

CONTACT, RECOMMEND = "contact", "recommend"
KINDS = {
    CONTACT: _("Share my e-mail address with the other side once a meeting is agreed"),
    RECOMMEND: _("Recommend me to exhibitors"),
}
# What counts for someone who never answered.
DEFAULTS = {CONTACT: False, RECOMMEND: True}


def consent_given(user, kind: str) -> bool:
    """The person's current answer (their newest row), or the default when they never answered."""
    if user is None or not getattr(user, "pk", None):
        return DEFAULTS[kind]
    row = Consent.objects.filter(user_id=user.pk, kind=kind).order_by("-at", "-id").first()
    return DEFAULTS[kind] if row is None else row.granted


def current(user) -> dict[str, bool]:
    return {kind: consent_given(user, kind) for kind in KINDS}


def users_with(kind: str, user_ids: Iterable[int], *, granted: bool) -> set[int]:
    """Of ``user_ids``, those whose current answer to ``kind`` is ``granted`` (defaults counted)."""
    ids = {pk for pk in user_ids if pk}
    if not ids:
        return set()
    answered: dict[int, bool] = {}
    rows = Consent.objects.filter(user_id__in=ids, kind=kind).order_by("at", "id")
    for user_id, value in rows.values_list("user_id", "granted"):
        answered[user_id] = value  # the newest wins
    return {pk for pk in ids if answered.get(pk, DEFAULTS[kind]) is granted}


def answered(user) -> dict[str, bool]:
    """The person's own answers ({kind: given}), without defaults: what to tick on a form."""
    out: dict[str, bool] = {}
    for kind, granted in (
        Consent.objects.filter(user_id=user.pk).order_by("at", "id").values_list("kind", "granted")
    ):
        out[kind] = granted
    return out


def history(user):
    return Consent.objects.filter(user_id=user.pk).order_by("-at", "-id")


def consent_set(*, actor, user, kind: str, granted: bool, source: str = "") -> Consent | None:
    """Record an answer (only when it changes what counts); the audit log hears of it."""
    if kind not in KINDS:
        raise DomainError("consent.unknown", _("No such consent."))
    with transaction.atomic():
        latest = Consent.objects.filter(user_id=user.pk, kind=kind).order_by("-at", "-id").first()
        if latest is not None and latest.granted is bool(granted):
            return None
        row = Consent.objects.create(user=user, kind=kind, granted=bool(granted), source=source[:32])
        events.emit(
            "consent.granted" if granted else "consent.revoked",
            subject=row,
            actor=actor,
            kind=kind,
            source=source,
        )
    return row
