"""Booth and product texts in the six UI languages (django-modeltranslation).

Each field below gets one column per language (tagline_en, tagline_ko, ...). Reading
`booth.tagline` gives the active language, then the fallbacks set once in
settings.MODELTRANSLATION_FALLBACK_LANGUAGES: English, then any language that has text.
"""

from modeltranslation.translator import TranslationOptions, register

from exhibitors.models import Booth, Product


@register(Booth)
class BoothTranslation(TranslationOptions):
    fields = ("tagline", "story")


@register(Product)
class ProductTranslation(TranslationOptions):
    fields = ("name", "description")
