"""Reads for the booth pages, the builder and the search across a fair.

One selector answers a search: words, HS code or chapter (or words naming one), exhibitor country,
target market, certification and meeting language. Only published booths are found.

Words are tolerant of typing and of language. Each word is looked for, as typed, in every language's
text of a booth and its products (tagline, story, product names and descriptions, in all six
columns) and in the names of HS codes in all six languages ("화장품" finds the booths selling HS 33).
A word of four letters or more found nowhere is then looked for approximately: by pg_trgm's word
similarity on PostgreSQL, and on SQLite by the edit distance to the words of the fair's texts
(rapidfuzz), so "serun" finds "serum". Chinese, Japanese and Korean words are matched as typed
(they have no spaces to split on and a typo in them is rarely one letter).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, TextField, Value
from django.db.models.functions import Coalesce, Concat

from exhibitors.models import Bookmark, Booth, BoothDocument, Product, ProductImage
from fair import hs
from fair.models import Fair, Participant

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_TOKEN = re.compile(r"\w+")
FUZZY_MIN_LENGTH = 4  # shorter words are matched as typed only
WORD_SIMILARITY = 0.5  # pg_trgm's word_similarity a fuzzy match needs (PostgreSQL)
MAX_WORDS = 8


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

    @property
    def hs_is_code(self) -> bool:
        return bool(re.fullmatch(r"\d{2,6}", self.hs.replace(".", "")))


def words_of(q: str) -> list[str]:
    return [w for w in re.split(r"\s+", (q or "").strip()) if w][:MAX_WORDS]


def _exact(word: str) -> Q:
    """The booths whose own texts or any product's texts contain the word (any language, any case)."""
    in_booth = Q()
    for column in BOOTH_TEXT:
        in_booth |= Q(**{f"{column}__icontains": word})
    in_product = Q()
    for column in PRODUCT_TEXT:
        in_product |= Q(**{f"{column}__icontains": word})
    return in_booth | Q(Exists(Product.objects.filter(booth=OuterRef("pk")).filter(in_product)))


def hs_codes_named(words: str) -> list[str]:
    """The HS codes whose name, in any of the six languages, contains the words ("cosmetics" -> 33)."""
    text = (words or "").strip()
    if len(text) < (2 if _CJK.search(text) else FUZZY_MIN_LENGTH):
        return []
    return [code for code, _names in hs.hs_search(text, limit=40)]


def _codes_match(codes, wanted: list[str]) -> bool:
    """A chapter or heading finds deeper codes; a deep code finds the booth's heading."""
    return any(c.startswith(w) or w.startswith(c) for c in codes for w in wanted)


def _booths_with_codes(qs: QuerySet[Booth], wanted: list[str]) -> list[int]:
    """The booths among ``qs`` that sell one of the ``wanted`` HS codes (booth or product codes)."""
    if not wanted:
        return []
    product_codes: dict[int, list[str]] = {}
    for booth_id, code in Product.objects.filter(booth__in=qs).values_list("booth_id", "hs_code"):
        product_codes.setdefault(booth_id, []).append(code)
    return [
        pk
        for pk, codes in qs.values_list("pk", "hs_codes")
        if _codes_match(list(codes or []) + product_codes.get(pk, []), wanted)
    ]


def _fuzzy_postgres(qs: QuerySet[Booth], word: str) -> Q:
    from django.contrib.postgres.search import TrigramWordSimilarity

    def joined(columns):
        parts = []
        for column in columns:
            parts += [Coalesce(column, Value(""), output_field=TextField()), Value(" ")]
        return Concat(*parts, output_field=TextField())

    booths = qs.annotate(similarity=TrigramWordSimilarity(word, joined(BOOTH_TEXT))).filter(
        similarity__gte=WORD_SIMILARITY
    )
    products = (
        Product.objects.filter(booth=OuterRef("pk"))
        .annotate(similarity=TrigramWordSimilarity(word, joined(PRODUCT_TEXT)))
        .filter(similarity__gte=WORD_SIMILARITY)
    )
    return Q(pk__in=booths.values("pk")) | Q(Exists(products))


def _max_edits(word: str) -> int:
    return 1 if len(word) < 8 else 2


WORDS_CACHE_SECONDS = 60  # how long a fair's words are kept for the approximate search (SQLite)


def fair_words(fair_id: int) -> dict[str, frozenset[int]]:
    """Every word of the fair's published booths and their products (all languages, folded) with the
    booths it is in: read once a minute (kept in the cache), for the approximate search on SQLite.
    A word added since is found as typed at once (in the database), approximately within a minute."""
    from django.core.cache import cache

    key = f"search-words:v1:{fair_id}"
    words = cache.get(key)
    if words is not None:
        return words
    found: dict[str, set[int]] = {}

    def add(pk: int, values) -> None:
        for token in _TOKEN.findall(" ".join(str(v) for v in values if v).casefold()):
            found.setdefault(token, set()).add(pk)

    booths = Booth.objects.filter(fair_id=fair_id, status=Booth.Status.PUBLISHED)
    for row in booths.values_list("pk", *BOOTH_TEXT):
        add(row[0], row[1:])
    for row in Product.objects.filter(booth__in=booths).values_list("booth_id", *PRODUCT_TEXT):
        add(row[0], row[1:])
    words = {token: frozenset(ids) for token, ids in found.items()}
    cache.set(key, words, WORDS_CACHE_SECONDS)
    return words


def _fuzzy_python(qs: QuerySet[Booth], word: str, fair_id: int) -> Q:
    """The booths one of whose words is within an edit or two of ``word``, its start included
    ("serun" finds "serum" and "serums"; a swap of two letters is one edit: "snial" finds "snail").
    rapidfuzz compares ``word`` with each distinct prefix of the fair's words (fair_words) in C."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    wanted, limit, n = word.casefold(), _max_edits(word), len(word)
    prefixes: dict[str, set[int]] = {}
    for token, ids in fair_words(fair_id).items():
        if len(token) >= n - limit:
            prefixes.setdefault(token[:n], set()).update(ids)
            prefixes.setdefault(token[: n + 1], set()).update(ids)
    keys = list(prefixes)
    found: set[int] = set()
    for _key, _distance, index in process.extract(
        wanted, keys, scorer=OSA.distance, score_cutoff=limit, limit=None
    ):
        found |= prefixes[keys[index]]
    return Q(pk__in=sorted(found))


@dataclass(frozen=True)
class WordsMatch:
    condition: Q
    approximate: tuple[str, ...]  # the words found only approximately


def words_match(qs: QuerySet[Booth], q: str, *, fair_id: int) -> WordsMatch:
    """Every word must be found in a booth (as typed, in HS names, or approximately)."""
    condition, approximate = Q(), []
    for word in words_of(q):
        exact = _exact(word)
        by_codes = _booths_with_codes(qs, hs_codes_named(word))
        if by_codes or qs.filter(exact).exists() or len(word) < FUZZY_MIN_LENGTH or _CJK.search(word):
            condition &= exact | Q(pk__in=by_codes)
            continue
        approximate.append(word)
        condition &= (
            _fuzzy_postgres(qs, word) if settings.USING_POSTGRES else _fuzzy_python(qs, word, fair_id)
        )
    return WordsMatch(condition, tuple(approximate))


def _list_filter_ids(qs: QuerySet[Booth], filters: SearchFilters) -> list[int] | None:
    """HS prefix, target market, certification and language live in JSON lists: matched in Python,
    the same on SQLite and PostgreSQL. None when no such filter is set."""
    if not (filters.hs or filters.market or filters.certification or filters.language):
        return None
    product_codes: dict[int, list[str]] = {}
    wanted = hs_filter_codes(filters)
    if filters.hs:
        for booth_id, code in Product.objects.filter(booth__in=qs).values_list("booth_id", "hs_code"):
            product_codes.setdefault(booth_id, []).append(code)
    ids = []
    rows = qs.values_list("pk", "hs_codes", "target_markets", "company__certifications", "company__languages")
    for pk, hs_codes, markets, certs, languages in rows:
        if filters.hs and not _codes_match(list(hs_codes or []) + product_codes.get(pk, []), wanted):
            continue
        if filters.market and markets and filters.market not in markets:
            continue  # an empty list means "any market"
        if filters.certification and filters.certification not in (certs or []):
            continue
        if filters.language and filters.language not in (languages or []):
            continue
        ids.append(pk)
    return ids


def hs_filter_codes(filters: SearchFilters) -> list[str]:
    """The codes the HS box asks for: the code typed, or the codes its words name ("cosmetics")."""
    if not filters.hs:
        return []
    if filters.hs_is_code:
        return [filters.hs.replace(".", "")]
    return [code for code, _names in hs.hs_search(filters.hs, limit=40)]


@dataclass(frozen=True)
class SearchResult:
    booths: QuerySet[Booth]
    approximate: tuple[str, ...] = ()  # words found only approximately ("serun" as "serum")
    hs_codes: tuple[str, ...] = ()  # the codes the HS box's words named


def booth_search(*, fair: Fair, filters: SearchFilters) -> QuerySet[Booth]:
    """Published booths of the fair matching every filter given, by company name."""
    return fair_search(fair=fair, filters=filters).booths


def fair_search(*, fair: Fair, filters: SearchFilters) -> SearchResult:
    """booth_search, and what the page says about it (approximate words, the codes HS words named)."""
    qs = Booth.objects.filter(fair=fair, status=Booth.Status.PUBLISHED)
    if filters.country:
        qs = qs.filter(company__country=filters.country)
    approximate: tuple[str, ...] = ()
    if filters.q:
        match = words_match(qs, filters.q, fair_id=fair.pk)
        qs = qs.filter(match.condition)
        approximate = match.approximate
    ids = _list_filter_ids(qs, filters)
    if ids is not None:
        qs = Booth.objects.filter(pk__in=ids)
    booths = qs.select_related("company", "hall").order_by("company__name", "pk")
    codes = tuple(hs_filter_codes(filters)) if filters.hs and not filters.hs_is_code else ()
    return SearchResult(booths, approximate, codes)


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
