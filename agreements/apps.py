from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Agreements and confirmed outcomes")

    def ready(self):
        from agreements import access, subscribers  # noqa: F401 - rules and subscribers
