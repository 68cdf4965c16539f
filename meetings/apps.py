from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_schedules(sender, **kwargs):
    from meetings.jobs import ensure_schedules
    from meetings.room_jobs import ensure_schedules as ensure_room_schedules

    ensure_schedules()
    ensure_room_schedules()  # video rooms whose time is over are closed every minute


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        # The reminder job runs every minute wherever the database exists: created on migrate, idempotent.
        post_migrate.connect(_ensure_schedules, sender=self)
        from meetings import access, notifications, subscribers  # noqa: F401 - rules and subscribers
