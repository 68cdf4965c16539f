"""Hall names and the fair's description in the six UI languages (django-modeltranslation).

As for booths (exhibitors/translation.py): one column per language (name_en, name_ko, ...); reading
`hall.name` gives the active language, then the fallbacks of settings.MODELTRANSLATION_FALLBACK_LANGUAGES.
"""

from modeltranslation.translator import TranslationOptions, register

from fair.models import Fair, Hall


@register(Hall)
class HallTranslation(TranslationOptions):
    fields = ("name",)


@register(Fair)
class FairTranslation(TranslationOptions):
    fields = ("description",)
