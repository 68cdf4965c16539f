from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlaybooksConfig(AppConfig):
    name = "playbooks"
    verbose_name = _("Export playbooks")

    def ready(self):
        from playbooks import subscribers  # noqa: F401 - the briefing invitations
