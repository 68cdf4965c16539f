"""The ASGI application: HTTP through Django, websockets through Channels."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from config import server_tuning  # noqa: E402

server_tuning.apply()  # autobahn's debug-log arguments, built per connection and frame: lazy

from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddleware  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from channels.sessions import CookieMiddleware, SessionMiddleware  # noqa: E402
from django.contrib.auth.models import AnonymousUser  # noqa: E402

from config.routing import websocket_urlpatterns  # noqa: E402
from kernel import breaker  # noqa: E402
from kernel.errors import is_unavailable  # noqa: E402
from kernel.websocket import try_again_later  # noqa: E402


class SessionAuthMiddleware(AuthMiddleware):
    """Channels' AuthMiddleware, minus its thread hop for a socket that carries no session cookie.

    Most of a fair's audience watches booths without signing in: their user is anonymous whatever
    the database says, so it is not looked up (in the one thread database_sync_to_async shares).
    """

    async def resolve_scope(self, scope):
        if scope["session"].session_key is None:
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


def AuthMiddlewareStack(inner):  # noqa: N802  (Channels' name)
    return CookieMiddleware(SessionMiddleware(SessionAuthMiddleware(inner)))


from kernel.live import ServerLoop  # noqa: E402

application = ServerLoop(
    ProtocolTypeRouter(
        {
            "http": django_asgi_app,
            "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
        }
    )
)
server_tuning.after_startup()  # what start-up built, frozen out of the garbage collector's scans
