from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_schedules(sender, **kwargs):
    from insights.jobs import ensure_schedules

    ensure_schedules()


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = _("Statistics and reports")

    def ready(self):
        # The dashboard's past hours are counted every minute by the worker: created on migrate.
        post_migrate.connect(_ensure_schedules, sender=self)
        from insights import subscribers  # noqa: F401 - the dashboard hears the domain events
