"""Agreement pages: the list, drafting, the bilingual document with its comments, editing, the signing
page with the one-time code, the audit page, downloads, the signing ceremony and the organizer's
templates. Thin: load through the access layer, call one service of agreements.services, render."""

from __future__ import annotations

import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agreements import pdf, selectors, services
from agreements.access import access_agreement, access_ceremony
from agreements.api import client_of
from agreements.body import canonical_body
from agreements.ceremony_room import (
    CEREMONY_SIZE,
    ceremony_admission,
    ceremony_stream_set,
    ceremony_watch_admission,
)
from agreements.models import Agreement, Ceremony, Comment, Signatory, Template
from agreements.rooms import ceremony_rooms, consultation_rooms
from fair.access import access_fair, roles_in
from fair.models import Participant
from frontend.agreement_forms import CeremonyForm, CommentForm, DraftForm, EditForm, TemplateForm
from kernel.access import allowed
from kernel.errors import DomainError
from meetings.models import Meeting
from meetings.room_sfu import sfu_page


def _participants(fair):
    """Who may sign in this fair: approved participants taking part for a company."""
    return (
        Participant.objects.filter(
            fair=fair, status=Participant.Status.APPROVED, company__isnull=False, user__isnull=False
        )
        .exclude(role=Participant.Role.ORGANIZER)
        .select_related("user", "company")
        .order_by("company__name", "pk")
    )


@login_required
def agreement_list(request, fair_slug: str):
    fair = access_fair(request.user, fair_slug)
    context = {
        "fair": fair,
        "agreements": selectors.agreements_for(user=request.user, fair=fair),
        "can_draft": allowed(request.user, "agreement:draft", fair),
        "organizer": roles_in(request.user, fair.pk).organizer,
    }
    return render(request, "agreements/list.html", context)


@login_required
def agreement_new(request, fair_slug: str):
    fair = access_fair(request.user, fair_slug, perm="agreement:draft")
    organizer = roles_in(request.user, fair.pk).organizer
    participants = list(_participants(fair))
    form = DraftForm(
        request.POST or None,
        request.FILES or None,
        participants=participants,
        organizer=organizer,
        initial={"language": request.LANGUAGE_CODE},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        source = data["source"]
        try:
            agreement = services.agreement_draft(
                actor=request.user,
                fair=fair,
                kind=data["kind"],
                title=data["title"],
                language=data["language"],
                second_language=data["second_language"],
                text=data["text"] if source == "text" else "",
                second_text=data["second_text"] if source == "text" else "",
                from_template=source == "template",
                document=data["document"] if source == "upload" else None,
                signatories=[(form.participants[pk], "") for pk in data["signatories"]],
                witness=data.get("witness", False),
            )
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _("The draft is ready. The parties can read it, comment and sign."))
            return redirect("agreement_detail", agreement.pk)
    templates = Template.objects.filter(fair=fair).order_by("kind", "language")
    status = 400 if form.errors else 200
    return render(
        request, "agreements/new.html", {"fair": fair, "form": form, "templates": templates}, status=status
    )


def _zone(request):
    return zoneinfo.ZoneInfo(request.user.time_zone or "UTC")


def _detail_context(request, agreement: Agreement, *, comment_form=None) -> dict:
    version = services.current_version(agreement)
    state = selectors.signing_state(agreement=agreement, version=version)
    mine = [row for row in state if row["signatory"].user_id == request.user.pk and row["answer"] is None]
    ceremony = Ceremony.objects.filter(agreement=agreement).first()
    can_edit = services.can_edit(request.user, agreement)
    return {
        "fair": agreement.fair,
        "agreement": agreement,
        "version": version,
        "rows": pdf.paragraph_rows(agreement, version),
        "bilingual": bool(agreement.second_language),
        "lang": pdf.LANGUAGE_TAGS.get(agreement.language, agreement.language),
        "second_lang": pdf.LANGUAGE_TAGS.get(agreement.second_language, agreement.second_language),
        "sha256": selectors.document_hash(version=version),
        "state": state,
        "signed_count": sum(1 for row in state if row["answer"] and row["answer"].kind == "signed"),
        "my_turn": mine[0]["signatory"] if mine and agreement.status in ("draft", "signing") else None,
        "comments": selectors.comments_of(agreement=agreement),
        "comment_form": comment_form or CommentForm(languages=agreement.languages),
        "can_edit": can_edit,
        "ceremony": ceremony if ceremony and ceremony.status == "scheduled" else None,
        "rooms": ceremony_rooms(ceremony, request.user)
        if ceremony and ceremony.status == "scheduled"
        else [],
        "versions": selectors.versions_of(agreement=agreement),
    }


@login_required
def agreement_detail(request, agreement_id: int):
    agreement = access_agreement(request.user, agreement_id)
    comment_form = None
    status = 200
    if request.method == "POST":
        agreement = access_agreement(request.user, agreement_id, perm="agreement:edit")
        comment_form = CommentForm(request.POST, languages=agreement.languages)
        if comment_form.is_valid():
            ip, agent = client_of(request)
            try:
                services.comment_add(
                    actor=request.user,
                    agreement=agreement,
                    ip=ip,
                    user_agent=agent,
                    **comment_form.cleaned_data,
                )
            except DomainError as e:
                comment_form.add_error(None, e.message)
            else:
                messages.success(request, _("Your comment is added."))
                return redirect(reverse("agreement_detail", args=[agreement.pk]) + "#comments")
        status = 400
    else:
        ip, agent = client_of(request)
        services.agreement_viewed(actor=request.user, agreement=agreement, ip=ip, user_agent=agent)
    context = _detail_context(request, agreement, comment_form=comment_form)
    return render(request, "agreements/detail.html", context, status=status)


@login_required
@require_POST
def proposal_answer(request, agreement_id: int, comment_id: int, answer: str):
    agreement = access_agreement(request.user, agreement_id, perm="agreement:edit")
    comment = Comment.objects.filter(agreement=agreement, pk=comment_id).first()
    if comment is None or answer not in ("accept", "reject"):
        raise Http404(_("No such proposal."))
    try:
        services.proposal_answer(actor=request.user, comment=comment, accept=answer == "accept")
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(
            request, _("The proposal is accepted.") if answer == "accept" else _("The proposal is rejected.")
        )
    return redirect(reverse("agreement_detail", args=[agreement.pk]) + "#comments")


@login_required
def agreement_edit(request, agreement_id: int):
    agreement = access_agreement(request.user, agreement_id, perm="agreement:edit")
    version = services.current_version(agreement)
    initial = {"title": agreement.title, "text": version.text, "second_text": version.second_text}
    form = EditForm(request.POST if request.POST.get("action") == "text" else None, initial=initial)
    if not agreement.second_language:
        del form.fields["second_text"]
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "text":
                if form.is_valid():
                    services.agreement_edit(actor=request.user, agreement=agreement, **form.cleaned_data)
                    messages.success(request, _("Saved."))
                    return redirect("agreement_detail", agreement.pk)
                status = 400
            elif action == "add":
                participant = (
                    _participants(agreement.fair).filter(pk=_int(request.POST.get("participant"))).first()
                )
                if participant is None:
                    raise DomainError("agreement.bad_signatory", _("Choose a person from the list."))
                services.signatory_add(
                    actor=request.user,
                    agreement=agreement,
                    participant=participant,
                    title=request.POST.get("title", ""),
                )
                messages.success(request, _("The signatory is added."))
                return redirect("agreement_edit", agreement.pk)
            elif action == "remove":
                signatory = Signatory.objects.filter(
                    agreement=agreement, pk=_int(request.POST.get("signatory"))
                ).first()
                if signatory is None:
                    raise Http404(_("No such signatory."))
                services.signatory_remove(actor=request.user, agreement=agreement, signatory=signatory)
                messages.success(request, _("The signatory is removed."))
                return redirect("agreement_edit", agreement.pk)
            elif action == "witness":
                services.witness_require(actor=request.user, agreement=agreement)
                messages.success(request, _("You will countersign as witness."))
                return redirect("agreement_edit", agreement.pk)
            else:
                raise Http404(_("No such action."))
        except DomainError as e:
            messages.error(request, e.message)
            status = 400
    context = {
        "fair": agreement.fair,
        "agreement": agreement,
        "version": version,
        "form": form,
        "signatories": agreement.signatories.select_related("party__company", "user"),
        "participants": _participants(agreement.fair),
        "organizer": roles_in(request.user, agreement.fair_id).organizer,
        "frozen": version.is_frozen or version.signatures.exists(),
    }
    return render(request, "agreements/edit.html", context, status=status)


def _int(value) -> int:
    return int(value) if str(value or "").isascii() and str(value or "").isdigit() else 0


@login_required
def agreement_sign(request, agreement_id: int):
    agreement = access_agreement(request.user, agreement_id)
    mine = list(
        Signatory.objects.filter(agreement=agreement, user=request.user).select_related("party__company")
    )
    if not mine:
        raise Http404(_("You are not a signatory of this agreement."))
    wanted = _int(request.POST.get("signatory") or request.GET.get("as"))
    signatory = next((s for s in mine if s.pk == wanted), mine[0])
    ip, agent = client_of(request)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "send_code":
                services.code_send(actor=request.user, signatory=signatory, ip=ip, user_agent=agent)
                messages.success(
                    request, _("A code is on its way to %(email)s.") % {"email": request.user.email}
                )
                return redirect(reverse("agreement_sign", args=[agreement.pk]) + f"?as={signatory.pk}#code")
            if action == "sign":
                services.agreement_sign(
                    actor=request.user,
                    signatory=signatory,
                    code=request.POST.get("code", ""),
                    ip=ip,
                    user_agent=agent,
                    typed_name=request.POST.get("typed_name", ""),
                )
                messages.success(request, _("You have signed. Thank you."))
                return redirect("agreement_detail", agreement.pk)
            if action == "decline":
                services.agreement_decline(
                    actor=request.user,
                    signatory=signatory,
                    reason=request.POST.get("reason", ""),
                    ip=ip,
                    user_agent=agent,
                )
                messages.success(request, _("You declined to sign this version."))
                return redirect("agreement_detail", agreement.pk)
            raise Http404(_("No such action."))
        except DomainError as e:
            messages.error(request, e.message)
            status = 400
        agreement.refresh_from_db()
    version = services.current_version(agreement)
    answered = version.signatures.filter(signatory=signatory).first()
    context = {
        "fair": agreement.fair,
        "agreement": agreement,
        "version": version,
        "signatory": signatory,
        "mine": mine,
        "answered": answered,
        "sha256": selectors.document_hash(version=version),
        "code_sent": selectors.live_code(signatory=signatory, version=version) is not None,
        "rows": pdf.paragraph_rows(agreement, version),
        "bilingual": bool(agreement.second_language),
        "lang": pdf.LANGUAGE_TAGS.get(agreement.language, agreement.language),
        "second_lang": pdf.LANGUAGE_TAGS.get(agreement.second_language, agreement.second_language),
    }
    return render(request, "agreements/sign.html", context, status=status)


@login_required
def agreement_audit(request, agreement_id: int):
    agreement = access_agreement(request.user, agreement_id)
    versions = []
    for version in selectors.versions_of(agreement=agreement):
        versions.append(
            {
                "version": version,
                "sha256": selectors.document_hash(version=version),
                "body": canonical_body(version),
                "events": list(selectors.signatures_of(version=version)),
            }
        )
    context = {"fair": agreement.fair, "agreement": agreement, "versions": versions}
    return render(request, "agreements/audit.html", context)


@login_required
def agreement_document(request, agreement_id: int):
    """The current version as a PDF (an earlier one with ?version=N)."""
    agreement = access_agreement(request.user, agreement_id)
    number = _int(request.GET.get("version")) or agreement.version
    version = agreement.versions.filter(number=number).first()
    if version is None:
        raise Http404(_("No such version."))
    response = HttpResponse(pdf.document_pdf(version), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="agreement-{agreement.pk}-v{version.number}.pdf"'
    return response


@login_required
def agreement_signed_pdf(request, agreement_id: int):
    agreement = access_agreement(request.user, agreement_id)
    if not agreement.final_pdf:
        raise Http404(_("The final PDF is made when everyone has signed."))
    with agreement.final_pdf.open("rb") as f:
        data = f.read()
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="agreement-{agreement.pk}-signed.pdf"'
    return response


@login_required
def ceremony(request, agreement_id: int):
    agreement = access_agreement(request.user, agreement_id, perm="agreement:edit")
    companies = agreement.parties.values_list("company_id", flat=True)
    meetings = [
        m
        for m in Meeting.objects.filter(
            fair=agreement.fair,
            buyer__company_id__in=companies,
            booth__company_id__in=companies,
            status__in=[Meeting.Status.ACCEPTED, Meeting.Status.HELD],
        ).select_related("booth__company", "buyer__company", "buyer__user")
        if allowed(request.user, "meeting:view", m)
    ]
    form = CeremonyForm(request.POST or None, meetings=meetings)
    current = Ceremony.objects.filter(agreement=agreement).first()
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "cancel":
                if current is None:
                    raise Http404(_("No ceremony is scheduled."))
                services.ceremony_cancel(actor=request.user, ceremony=current)
                messages.success(request, _("The ceremony is cancelled; everyone is told."))
                return redirect("agreement_detail", agreement.pk)
            if form.is_valid():
                starts = timezone.make_aware(
                    form.cleaned_data["starts_at"].replace(tzinfo=None), _zone(request)
                )
                services.ceremony_schedule(
                    actor=request.user,
                    agreement=agreement,
                    starts_at=starts,
                    minutes=form.cleaned_data["minutes"],
                    meeting=form.meetings.get(form.cleaned_data["meeting"] or ""),
                )
                messages.success(request, _("The ceremony is scheduled; invitations are on their way."))
                return redirect("agreement_detail", agreement.pk)
        except DomainError as e:
            form.add_error(None, e.message)
        status = 400
    context = {"fair": agreement.fair, "agreement": agreement, "form": form, "current": current}
    return render(request, "agreements/ceremony.html", context, status=status)


@login_required
def ceremony_room(request, agreement_id: int):
    """The signing ceremony's own video room through Janus (up to 12 cameras); without Janus the page
    says why and lists the consultation rooms the ceremony uses instead."""
    ceremony = access_ceremony(request.user, agreement_id)
    agreement = ceremony.agreement
    context = {
        "fair": agreement.fair,
        "agreement": agreement,
        "ceremony": ceremony,
        "size": CEREMONY_SIZE,
        "fallback": consultation_rooms(ceremony, request.user),
        "chat_ws": f"/ws/agreements/{agreement.pk}/ceremony/",
        "can_stream": allowed(request.user, "agreement:stream_ceremony", agreement),
        "audiences": Ceremony.Audience.choices,
    }
    user = request.user
    context.update(sfu_page(user=user, admission=lambda: ceremony_admission(user=user, ceremony=ceremony)))
    response = render(request, "agreements/ceremony_room.html", context)
    response["Permissions-Policy"] = "camera=(self), microphone=(self), display-capture=(self)"
    return response


def ceremony_watch(request, agreement_id: int):
    """Watch a streamed signing ceremony, listen-only (whoever the organizers stream it to: the fair's
    participants, or anyone with the link); the page is linked from the fair programme."""
    ceremony = access_ceremony(request.user, agreement_id, perm="agreement:watch_ceremony")
    agreement, user = ceremony.agreement, request.user
    context = {"fair": agreement.fair, "agreement": agreement, "ceremony": ceremony}
    context.update(
        sfu_page(
            user=user,
            admission=lambda: ceremony_watch_admission(user=user, ceremony=ceremony),
            role="watcher",
        )
    )
    return render(request, "agreements/ceremony_watch.html", context)


@login_required
@require_POST
def ceremony_stream(request, agreement_id: int):
    """The organizers stream the ceremony to viewers, or stop (ceremony_room.ceremony_stream_set)."""
    ceremony = access_ceremony(request.user, agreement_id, perm="agreement:stream_ceremony")
    try:
        ceremony_stream_set(actor=request.user, ceremony=ceremony, audience=request.POST.get("audience", ""))
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("Saved: who may watch the ceremony."))
    return redirect("agreement_ceremony_room", agreement_id)


@login_required
def ceremonies(request, fair_slug: str):
    """The fair programme's signing ceremonies the visitor may see."""
    fair = access_fair(request.user, fair_slug)
    rows = []
    for c in selectors.ceremonies_of(fair=fair, user=request.user):
        sees = allowed(request.user, "agreement:view", c.agreement)
        watch = bool(c.stream_audience) and allowed(request.user, "agreement:watch_ceremony", c.agreement)
        if sees or watch:
            rows.append(
                {"ceremony": c, "rooms": ceremony_rooms(c, request.user), "sees": sees, "watch": watch}
            )
    return render(request, "agreements/ceremonies.html", {"fair": fair, "rows": rows})


@login_required
def templates(request, fair_slug: str):
    fair = access_fair(request.user, fair_slug, perm="fair:organize")
    form = TemplateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            template = Template.objects.filter(fair=fair, pk=_int(request.POST.get("template"))).first()
            if template is None:
                raise Http404(_("No such template."))
            services.template_delete(actor=request.user, template=template)
            messages.success(request, _("The template is deleted."))
            return redirect("agreement_templates", fair.slug)
        if form.is_valid():
            try:
                services.template_save(actor=request.user, fair=fair, **form.cleaned_data)
            except DomainError as e:
                form.add_error(None, e.message)
            else:
                messages.success(request, _("The template is saved."))
                return redirect("agreement_templates", fair.slug)
        status = 400
    context = {
        "fair": fair,
        "form": form,
        "templates": Template.objects.filter(fair=fair).order_by("kind", "language"),
    }
    return render(request, "agreements/templates.html", context, status=status)
