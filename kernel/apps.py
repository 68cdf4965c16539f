from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_schedules(sender, **kwargs):
    from kernel.jobs import ensure_schedules

    ensure_schedules()


class KernelConfig(AppConfig):
    name = "kernel"
    verbose_name = _("Platform")

    def ready(self):
        from kernel import audit  # noqa: F401 - the audit log hears every domain event

        # The recurring jobs exist wherever the database does: created on every migrate, idempotent.
        post_migrate.connect(_ensure_schedules, sender=self)
