"""Reads for the booth pages, the builder and the search across a fair.

One selector answers a search: words (PostgreSQL full-text search when on PostgreSQL, a
case-insensitive substring search on SQLite), HS code or chapter prefix, exhibitor country,
target market, certification and meeting language. Only published booths are found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from exhibitors.models import Bookmark, Booth, BoothDocument, Product, ProductImage
from fair.models import Fair, Participant

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def _columns(field: str) -> list[str]:
    from modeltranslation.utils import build_localized_fieldname

    return [build_localized_fieldname(field, code) for code in LANGUAGE_CODES]


BOOTH_TEXT = ["company__name", "company__description", *_columns("tagline"), *_columns("story")]
PRODUCT_TEXT = [*_columns("name"), *_columns("description")]


@dataclass(frozen=True)
class SearchFilters:
    q: str = ""
    hs: str = ""
    country: str = ""
    market: str = ""
    certification: str = ""
    language: str = ""

    @property
    def any(self) -> bool:
        return any((self.q, self.hs, self.country, self.market, self.certification, self.language))


def _words_filter(q: str) -> Q:
    """The booths whose own texts or any product's texts match the words."""
    products = Product.objects.filter(booth=OuterRef("pk"))
    if settings.USING_POSTGRES and not _CJK.search(q):
        # 'simple': no stemming, so words in any of the six languages match as typed.
        from django.contrib.postgres.search import SearchQuery, SearchVector

        query = SearchQuery(q, search_type="websearch", config="simple")
        booth_ids = Booth.objects.annotate(search=SearchVector(*BOOTH_TEXT, config="simple")).filter(
            search=query
        )
        product_hits = products.annotate(search=SearchVector(*PRODUCT_TEXT, config="simple")).filter(
            search=query
        )
        return Q(pk__in=booth_ids.values("pk")) | Q(Exists(product_hits))
    # SQLite (and Chinese, Japanese or Korean words, which have no spaces to split on): every word
    # must appear somewhere in the booth or its products.
    condition = Q()
    for word in q.split()[:8]:
        in_booth = Q()
        for column in BOOTH_TEXT:
            in_booth |= Q(**{f"{column}__icontains": word})
        in_product = Q()
        for column in PRODUCT_TEXT:
            in_product |= Q(**{f"{column}__icontains": word})
        condition &= in_booth | Q(Exists(products.filter(in_product)))
    return condition


def _list_filter_ids(qs: QuerySet[Booth], filters: SearchFilters) -> list[int] | None:
    """HS prefix, target market, certification and language live in JSON lists: matched in Python,
    the same on SQLite and PostgreSQL. None when no such filter is set."""
    if not (filters.hs or filters.market or filters.certification or filters.language):
        return None
    product_codes: dict[int, list[str]] = {}
    if filters.hs:
        for booth_id, code in Product.objects.filter(booth__in=qs).values_list("booth_id", "hs_code"):
            product_codes.setdefault(booth_id, []).append(code)
    ids = []
    rows = qs.values_list("pk", "hs_codes", "target_markets", "company__certifications", "company__languages")
    for pk, hs_codes, markets, certs, languages in rows:
        if filters.hs:
            codes = list(hs_codes or []) + product_codes.get(pk, [])
            # a chapter or heading prefix finds deeper codes; a deep code finds the booth's heading
            if not any(c.startswith(filters.hs) or filters.hs.startswith(c) for c in codes):
                continue
        if filters.market and markets and filters.market not in markets:
            continue  # an empty list means "any market"
        if filters.certification and filters.certification not in (certs or []):
            continue
        if filters.language and filters.language not in (languages or []):
            continue
        ids.append(pk)
    return ids


def booth_search(*, fair: Fair, filters: SearchFilters) -> QuerySet[Booth]:
    """Published booths of the fair matching every filter given, by company name."""
    qs = Booth.objects.filter(fair=fair, status=Booth.Status.PUBLISHED)
    if filters.country:
        qs = qs.filter(company__country=filters.country)
    if filters.q:
        qs = qs.filter(_words_filter(filters.q))
    ids = _list_filter_ids(qs, filters)
    if ids is not None:
        qs = Booth.objects.filter(pk__in=ids)
    return qs.select_related("company", "hall").order_by("company__name", "pk")


# --- booth and product pages -------------------------------------------------------------------


def booth_page_rows() -> QuerySet[Booth]:
    """Booths with everything their page shows (for exhibitors.access.access_booth's ``rows``)."""
    return Booth.objects.select_related("company", "hall", "fair").prefetch_related(
        Prefetch(
            "products",
            queryset=Product.objects.order_by("position", "pk").prefetch_related(
                Prefetch("images", queryset=ProductImage.objects.order_by("position", "pk"))
            ),
        ),
        # Their own order: the model's default (booth first) would join booth, fair and company.
        Prefetch("documents", queryset=BoothDocument.objects.order_by("title", "id")),
    )


def product_get(*, booth: Booth, product_id: int) -> Product | None:
    return (
        Product.objects.filter(booth=booth, pk=product_id)
        .prefetch_related(Prefetch("images", queryset=ProductImage.objects.order_by("position", "pk")))
        .first()
    )


def bookmarked_ids(*, participant: Participant | None) -> tuple[set[int], set[int]]:
    """(booth ids, product ids) the buyer keeps."""
    if participant is None:
        return set(), set()
    booths, products = set(), set()
    for booth_id, product_id in Bookmark.objects.filter(participant=participant).values_list(
        "booth_id", "product_id"
    ):
        if booth_id:
            booths.add(booth_id)
        if product_id:
            products.add(product_id)
    return booths, products


def bookmarks_of(*, participant: Participant) -> list[Bookmark]:
    """The buyer's bookmarks whose booth is still published, newest first."""
    return list(
        Bookmark.objects.filter(participant=participant)
        .filter(Q(booth__status=Booth.Status.PUBLISHED) | Q(product__booth__status=Booth.Status.PUBLISHED))
        .select_related("booth__company", "product__booth__company")
    )
