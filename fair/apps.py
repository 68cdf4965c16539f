from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_schedules(sender, **kwargs):
    from fair.jobs import ensure_schedules

    ensure_schedules()


class FairConfig(AppConfig):
    name = "fair"
    verbose_name = _("Fairs")

    def ready(self):
        # The recurring jobs exist wherever the database does: created on every migrate, idempotent.
        post_migrate.connect(_ensure_schedules, sender=self)
        # The live dashboard hears of every change it counts (fair/signals.py).
        from fair import public_pages, signals

        signals.connect()
        # Caches of the public hall and booth pages hear of every change they show (fair/public_pages.py).
        public_pages.connect()
