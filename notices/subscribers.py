"""The notification centre's own lines for the fair's events (fair/ is the floor below; the higher
apps write theirs next to their own subscribers, docs/notices.md):

- a registration: a line for each approved organizer of the fair, linking to the registrations;
- a decision: a line for the person registered (approved: to their first steps).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fair.models import Fair, Participant
from kernel import events
from notices import kinds
from notices.services import notify

kinds.register("participant.registered", _("New registration for %(fair)s: %(who)s"))
kinds.register("participant.approved", _("Your registration for %(fair)s is approved"), toast=True)
kinds.register("participant.rejected", _("Your registration for %(fair)s was not approved"), toast=True)


def _who(participant: Participant) -> str:
    if participant.company_id:
        return participant.company.name
    user = participant.user
    return (user.get_full_name() or user.email or user.username) if user else ""


@events.subscribe("participant.registered", phase=events.NOW)
def _registered(event: events.Event) -> None:
    participant: Participant = event.subject
    fair = Fair.objects.get(pk=event.fair_id)
    organizers = Participant.objects.filter(
        fair_id=fair.pk,
        role=Participant.Role.ORGANIZER,
        status=Participant.Status.APPROVED,
        user__isnull=False,
    ).exclude(user_id=participant.user_id)
    notify(
        user_ids=organizers.values_list("user_id", flat=True),
        kind="participant.registered",
        params={"fair": fair.name, "who": _who(participant)},
        url=reverse("organizer_registrations", kwargs={"fair_slug": fair.slug}),
        fair_id=fair.pk,
    )


@events.subscribe("participant.approved", "participant.rejected", phase=events.NOW)
def _decided(event: events.Event) -> None:
    participant: Participant = event.subject
    if not participant.user_id:
        return
    fair = Fair.objects.get(pk=event.fair_id)
    approved = event.name == "participant.approved"
    notify(
        user_ids=[participant.user_id],
        kind=event.name,
        params={"fair": fair.name},
        url=reverse("first_steps" if approved else "fair_home", kwargs={"fair_slug": fair.slug}),
        fair_id=fair.pk,
    )
