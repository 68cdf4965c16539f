from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FairConfig(AppConfig):
    name = "fair"
    verbose_name = _("Fairs")

    def ready(self):
        # The live dashboard hears of every change it counts (fair/signals.py).
        from fair import public_pages, signals

        signals.connect()
        # Caches of the public hall and booth pages hear of every change they show (fair/public_pages.py).
        public_pages.connect()
