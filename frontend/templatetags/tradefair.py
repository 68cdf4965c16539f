"""Template filters for the fair's vocabularies: HS codes, countries, languages, certifications."""

from django import template
from django.utils.translation import get_language_info
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
    """A meeting language's name in the active UI language where Django knows it."""
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return vocab.language_name(code)


@register.filter
def certification_name(code: str) -> str:
    return vocab.certification_name(code)
