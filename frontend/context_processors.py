from django.conf import settings
from django.utils.functional import SimpleLazyObject

from notices.protocol import NOTIFICATIONS_PATH
from notices.selectors import unread_count


def site(request):
    return {"SITE_NAME": "Tradefair", "UI_LANGUAGES": settings.LANGUAGES}


def notices(request):
    """The bell's count for a signed-in person (one indexed count, only when a template reads it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "NOTICE_UNREAD": SimpleLazyObject(lambda: unread_count(user=user)),
        "NOTICES_WS": NOTIFICATIONS_PATH,
    }
