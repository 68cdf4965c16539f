"""Writes of the fair app that people do through pages: running a fair and registering for one.

Every function is sync, keyword-only and runs in one transaction; a bad value raises a DomainError
with a dotted code and a translated message and leaves the database as it was. Decisions on
registrations are e-mailed through the background worker (kernel.jobs) once the transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from fair import hs, vocab
from fair.access import forget_roles
from fair.models import Company, Fair, Hall, Participant, SourcingProfile, User
from kernel import consent, events, outbox
from kernel.access import require
from kernel.errors import DomainError, PermissionDenied
from kernel.site import site_url

Role, Status = Participant.Role, Participant.Status

FAIR_FIELDS = (
    "name",
    "description",
    "descriptions",
    "starts_on",
    "ends_on",
    "time_zone",
    "languages",
    "registration_open",
    "slot_minutes",
    "day_start",
    "day_end",
    "max_meetings_per_day",
    "breaks",
)
# What the meeting slots are cut from: a change to any of them re-cuts the slots (meetings/subscribers.py).
SCHEDULE_FIELDS = ("starts_on", "ends_on", "time_zone", "slot_minutes", "day_start", "day_end", "breaks")


def _messages(e: ValidationError) -> str:
    if hasattr(e, "message_dict"):
        return " ".join(f"{field}: {' '.join(msgs)}" for field, msgs in e.message_dict.items())
    return " ".join(e.messages)


LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def _set_texts(obj, field: str, texts: dict[str, str] | None) -> None:
    """One text per UI language ({"en": ..., "ko": ...}) into modeltranslation's columns; a language
    left out keeps its text, an empty one is cleared (and falls back to another language)."""
    for code, value in (texts or {}).items():
        if code not in LANGUAGE_CODES:
            raise DomainError("fair.unknown_language", _("%(code)s is not a UI language.") % {"code": code})
        setattr(obj, build_localized_fieldname(field, code), (value or "").strip() or None)


def texts_of(obj, field: str) -> dict[str, str]:
    """{language: text} of a per-language field, as stored (no fallback)."""
    return {code: getattr(obj, build_localized_fieldname(field, code)) or "" for code in LANGUAGE_CODES}


def _validated(obj, *, code: str) -> None:
    try:
        obj.full_clean()
    except ValidationError as e:
        raise DomainError(code, _messages(e)) from None


# --- the fair ------------------------------------------------------------------------------------


@transaction.atomic
def fair_create(
    *,
    actor,
    name: str,
    starts_on: date,
    ends_on: date,
    time_zone: str,
    slug: str = "",
    languages: list[str] | None = None,
    description: str = "",
    descriptions: dict[str, str] | None = None,
    registration_open: bool = False,
) -> Fair:
    """A new fair, unlisted until its organizers publish it; whoever creates it is its first approved
    organizer. FAIR_CREATION says who may (the ``fair:create`` rule)."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied("fair.denied", _("Sign in to create a fair."))
    require(actor, "fair:create", None)
    slug = (slug or slugify(name))[:80]
    if not slug:
        raise DomainError("fair.bad_slug", _("Give the fair a name made of letters or digits."))
    if Fair.objects.filter(slug=slug).exists():
        raise DomainError(
            "fair.slug_taken", _("Another fair already uses the address %(slug)s.") % {"slug": slug}
        )
    fair = Fair(
        name=name,
        slug=slug,
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        time_zone=time_zone,
        languages=languages or [code for code, _n in settings.LANGUAGES],
        registration_open=registration_open,
        published=False,
    )
    if descriptions:
        _set_texts(fair, "description", descriptions)
    _validated(fair, code="fair.invalid")
    if fair.ends_on < fair.starts_on:
        raise DomainError("fair.bad_dates", _("The last day cannot come before the first day."))
    fair.save()
    Participant.objects.create(fair=fair, user=actor, role=Role.ORGANIZER, status=Status.APPROVED)
    forget_roles(actor)
    events.emit("fair.created", fair_id=fair.pk, subject=fair, actor=actor)
    return fair


@transaction.atomic
def fair_update(*, actor, fair: Fair, **values) -> Fair:
    """Change the fair's details and its schedule (days, zone, daily window, slot length, breaks).

    A schedule change emits ``fair.schedule_changed`` inside the transaction: the meeting slots are
    re-cut then, and a change that would orphan a booked meeting is refused and undone.
    """
    require(actor, "fair:organize", fair)
    unknown = set(values) - set(FAIR_FIELDS)
    if unknown:
        raise DomainError("fair.unknown_field", ", ".join(sorted(unknown)))
    fair = Fair.objects.select_for_update().get(pk=fair.pk)
    before = {f: getattr(fair, f) for f in SCHEDULE_FIELDS}
    descriptions = values.pop("descriptions", None)
    for field, value in values.items():
        setattr(fair, field, value)
    if descriptions is not None:
        _set_texts(fair, "description", descriptions)
        values["descriptions"] = descriptions
    _validated(fair, code="fair.invalid")
    if fair.ends_on < fair.starts_on:
        raise DomainError("fair.bad_dates", _("The last day cannot come before the first day."))
    if fair.day_end <= fair.day_start:
        raise DomainError("fair.bad_window", _("Meetings must end after they start each day."))
    fair.save()
    changed = sorted(f for f, v in before.items() if getattr(fair, f) != v)
    events.emit("fair.updated", fair_id=fair.pk, subject=fair, actor=actor, fields=sorted(values))
    if changed:
        events.emit("fair.schedule_changed", fair_id=fair.pk, subject=fair, actor=actor, fields=changed)
    return fair


@transaction.atomic
def fair_publish(*, actor, fair: Fair, published: bool = True) -> Fair:
    """List the fair (on /, /fairs/ and /api/fairs/, open to every visitor), or unlist it again."""
    require(actor, "fair:organize", fair)
    fair = Fair.objects.select_for_update().get(pk=fair.pk)
    if fair.published != published:
        fair.published = published
        fair.save(update_fields=["published"])
        events.emit(
            "fair.published" if published else "fair.unpublished", fair_id=fair.pk, subject=fair, actor=actor
        )
    return fair


# --- who may create fairs ------------------------------------------------------------------------


@transaction.atomic
def fair_creator_grant(*, actor, email: str) -> User:
    """Let the user with this e-mail address create fairs (with FAIR_CREATION = "approved")."""
    require(actor, "fair:grant_creators", None)
    email = (email or "").strip()
    user = (
        User.objects.select_for_update().filter(email__iexact=email, is_active=True).first()
        if email
        else None
    )
    if user is None:
        raise DomainError(
            "fair.no_such_user",
            _("Nobody has signed up with %(email)s yet: ask them to sign up first.")
            % {"email": email or "–"},
        )
    if not user.can_create_fairs:
        user.can_create_fairs = True
        user.save(update_fields=["can_create_fairs"])
        events.emit("user.fair_creator_granted", fair_id=None, subject=user, actor=actor)
    return user


@transaction.atomic
def fair_creator_revoke(*, actor, user_id: int) -> User:
    """Take back the right to create fairs (the fairs they created stay theirs)."""
    require(actor, "fair:grant_creators", None)
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise DomainError("fair.no_such_user", _("No such user."))
    if user.can_create_fairs:
        user.can_create_fairs = False
        user.save(update_fields=["can_create_fairs"])
        events.emit("user.fair_creator_revoked", fair_id=None, subject=user, actor=actor)
    return user


def breaks_from_text(text: str) -> list[list[str]]:
    """'12:00-13:00, 15:00-15:15' → [["12:00", "13:00"], ["15:00", "15:15"]]; DomainError when unreadable."""
    result = []
    for part in (text or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            start, end = (time.fromisoformat(x.strip()) for x in part.split("-"))
        except ValueError:
            raise DomainError(
                "fair.bad_breaks", _("%(part)s is not a break like 12:00-13:00.") % {"part": part}
            ) from None
        if end <= start:
            raise DomainError(
                "fair.bad_breaks", _("The break %(part)s ends before it starts.") % {"part": part}
            )
        result.append([start.strftime("%H:%M"), end.strftime("%H:%M")])
    return result


# --- halls ----------------------------------------------------------------------------------------


def hall_chapters_clean(values: Iterable[str] | str) -> list[str]:
    """HS chapters (two digits each) from a list or a text like '33, 34'; DomainError naming the bad one."""
    if isinstance(values, str):
        values = values.replace(";", ",").replace(" ", ",").split(",")
    chapters: dict[str, None] = {}
    for value in values:
        value = str(value).strip()
        if not value:
            continue
        try:
            code = hs.validate_hs_code(value)
        except ValidationError as e:
            raise DomainError("hall.bad_chapter", " ".join(e.messages)) from None
        if len(code) != 2:
            raise DomainError(
                "hall.bad_chapter",
                _("%(value)s is not an HS chapter: a hall takes two-digit chapters, e.g. 33.")
                % {"value": value},
            )
        chapters.setdefault(code, None)
    if not chapters:
        raise DomainError("hall.no_chapters", _("Give the hall at least one HS chapter, e.g. 33."))
    return sorted(chapters)


@transaction.atomic
def hall_save(
    *,
    actor,
    fair: Fair,
    hs_chapters,
    name: str = "",
    names: dict[str, str] | None = None,
    hall: Hall | None = None,
    position: int | None = None,
) -> Hall:
    """Add or change a hall. ``names``: its name per UI language ({"en": ..., "ko": ...}), at least
    one; or ``name``: one name, in the active language."""
    require(actor, "fair:organize", fair)
    if hall is not None and hall.fair_id != fair.pk:
        raise DomainError("hall.not_in_fair", _("This hall belongs to another fair."))
    names = {code: (value or "").strip() for code, value in (names or {}).items()}
    if not names and (name or "").strip():
        names = {translation.get_language() or settings.LANGUAGE_CODE: name.strip()}
    if not any(names.values()) and (hall is None or names):
        raise DomainError("hall.no_name", _("Give the hall a name."))
    chapters = hall_chapters_clean(hs_chapters)
    if hall is None:
        first = next(v for v in (names.get("en"), *names.values()) if v)
        base = slugify(first)[:70] or "hall"
        slug, n = base, 1
        while Hall.objects.filter(fair=fair, slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        hall = Hall(fair=fair, slug=slug, position=fair.halls.count() if position is None else position)
    elif position is not None:
        hall.position = position
    _set_texts(hall, "name", names)
    hall.hs_chapters = chapters
    _validated(hall, code="hall.invalid")
    hall.save()
    events.emit("hall.saved", fair_id=fair.pk, subject=hall, actor=actor)
    return hall


@transaction.atomic
def hall_delete(*, actor, hall: Hall) -> None:
    """Remove a hall; its booths stay in the fair, without a hall until the organizer places them."""
    require(actor, "fair:organize", hall.fair)
    events.emit("hall.deleted", fair_id=hall.fair_id, subject=hall, actor=actor)
    hall.delete()


# --- registrations --------------------------------------------------------------------------------


def _decision_mail(participant: Participant) -> None:
    """Tell the person of the organizers' decision (through the outbox, with the decision)."""
    user = participant.user
    if user is None or not user.email:
        return
    fair = participant.fair
    with translation.override(user.language):
        role = participant.get_role_display()
        link = site_url() + reverse("fair_home", args=[fair.slug])
        if participant.status == Status.APPROVED:
            link = site_url() + reverse("first_steps", args=[fair.slug])  # what to do first
            subject = _("You are registered for %(fair)s") % {"fair": fair.name}
            lines = [
                _("The organizers approved your registration as %(role)s.") % {"role": role},
                "",
                _("Your first steps at the fair:"),
                link,
            ]
        else:
            subject = _("Your registration for %(fair)s") % {"fair": fair.name}
            lines = [
                _("The organizers could not approve your registration as %(role)s.") % {"role": role},
                _("Reply to the organizers if you think this is a mistake."),
            ]
    outbox.mail(
        to=[user.email],
        subject=str(subject),
        body="\n".join(str(x) for x in lines),
        event=f"participant.{participant.status}",
        fair_id=fair.pk,
    )


@transaction.atomic
def participants_decide(*, actor, fair: Fair, participant_ids: Iterable[int], approve: bool) -> int:
    """Approve or reject registrations of this fair, each e-mailed; returns how many changed."""
    require(actor, "fair:organize", fair)
    ids = {int(i) for i in participant_ids}
    if not ids:
        raise DomainError("registration.none_chosen", _("Choose at least one registration."))
    rows = list(
        Participant.objects.select_for_update(of=("self",))
        .filter(fair=fair, pk__in=ids)
        .exclude(role=Role.ORGANIZER, user=actor)
        .select_related("user", "fair", "company")
    )
    if len(rows) != len(ids):
        raise DomainError("registration.unknown", _("Some of the chosen registrations are not in this fair."))
    new_status = Status.APPROVED if approve else Status.REJECTED
    changed = 0
    for p in rows:
        if p.status == new_status:
            continue
        p.status = new_status
        p.save(update_fields=["status"])
        # An approved exhibitor without a booth gets a draft one to build (exhibitors/subscribers.py).
        events.emit(f"participant.{new_status}", fair_id=fair.pk, subject=p, actor=actor, role=p.role)
        changed += 1
        _decision_mail(p)
    return changed


def _clean_list(values, normalise, *, code: str) -> list[str]:
    if isinstance(values, str):
        values = values.replace(",", ";").split(";")
    try:
        return vocab.normalise_list([v for v in values if str(v).strip()], normalise)
    except ValidationError as e:
        raise DomainError(code, " ".join(e.messages)) from None


def email_confirmed(user) -> bool:
    """Has ``user`` confirmed an address, as registering for a fair needs (unless
    ACCOUNT_EMAIL_VERIFICATION is "none": a closed network without mail)? A person who signed up
    has an address to confirm; accounts made by an administrator or an import have none and pass."""
    if settings.ACCOUNT_EMAIL_VERIFICATION == "none":
        return True
    from allauth.account.models import EmailAddress

    addresses = EmailAddress.objects.filter(user_id=user.pk)
    return not addresses.exists() or addresses.filter(verified=True).exists()


@transaction.atomic
def registration_submit(
    *,
    user,
    fair: Fair,
    role: str,
    company_name: str = "",
    country: str = "",
    hs_codes=(),
    required_certifications=(),
    languages=(),
    description: str = "",
    size: str = "",
    consents: dict[str, bool] | None = None,
    source: str = "join",
) -> Participant:
    """Register as a buyer or an exhibitor (pending until an organizer decides), or edit one's
    sourcing profile. A buyer's profile can be edited any time, registration open or not.

    ``consents`` ({kind: bool}, kernel/consent.py): asked once, at a new registration; a kind not
    given counts as a no (unticked)."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied("registration.denied", _("Sign in to register."))
    if role not in (Role.BUYER, Role.EXHIBITOR):
        raise DomainError("registration.bad_role", _("Register as a buyer or as an exhibitor."))
    if not email_confirmed(user):
        raise DomainError(
            "registration.unverified",
            _("Confirm your e-mail address first: open the link we sent you, then register."),
        )
    existing = Participant.objects.select_for_update().filter(fair=fair, user=user, role=role).first()
    if existing is None and not fair.registration_open:
        raise DomainError("registration.closed", _("Registration for this fair is closed."))
    if existing is not None and existing.status == Status.REJECTED:
        raise DomainError("registration.rejected", _("The organizers did not approve this registration."))
    company_name = (company_name or "").strip()
    if existing is None or existing.company_id is None:
        if not company_name:
            raise DomainError("registration.no_company", _("Name your company."))
        if len(company_name) > 200:
            raise DomainError("registration.no_company", _("A company name is at most 200 characters."))
    size = (size or "").strip()
    if size and size not in Company.Size.values:
        raise DomainError("registration.bad_size", _("Choose a company size from the list."))
    country_code = ""
    if existing is None or existing.company_id is None or country:
        try:
            country_code = vocab.normalise_country(country)
        except ValidationError as e:
            raise DomainError("registration.bad_country", " ".join(e.messages)) from None
    profile_values = None
    if role == Role.BUYER:
        codes = _clean_list(hs_codes, hs.validate_hs_code, code="registration.bad_hs")
        if not codes:
            raise DomainError("registration.bad_hs", _("Give at least one HS code you source, e.g. 3304."))
        profile_values = {
            "hs_codes": codes,
            "required_certifications": _clean_list(
                required_certifications, vocab.normalise_certification, code="registration.bad_certification"
            ),
            "languages": _clean_list(languages, vocab.normalise_language, code="registration.bad_language"),
            "description": (description or "").strip()[:5000],
        }
    company_extra = {"size": size} if size else {}
    if role == Role.EXHIBITOR:  # who the exhibitor is; its booth says the rest
        company_extra |= {
            "languages": _clean_list(languages, vocab.normalise_language, code="registration.bad_language"),
            "description": (description or "").strip()[:5000],
        }
    if existing is None:
        company = Company.objects.create(name=company_name, country=country_code, **company_extra)
        try:
            with transaction.atomic():
                participant = Participant.objects.create(
                    fair=fair, user=user, role=role, status=Status.PENDING, company=company
                )
        except IntegrityError:
            raise DomainError("registration.exists", _("You are already registered in this role.")) from None
    else:
        participant = existing
        company = participant.company
        if company is None:
            company = Company.objects.create(name=company_name, country=country_code, **company_extra)
            participant.company = company
            participant.save(update_fields=["company"])
        else:
            shown = ("name", "country", "languages", "description", "size")
            before = [getattr(company, field) for field in shown]
            if company_name:
                company.name = company_name
            if country_code:
                company.country = country_code
            for field, value in company_extra.items():
                if value:
                    setattr(company, field, value)
            if (
                company.name,
                company.country,
                company.languages,
                company.description,
                company.size,
            ) != before:
                company.save()
                events.emit("company.changed", fair_id=fair.pk, subject=company, actor=user)
    if profile_values is not None:
        SourcingProfile.objects.update_or_create(buyer=participant, defaults=profile_values)
    if existing is None and consents is not None:
        for kind in consent.KINDS:
            consent.consent_set(
                actor=user, user=user, kind=kind, granted=bool(consents.get(kind)), source=source
            )
    events.emit(
        "participant.registered" if existing is None else "participant.profile_changed",
        fair_id=fair.pk,
        subject=participant,
        actor=user,
        role=role,
        company_id=company.pk,
    )
    return participant
