"""The audit log's two pages (kernel/audit.py writes it):

- the fair's log in the organizer console (/fairs/<slug>/organize/log/): every change in the fair, by
  whom and when, filterable by topic, person and dates, 50 a page;
- "What was done to my data" from the account menu (/profile/activity/): every line that touched
  the signed-in person's data, in any fair.

Times are shown in the viewer's time zone and language (frontend/middleware.py activates both).
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from fair.access import access_fair
from fair.models import Fair
from kernel import audit

PER_PAGE = 50

# What each action means, in the reader's language; an action without a label shows its code.
ACTION_LABELS = {
    "fair.created": _("Fair created"),
    "fair.updated": _("Fair settings changed"),
    "fair.schedule_changed": _("Fair schedule changed"),
    "fair.published": _("Fair published"),
    "fair.unpublished": _("Fair unpublished"),
    "user.fair_creator_granted": _("Allowed to create fairs"),
    "user.fair_creator_revoked": _("No longer allowed to create fairs"),
    "hall.saved": _("Hall saved"),
    "hall.deleted": _("Hall deleted"),
    "company.changed": _("Company details changed"),
    "participant.registered": _("Registered for the fair"),
    "participant.profile_changed": _("Registration details changed"),
    "participant.approved": _("Registration approved"),
    "participant.rejected": _("Registration rejected"),
    "booth.changed": _("Booth edited"),
    "booth.media_changed": _("Booth pictures or video changed"),
    "booth.brochure_added": _("Brochure added"),
    "booth.brochure_removed": _("Brochure removed"),
    "booth.published": _("Booth published"),
    "booth.unpublished": _("Booth unpublished"),
    "booth.status_changed": _("Live status changed"),
    "product.saved": _("Product saved"),
    "product.deleted": _("Product deleted"),
    "product.images_added": _("Product pictures added"),
    "product.image_removed": _("Product picture removed"),
    "chat.hidden": _("Chat message hidden"),
    "consent.granted": _("Consent given"),
    "consent.revoked": _("Consent withdrawn"),
    "privacy.account_erased": _("Account erased"),
    "privacy.participation_anonymised": _("Personal data removed from the fair"),
    "privacy.retention_set": _("Retention period set"),
    "privacy.retention_applied": _("Retention period applied"),
    "meeting.requested": _("Meeting requested"),
    "meeting.accepted": _("Meeting accepted"),
    "meeting.declined": _("Meeting declined"),
    "meeting.proposed": _("Meeting proposed"),
    "meeting.rescheduled": _("Meeting moved"),
    "meeting.cancelled": _("Meeting cancelled"),
    "meeting.interpreter": _("Interpreter changed"),
    "meeting.held": _("Meeting marked held"),
    "meeting.outcome": _("Meeting outcome recorded"),
    "round.published": _("Matchmaking round published"),
    "lead.updated": _("Lead stage recorded"),
    "rate.set": _("Currency rate set"),
    "rate.deleted": _("Currency rate removed"),
    "outcome.declared": _("Outcome declared"),
    "outcome.confirmed": _("Outcome confirmed"),
    "outcome.disputed": _("Outcome disputed"),
    "outcome.withdrawn": _("Outcome withdrawn"),
    "shipment.recorded": _("Shipment recorded"),
    "shipment.confirmed": _("Shipment confirmed"),
    "shipment.disputed": _("Shipment disputed"),
    "agreement.drafted": _("Agreement drafted"),
    "agreement.edited": _("Agreement edited"),
    "agreement.version_created": _("New agreement version"),
    "agreement.commented": _("Agreement commented"),
    "agreement.code_sent": _("Signing code sent"),
    "agreement.signed": _("Agreement signed"),
    "agreement.declined": _("Signature declined"),
    "agreement.completed": _("Agreement completed"),
    "ceremony.scheduled": _("Signing ceremony scheduled"),
    "ceremony.cancelled": _("Signing ceremony cancelled"),
    "dataset.imported": _("Data imported"),
    "dataset.booths_dressed": _("Demo booths dressed"),
    "dataset.products_added": _("Demo products added"),
    "report.exported": _("Report exported"),
    "admin.added": _("Added in the admin"),
    "admin.changed": _("Changed in the admin"),
    "admin.deleted": _("Deleted in the admin"),
}

TOPIC_CHOICES = [
    ("", _("Everything")),
    ("registrations", _("Registrations")),
    ("booths", _("Booths and products")),
    ("meetings", _("Meetings")),
    ("outcomes", _("Outcomes and leads")),
    ("agreements", _("Agreements")),
    ("fair", _("Fair settings")),
    ("imports", _("Imports")),
    ("exports", _("Exports")),
    ("admin", _("Admin changes")),
]


class LogFilter(forms.Form):
    topic = forms.ChoiceField(label=_("What"), choices=TOPIC_CHOICES, required=False)
    who = forms.CharField(label=_("Who (name or e-mail)"), max_length=200, required=False)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


def _rows(page):
    for entry in page.object_list:
        entry.label = ACTION_LABELS.get(entry.action, entry.action)
    return page


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def fair_log(request, fair_slug: str):
    """The fair's audit log: its organizers only."""
    fair = access_fair(request.user, fair_slug, perm="fair:organize")
    form = LogFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = audit.fair_entries(
        fair.pk,
        topic=filters.get("topic", ""),
        who=(filters.get("who") or "").strip(),
        since=filters.get("since"),
        until=filters.get("until"),
    )
    page = _rows(Paginator(entries, PER_PAGE).get_page(request.GET.get("page")))
    context = {"fair": fair, "form": form, "page": page, "query": _query_without_page(request)}
    return render(request, "organizer/log.html", context, status=400 if form.errors else 200)


@login_required
def my_activity(request):
    """What was done to the signed-in person's data, in every fair."""
    page = _rows(Paginator(audit.entries_about(request.user), PER_PAGE).get_page(request.GET.get("page")))
    fairs = {f.pk: f for f in Fair.objects.filter(pk__in={e.fair_id for e in page.object_list if e.fair_id})}
    for entry in page.object_list:
        entry.fair = fairs.get(entry.fair_id)
    return render(request, "frontend/my_activity.html", {"page": page, "query": ""})
