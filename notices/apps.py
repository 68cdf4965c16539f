from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Notifications")

    def ready(self):
        from notices import access, subscribers  # noqa: F401 - the notice rule, the fair's events
