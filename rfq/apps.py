from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RfqConfig(AppConfig):
    name = "rfq"
    verbose_name = _("Sourcing requests and quotations")

    def ready(self):
        from rfq import access, subscribers  # noqa: F401 - rules and subscribers
