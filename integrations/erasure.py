"""Erasing a person: their whole account (``account_erase``), or their part in one fair once the fair's
retention period is over (``participation_erase``, run by the hourly ``retention_run``).

What happens to each table is one rule in ``RULES``, for every field of every model that points at a
user or a participant (``integrations.privacy.person_models()`` finds them from the models):
tests/integrations/test_erasure.py fails when a new table points at a person and has no rule here.

- ``DELETE``: the rows go (the person's own things nobody else needs: bookmarks, marks, tokens, feeds,
  notices, room visits, their uploads, and the files with them).
- ``KEEP``: the rows stay as they are; they name the person only through the user or participant row,
  which is anonymised (meetings, the outcome ledger, interactions, signed agreements: the other side's
  records must still add up, and some are legal records).
- ``anonymise(**values)``: the rows stay with those fields overwritten (a chat line's shown name, the
  free text a person wrote about themselves).

Then, for the whole account: the user row keeps only an opaque ``deleted-<id>`` name, no e-mail, no
usable password, and is inactive; a company only they stood for is renamed and emptied (its booths
unpublished, their media deleted from storage); their data downloads are deleted; and the strings that
named them (name, e-mail, sole company) are replaced in the audit log, the admin's history, other
people's notices, webhook payloads and the outbox. docs/privacy.md lists what is kept and why.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exhibitors.models import Booth, BoothDocument, ProductImage
from fair.models import Company, Fair, Participant
from integrations.models import DataExport, FairRetention
from integrations.privacy import person_models
from kernel import events
from kernel.access import require
from kernel.errors import DomainError
from kernel.models import AuditEntry, OutboxMessage

log = logging.getLogger(__name__)

ERASED_PREFIX = "deleted-"
DELETED_USER = "Deleted user"
DELETED_COMPANY = "Deleted participant"

DELETE, KEEP, ANONYMISE = "delete", "keep", "anonymise"


@dataclass(frozen=True)
class Rule:
    action: str
    values: dict = field(default_factory=dict)  # ANONYMISE: field -> new value
    fair_path: str = ""  # for a rule on a user field: how a row reaches its fair (applied per fair then)


def anonymise(fair_path: str = "", **values) -> Rule:
    return Rule(ANONYMISE, values, fair_path)


KEPT = Rule(KEEP)
GONE = Rule(DELETE)

# "app_label.model" -> {field pointing at a user or a participant: what erasure does to its rows}.
RULES: dict[str, dict[str, Rule]] = {
    # Legal records and history: kept; the names in their texts are replaced (_scrub).
    "admin.logentry": {"user": KEPT},
    "kernel.auditentry": {"actor": KEPT},
    "kernel.consent": {"user": KEPT},  # proof of what was agreed, and when
    "account.emailaddress": {"user": GONE},
    "fair.participant": {"user": KEPT},  # detached from the user by participation_erase
    "fair.sourcingprofile": {"buyer": GONE},  # out of the next fit and of recommendations
    "fair.interaction": {"buyer": KEPT},  # the fair's statistics; anonymous once the participant is
    "fair.apitoken": {"user": GONE},
    "notices.notice": {"user": GONE},
    "exhibitors.knock": {"buyer": anonymise(message=""), "answered_by": KEPT},
    "exhibitors.chatmessage": {
        "author": anonymise("booth__fair", author_name=DELETED_USER, author=None),
        "hidden_by": KEPT,
    },
    "exhibitors.bookmark": {"participant": GONE},
    "matching.mark": {"buyer": GONE, "marked_by": KEPT},
    "meetings.availability": {"participant": GONE},
    "meetings.meeting": {
        "buyer": KEPT,  # the booth's meetings and ledger still add up
        "exhibitor": KEPT,
        "interpreter": KEPT,
        "created_by": anonymise("fair", message="", created_by=None),
    },
    "meetings.seat": {"participant": KEPT},
    "meetings.outcome": {"author": anonymise("meeting__fair", notes="", author=None)},
    "meetings.reminder": {"user": GONE},
    "meetings.calendarfeed": {"user": GONE},  # the feed's secret address stops working
    "meetings.round": {"created_by": KEPT},
    "meetings.roundproposal": {"buyer": KEPT, "interpreter": KEPT},
    "meetings.leadupdate": {"created_by": KEPT},  # the booth's ledger
    "meetings.roomvisit": {"user": GONE},
    "meetings.roommessage": {"author": anonymise("meeting__fair", author_name=DELETED_USER, author=None)},
    "agreements.template": {"updated_by": KEPT},
    # Agreements are contract evidence: kept as signed (names in signed PDFs included).
    "agreements.agreement": {"created_by": KEPT},
    "agreements.agreementversion": {"created_by": KEPT},
    "agreements.signatory": {"user": KEPT},
    "agreements.comment": {"author": KEPT},
    "agreements.ceremony": {"created_by": KEPT},
    "agreements.ceremonymessage": {
        "author": anonymise("ceremony__agreement__fair", author_name=DELETED_USER, author=None)
    },
    "agreements.tradeoutcome": {"buyer": KEPT, "declared_by": KEPT, "answered_by": KEPT},
    "agreements.shipment": {"recorded_by": KEPT, "answered_by": KEPT},
    "integrations.webhookendpoint": {"created_by": KEPT},
    "playbooks.playbook": {"imported_by": KEPT},
    "playbooks.readinessmark": {"updated_by": KEPT},
    "playbooks.briefing": {"created_by": KEPT},
    "rfq.rfq": {"buyer": KEPT, "created_by": KEPT},  # the quotes booths sent on it
    "rfq.attachment": {"uploaded_by": GONE},  # and its file, from storage
    "rfq.invitation": {"invited_by": KEPT},
    "rfq.quoteversion": {"author": KEPT},
    "rfq.quotemessage": {"author": KEPT},
    "shows.show": {"created_by": KEPT},  # the booth's programme: staff who scheduled it
    "shows.showfollower": {"user": GONE},  # reminders of a show
    "shows.showchatmessage": {"author": anonymise("show__fair", author_name=DELETED_USER, author=None)},
    "shows.showviewer": {"user": GONE, "participant": GONE},  # the show's counts are kept in its stats
    "shows.showclick": {"user": GONE},
    "shows.showpass": {"user": GONE},  # Janus admissions
    # Who interpreted a show, like a meeting's interpreter: the show's record still adds up.
    "shows.showinterpretation": {"interpreter": KEPT, "assigned_by": KEPT},
}

# What is kept, shown on the erase page (docs/privacy.md says the same at length).
KEPT_FOR_LAW = [
    gettext_lazy("Signed agreements and their signed PDFs, as they were signed (contract evidence)."),
    gettext_lazy("The audit log: what was done and when, under the pseudonym deleted-<number>."),
    gettext_lazy("Your consent history (what you agreed to, and when)."),
    gettext_lazy("Meetings, declared orders and shipments, for the other side, without your name."),
]


def missing_rules() -> list[str]:
    """ "label.field" of every field pointing at a person that has no rule: must be empty."""
    out = []
    for model, names in person_models():
        rules = RULES.get(model._meta.label_lower, {})
        out += [f"{model._meta.label_lower}.{name}" for name in names if name not in rules]
    return out


def is_erased(user) -> bool:
    return bool(user) and not user.is_active and user.username.startswith(ERASED_PREFIX)


# --- files -------------------------------------------------------------------------------------------


def _delete_files_later(names) -> None:
    """Remove these files from storage once the transaction commits (a rollback keeps them)."""
    names = [n for n in names if n]
    if not names:
        return

    def remove():
        for name in names:
            try:
                default_storage.delete(name)
            except Exception:  # noqa: BLE001 - already gone is what we want; log the rest
                log.warning("erasure: could not remove %s", name, exc_info=True)

    transaction.on_commit(remove)


def _file_names(rows) -> list[str]:
    names = []
    for obj in rows:
        for f in obj._meta.concrete_fields:
            if isinstance(f, models.FileField):
                value = getattr(obj, f.attname)
                names.append(value.name if hasattr(value, "name") else value)
    return names


# --- applying the rules ------------------------------------------------------------------------------


def _apply(model, name: str, rule: Rule, rows) -> int:
    if rule.action == KEEP:
        return 0
    if rule.action == DELETE:
        rows = list(rows)
        _delete_files_later(_file_names(rows))
        for obj in rows:
            obj.delete()
        return len(rows)
    return rows.update(**rule.values)


def _apply_all(*, user, participations: list[int], fair: Fair | None) -> None:
    """Every rule on the rows of ``participations``; the rules on user fields too when ``user`` is
    given (for ``fair``: only the rules that say how their rows reach a fair, on that fair's rows)."""
    user_model = get_user_model()
    for model, names in person_models():
        rules = RULES[model._meta.label_lower]
        for name in names:
            rule = rules[name]
            related = model._meta.get_field(name).related_model
            if related is Participant:
                rows = model._default_manager.filter(**{f"{name}__in": participations})
            elif related is user_model and user is not None:
                rows = model._default_manager.filter(**{name: user})
                if fair is not None:
                    if not rule.fair_path:
                        continue
                    rows = rows.filter(**{rule.fair_path: fair})
            else:
                continue
            _apply(model, name, rule, rows)


def _booth_strip(booth: Booth) -> None:
    """A booth whose company is erased: unpublished, its texts emptied, its media deleted."""
    names = [booth.logo.name, booth.banner.name, booth.video.name]
    images = ProductImage.objects.filter(product__booth=booth)
    documents = BoothDocument.objects.filter(booth=booth)
    names += _file_names(images) + _file_names(documents)
    images.delete()
    documents.delete()
    texts = {
        f.name: ""
        for f in Booth._meta.concrete_fields
        if f.name.startswith(("tagline", "story")) and isinstance(f, models.CharField | models.TextField)
    }
    was_published = booth.status == Booth.Status.PUBLISHED
    Booth.objects.filter(pk=booth.pk).update(
        status=Booth.Status.DRAFT, logo="", banner="", video="", video_url="", stream_url="", **texts
    )
    _delete_files_later(names)
    if was_published:
        events.emit("booth.unpublished", fair_id=booth.fair_id, subject=booth, actor=None)


def _company_erase(company: Company) -> None:
    Company.objects.filter(pk=company.pk).update(name=DELETED_COMPANY, website="", description="")
    for booth in Booth.objects.filter(company=company):
        _booth_strip(booth)


def _placeholder_company(country="") -> Company:
    return Company.objects.create(name=DELETED_COMPANY, country=country or "")


def _detach(participants: list[Participant], *, user, whole_account: bool) -> list[str]:
    """Take the user off these participations; a company only they stood for is erased (or, when they
    still use it in other fairs, replaced on these participations by a placeholder). Returns the names
    of the erased companies (to scrub them from texts)."""
    erased: list[str] = []
    ids = [p.pk for p in participants]
    by_company: dict[int | None, list[Participant]] = {}
    for p in participants:
        by_company.setdefault(p.company_id, []).append(p)
    for company_id, group in by_company.items():
        pks = [p.pk for p in group]
        if company_id is None:
            company = _placeholder_company()
            Participant.objects.filter(pk__in=pks).update(user=None, company=company, external_id="")
            continue
        company = group[0].company
        others = Participant.objects.filter(company_id=company_id).exclude(pk__in=ids)
        shared = others.exclude(user=user).exists() or others.filter(user__isnull=True).exists()
        if shared:
            Participant.objects.filter(pk__in=pks).update(user=None, external_id="")
        elif others.exists() and not whole_account:
            # They still take part elsewhere for this company: keep it there, detach here.
            Participant.objects.filter(pk__in=pks).update(
                user=None, company=_placeholder_company(company.country), external_id=""
            )
        else:
            erased.append(company.name)
            _company_erase(company)
            Participant.objects.filter(pk__in=pks).update(user=None, external_id="")
    return erased


def _cancel_open_meetings(user, participations: list[int]) -> None:
    """The person's agreed or asked meetings still to come are cancelled (the other side is told)."""
    from meetings import services as meeting_services
    from meetings.models import Meeting

    upcoming = Meeting.objects.filter(
        buyer_id__in=participations, status__in=Meeting.ACTIVE, slot__starts_at__gt=timezone.now()
    ).select_related("slot", "booth", "buyer")
    for meeting in upcoming:
        try:
            meeting_services.meeting_cancel(
                actor=user if user.is_active else None,
                meeting=meeting,
                reason=_("The participant has left the fair."),
            )
        except DomainError:
            Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED, awaiting="")


# --- scrubbing texts that named the person ----------------------------------------------------------


def _needles(user, companies=()) -> list[str]:
    """The strings that name the person (not the username: it may be a common word)."""
    found = {user.get_full_name().strip(), user.email, *companies}
    return sorted({n for n in found if n and len(n.strip()) >= 4}, key=len, reverse=True)


def _replace(text: str, needles: list[str]) -> str:
    for needle in needles:
        text = re.sub(re.escape(needle), DELETED_USER, text, flags=re.IGNORECASE)
    return text


def _scrub_rows(rows, text_fields: list[str], json_fields: list[str], needles: list[str]) -> int:
    changed = 0
    for obj in rows.iterator(chunk_size=500):
        updates = {}
        for name in text_fields:
            value = getattr(obj, name) or ""
            new = _replace(value, needles)
            if new != value:
                updates[name] = new
        for name in json_fields:
            value = getattr(obj, name)
            dumped = json.dumps(value, ensure_ascii=False)
            new = _replace(dumped, needles)
            if new != dumped:
                updates[name] = json.loads(new)
        if updates:
            type(obj)._default_manager.filter(pk=obj.pk).update(**updates)
            changed += 1
    return changed


def _scrub(user, needles: list[str], fair_ids: set[int], *, whole_account: bool) -> None:
    """Replace the person's name, e-mail and sole company in texts that outlive them: for one fair,
    in its audit log and webhook payloads; for a whole account, everywhere."""
    if not needles:
        return
    from django.contrib.admin.models import LogEntry

    from integrations.models import WebhookDelivery
    from notices.models import Notice

    since = user.date_joined - timedelta(days=1)
    if not whole_account:
        _scrub_rows(
            AuditEntry.objects.filter(fair_id__in=fair_ids), ["actor_name", "object_repr"], ["data"], needles
        )
        _scrub_rows(WebhookDelivery.objects.filter(endpoint__fair_id__in=fair_ids), [], ["payload"], needles)
        return
    # Where the texts can be: rows of their fairs or about them, and (texts the database can search)
    # any row naming them; JSON is read in Python (SQLite keeps it with non-ASCII escaped).
    named = _any_contains(["object_repr", "change_message"], needles)
    audit = AuditEntry.objects.filter(Q(actor=user) | Q(people=user) | Q(fair_id__in=fair_ids)).distinct()
    _scrub_rows(audit, ["actor_name", "object_repr"], ["data"], needles)
    _scrub_rows(LogEntry.objects.filter(named), ["object_repr", "change_message"], [], needles)
    peers = Q(user__participations__fair_id__in=fair_ids) | _any_contains(["text"], needles)
    notices = Notice.objects.filter(peers, created_at__gte=since).distinct()
    _scrub_rows(notices, ["text", "url"], ["params"], needles)
    _scrub_rows(WebhookDelivery.objects.filter(endpoint__fair_id__in=fair_ids), [], ["payload"], needles)
    outbox = OutboxMessage.objects.filter(Q(fair_id__in=fair_ids) | Q(delivered_at__isnull=True))
    _scrub_rows(outbox.filter(created_at__gte=since), [], ["payload"], needles)


def _any_contains(fields: list[str], needles: list[str]) -> Q:
    query = Q(pk__in=[])
    for name in fields:
        for needle in needles:
            query |= Q(**{f"{name}__icontains": needle})
    return query


def sole_organizer_of(user) -> list[Fair]:
    """Fairs this person is the only approved organizer of (the erase page warns them)."""
    mine = Participant.objects.filter(
        user=user, role=Participant.Role.ORGANIZER, status=Participant.Status.APPROVED
    ).values_list("fair_id", flat=True)
    others = (
        Participant.objects.filter(role=Participant.Role.ORGANIZER, status=Participant.Status.APPROVED)
        .exclude(user=user)
        .exclude(user__isnull=True)
        .values_list("fair_id", flat=True)
    )
    return list(Fair.objects.filter(pk__in=mine).exclude(pk__in=others).order_by("name"))


# --- the two services -------------------------------------------------------------------------------


def participation_erase(*, actor, participants: list[Participant], fair: Fair, user=None) -> int:
    """Anonymise a person's part in one fair (the retention job; account erasure does it per fair):
    the participations lose their user, a company only they stood for is erased, what they wrote
    about themselves is emptied, and their rows in the fair follow RULES. Returns how many."""
    participants = [p for p in participants if p.user_id is not None]
    if not participants:
        return 0
    user = user or participants[0].user
    ids = [p.pk for p in participants]
    with transaction.atomic():
        _cancel_open_meetings(user, ids)
        _apply_all(user=user, participations=ids, fair=fair)
        companies = _detach(participants, user=user, whole_account=False)
        for p in participants:
            events.emit(
                "privacy.participation_anonymised", fair_id=fair.pk, subject=p, actor=actor, role=p.role
            )
        _scrub(user, _needles(user, companies), {fair.pk}, whole_account=False)  # the lines above too
    return len(participants)


def account_erase(*, actor, user, confirm: str = "", check: bool = True) -> None:
    """Erase ``user``'s account everywhere (asked by the person themselves: ``confirm`` must be their
    e-mail address or their password)."""
    require(actor, "account:manage", user)
    if check:
        typed = (confirm or "").strip()
        ok = bool(typed) and (
            (user.email and typed.lower() == user.email.lower()) or user.check_password(typed)
        )
        if not ok:
            raise DomainError("privacy.confirm", _("Type your e-mail address (or your password) to confirm."))
    if is_erased(user):
        raise DomainError("privacy.erased", _("This account is already erased."))
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        participants = list(Participant.objects.filter(user=user).select_related("company", "fair"))
        ids = [p.pk for p in participants]
        fair_ids = {p.fair_id for p in participants}
        needles = _needles(user)
        _cancel_open_meetings(user, ids)
        _apply_all(user=user, participations=ids, fair=None)
        companies = _detach(participants, user=user, whole_account=True)
        for fair_id in sorted(fair_ids):
            events.emit("privacy.participation_anonymised", fair_id=fair_id, subject=user, actor=actor)
        exports = list(DataExport.objects.filter(user=user))
        _delete_files_later([e.file for e in exports])
        DataExport.objects.filter(user=user).delete()
        user.username = f"{ERASED_PREFIX}{user.pk}"
        user.email, user.first_name, user.last_name = "", "", ""
        user.set_unusable_password()
        user.is_active = user.is_staff = user.is_superuser = user.can_create_fairs = False
        user.save()
        _scrub(
            user,
            sorted({*needles, *_needles(user, companies)}, key=len, reverse=True),
            fair_ids,
            whole_account=True,
        )
        AuditEntry.objects.filter(actor=user).update(actor_name=user.username)
        events.emit("privacy.account_erased", subject=user, actor=None, participations=len(ids))


# --- retention per fair ------------------------------------------------------------------------------


def retention_days(fair: Fair) -> int | None:
    return FairRetention.objects.filter(fair=fair).values_list("days", flat=True).first()


def retention_until(fair: Fair):
    """The last day the fair keeps its participants' personal data, or None (no period set)."""
    days = FairRetention.objects.filter(fair=fair).values_list("days", flat=True).first()
    if days is None or fair.permanent:
        return None
    return fair.ends_on + timedelta(days=days)


def retention_set(*, actor, fair: Fair, days: int | None) -> FairRetention:
    require(actor, "fair:organize", fair)
    if days is not None and days < 0:
        raise DomainError("privacy.retention_days", _("The number of days cannot be negative."))
    with transaction.atomic():
        retention, _created = FairRetention.objects.get_or_create(fair=fair)
        if retention.days != days:
            retention.days = days
            retention.done_at = None
            retention.save()
            events.emit("privacy.retention_set", fair_id=fair.pk, subject=retention, actor=actor, days=days)
    return retention


def retention_run(now=None) -> int:
    """The hourly job: anonymise the participations (organizers' aside) of every fair past its retention
    period. Returns how many participations it anonymised."""
    now = now or timezone.now()
    done = 0
    due = FairRetention.objects.filter(days__isnull=False, done_at__isnull=True).select_related("fair")
    for retention in due:
        fair = retention.fair
        until = retention_until(fair)
        if until is None or now.astimezone(fair.zone).date() <= until:
            continue
        people = (
            Participant.objects.filter(fair=fair, user__isnull=False)
            .exclude(role=Participant.Role.ORGANIZER)
            .select_related("user", "company")
        )
        by_user: dict[int, list[Participant]] = {}
        for p in people:
            by_user.setdefault(p.user_id, []).append(p)
        count = 0
        for group in by_user.values():
            count += participation_erase(actor=None, participants=group, fair=fair)
        with transaction.atomic():
            FairRetention.objects.filter(pk=retention.pk).update(done_at=now)
            events.emit(
                "privacy.retention_applied", fair_id=fair.pk, subject=retention, actor=None, count=count
            )
        done += count
    return done
