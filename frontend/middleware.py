"""Show every page in the viewer's own language and time zone."""

import zoneinfo

from django.utils import timezone, translation

from kernel.page_versions import person_changed


class UserPreferencesMiddleware:
    """A signed-in user's saved language and time zone win over the browser's.

    Runs after LocaleMiddleware and AuthenticationMiddleware. The language
    switcher saves the choice on the user (frontend.views.set_language), so the
    two never disagree for long. And whatever a signed-in person changes (any
    request but GET, HEAD or OPTIONS), the pages kept for them are stale
    (frontend/person_pages.py).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            timezone.deactivate()
            return self.get_response(request)
        if user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        try:
            timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            person_changed(user.pk)  # after the write: a page rendered meanwhile is not kept
        return response


class AccessErrorMiddleware:
    """A refusal from the access layer (kernel/access.py), raised by any view: NotFound answers the
    404 page; PermissionDenied sends a visitor who is not signed in to the sign-in page, and answers
    anyone else the 403 page. Views need no code of their own for either."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.contrib.auth.views import redirect_to_login
        from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
        from django.http import Http404
        from django.views import defaults

        from kernel.errors import NotFound, PermissionDenied

        if isinstance(exception, NotFound):
            return defaults.page_not_found(request, Http404(exception.message))
        if isinstance(exception, PermissionDenied):
            user = getattr(request, "user", None)
            if user is None or not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            return defaults.permission_denied(request, DjangoPermissionDenied(exception.message))
        return None
