"""Template filters for the fair's vocabularies: HS codes, countries, languages, certifications."""

from django import template
from django.utils.translation import get_language
from django_countries import countries

from fair import hs, vocab

register = template.Library()


@register.filter
def hs_label(code: str) -> str:
    """The name of an HS code in the active language (English where we have no translation)."""
    return hs.hs_label(str(code))


@register.filter
def country_name(code: str) -> str:
    return countries.name(code) or code


@register.filter
def language_name(code: str) -> str:
    """A meeting language's name in the active UI language (CLDR through Babel: "zh" on a Korean page
    is 중국어), else Django's name for it, else its English name."""
    return vocab.language_name_in(code, get_language())


@register.filter
def certification_name(code: str) -> str:
    return vocab.certification_name(code)


@register.filter
def parse_iso(value):
    """An ISO 8601 time (as the dashboard's snapshot carries it) as a datetime, for |date to show in
    the viewer's zone and locale; the text itself when it is not one."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return value
