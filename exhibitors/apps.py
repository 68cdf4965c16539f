from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_schedules(sender, **kwargs):
    from exhibitors.jobs import ensure_schedules

    ensure_schedules()


class ExhibitorsConfig(AppConfig):
    name = "exhibitors"
    verbose_name = _("Exhibitors")

    def ready(self):
        # Missed knocks are swept every minute by the worker (besides the timers): created on migrate.
        post_migrate.connect(_ensure_schedules, sender=self)
        from exhibitors import access, subscribers  # noqa: F401 - the booth rules and subscribers
