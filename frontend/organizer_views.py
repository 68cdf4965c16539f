"""The organizer's console (create and edit a fair, halls, registrations, invitations, currency rates),
the self-registration page, and the outcome ledger of a meeting.

Thin: parse the request, load the fair through the access layer (organizer pages ask for
``fair:organize``: anonymous users go to the login page, others get 403, an unknown fair 404), call
one service, render. Interpreters are assigned on the meetings overview (meeting_overview).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from datasets import invitations
from fair import selectors as fair_selectors
from fair import services as fair_services
from fair.access import access_fair
from fair.models import Hall, Participant
from frontend.organizer_forms import (
    FairEditForm,
    FairForm,
    HallForm,
    InvitationForm,
    LeadUpdateForm,
    RateForm,
)
from integrations import erasure
from kernel.access import require
from kernel.errors import DomainError
from meetings import ledger
from meetings import selectors as meeting_selectors
from meetings.access import access_meeting

PREVIEW_ERRORS_SHOWN = 500


# --- the fair ------------------------------------------------------------------------------------


@login_required
def fair_create(request):
    require(request.user, "fair:create", None)  # FAIR_CREATION: the 403 page says who may
    form = FairForm(request.POST or None, initial={"time_zone": request.user.time_zone, "languages": ["en"]})
    if request.method == "POST" and form.is_valid():
        try:
            fair = fair_services.fair_create(actor=request.user, **form.values())
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            messages.success(
                request, _("The fair is created. You are its organizer. Publish it when it is ready.")
            )
            return redirect("organizer_console", fair.slug)
    status = 400 if form.errors else 200
    return render(request, "organizer/fair_form.html", {"form": form, "fair": None}, status=status)


def console(request, fair_slug: str):
    fair = access_fair(request.user, fair_slug, perm="fair:organize")
    context = {
        "fair": fair,
        "counts": fair_selectors.registration_counts(fair=fair),
        "halls": fair.halls.count(),
        "needing_interpreter": meeting_selectors.meetings_needing_interpreter(fair=fair).count(),
        "ledger": meeting_selectors.ledger_totals(fair),
    }
    return render(request, "organizer/console.html", context)


def fair_edit(request, fair_slug: str):
    fair = access_fair(request.user, fair_slug, perm="fair:organize")
    form = FairEditForm(
        request.POST or None,
        initial=FairEditForm.initial_for(fair),
        stored={"description": fair_services.texts_of(fair, "description")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.values()
        try:
            data["breaks"] = fair_services.breaks_from_text(data.pop("breaks"))
            fair_services.fair_update(actor=request.user, fair=fair, **data)
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _("The fair is saved."))
            return redirect("organizer_console", fair.slug)
    status = 400 if form.errors else 200
    context = {"form": form, "fair": fair, "retention_days": erasure.retention_days(fair)}
    return render(request, "organizer/fair_form.html", context, status=status)


# --- halls ----------------------------------------------------------------------------------------


def publish(request, fair_slug: str):
    """Publish the fair (listed, open to every visitor), or take it off the lists again."""
    fair = access_fair(request.user, fair_slug, perm="fair:organize")
    if request.method == "POST":
        published = request.POST.get("action") != "unpublish"
        fair_services.fair_publish(actor=request.user, fair=fair, published=published)
        if published:
            messages.success(request, _("The fair is published: everyone can find it now."))
        else:
            messages.success(request, _("The fair is unlisted: only its organizers see it."))
    return redirect("organizer_console", fair.slug)


def halls(request, fair_slug: str):
    fair = access_fair(request.user, fair_slug, perm="fair:organize")
    form = HallForm(stored={})
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "add")
        hall = None
        if action in ("save", "delete"):
            hall = Hall.objects.filter(fair=fair, pk=_int(request.POST.get("hall"))).first()
            if hall is None:
                raise Http404(_("This fair has no such hall."))
        try:
            if action == "delete":
                fair_services.hall_delete(actor=request.user, hall=hall)
                messages.success(request, _("The hall is removed; its booths wait for a new hall."))
                return redirect("organizer_halls", fair.slug)
            form = HallForm(request.POST, stored={})
            if form.is_valid():
                values = form.values()
                fair_services.hall_save(
                    actor=request.user,
                    fair=fair,
                    hall=hall,
                    names=values["names"],
                    hs_chapters=values["hs_chapters"],
                )
                messages.success(request, _("The hall is saved."))
                return redirect("organizer_halls", fair.slug)
        except DomainError as e:
            form.add_error(None, e.message)
        status = 400
    rows = [
        (
            h,
            ", ".join(h.hs_chapters),
            HallForm(stored={"name": fair_services.texts_of(h, "name")}, auto_id=f"hall{h.pk}-%s"),
        )
        for h in fair.halls.order_by("position", "pk")
    ]
    return render(request, "organizer/halls.html", {"fair": fair, "form": form, "rows": rows}, status=status)


# --- registrations ----------------------------------------------------------------------------------


def registrations(request, fair_slug: str):
    fair = access_fair(request.user, fair_slug, perm="fair:organize")
    if request.method == "POST":
        one = request.POST.get("one", "")
        decision = request.POST.get("decision", "")
        if one:  # a row's own button: "approve:12" or "reject:12"
            decision, _sep, pid = one.partition(":")
            ids = [_int(pid)]
        else:
            ids = [_int(i) for i in request.POST.getlist("ids")]
        try:
            if decision not in ("approve", "reject"):
                raise DomainError("registration.bad_decision", _("Choose approve or reject."))
            n = fair_services.participants_decide(
                actor=request.user,
                fair=fair,
                participant_ids=[i for i in ids if i],
                approve=decision == "approve",
            )
        except DomainError as e:
            messages.error(request, e.message)
        else:
            text = _("%(n)s approved; each was told by e-mail.") if decision == "approve" else None
            text = text or _("%(n)s rejected; each was told by e-mail.")
            messages.success(request, text % {"n": n})
        return redirect(request.get_full_path())
    role = request.GET.get("role", "")
    status = request.GET.get("status", "pending")
    rows = fair_selectors.registrations_of(fair=fair, role=role, status=status)
    context = {
        "fair": fair,
        "rows": rows[:500],
        "role": role,
        "status": status,
        "roles": Participant.Role.choices,
        "statuses": Participant.Status.choices,
        "counts": fair_selectors.registration_counts(fair=fair),
    }
    return render(request, "organizer/registrations.html", context)


# --- invitations ------------------------------------------------------------------------------------


def invite(request, fair_slug: str):
    fair = access_fair(request.user, fair_slug, perm="fair:organize")
    form = InvitationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        files = {
            "exhibitors.csv": form.cleaned_data["exhibitors"],
            "buyers.csv": form.cleaned_data["buyers"],
            "interactions.csv": form.cleaned_data["interactions"],
        }
        try:
            token = invitations.invitation_upload(actor=request.user, fair=fair, files=files)
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            return redirect("organizer_invite_preview", fair.slug, token)
    status = 400 if form.errors else 200
    return render(request, "organizer/invite.html", {"fair": fair, "form": form}, status=status)


def invite_preview(request, fair_slug: str, token: str):
    fair = access_fair(request.user, fair_slug, perm="fair:organize")
    try:
        if request.method == "POST":
            if request.POST.get("action") == "discard":
                invitations.invitation_discard(actor=request.user, fair=fair, token=token)
                messages.success(request, _("The upload is discarded. Nothing was imported."))
                return redirect("organizer_invite", fair.slug)
            report = invitations.invitation_confirm(actor=request.user, fair=fair, token=token)
            messages.success(
                request,
                _(
                    "Imported: %(e)s exhibitors and %(b)s buyers created, %(u)s updated, "
                    "%(i)s interactions added."
                )
                % {
                    "e": report.exhibitors.created,
                    "b": report.buyers.created,
                    "u": report.exhibitors.updated + report.buyers.updated,
                    "i": report.interactions.created,
                },
            )
            return redirect("organizer_console", fair.slug)
        preview = invitations.invitation_preview(actor=request.user, fair=fair, token=token)
    except DomainError as e:
        messages.error(request, e.message)
        if e.code == "invitation.unknown":
            return redirect("organizer_invite", fair.slug)
        preview = invitations.invitation_preview(actor=request.user, fair=fair, token=token)
    context = {
        "fair": fair,
        "preview": preview,
        "errors": preview.errors[:PREVIEW_ERRORS_SHOWN],
        "more_errors": max(0, len(preview.errors) - PREVIEW_ERRORS_SHOWN),
        "sample": preview.dataset.exhibitors[:20],
        "sample_buyers": preview.dataset.buyers[:20],
    }
    return render(request, "organizer/invite_preview.html", context, status=200 if preview.ok else 422)


# --- currency rates and the ledger ------------------------------------------------------------------


def rates(request, fair_slug: str):
    fair = access_fair(request.user, fair_slug, perm="fair:organize")
    form = RateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "delete":
                ledger.rate_delete(actor=request.user, fair=fair, currency=request.POST.get("currency", ""))
                messages.success(request, _("The rate is removed."))
                return redirect("organizer_rates", fair.slug)
            if form.is_valid():
                ledger.rate_set(actor=request.user, fair=fair, **form.cleaned_data)
                messages.success(request, _("The rate is saved."))
                return redirect("organizer_rates", fair.slug)
        except DomainError as e:
            form.add_error(None, e.message)
        status = 400
    rows = [
        (r, format(r.usd_per_unit.normalize(), "f")) for r in meeting_selectors.currency_rates_of(fair=fair)
    ]
    context = {"fair": fair, "form": form, "rates": rows}
    return render(request, "organizer/rates.html", context, status=status)


@login_required
def meeting_ledger(request, meeting_id: int):
    """The booth's private ledger of one meeting: only its staff (the buyer never sees it)."""
    meeting = access_meeting(request.user, meeting_id, perm="lead:keep")
    form = LeadUpdateForm(request.POST or None, initial={"on": timezone.localdate(), "stage": "sample_sent"})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                ledger.lead_update_add(actor=request.user, meeting=meeting, **form.cleaned_data)
            except DomainError as e:
                form.add_error(None, e.message)
            else:
                messages.success(request, _("The lead is updated."))
                return redirect("meeting_ledger", meeting.pk)
        status = 400
    context = {
        "meeting": meeting,
        "fair": meeting.fair,
        "form": form,
        "updates": meeting_selectors.lead_updates_of(meeting=meeting),
        "rates": meeting_selectors.currency_rates_of(fair=meeting.fair),
    }
    return render(request, "organizer/ledger.html", context, status=status)


def _int(value) -> int:
    return int(value) if str(value or "").isdigit() else 0
