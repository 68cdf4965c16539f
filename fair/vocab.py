"""The vocabularies: certifications, meeting languages, countries.

One list each, in code. Values from a CSV or a form are normalised here (case, spaces, dashes).
Languages and countries are closed ISO sets: anything else is refused with a message that says
what is accepted. Certifications are an open set: the list names and translates the codes it
knows and says which markets ask for them, but any well-formed code (letters, digits, ``_`` and
``-``) is accepted and kept as written, upper-cased; real exporters hold schemes no list has.
"""

from __future__ import annotations

import re
from functools import cache

import babel
import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import to_locale

# code: (name, markets where buyers commonly require it; empty = any market)
CERTIFICATIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "FDA": (_("US Food and Drug Administration registration"), ("US",)),
    "USDA_ORGANIC": (_("USDA Organic"), ("US",)),
    "UL": (_("UL safety listing"), ("US", "CA")),
    "FCC": (_("FCC equipment authorisation"), ("US",)),
    "CE": (_("CE marking"), ("DE", "FR", "IT", "ES", "NL", "PL", "SE", "BE", "AT", "IE", "PT", "DK", "FI")),
    "UKCA": (_("UK Conformity Assessed"), ("GB",)),
    "EU_ORGANIC": (_("EU organic logo"), ("DE", "FR", "IT", "ES", "NL")),
    "CPNP": (_("EU Cosmetic Products Notification"), ("DE", "FR", "IT", "ES", "NL")),
    "REACH": (_("EU REACH registration"), ()),
    "ROHS": (_("RoHS compliance"), ()),
    "NMPA": (_("China National Medical Products Administration"), ("CN",)),
    "CCC": (_("China Compulsory Certificate"), ("CN",)),
    "CIQ": (_("China customs food registration (GACC)"), ("CN",)),
    "PMDA": (_("Japan PMDA approval"), ("JP",)),
    "PSE": (_("Japan PSE electrical safety mark"), ("JP",)),
    "JAS": (_("Japanese Agricultural Standard"), ("JP",)),
    "KC": (_("Korea Certification mark"), ("KR",)),
    "MFDS": (_("Korea Ministry of Food and Drug Safety"), ("KR",)),
    "HALAL": (_("Halal certificate"), ("ID", "MY", "AE", "SA", "QA", "KW", "BH", "OM", "BN", "PK", "BD")),
    "BPOM": (_("Indonesia BPOM registration"), ("ID",)),
    "SNI": (_("Indonesia national standard (SNI)"), ("ID",)),
    "SIRIM": (_("Malaysia SIRIM certification"), ("MY",)),
    "FDA_TH": (_("Thai FDA registration"), ("TH",)),
    "VFA": (_("Vietnam Food Administration registration"), ("VN",)),
    "CR": (_("Vietnam CR conformity mark"), ("VN",)),
    "SFDA": (_("Saudi Food and Drug Authority"), ("SA",)),
    "SASO": (_("Saudi SASO conformity"), ("SA",)),
    "GSO": (_("Gulf conformity (G mark)"), ("AE", "SA", "QA", "KW", "BH", "OM")),
    "ESMA": (_("UAE ESMA conformity"), ("AE",)),
    "TGA": (_("Australia Therapeutic Goods Administration"), ("AU",)),
    "HEALTH_CANADA": (_("Health Canada licence"), ("CA",)),
    "ANVISA": (_("Brazil ANVISA registration"), ("BR",)),
    "CDSCO": (_("India CDSCO registration"), ("IN",)),
    "BIS": (_("Bureau of Indian Standards"), ("IN",)),
    "KOSHER": (_("Kosher certificate"), ()),
    "VEGAN": (_("Vegan certificate"), ()),
    "ORGANIC": (_("Organic certificate"), ()),
    "GMP": (_("Good Manufacturing Practice"), ()),
    "CGMP": (_("Cosmetic GMP (ISO 22716)"), ()),
    "HACCP": (_("HACCP food safety"), ()),
    "BRC": (_("BRCGS food safety"), ()),
    "FSSC22000": (_("FSSC 22000"), ()),
    "ISO9001": (_("ISO 9001 quality management"), ()),
    "ISO13485": (_("ISO 13485 medical devices quality"), ()),
    "ISO14001": (_("ISO 14001 environmental management"), ()),
    "ISO22000": (_("ISO 22000 food safety"), ()),
    "ISO22716": (_("ISO 22716 cosmetics GMP"), ()),
    "ISO45001": (_("ISO 45001 occupational health and safety"), ()),
    "MDR": (_("EU Medical Device Regulation"), ("DE", "FR", "IT", "ES", "NL")),
    "OEKO_TEX": (_("OEKO-TEX Standard 100"), ()),
    "GOTS": (_("Global Organic Textile Standard"), ()),
    "FSC": (_("Forest Stewardship Council"), ()),
    "EN71": (_("EN 71 toy safety"), ("DE", "FR", "IT", "ES", "NL")),
    "ASTM_F963": (_("ASTM F963 toy safety"), ("US",)),
    "CPSIA": (_("US CPSIA children's product compliance"), ("US",)),
    "BSCI": (_("amfori BSCI social compliance"), ()),
    "SEDEX": (_("Sedex SMETA social audit"), ()),
    "LEAPING_BUNNY": (_("Leaping Bunny cruelty-free"), ()),
    "ECOCERT": (_("Ecocert / COSMOS"), ()),
}

# Common spellings met in spreadsheets, mapped to the code.
_CERT_ALIASES = {
    "ISO 13485": "ISO13485",
    "OEKOTEX": "OEKO_TEX",
    "GACC": "CIQ",
    "COSMOS": "ECOCERT",
    "CRUELTY_FREE": "LEAPING_BUNNY",
    "ISO 22716": "ISO22716",
    "HEALTHCANADA": "HEALTH_CANADA",
    "USDAORGANIC": "USDA_ORGANIC",
    "EUORGANIC": "EU_ORGANIC",
}


# A certification code we have no name for: letters and digits, with "_" or "-" inside, at most 40.
_CERT_CODE = re.compile(r"^[A-Z0-9](?:[A-Z0-9_\-]{0,38}[A-Z0-9])?$")


def normalise_certification(value: str) -> str:
    """'iso 13485' -> 'ISO13485', 'Oeko-Tex' -> 'OEKO_TEX', 'scpn' -> 'SCPN' (kept though unnamed).

    Known codes and their aliases fold to the list's code; any other well-formed code is kept,
    upper-cased, with spaces as "_". Only a malformed value (punctuation, too long) is refused.
    """
    raw = str(value).strip().upper()
    code = re.sub(r"[\s\-/.]+", "_", raw)
    for candidate in (code, code.replace("_", ""), raw, _CERT_ALIASES.get(raw), _CERT_ALIASES.get(code)):
        if candidate in CERTIFICATIONS:
            return candidate
        if candidate in _CERT_ALIASES:
            return _CERT_ALIASES[candidate]
    unknown = re.sub(r"\s+", "_", raw)
    if _CERT_CODE.match(unknown):
        return unknown
    raise ValidationError(
        _("%(value)s is not a certification code: use letters, digits, _ and - (e.g. FDA, ISO13485, HALAL)."),
        code="certification.format",
        params={"value": value},
    )


def is_known_certification(code: str) -> bool:
    """Whether the built-in list names this (normalised) code."""
    return code in CERTIFICATIONS


def certification_name(code: str) -> str:
    return CERTIFICATIONS.get(code, (code, ()))[0]


def certifications_for_market(country: str) -> list[str]:
    """The certifications buyers in this market commonly require."""
    return [code for code, (_name, markets) in CERTIFICATIONS.items() if country in markets]


@cache
def _languages() -> dict[str, str]:
    return {lang.alpha_2: lang.name for lang in pycountry.languages if hasattr(lang, "alpha_2")}


def normalise_language(value: str) -> str:
    """An ISO 639-1 code in lower case: 'EN' -> 'en', 'zh-Hans' -> 'zh'."""
    code = str(value).strip().lower().replace("_", "-").split("-")[0]
    if code not in _languages():
        raise ValidationError(
            _("%(value)s is not an ISO 639-1 language code (e.g. ko, en, zh, ja, vi, id)."),
            code="language.unknown",
            params={"value": value},
        )
    return code


def language_name(code: str) -> str:
    return _languages().get(code, code)


@cache
def language_name_in(code: str, ui_language: str | None) -> str:
    """A language's name in the viewer's UI language (CLDR, through Babel): ('zh', 'ko') -> '중국어'."""
    try:
        locale = babel.Locale.parse(to_locale(ui_language or "en"))
        name = locale.languages.get(code)
    except (ValueError, babel.UnknownLocaleError):
        name = None
    return name or language_name(code)


# Offered first wherever people pick meeting languages; any ISO 639-1 code is valid.
COMMON_MEETING_LANGUAGES = ("ko", "en", "zh", "ja", "vi", "id", "es", "fr", "de", "ar", "ru", "th", "ms")


@cache
def native_language_name(code: str) -> str:
    """The language's name in itself (CLDR, through Babel): 'ko' -> '한국어'; the English name else."""
    try:
        return babel.Locale.parse(code).get_display_name(code) or language_name(code)
    except (ValueError, babel.UnknownLocaleError):
        return language_name(code)


def meeting_language_choices(also=()) -> list[tuple[str, str]]:
    """(code, name) for the common meeting languages, then any others in ``also``: the name in the
    viewer's language, and in itself when that differs ("중국어 (中文)" on a Korean page)."""
    from django.utils.translation import get_language

    ui = get_language()
    choices = []
    for code in dict.fromkeys([*COMMON_MEETING_LANGUAGES, *also]):
        name, native = language_name_in(code, ui), native_language_name(code)
        choices.append((code, name if name.casefold() == native.casefold() else f"{name} ({native})"))
    return choices


@cache
def _countries() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


def normalise_country(value: str) -> str:
    """An ISO 3166-1 alpha-2 code in upper case: 'jp' -> 'JP'."""
    code = str(value).strip().upper()
    if code not in _countries():
        raise ValidationError(
            _("%(value)s is not an ISO 3166-1 alpha-2 country code (e.g. US, CN, JP, VN, ID, KR)."),
            code="country.unknown",
            params={"value": value},
        )
    return code


def normalise_list(values, normalise) -> list[str]:
    """Normalise each value, drop duplicates, keep the order."""
    seen: dict[str, None] = {}
    for value in values:
        if str(value).strip():
            seen.setdefault(normalise(value), None)
    return list(seen)
