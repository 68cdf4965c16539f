"""Standing halls: fairs open all year (``Fair.permanent``), booths carried over, weekly hours.

- ``fair_set_permanent``: an organizer marks a fair (or a standing hall made as a fair) open all year.
- ``booth_carry_over`` / ``booths_carry_over``: a booth moves on from one fair to a standing hall, or to
  next year's fair, in one action: its hall (by slug), HS codes, markets, every translated text, logo,
  banner, video, brochures, products with their translations and images (each file copied in the
  configured storage: S3 in production, so the two booths never share a file), and its approved staff.
- ``weekly_hours_set``: a booth's staff publish when they are on duty, week by week, in their own time
  zone; ``standing_slots_open`` cuts the coming weeks' meeting slots of a permanent fair from them
  (local wall-clock times: across a daylight-saving change the UTC times move, the local ones do
  not; a local time that does not exist that day is skipped) and marks the booth available in them.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from exhibitors import media
from exhibitors.models import Booth, BoothDocument, Product, ProductImage
from fair.models import Fair, Hall, Participant
from kernel import events
from kernel.access import require
from kernel.errors import DomainError
from meetings.models import Availability, Slot
from rfq.models import WeeklyHours

LANGUAGE_CODES = ("en", "ko", "zh_hans", "ja", "vi", "id")


def _translated(model, field: str) -> list[str]:
    names = [field]
    for code in LANGUAGE_CODES:
        name = build_localized_fieldname(field, code)
        if any(f.name == name for f in model._meta.fields):
            names.append(name)
    return names


BOOTH_TEXTS = [n for f in ("tagline", "story") for n in _translated(Booth, f)]
PRODUCT_TEXTS = [n for f in ("name", "description") for n in _translated(Product, f)]
PRODUCT_FIELDS = ["hs_code", "moq", "moq_unit", "price_min", "price_max", "currency", "incoterm", "position"]


@transaction.atomic
def fair_set_permanent(*, actor, fair: Fair, permanent: bool) -> Fair:
    require(actor, "fair:organize", fair)
    fair.permanent = bool(permanent)
    fair.save(update_fields=["permanent"])
    events.emit("fair.updated", fair_id=fair.pk, subject=fair, actor=actor, fields=["permanent"])
    return fair


def _copy(name: str, folder: str, stored: list[str]) -> str:
    """A copy of a stored file under a new name in ``folder`` (same storage), or "" for none."""
    if not name:
        return ""
    with default_storage.open(name, "rb") as fh:
        content = fh.read()
    extension = name.rsplit(".", 1)[-1] if "." in name else "bin"
    new = media.store(ContentFile(content), folder=folder, extension=extension)
    stored.append(new)
    return new


def booth_carry_over(*, actor, booth: Booth, to_fair: Fair) -> Booth:
    """Copy ``booth`` into ``to_fair`` with everything its visitors see; the organizers of both fairs may."""
    require(actor, "fair:organize", booth.fair)
    require(actor, "fair:organize", to_fair)
    if to_fair.pk == booth.fair_id:
        raise DomainError("standing.same_fair", _("Choose another fair to carry the booth over to."))
    stored: list[str] = []
    try:
        with transaction.atomic():
            new = _carry(booth, to_fair, stored)
            events.emit("booth.carried_over", fair_id=to_fair.pk, subject=new, actor=actor, source=booth.pk)
    except Exception:
        media.delete_quietly(*stored)
        raise
    return new


def _carry(booth: Booth, to_fair: Fair, stored: list[str]) -> Booth:
    hall = Hall.objects.filter(fair=to_fair, slug=booth.hall.slug).first() if booth.hall_id else None
    new = Booth(
        fair=to_fair,
        hall=hall,
        company=booth.company,
        hs_codes=list(booth.hs_codes),
        target_markets=list(booth.target_markets),
        status=booth.status,
        video_url=booth.video_url,
    )
    for name in BOOTH_TEXTS:
        setattr(new, name, getattr(booth, name))
    try:
        with transaction.atomic():
            new.save()
    except IntegrityError:
        raise DomainError(
            "standing.booth_exists",
            _("%(company)s already has a booth in %(fair)s.")
            % {"company": booth.company.name, "fair": to_fair.name},
        ) from None
    folder = f"booths/{to_fair.pk}/{new.pk}"
    new.logo = _copy(booth.logo.name, f"{folder}/logo", stored)
    new.banner = _copy(booth.banner.name, f"{folder}/banner", stored)
    new.video = _copy(booth.video.name, f"{folder}/video", stored)
    new.save(update_fields=["logo", "banner", "video"])
    for doc in booth.documents.all():
        BoothDocument.objects.create(
            booth=new,
            title=doc.title,
            file=_copy(doc.file.name, f"{folder}/brochures", stored),
            size=doc.size,
        )
    for product in booth.products.prefetch_related("images"):
        copy = Product(booth=new)
        for name in PRODUCT_TEXTS + PRODUCT_FIELDS:
            setattr(copy, name, getattr(product, name))
        copy.save()
        pfolder = f"{folder}/products/{copy.pk}"
        for image in product.images.all():
            ProductImage.objects.create(
                product=copy,
                image=_copy(image.image.name, pfolder, stored),
                thumbnail=_copy(image.thumbnail.name, pfolder + "/thumbs", stored),
                width=image.width,
                height=image.height,
                position=image.position,
            )
    staff = Participant.objects.filter(
        booth=booth, role=Participant.Role.EXHIBITOR, status=Participant.Status.APPROVED, user__isnull=False
    )
    taken = set(
        Participant.objects.filter(fair=to_fair, role=Participant.Role.EXHIBITOR).values_list(
            "user_id", flat=True
        )
    )
    for p in staff:
        if p.user_id in taken:
            continue
        Participant.objects.create(
            fair=to_fair,
            user_id=p.user_id,
            company=p.company,
            booth=new,
            role=Participant.Role.EXHIBITOR,
            status=Participant.Status.APPROVED,
            languages=list(p.languages),
        )
    return new


def booths_carry_over(*, actor, from_fair: Fair, to_fair: Fair) -> list[Booth]:
    """Every booth of ``from_fair`` not yet in ``to_fair``, in one action (one transaction)."""
    require(actor, "fair:organize", from_fair)
    require(actor, "fair:organize", to_fair)
    there = set(Booth.objects.filter(fair=to_fair).values_list("company_id", flat=True))
    booths = (
        Booth.objects.filter(fair=from_fair).exclude(company_id__in=there).select_related("company", "hall")
    )
    out, stored = [], []
    try:
        with transaction.atomic():
            for booth in booths:
                new = _carry(booth, to_fair, stored)
                events.emit(
                    "booth.carried_over", fair_id=to_fair.pk, subject=new, actor=actor, source=booth.pk
                )
                out.append(new)
    except Exception:
        media.delete_quietly(*stored)
        raise
    return out


# --- weekly hours and the slots of a standing hall ---------------------------------------------


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise DomainError(
            "standing.bad_zone", _("%(zone)s is not a time zone (e.g. Asia/Seoul).") % {"zone": name}
        ) from None


@transaction.atomic
def weekly_hours_set(*, actor, booth: Booth, hours, time_zone: str) -> list[WeeklyHours]:
    """Replace the booth's weekly hours: [(weekday 0-6, "09:00", "12:00"), ...] in ``time_zone``."""
    require(actor, "availability:keep", booth)
    _zone(time_zone)
    rows = []
    for weekday, starts, ends in hours:
        try:
            weekday = int(weekday)
            starts = starts if isinstance(starts, time) else time.fromisoformat(str(starts))
            ends = ends if isinstance(ends, time) else time.fromisoformat(str(ends))
        except (TypeError, ValueError):
            raise DomainError(
                "standing.bad_hours", _("Give hours as a weekday and two times, e.g. 09:00-12:00.")
            ) from None
        if not 0 <= weekday <= 6 or ends <= starts:
            raise DomainError(
                "standing.bad_hours", _("Give hours as a weekday and two times, e.g. 09:00-12:00.")
            )
        rows.append(WeeklyHours(booth=booth, weekday=weekday, starts=starts, ends=ends, time_zone=time_zone))
    WeeklyHours.objects.filter(booth=booth).delete()
    return WeeklyHours.objects.bulk_create(rows)


def local_slots(hours: list[WeeklyHours], *, first: date, days: int, minutes: int) -> list[datetime]:
    """The UTC starts of the slots the weekly hours give from ``first`` for ``days`` days, cut at
    ``minutes`` in the hours' own zone (wall-clock times; a time missing that day is skipped)."""
    out = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        for h in hours:
            if h.weekday != day.weekday():
                continue
            zone = _zone(h.time_zone)
            at = datetime.combine(day, h.starts)
            end = datetime.combine(day, h.ends)
            while at + timedelta(minutes=minutes) <= end:
                local = at.replace(tzinfo=zone)
                utc = local.astimezone(zoneinfo.ZoneInfo("UTC"))
                if utc.astimezone(zone).replace(tzinfo=None) == at:  # exists on that day
                    out.append(utc)
                at += timedelta(minutes=minutes)
    return sorted(set(out))


@transaction.atomic
def standing_slots_open(*, fair: Fair, weeks: int = 4, now: datetime | None = None) -> int:
    """Cut the slots of the coming ``weeks`` from every booth's weekly hours in a permanent fair and
    mark each booth available in its own; returns how many availabilities were added."""
    if not fair.permanent:
        raise DomainError("standing.not_permanent", _("Only a fair open all year has weekly hours."))
    now = now or timezone.now()
    first = now.astimezone(fair.zone).date() - timedelta(days=1)
    minutes = fair.slot_minutes
    by_booth: dict[int, list[WeeklyHours]] = {}
    for h in WeeklyHours.objects.filter(booth__fair=fair):
        by_booth.setdefault(h.booth_id, []).append(h)
    added = 0
    for booth_id, hours in by_booth.items():
        for starts in local_slots(hours, first=first, days=weeks * 7 + 2, minutes=minutes):
            if starts <= now:
                continue
            slot, _created = Slot.objects.get_or_create(
                fair=fair,
                starts_at=starts,
                defaults={
                    "ends_at": starts + timedelta(minutes=minutes),
                    "day": starts.astimezone(fair.zone).date(),
                },
            )
            if slot.retired:
                continue
            _a, made = Availability.objects.get_or_create(slot=slot, booth_id=booth_id)
            added += int(made)
    return added
