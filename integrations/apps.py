from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_schedules(sender, **kwargs):
    from kernel.jobs import schedule

    schedule("privacy-exports-purge", "integrations.privacy.exports_purge", minutes=60)
    schedule("privacy-retention", "integrations.erasure.retention_run", minutes=60)


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = _("Integrations")

    def ready(self):
        post_migrate.connect(_ensure_schedules, sender=self)
        from integrations import access, webhooks  # noqa: F401 - rules, the subscriber and the deliverer
