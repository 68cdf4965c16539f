"""The ASGI application: HTTP through Django, websockets through Channels.

Built through kernel.server_tuning.tune(): the server's patches first (each checked against the
internals it was written for), then the application, then the garbage collector set for a server.
"""

import functools
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from kernel import server_tuning  # noqa: E402


@functools.cache
def _session_auth_middleware():
    from channels.auth import AuthMiddleware
    from django.contrib.auth.models import AnonymousUser

    from kernel import breaker
    from kernel.errors import is_unavailable
    from kernel.websocket import try_again_later

    class SessionAuthMiddleware(AuthMiddleware):
        """Channels' AuthMiddleware, minus its thread hop for a socket that carries no session cookie.

        Most of a fair's audience watches booths without signing in: their user is anonymous
        whatever the database says, so it is not looked up (in the one thread
        database_sync_to_async shares). The user is set as Channels' resolve_scope sets it
        (kernel/server_tuning.py, "channels-anonymous-without-hop").
        """

        async def resolve_scope(self, scope):
            anonymous = scope["session"].session_key is None
            if anonymous and server_tuning.usable("channels-anonymous-without-hop"):
                scope["user"]._wrapped = AnonymousUser()
            else:
                await super().resolve_scope(scope)

        async def __call__(self, scope, receive, send):
            """Channels' AuthMiddleware.__call__; while the database is away, "try again later" (4503)."""
            scope = dict(scope)
            self.populate_scope(scope)
            if breaker.is_open() and scope["session"].session_key is not None:
                return await try_again_later(receive, send)  # do not queue behind the failing lookups
            try:
                await self.resolve_scope(scope)
            except Exception as e:
                if not is_unavailable(e):
                    raise
                breaker.trip()
                return await try_again_later(receive, send)
            return await self.inner(scope, receive, send)

    return SessionAuthMiddleware


def AuthMiddlewareStack(inner):  # noqa: N802  (Channels' name; once Django is set up)
    from channels.sessions import CookieMiddleware, SessionMiddleware

    return CookieMiddleware(SessionMiddleware(_session_auth_middleware()(inner)))


def build():
    from django.core.asgi import get_asgi_application

    django_asgi_app = get_asgi_application()  # sets Django up: import models only after this

    from channels.routing import ProtocolTypeRouter, URLRouter
    from channels.security.websocket import AllowedHostsOriginValidator

    from config.routing import websocket_urlpatterns
    from kernel.live import ServerLoop

    return ServerLoop(
        ProtocolTypeRouter(
            {
                "http": django_asgi_app,
                "websocket": AllowedHostsOriginValidator(
                    AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
                ),
            }
        )
    )


application = server_tuning.tune(build)

# A serving process ranks one buyer at a time: one BLAS thread (matching.engine.one_blas_thread).
from matching.engine import one_blas_thread  # noqa: E402

one_blas_thread()
