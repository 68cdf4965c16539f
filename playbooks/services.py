"""Playbooks: importing and editing them, an exhibitor's readiness per product and market, the gaps an
organizer sees across the fair, and which products a market's buyers want most relative to supply.

Callers load the fair, booth and product through the access layer first (fair:organize for the
organizer's side, booth:leads for an exhibitor's own products); these functions hold the rules.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from exhibitors import media
from exhibitors.models import Booth, Product
from fair import demand as market_demand
from fair.models import Fair, Interaction, Participant, SourcingProfile
from kernel.errors import DomainError
from kernel.events import emit
from meetings.models import FairCurrencyRate
from playbooks.formats import ParsedPlaybook, PlaybookFileError, parse
from playbooks.models import Briefing, Kind, Playbook, PlaybookItem, ReadinessMark

STARTER = Path(__file__).resolve().parent / "starter"


# --- importing and editing ----------------------------------------------------------------------


@dataclass
class ImportResult:
    playbook: Playbook
    created: bool  # False: the same version with the same content was there already


def import_playbook(*, fair: Fair, content: bytes | str, name: str, actor=None) -> ImportResult:
    """Import one playbook file. A bad file raises PlaybookFileError (file, line, field) and changes
    nothing; the same version again changes nothing; a version already imported with other content
    is refused (raise the version); a new version is added beside the old ones."""
    parsed = parse(content, name=name)
    with transaction.atomic():
        existing = (
            Playbook.objects.select_for_update()
            .filter(fair=fair, country=parsed.country, version=parsed.version)
            .first()
        )
        if existing is not None:
            if existing.digest == parsed.digest:
                return ImportResult(existing, False)
            raise PlaybookFileError(
                [
                    _(
                        "%(file)s: version %(version)s of the %(country)s playbook is already imported with "
                        "other content; give this file a higher version."
                    )
                    % {"file": name, "version": parsed.version, "country": parsed.country}
                ]
            )
        playbook = _create(fair, parsed, name=name, actor=actor)
        emit(
            "playbook.imported",
            fair_id=fair.pk,
            subject=playbook,
            actor=actor,
            country=playbook.country,
            version=playbook.version,
        )
    return ImportResult(playbook, True)


def _create(fair: Fair, parsed: ParsedPlaybook, *, name: str, actor) -> Playbook:
    playbook = Playbook.objects.create(
        fair=fair,
        country=parsed.country,
        version=parsed.version,
        checked_on=parsed.checked_on,
        title=parsed.title,
        sources=parsed.sources,
        digest=parsed.digest,
        file_name=name[:200],
        imported_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    PlaybookItem.objects.bulk_create(
        PlaybookItem(playbook=playbook, position=i, **vars(item)) for i, item in enumerate(parsed.items)
    )
    return playbook


def import_starter_set(*, fair: Fair, actor=None) -> list[ImportResult]:
    """The playbooks that ship with Tradefair (playbooks/starter/*.yaml), for the markets the fair has
    no playbook of yet (a market the organizers already wrote is left as it is)."""
    have = set(Playbook.objects.filter(fair=fair).values_list("country", flat=True))
    results = []
    with transaction.atomic():
        for path in sorted(STARTER.glob("*.yaml")):
            content = path.read_bytes()
            if parse(content, name=path.name).country in have:
                continue
            results.append(import_playbook(fair=fair, content=content, name=path.name, actor=actor))
    return results


def current_playbooks(fair: Fair) -> dict[str, Playbook]:
    """The newest version per country."""
    newest = Playbook.objects.filter(fair=fair).values("country").annotate(v=Max("version"))
    wanted = {(row["country"], row["v"]) for row in newest}
    out = {}
    for playbook in Playbook.objects.filter(fair=fair).order_by("country", "-version"):
        if (playbook.country, playbook.version) in wanted:
            out[playbook.country] = playbook
    return out


def current_playbook(fair: Fair, country: str) -> Playbook | None:
    return Playbook.objects.filter(fair=fair, country=country).order_by("-version").first()


def edit_item(*, item: PlaybookItem, language: str, title: str, text: str, authority: str,
              lead_time_days: int | None, required: bool, url: str, actor=None) -> PlaybookItem:  # fmt: skip
    """An organizer's edit of one item, in one language; shown on the next page load."""
    with transaction.atomic():
        item = PlaybookItem.objects.select_for_update().select_related("playbook").get(pk=item.pk)
        item.title = {**item.title, language: title.strip()} if title.strip() else item.title
        texts = dict(item.text)
        if text.strip():
            texts[language] = text.strip()
        else:
            texts.pop(language, None)
        item.text = texts
        item.authority, item.lead_time_days, item.required, item.url = (
            authority,
            lead_time_days,
            required,
            url,
        )
        item.save()
        Playbook.objects.filter(pk=item.playbook_id).update(edited_at=timezone.now())
        emit("playbook.edited", fair_id=item.playbook.fair_id, subject=item, actor=actor, key=item.key)
    return item


# --- readiness of one product for one market ------------------------------------------------------


MET, DONE, IN_PROGRESS, MISSING, TO_CHECK = "met", "done", "in_progress", "missing", "to_check"


@dataclass
class Check:
    item: PlaybookItem
    state: str  # met | done | in_progress | missing | to_check
    because: str  # what in the exhibitor's own data says so
    mark: ReadinessMark | None

    @property
    def open(self) -> bool:
        return self.state in (MISSING, IN_PROGRESS, TO_CHECK)

    @property
    def markable(self) -> bool:
        """An item of the playbook (the exhibitor can mark it); the price range is read from data."""
        return self.item.pk is not None


def _held(company) -> set[str]:
    return {str(c).upper() for c in (company.certifications or [])}


def checklist(*, product: Product, country: str, playbook: Playbook | None = None) -> list[Check]:
    """Every item of the market's current playbook that applies to the product, with what is already
    met from the exhibitor's own data, what they marked, and what is missing."""
    booth = product.booth
    playbook = playbook or current_playbook(booth.fair, country)
    if playbook is None:
        return []
    company = booth.company
    held, spoken = _held(company), set(company.languages or [])
    marks = {m.key: m for m in ReadinessMark.objects.filter(product=product, country=country)}
    out = []
    for item in playbook.items.all():
        if not item.applies_to(product.hs_code):
            continue
        mark = marks.get(item.key)
        state, because = TO_CHECK, ""
        if item.code and item.code in held:
            state, because = MET, _("Your company holds %(code)s.") % {"code": item.code}
        elif item.language and item.language in spoken:
            state, because = MET, _("Your company works in this language.")
        elif item.incoterms and product.incoterm in item.incoterms:
            state, because = MET, _("This product is offered %(term)s.") % {"term": product.incoterm}
        elif mark is not None:
            state = DONE if mark.status == ReadinessMark.Status.DONE else IN_PROGRESS
        elif item.required:
            state = MISSING  # customary items the data does not show stay "to check"
        out.append(Check(item, state, because, mark))
    out.append(price_check(product=product, country=country))
    return out


# --- the price range against the market's buyers ------------------------------------------------------

PRICE_KEY = "price-range"


def _usd_rates(fair: Fair) -> dict[str, Decimal]:
    rates = dict(FairCurrencyRate.objects.filter(fair=fair).values_list("currency", "usd_per_unit"))
    rates["USD"] = Decimal(1)
    return rates


def _usd(value, currency: str, rates: dict[str, Decimal]) -> Decimal | None:
    if value is None or currency not in rates:
        return None
    return Decimal(value) * rates[currency]


def _dollars(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')):,} USD"


def market_target_prices(*, fair: Fair, country: str, hs_code: str) -> list[Decimal]:
    """The target unit prices (USD at the fair's rates) of the market's sourcing requests under the
    product's HS heading (4 digits); a request without a target price, or in a currency the organizer
    keeps no rate for, is left out."""
    rates = _usd_rates(fair)
    heading = str(hs_code)[:4]
    out = []
    for r in market_demand.requests_of(fair=fair, country=country):
        if r.hs_code[:4] != heading:
            continue
        usd = _usd(r.target_price, r.currency, rates)
        if usd is not None:
            out.append(usd)
    return sorted(out)


def price_check(*, product: Product, country: str, targets: list[Decimal] | None = None) -> Check:
    """The product's price range against the target prices of the market's buyers (their sourcing
    requests under the product's HS heading), both in USD at the fair's rates: met when the lowest
    price reaches at least one target, missing when it is above every one, to check when either side
    states no price."""
    fair = product.booth.fair
    item = PlaybookItem(
        key=PRICE_KEY,
        kind="",
        title={(get_language() or "en"): _("Price range against the market's buyers")},
        lead_time_days=None,
        position=10_000,
    )
    if targets is None:
        targets = market_target_prices(fair=fair, country=country, hs_code=product.hs_code)
    rates = _usd_rates(fair)
    low = _usd(
        product.price_min if product.price_min is not None else product.price_max, product.currency, rates
    )
    high = _usd(
        product.price_max if product.price_max is not None else product.price_min, product.currency, rates
    )
    if low is None:
        if product.price_min is None and product.price_max is None:
            return Check(item, TO_CHECK, _("State a price range on the product to compare it."), None)
        return Check(
            item,
            TO_CHECK,
            _("The organizers keep no USD rate for %(currency)s yet.") % {"currency": product.currency},
            None,
        )
    if not targets:
        return Check(
            item,
            TO_CHECK,
            _("No buyer of this market has stated a target price for this HS heading yet."),
            None,
        )
    values = {
        "low": _dollars(low),
        "high": _dollars(high),
        "n": len(targets),
        "min": _dollars(targets[0]),
        "max": _dollars(targets[-1]),
    }
    if low <= targets[-1]:
        reached = sum(1 for t in targets if low <= t)
        return Check(
            item,
            MET,
            _(
                "Your price range (%(low)s to %(high)s) reaches %(reached)d of %(n)d target prices of this "
                "market's buyers (%(min)s to %(max)s)."
            )
            % {**values, "reached": reached},
            None,
        )
    return Check(
        item,
        MISSING,
        _(
            "Your lowest price (%(low)s) is above every target price of this market's buyers "
            "(%(n)d requests, %(min)s to %(max)s)."
        )
        % values,
        None,
    )


def booth_readiness(*, booth: Booth, country: str, limit: int = 3) -> list[dict]:
    """A booth's readiness for one market, product by product (the buyer's match card): each
    product's summary and its price check, the products the market seeks most first."""
    products = list(booth.products.select_related("booth__company", "booth__fair").order_by("position", "pk"))
    if not products or not country:
        return []
    playbook = current_playbook(booth.fair, country)
    rank = {
        r["heading"]: i
        for i, r in enumerate(promising_products(fair=booth.fair, country=country, booth=booth))
    }
    products.sort(key=lambda p: rank.get(p.hs_code[:4], len(rank)))
    out = []
    for product in products[:limit]:
        checks = (
            checklist(product=product, country=country, playbook=playbook)
            if playbook
            else [price_check(product=product, country=country)]
        )
        price = next(c for c in checks if c.item.key == PRICE_KEY and not c.markable)
        out.append({"product": product, "summary": summary(checks), "price": price, "playbook": playbook})
    return out


def summary(checks: list[Check]) -> dict:
    counts = defaultdict(int)
    for check in checks:
        counts[check.state] += 1
    ready = counts[MET] + counts[DONE]
    total = len(checks)
    return {**counts, "ready": ready, "total": total, "percent": round(100 * ready / total) if total else 0}


def mark_item(*, product: Product, country: str, key: str, status: str, note: str = "", document=None,
              actor=None) -> ReadinessMark:  # fmt: skip
    """An exhibitor marks one item of a product's checklist in progress or done, with a proof (PDF or
    image). An unknown item or status is refused and changes nothing."""
    if status not in ReadinessMark.Status.values:
        raise DomainError("readiness.bad_status", _("Choose in progress or done."))
    playbook = current_playbook(product.booth.fair, country)
    item = playbook.items.filter(key=key).first() if playbook else None
    if item is None or not item.applies_to(product.hs_code):
        raise DomainError("readiness.no_item", _("This market's playbook has no such item for this product."))
    stored = ""
    if document:
        stored = _store_proof(document)
    try:
        with transaction.atomic():
            mark = (
                ReadinessMark.objects.select_for_update()
                .filter(product=product, country=country, key=key)
                .first()
            )
            old = mark.document.name if mark and stored else ""
            if mark is None:
                mark = ReadinessMark(product=product, country=country, key=key)
            mark.status, mark.note = status, note.strip()[:500]
            if stored:
                mark.document = stored
            mark.updated_by = actor if getattr(actor, "is_authenticated", False) else None
            mark.save()
            emit(
                "readiness.marked",
                fair_id=product.booth.fair_id,
                subject=mark,
                actor=actor,
                country=country,
                key=key,
                status=status,
            )
    except Exception:
        media.delete_quietly(stored)
        raise
    if old:
        transaction.on_commit(lambda: media.delete_quietly(old))
    return mark


def _store_proof(upload) -> str:
    try:
        extension = media.check_pdf(upload)
        return media.store(upload, folder="readiness", extension=extension)
    except media.UploadError as not_pdf:
        upload.seek(0)
        try:
            image = media.prepare_image(upload)
        except media.UploadError:
            raise DomainError(
                "readiness.bad_proof", _("The proof must be a PDF document or an image (JPEG, PNG, WebP).")
            ) from not_pdf
        return media.store(image.content, folder="readiness", extension=image.extension)


# --- what the organizer sees across the fair ----------------------------------------------------------


@dataclass
class Gap:
    country: str
    item: PlaybookItem
    hall: str
    booths: list[Booth]


def gaps(*, fair: Fair) -> list[Gap]:
    """For each market's required certifications and registrations: per hall, the published booths that
    target the market with a product in scope and neither hold it nor marked it done."""
    playbooks = current_playbooks(fair)
    if not playbooks:
        return []
    booths = list(
        Booth.objects.filter(fair=fair, status=Booth.Status.PUBLISHED)
        .select_related("company", "hall")
        .prefetch_related("products")
        .order_by("company__name")
    )
    done = defaultdict(set)  # (booth, country) -> keys marked done on any product
    for booth_id, country, key in ReadinessMark.objects.filter(
        product__booth__fair=fair, status=ReadinessMark.Status.DONE
    ).values_list("product__booth_id", "country", "key"):
        done[(booth_id, country)].add(key)
    rows: dict[tuple, Gap] = {}
    for country, playbook in sorted(playbooks.items()):
        items = [
            i for i in playbook.items.all()
            if i.required and i.kind in (Kind.CERTIFICATION, Kind.REGISTRATION)
        ]  # fmt: skip
        for booth in booths:
            if country not in (booth.target_markets or []):
                continue
            held = _held(booth.company)
            codes = [p.hs_code for p in booth.products.all()]
            for item in items:
                if not any(item.applies_to(code) for code in codes):
                    continue
                if (item.code and item.code in held) or item.key in done[(booth.pk, country)]:
                    continue
                hall = booth.hall.name if booth.hall else ""
                gap = rows.setdefault((country, item.pk, hall), Gap(country, item, hall, []))
                gap.booths.append(booth)
    return sorted(rows.values(), key=lambda g: (-len(g.booths), g.country, g.hall, g.item.position))


def gaps_csv(*, fair: Fair, language: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Market"), _("Item"), _("Authority"), _("Hall"), _("Exhibitors"), _("Companies")])
    for gap in gaps(fair=fair):
        companies = "; ".join(b.company.name for b in gap.booths)
        writer.writerow(
            [
                gap.country,
                gap.item.title_text(language),
                gap.item.authority,
                gap.hall,
                len(gap.booths),
                _safe(companies),
            ]
        )
    return out.getvalue()


def _safe(value: str) -> str:
    """No spreadsheet formula from a company name."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


# --- promising products per market ------------------------------------------------------------------


def promising_products(
    *, fair: Fair, country: str, booth: Booth | None = None, limit: int = 15
) -> list[dict]:
    """Which HS headings (4 digits) the buyers of ``country`` at this fair seek and engage with most,
    relative to how many products the fair offers under that heading.

    demand: the market's buyers whose sourcing profile names the heading, who viewed, bookmarked,
    knocked or met over a product or booth under it, or who asked for quotes under it (each buyer once
    per heading), plus each sourcing request of the market under the heading (fair/demand.py: posted
    by the market's buyers or destined to it; a buyer asking for quotes is sourcing now);
    supply: published products under the heading. score = demand / (1 + supply), ties by demand.
    Each row also says how many requests and quotes (``requests``, ``quotes``) the heading had.
    With ``booth``: only the headings of that booth's products, with the products named.
    """
    buyers = list(
        Participant.objects.filter(
            fair=fair,
            role=Participant.Role.BUYER,
            status=Participant.Status.APPROVED,
            company__country=country,
        ).values_list("pk", flat=True)
    )
    wanted: dict[str, set[int]] = defaultdict(set)
    for buyer_id, codes in SourcingProfile.objects.filter(buyer_id__in=buyers).values_list(
        "buyer_id", "hs_codes"
    ):
        for code in codes or []:
            if len(str(code)) >= 4:
                wanted[str(code)[:4]].add(buyer_id)
    for buyer_id, code, booth_codes in Interaction.objects.filter(fair=fair, buyer_id__in=buyers).values_list(
        "buyer_id", "product__hs_code", "booth__hs_codes"
    ):
        for c in [code] if code else booth_codes or []:
            if c and len(str(c)) >= 4:
                wanted[str(c)[:4]].add(buyer_id)
    requests: dict[str, int] = defaultdict(int)
    quotes: dict[str, int] = defaultdict(int)
    for r in market_demand.requests_of(fair=fair, country=country):
        if len(r.hs_code) >= 4:
            heading = r.hs_code[:4]
            wanted[heading].add(r.buyer_id)
            requests[heading] += 1
            quotes[heading] += r.quotes
    products = Product.objects.filter(booth__fair=fair, booth__status=Booth.Status.PUBLISHED)
    supply: dict[str, int] = defaultdict(int)
    for code in products.values_list("hs_code", flat=True):
        supply[str(code)[:4]] += 1
    mine: dict[str, list[Product]] = defaultdict(list)
    if booth is not None:
        for product in booth.products.order_by("position", "pk"):
            mine[product.hs_code[:4]].append(product)
    headings = mine.keys() if booth is not None else wanted.keys()
    rows = []
    for heading in headings:
        demand = len(wanted.get(heading, ())) + requests.get(heading, 0)
        rows.append(
            {
                "heading": heading,
                "demand": demand,
                "buyers": len(wanted.get(heading, ())),
                "requests": requests.get(heading, 0),
                "quotes": quotes.get(heading, 0),
                "supply": supply.get(heading, 0),
                "score": demand / (1 + supply.get(heading, 0)),
                "products": mine.get(heading, []),
            }
        )
    rows.sort(key=lambda r: (-r["score"], -r["demand"], r["heading"]))
    return rows[:limit]


def markets_with_buyers(fair: Fair) -> list[str]:
    """The countries the fair's approved buyers come from."""
    return sorted(
        set(
            Participant.objects.filter(
                fair=fair, role=Participant.Role.BUYER, status=Participant.Status.APPROVED
            ).values_list("company__country", flat=True)
        )
        - {"", None}
    )


# --- briefings ---------------------------------------------------------------------------------------


def briefing_invite(
    *, actor, fair: Fair, country: str, key: str, title: str, starts_at, minutes: int, link: str = ""
) -> Briefing:
    """Invite the exhibitors of one gap (every hall) to a briefing; each booth's staff get an e-mail
    with an ICS invitation (playbooks/subscribers.py), written with the briefing."""
    if starts_at is None or timezone.is_naive(starts_at):
        raise DomainError("briefing.bad_time", _("Give the day and time of the briefing."))
    if starts_at <= timezone.now():
        raise DomainError("briefing.in_the_past", _("Choose a time in the future."))
    if not 15 <= int(minutes) <= 480:
        raise DomainError("briefing.bad_length", _("A briefing lasts 15 to 480 minutes."))
    if not title.strip():
        raise DomainError("briefing.no_title", _("Give the briefing a title."))
    booths = {
        b.pk: b for g in gaps(fair=fair) if g.country == country and g.item.key == key for b in g.booths
    }
    if not booths:
        raise DomainError("briefing.nobody", _("No exhibitor has this gap any more."))
    with transaction.atomic():
        briefing = Briefing.objects.create(
            fair=fair,
            title=title.strip()[:200],
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=int(minutes)),
            link=link,
            country=country,
            key=key,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        briefing.booths.set(booths.values())
        emit("briefing.scheduled", fair_id=fair.pk, subject=briefing, actor=actor, booths=sorted(booths))
    return briefing


def briefings_for(*, user, fair: Fair, organizer: bool) -> list[Briefing]:
    """The fair programme's briefings the user sees: all for organizers, else those of their booths."""
    rows = Briefing.objects.filter(fair=fair).prefetch_related("booths__company")
    if not organizer:
        rows = rows.filter(
            booths__staff__user=user,
            booths__staff__status=Participant.Status.APPROVED,
        ).distinct()
    return list(rows)
