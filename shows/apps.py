from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_schedules(sender, **kwargs):
    from shows.jobs import ensure_schedules

    ensure_schedules()


class ShowsConfig(AppConfig):
    name = "shows"
    verbose_name = _("Live product shows")

    def ready(self):
        # The reminder job runs every minute wherever the database exists: created on migrate, idempotent.
        post_migrate.connect(_ensure_schedules, sender=self)
        from shows import access, jobs, notifications, recording  # noqa: F401 - rules and subscribers
