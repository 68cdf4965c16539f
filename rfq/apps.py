from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_schedules(sender, **kwargs):
    from rfq.jobs import ensure_schedules

    ensure_schedules()


class RfqConfig(AppConfig):
    name = "rfq"
    verbose_name = _("Sourcing requests and quotations")

    def ready(self):
        post_migrate.connect(_ensure_schedules, sender=self)
        from fair import demand
        from rfq import access, subscribers  # noqa: F401 - rules and subscribers
        from rfq.selectors import market_requests

        demand.register(market_requests)  # the market's requests, for playbooks (fair/demand.py)
