from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FairConfig(AppConfig):
    name = "fair"
    verbose_name = _("Fairs")

    def ready(self):
        from fair import access  # noqa: F401 - the fair's access rules
