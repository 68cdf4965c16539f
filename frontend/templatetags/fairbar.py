"""The fair's own bar under the site header, on every page of a fair: its name, its halls, the search
box, and what the viewer can do next there (register, see that they wait for approval, first steps,
the organizer console) with the console's menu on its pages."""

from django import template

from fair.access import roles_in
from fair.models import Participant

register = template.Library()

Role = Participant.Role

# The organizer console's pages (url name -> menu entry), for the console's menu and its aria-current.
CONSOLE_PAGES = {
    "organizer_console": "overview",
    "fair_dashboard": "dashboard",
    "organizer_registrations": "registrations",
    "organizer_invite": "invitations",
    "organizer_invite_preview": "invitations",
    "meeting_overview": "meetings",
    "meeting_round": "meetings",
    "fair_report": "report",
    "organizer_fair_edit": "settings",
    "organizer_halls": "halls",
    "organizer_rates": "rates",
    "agreement_templates": "agreements",
    "fair_outcomes": "outcomes",
    "organizer_log": "log",
    "fair_webhooks": "webhooks",
    "playbooks": "readiness",
    "playbook_item_edit": "readiness",
    "readiness_gaps": "readiness",
    "briefing_new": "readiness",
}


@register.inclusion_tag("frontend/_fair_bar.html", takes_context=True)
def fair_bar(context):
    fair = context["fair"]
    request = context.get("request")
    user = getattr(request, "user", None)
    roles = roles_in(user, fair.pk)
    match = getattr(request, "resolver_match", None)
    section = CONSOLE_PAGES.get(match.url_name) if match else None
    attending = bool(roles.roles - {Role.ORGANIZER})
    return {
        "fair": fair,
        "request": request,
        "user": user,
        "roles": roles,
        "can_register": fair.registration_open
        and not roles.registered
        and not roles.any
        and not (match and match.url_name == "fair_register"),
        "pending": sorted(roles.pending),
        "attending": attending,
        "console_section": section if roles.organizer or getattr(user, "is_superuser", False) else None,
        "search_q": request.GET.get("q", "") if match and match.url_name == "fair_search" else "",
    }
