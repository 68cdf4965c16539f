from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_schedules(sender, **kwargs):
    from kernel import jobs

    # Uploaded invitation files that were never confirmed are removed (datasets/invitations.py).
    jobs.schedule("tradefair.invitations_expire", "datasets.invitations.invitations_expire", minutes=60)


class DatasetsConfig(AppConfig):
    name = "datasets"
    verbose_name = _("Fair datasets")

    def ready(self):
        post_migrate.connect(_ensure_schedules, sender=self)
