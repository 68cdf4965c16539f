"""Writes of agreements: drafting, editing (a new version once signed), comments, signing, the ceremony.

Every function is sync and keyword-only and runs in one transaction that locks the agreement's row
first, so that concurrent signers, editors and commenters are ordered by the database: a signature is
recorded once per version and signatory (a unique constraint), and of concurrent last signers exactly
one sees that everyone has signed and writes the final PDF.

A version is frozen by its first signature: its canonical body (``canonical_body``: the title, both
texts, the uploaded PDF's hash, the parties and their signatories) and that body's SHA-256 are
written down. A change after that starts a new version (the signatures stay with the old one, so the
new version has none) and everyone signs again. A fully signed agreement does not change.

Signing is confirmed by a one-time code mailed to the signatory's verified address (``code_send``);
only its HMAC is kept, it expires after AGREEMENT_CODE_SECONDS and allows AGREEMENT_CODE_ATTEMPTS
tries. A wrong or expired code signs nothing (a wrong one still counts as a try).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agreements import pdf
from agreements.access import is_party_member
from agreements.body import body_sha256, canonical_body, version_sha256
from agreements.models import (
    Agreement,
    AgreementVersion,
    Ceremony,
    Comment,
    Kind,
    Party,
    Signatory,
    Signature,
    SigningCode,
    Template,
)
from fair.access import roles_in
from fair.models import Fair, Participant
from kernel import events, outbox
from kernel.access import allowed, require
from kernel.errors import DomainError, PermissionDenied

MAX_TEXT = 50000
MAX_TITLE = 200
MAX_COMMENT = 5000
MAX_UPLOAD = 20 * 1024 * 1024


def _setting(name: str, default):
    return getattr(settings, name, default)


def _clean_text(value: str, *, limit: int, code: str, message: str) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise DomainError(code, message)
    return text


def _languages(language: str, second_language: str) -> tuple[str, str]:
    known = {code for code, _name in settings.LANGUAGES}
    if language not in known or (second_language and second_language not in known):
        raise DomainError("agreement.bad_language", _("Choose the document's languages from the list."))
    if second_language == language:
        second_language = ""
    return language, second_language


def _locked(agreement: Agreement) -> Agreement:
    return Agreement.objects.select_for_update(of=("self",)).select_related("fair").get(pk=agreement.pk)


def current_version(agreement: Agreement) -> AgreementVersion:
    return AgreementVersion.objects.get(agreement=agreement, number=agreement.version)


def _freeze(version: AgreementVersion, now: datetime) -> None:
    if version.is_frozen:
        return
    version.frozen_body = canonical_body(version)
    version.sha256 = body_sha256(version.frozen_body)
    version.frozen_at = now
    version.save(update_fields=["frozen_body", "sha256", "frozen_at"])


# --- drafting and editing ----------------------------------------------------------------------


def template_for(*, fair: Fair, kind: str, language: str) -> Template | None:
    return Template.objects.filter(fair=fair, kind=kind, language=language).first()


@transaction.atomic
def template_save(*, actor, fair: Fair, kind: str, language: str, title: str, body: str) -> Template:
    """The organizer keeps one template per kind of agreement and language."""
    require(actor, "fair:organize", fair)
    if kind not in Kind.values:
        raise DomainError("agreement.bad_kind", _("Choose a kind of agreement."))
    language, _second = _languages(language, "")
    title = _clean_text(
        title, limit=MAX_TITLE, code="agreement.bad_title", message=_("A title is at most 200 characters.")
    )
    body = _clean_text(
        body,
        limit=MAX_TEXT,
        code="agreement.text_too_long",
        message=_("A text is at most 50,000 characters."),
    )
    if not title or not body:
        raise DomainError("agreement.template_empty", _("A template needs a title and a text."))
    template, _created = Template.objects.update_or_create(
        fair=fair, kind=kind, language=language, defaults={"title": title, "body": body, "updated_by": actor}
    )
    return template


@transaction.atomic
def template_delete(*, actor, template: Template) -> None:
    require(actor, "fair:organize", template.fair)
    template.delete()


def _check_pdf(document) -> bytes:
    if getattr(document, "size", 0) > MAX_UPLOAD:  # an upload says its size: not read into memory
        raise DomainError("agreement.upload_too_large", _("An uploaded PDF is at most 20 MB."))
    data = document.read(MAX_UPLOAD + 1) if hasattr(document, "read") else bytes(document)
    if len(data) > MAX_UPLOAD:
        raise DomainError("agreement.upload_too_large", _("An uploaded PDF is at most 20 MB."))
    if not data.startswith(b"%PDF-"):
        raise DomainError("agreement.not_a_pdf", _("Upload the agreement as a PDF file."))
    return data


def _add_signatory(agreement: Agreement, participant: Participant, *, title: str = "") -> Signatory:
    if (
        participant.fair_id != agreement.fair_id
        or participant.status != Participant.Status.APPROVED
        or participant.company_id is None
        or participant.user_id is None
    ):
        raise DomainError(
            "agreement.bad_signatory",
            _("A signatory is a person taking part in this fair for their company."),
        )
    party, _created = Party.objects.get_or_create(
        agreement=agreement,
        company_id=participant.company_id,
        defaults={"position": agreement.parties.count()},
    )
    if Signatory.objects.filter(party=party, user_id=participant.user_id).exists():
        raise DomainError("agreement.signatory_twice", _("This person already signs for this company."))
    return Signatory.objects.create(
        agreement=agreement,
        party=party,
        user_id=participant.user_id,
        name=str(participant.user)[:200],
        title=(title or "").strip()[:200],
    )


@transaction.atomic
def agreement_draft(
    *,
    actor,
    fair: Fair,
    kind: str,
    title: str,
    language: str,
    second_language: str = "",
    text: str = "",
    second_text: str = "",
    from_template: bool = False,
    document=None,
    signatories: list[tuple[Participant, str]] = (),
    witness: bool = False,
) -> Agreement:
    """Draft an agreement: from the organizer's templates in its languages, from texts, or from an
    uploaded PDF; with its signatories (participants of the fair, each for their company)."""
    require(actor, "agreement:draft", fair)
    if kind not in Kind.values:
        raise DomainError("agreement.bad_kind", _("Choose a kind of agreement."))
    language, second_language = _languages(language, second_language)
    if from_template:
        first = template_for(fair=fair, kind=kind, language=language)
        second = template_for(fair=fair, kind=kind, language=second_language) if second_language else None
        if first is None or (second_language and second is None):
            raise DomainError(
                "agreement.no_template",
                _("The organizer keeps no template of this kind in the languages chosen."),
            )
        text, second_text = first.body, second.body if second else ""
        title = title or " / ".join(t.title for t in (first, second) if t is not None)
    title = _clean_text(
        title, limit=MAX_TITLE, code="agreement.bad_title", message=_("A title is at most 200 characters.")
    )
    if not title:
        raise DomainError("agreement.bad_title", _("Give the agreement a title."))
    limit = {"limit": MAX_TEXT, "code": "agreement.text_too_long"}
    message = _("A text is at most 50,000 characters.")
    text = _clean_text(text, message=message, **limit)
    second_text = _clean_text(second_text, message=message, **limit) if second_language else ""
    data = _check_pdf(document) if document is not None else None
    if data is None and not text:
        raise DomainError("agreement.empty", _("Write the text, start from a template, or upload a PDF."))
    agreement = Agreement.objects.create(
        fair=fair,
        kind=kind,
        title=title,
        language=language,
        second_language=second_language,
        created_by=actor,
    )
    version = AgreementVersion(
        agreement=agreement, number=1, text=text, second_text=second_text, created_by=actor
    )
    if data is not None:
        version.document_sha256 = hashlib.sha256(data).hexdigest()
        version.document.save(f"agreements/{agreement.pk}/v1-upload.pdf", ContentFile(data), save=False)
    version.save()
    for participant, position in signatories:
        _add_signatory(agreement, participant, title=position)
    if witness:
        _witness_add(agreement, actor)
    if not roles_in(actor, fair.pk).organizer and not is_party_member(actor, agreement):
        raise DomainError(
            "agreement.drafter_not_party", _("Name at least one signatory of your own company.")
        )
    events.emit("agreement.drafted", fair_id=fair.pk, subject=agreement, actor=actor, kind=kind)
    return agreement


def _editable(agreement: Agreement, actor) -> AgreementVersion:
    """The version a change is written to: the current one while no one has signed it, else a new one
    (the signatures stay with the version they signed). A fully signed agreement does not change."""
    require(actor, "agreement:edit", agreement)
    if agreement.status == Agreement.Status.SIGNED:
        raise DomainError(
            "agreement.signed", _("Everyone has signed this agreement; it cannot change. Draft a new one.")
        )
    version = current_version(agreement)
    if not version.is_frozen and not version.signatures.exists():
        return version
    old_number = version.number
    signatures = version.signatures.filter(kind=Signature.Kind.SIGNED).count()
    version.pk = None
    version.number = old_number + 1
    version.frozen_at, version.frozen_body, version.sha256 = None, "", ""
    version.created_by = actor
    version._state.adding = True
    version.save()
    agreement.version = version.number
    agreement.status = Agreement.Status.DRAFT
    agreement.save(update_fields=["version", "status", "updated_at"])
    SigningCode.objects.filter(signatory__agreement=agreement, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    events.emit(
        "agreement.version_created",
        fair_id=agreement.fair_id,
        subject=agreement,
        actor=actor,
        version=version.number,
        cleared_signatures=signatures,
    )
    return version


@transaction.atomic
def agreement_edit(
    *, actor, agreement: Agreement, title: str, text: str, second_text: str = ""
) -> AgreementVersion:
    """Change the title and texts. After the first signature this is a new version, signed again."""
    agreement = _locked(agreement)
    title = _clean_text(
        title, limit=MAX_TITLE, code="agreement.bad_title", message=_("A title is at most 200 characters.")
    )
    message = _("A text is at most 50,000 characters.")
    text = _clean_text(text, limit=MAX_TEXT, code="agreement.text_too_long", message=message)
    second_text = _clean_text(second_text, limit=MAX_TEXT, code="agreement.text_too_long", message=message)
    if not title:
        raise DomainError("agreement.bad_title", _("Give the agreement a title."))
    version = current_version(agreement)
    if (title, text, second_text if agreement.second_language else version.second_text) == (
        agreement.title,
        version.text,
        version.second_text,
    ):
        require(actor, "agreement:edit", agreement)
        return version  # nothing changed: no new version
    if not text and not version.document_sha256:
        raise DomainError("agreement.empty", _("Write the text, start from a template, or upload a PDF."))
    version = _editable(agreement, actor)
    agreement.title = title
    agreement.save(update_fields=["title", "updated_at"])
    version.text = text
    if agreement.second_language:
        version.second_text = second_text
    version.save(update_fields=["text", "second_text"])
    events.emit(
        "agreement.edited", fair_id=agreement.fair_id, subject=agreement, actor=actor, version=version.number
    )
    return version


@transaction.atomic
def signatory_add(*, actor, agreement: Agreement, participant: Participant, title: str = "") -> Signatory:
    """Name a signatory (their company becomes a party). After the first signature: a new version."""
    agreement = _locked(agreement)
    _editable(agreement, actor)
    signatory = _add_signatory(agreement, participant, title=title)
    events.emit("agreement.edited", fair_id=agreement.fair_id, subject=agreement, actor=actor)
    return signatory


@transaction.atomic
def signatory_remove(*, actor, agreement: Agreement, signatory: Signatory) -> None:
    agreement = _locked(agreement)
    if signatory.agreement_id != agreement.pk:
        raise DomainError("agreement.bad_signatory", _("No such signatory in this agreement."))
    if signatory.signatures.exists():
        raise DomainError(
            "agreement.signatory_signed", _("This signatory answered an earlier version and stays on record.")
        )
    _editable(agreement, actor)
    party = signatory.party
    signatory.delete()
    if party is not None and not party.signatories.exists():
        party.delete()
    events.emit("agreement.edited", fair_id=agreement.fair_id, subject=agreement, actor=actor)


def _witness_add(agreement: Agreement, actor) -> Signatory:
    if not roles_in(actor, agreement.fair_id).organizer:
        raise PermissionDenied("agreement.denied", _("Only the fair's organizers countersign as witness."))
    signatory, _created = Signatory.objects.get_or_create(
        agreement=agreement, party=None, user=actor, defaults={"name": str(actor)[:200]}
    )
    agreement.witness_required = True
    agreement.save(update_fields=["witness_required", "updated_at"])
    return signatory


@transaction.atomic
def witness_require(*, actor, agreement: Agreement) -> Signatory:
    """The organizer requires their countersignature as witness (a new version once signed)."""
    agreement = _locked(agreement)
    require(actor, "fair:organize", agreement.fair)
    _editable(agreement, actor)
    signatory = _witness_add(agreement, actor)
    events.emit("agreement.edited", fair_id=agreement.fair_id, subject=agreement, actor=actor)
    return signatory


# --- comments and proposed changes ---------------------------------------------------------------


@transaction.atomic
def comment_add(
    *,
    actor,
    agreement: Agreement,
    text: str,
    proposed_text: str = "",
    proposed_for: str = "",
    ip: str | None = None,
    user_agent: str = "",
) -> Comment:
    """A remark on the draft, or a proposed new wording of one column (``text`` or ``second_text``)."""
    agreement = _locked(agreement)
    require(actor, "agreement:edit", agreement)
    if agreement.status == Agreement.Status.SIGNED:
        raise DomainError(
            "agreement.signed", _("Everyone has signed this agreement; it cannot change. Draft a new one.")
        )
    text = _clean_text(
        text,
        limit=MAX_COMMENT,
        code="agreement.comment_too_long",
        message=_("A comment is at most 5,000 characters."),
    )
    if not text:
        raise DomainError("agreement.comment_empty", _("Write a comment."))
    if proposed_for not in ("", "text", "second_text") or (
        proposed_for == "second_text" and not agreement.second_language
    ):
        raise DomainError("agreement.bad_proposal", _("Choose the language whose text you propose."))
    proposed_text = _clean_text(
        proposed_text,
        limit=MAX_TEXT,
        code="agreement.text_too_long",
        message=_("A text is at most 50,000 characters."),
    )
    if proposed_for and not proposed_text:
        raise DomainError("agreement.bad_proposal", _("Write the text you propose."))
    comment = Comment.objects.create(
        agreement=agreement,
        version=current_version(agreement),
        author=actor,
        text=text,
        proposed_text=proposed_text if proposed_for else "",
        proposed_for=proposed_for,
    )
    events.emit(
        "agreement.commented",
        fair_id=agreement.fair_id,
        subject=agreement,
        actor=actor,
        comment=comment.pk,
        proposal=bool(proposed_for),
        ip=ip,
        user_agent=user_agent,
    )
    return comment


@transaction.atomic
def proposal_answer(*, actor, comment: Comment, accept: bool) -> Comment:
    """Accept (the wording replaces that column: a new version if anyone had signed) or reject."""
    agreement = _locked(comment.agreement)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    require(actor, "agreement:edit", agreement)
    if not comment.is_proposal or comment.status != Comment.Status.OPEN:
        raise DomainError("agreement.proposal_closed", _("This proposal is answered already."))
    if accept:
        version = _editable(agreement, actor)
        setattr(version, comment.proposed_for, comment.proposed_text)
        version.save(update_fields=[comment.proposed_for])
        events.emit(
            "agreement.edited",
            fair_id=agreement.fair_id,
            subject=agreement,
            actor=actor,
            version=version.number,
        )
    comment.status = Comment.Status.ACCEPTED if accept else Comment.Status.REJECTED
    comment.save(update_fields=["status"])
    return comment


def agreement_viewed(*, actor, agreement: Agreement, ip: str | None = None, user_agent: str = "") -> None:
    """Say that someone read the agreement (for the audit log)."""
    events.emit(
        "agreement.viewed",
        fair_id=agreement.fair_id,
        subject=agreement,
        actor=actor,
        version=agreement.version,
        ip=ip,
        user_agent=user_agent,
    )


# --- signing ---------------------------------------------------------------------------------------


def _code_hmac(signatory_id: int, version_id: int, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(
        key, f"agreement-code:{signatory_id}:{version_id}:{code}".encode(), hashlib.sha256
    ).hexdigest()


def verified_email(user) -> str | None:
    """The user's address if it is verified (allauth), else None."""
    from allauth.account.models import EmailAddress

    if not user.email:
        return None
    found = EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()
    return user.email if found else None


def _signable(agreement: Agreement, signatory: Signatory, actor) -> AgreementVersion:
    if signatory.agreement_id != agreement.pk:
        raise DomainError("agreement.bad_signatory", _("No such signatory in this agreement."))
    require(actor, "agreement:sign", signatory)
    if agreement.status == Agreement.Status.SIGNED:
        raise DomainError("agreement.signed", _("Everyone has signed this agreement already."))
    if agreement.status == Agreement.Status.DECLINED:
        raise DomainError(
            "agreement.declined", _("A signatory declined this version; it must change before anyone signs.")
        )
    version = current_version(agreement)
    if Signature.objects.filter(version=version, signatory=signatory).exists():
        raise DomainError("agreement.already_signed", _("You have signed this version already."))
    if agreement.parties.count() < 2:
        raise DomainError("agreement.one_party", _("An agreement needs at least two parties before signing."))
    return version


@transaction.atomic
def code_send(*, actor, signatory: Signatory, ip: str | None = None, user_agent: str = "") -> SigningCode:
    """Mail a one-time code to the signatory's verified address; earlier unused codes stop working."""
    agreement = _locked(signatory.agreement)
    version = _signable(agreement, signatory, actor)
    email = verified_email(actor)
    if email is None:
        raise DomainError(
            "agreement.email_unverified",
            _("Verify your e-mail address first: the signing code is sent there."),
        )
    now = timezone.now()
    SigningCode.objects.filter(signatory=signatory, used_at__isnull=True).update(used_at=now)
    code = f"{secrets.randbelow(10**6):06d}"
    sha = version_sha256(version)
    row = SigningCode.objects.create(
        signatory=signatory,
        version=version,
        sha256=sha,
        code_hash=_code_hmac(signatory.pk, version.pk, code),
        created_at=now,
        expires_at=now + timedelta(seconds=_setting("AGREEMENT_CODE_SECONDS", 600)),
    )
    minutes = int(_setting("AGREEMENT_CODE_SECONDS", 600) // 60)
    with translation.override(actor.language):
        subject = _("Your signing code: %(code)s") % {"code": code}
        body = "\n".join(
            [
                _("Your code to sign “%(title)s” (version %(version)s) is %(code)s.")
                % {"title": agreement.title, "version": version.number, "code": code},
                _("It works for %(minutes)s minutes. Never share it: it is your signature.")
                % {"minutes": minutes},
                "",
                _("Document SHA-256: %(hash)s") % {"hash": sha},
            ]
        )
    outbox.mail(
        to=[email], subject=subject, body=body, event="agreement.code_sent", fair_id=agreement.fair_id
    )
    events.emit(
        "agreement.code_sent",
        fair_id=agreement.fair_id,
        subject=agreement,
        actor=actor,
        signatory=signatory.pk,
        version=version.number,
        ip=ip,
        user_agent=user_agent,
    )
    return row


def _check_code(
    signatory: Signatory, version: AgreementVersion, code: str, now: datetime
) -> DomainError | None:
    """None when ``code`` is the signatory's live code for this version (it is used up), else the
    error to raise after the commit (a wrong code's try is counted)."""
    row = (
        SigningCode.objects.select_for_update()
        .filter(signatory=signatory, version=version, used_at__isnull=True)
        .order_by("-created_at", "-pk")
        .first()
    )
    wrong = DomainError("agreement.wrong_code", _("This code is not right. Check the latest e-mail."))
    if row is None:
        return DomainError("agreement.no_code", _("Ask for a signing code first."))
    if row.expires_at <= now:
        return DomainError("agreement.code_expired", _("This code has expired. Ask for a new one."))
    if row.attempts >= _setting("AGREEMENT_CODE_ATTEMPTS", 5):
        return DomainError("agreement.code_spent", _("Too many wrong codes. Ask for a new one."))
    code = "".join((code or "").split())
    if not (code.isascii() and code.isdigit() and len(code) == 6) or not hmac.compare_digest(
        row.code_hash, _code_hmac(signatory.pk, version.pk, code)
    ):
        row.attempts += 1
        row.save(update_fields=["attempts"])
        return wrong
    if row.sha256 != version_sha256(version):
        row.used_at = now
        row.save(update_fields=["used_at"])
        return DomainError(
            "agreement.changed",
            _("The document changed after this code was sent. Read it again and ask for a new code."),
        )
    row.used_at = now
    row.save(update_fields=["used_at"])
    return None


def agreement_sign(
    *,
    actor,
    signatory: Signatory,
    code: str,
    ip: str | None = None,
    user_agent: str = "",
    typed_name: str = "",
) -> Signature:
    """Sign the current version with the one-time code. The first signature freezes the version; the
    last one (every signatory, the witness too) writes the final PDF, once."""
    with transaction.atomic():
        agreement = _locked(signatory.agreement)
        version = _signable(agreement, signatory, actor)
        now = timezone.now()
        refused = _check_code(signatory, version, code, now)
        if refused is None:
            signature = _record_signature(
                agreement, version, signatory, actor, now, ip, user_agent, typed_name
            )
    if refused is not None:
        raise refused  # after the commit: the try is counted, nothing is signed
    return signature


def _record_signature(agreement, version, signatory, actor, now, ip, user_agent, typed_name) -> Signature:
    _freeze(version, now)
    signature = Signature.objects.create(
        version=version,
        signatory=signatory,
        kind=Signature.Kind.SIGNED,
        sha256=version.sha256,
        at=now,
        ip=ip or None,
        user_agent=(user_agent or "")[:400],
        typed_name=(typed_name or "").strip()[:200],
    )
    agreement.status = Agreement.Status.SIGNING
    events.emit(
        "agreement.signed",
        fair_id=agreement.fair_id,
        subject=agreement,
        actor=actor,
        version=version.number,
        signatory=signatory.pk,
        sha256=version.sha256,
        ip=ip,
        user_agent=user_agent,
    )
    waiting = Signatory.objects.filter(agreement=agreement).exclude(
        signatures__version=version, signatures__kind=Signature.Kind.SIGNED
    )
    if not waiting.exists():
        _complete(agreement, version, now)
    else:
        agreement.save(update_fields=["status", "updated_at"])
    return signature


def _complete(agreement: Agreement, version: AgreementVersion, now: datetime) -> None:
    """Everyone signed: the final PDF, written once (the caller holds the agreement's row lock)."""
    data = pdf.final_pdf(agreement, version)
    name = default_storage.save(
        f"agreements/{agreement.pk}/{agreement.pk}-v{version.number}-signed.pdf", ContentFile(data)
    )
    agreement.final_pdf.name = name
    agreement.final_pdf_sha256 = hashlib.sha256(data).hexdigest()
    agreement.status = Agreement.Status.SIGNED
    agreement.completed_at = now
    agreement.save(update_fields=["final_pdf", "final_pdf_sha256", "status", "completed_at", "updated_at"])
    events.emit(
        "agreement.completed",
        fair_id=agreement.fair_id,
        subject=agreement,
        version=version.number,
        sha256=version.sha256,
        pdf_sha256=agreement.final_pdf_sha256,
    )


@transaction.atomic
def agreement_decline(
    *, actor, signatory: Signatory, reason: str = "", ip: str | None = None, user_agent: str = ""
) -> Signature:
    """Decline to sign this version: signing stops until the text changes (a new version)."""
    agreement = _locked(signatory.agreement)
    version = _signable(agreement, signatory, actor)
    reason = _clean_text(
        reason,
        limit=2000,
        code="agreement.reason_too_long",
        message=_("A reason is at most 2,000 characters."),
    )
    now = timezone.now()
    _freeze(version, now)
    signature = Signature.objects.create(
        version=version,
        signatory=signatory,
        kind=Signature.Kind.DECLINED,
        sha256=version.sha256,
        at=now,
        ip=ip or None,
        user_agent=(user_agent or "")[:400],
        reason=reason,
    )
    agreement.status = Agreement.Status.DECLINED
    agreement.save(update_fields=["status", "updated_at"])
    events.emit(
        "agreement.declined",
        fair_id=agreement.fair_id,
        subject=agreement,
        actor=actor,
        version=version.number,
        signatory=signatory.pk,
        ip=ip,
        user_agent=user_agent,
    )
    return signature


# --- the signing ceremony --------------------------------------------------------------------------


@transaction.atomic
def ceremony_schedule(
    *, actor, agreement: Agreement, starts_at: datetime, minutes: int = 30, meeting=None
) -> Ceremony:
    """Schedule (or move) a live signing in the fair programme; invitations with ICS go to everyone."""
    agreement = _locked(agreement)
    require(actor, "agreement:edit", agreement)
    if agreement.status == Agreement.Status.SIGNED:
        raise DomainError("agreement.signed", _("Everyone has signed this agreement already."))
    if starts_at is None or timezone.is_naive(starts_at):
        raise DomainError("ceremony.bad_time", _("Give the day and time of the ceremony."))
    if starts_at <= timezone.now():
        raise DomainError("ceremony.in_the_past", _("Choose a time in the future."))
    if not 5 <= int(minutes) <= 240:
        raise DomainError("ceremony.bad_length", _("A ceremony lasts 5 to 240 minutes."))
    if meeting is not None and (
        meeting.fair_id != agreement.fair_id or not allowed(actor, "meeting:view", meeting)
    ):
        raise DomainError("ceremony.bad_meeting", _("Choose one of your consultations in this fair."))
    ends_at = starts_at + timedelta(minutes=int(minutes))
    ceremony = Ceremony.objects.filter(agreement=agreement).first()
    if ceremony is None:
        ceremony = Ceremony.objects.create(
            agreement=agreement, starts_at=starts_at, ends_at=ends_at, meeting=meeting, created_by=actor
        )
    else:
        ceremony.starts_at, ceremony.ends_at, ceremony.meeting = starts_at, ends_at, meeting
        ceremony.status = Ceremony.Status.SCHEDULED
        ceremony.sequence += 1
        ceremony.save()
    events.emit("ceremony.scheduled", fair_id=agreement.fair_id, subject=ceremony, actor=actor)
    return ceremony


@transaction.atomic
def ceremony_cancel(*, actor, ceremony: Ceremony) -> Ceremony:
    agreement = _locked(ceremony.agreement)
    require(actor, "agreement:edit", agreement)
    ceremony = Ceremony.objects.select_for_update().get(pk=ceremony.pk)
    ceremony.status = Ceremony.Status.CANCELLED
    ceremony.sequence += 1
    ceremony.save(update_fields=["status", "sequence"])
    events.emit("ceremony.cancelled", fair_id=agreement.fair_id, subject=ceremony, actor=actor)
    return ceremony


def can_edit(user, agreement: Agreement) -> bool:
    return allowed(user, "agreement:edit", agreement) and agreement.status != Agreement.Status.SIGNED
