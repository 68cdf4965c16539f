from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _schedule_refits(sender, **kwargs):
    from matching.jobs import schedule_refits

    schedule_refits()


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Matching")

    def ready(self):
        # The periodic refit exists wherever the database does: installed on every migrate, idempotent.
        post_migrate.connect(_schedule_refits, sender=self)
