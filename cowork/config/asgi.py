"""ASGI entry point: HTTP goes to Django, `/ws/` to the realtime consumers.

Outermost, `TrustedProxyHeaders` settles who the client is (cowork.config.client_address), so
every layer inside sees one answer.
"""

import atexit
import gc
import os
from concurrent.futures import ThreadPoolExecutor

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cowork.config.settings")

# Loading Django and cowork makes some 150,000 objects that live as long as the process, and
# almost no garbage: the collector's passes while they load cost a tenth of a second of a
# server's start. It waits until they are loaded, then they are frozen (at the end of this
# module), a few thousand objects in cycles with them, so no full collection walks them.
_collecting = gc.isenabled()
gc.disable()

# Django must be set up before anything imports models, hence this order.
django_asgi_app = get_asgi_application()

from asgiref.sync import ThreadSensitiveContext  # noqa: E402
from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.db import connections  # noqa: E402

from cowork.config.client_address import TrustedProxyHeaders  # noqa: E402
from realtime.origins import same_origin_check  # noqa: E402
from realtime.routing import websocket_urlpatterns  # noqa: E402


class ConnectionsBackAfterEachRequest:
    """Django over HTTP, each request's database connections given back when its thread ends.

    Each request runs its synchronous code (views, middleware) on a thread of its own.
    Django gives that thread's connections back from `request_finished`, which the async
    side queues onto the thread once the response is out. When the client leaves first,
    daphne cancels the request, and again every second until it ends; a cancellation that
    comes while the view still runs takes the queued clean-up with it. The thread then
    ends holding a pooled connection the pool never gets back, and after DB_POOL_MAX_SIZE
    such requests every request waits for a connection that never comes (seen after a
    crash, when a backlog made requests slow enough for clients to give up). Here the
    thread is ours, so its last task, giving the connections back, is queued directly,
    where no cancellation reaches it.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="request")
        try:
            # Django's own ThreadSensitiveContext, inside, then uses this thread too.
            async with ThreadSensitiveContext(executor=thread):
                await self.app(scope, receive, send)
        finally:
            thread.submit(connections.close_all)
            thread.shutdown(wait=False)


application = TrustedProxyHeaders(
    ProtocolTypeRouter(
        {
            "http": ConnectionsBackAfterEachRequest(django_asgi_app),
            "websocket": same_origin_check(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
        }
    )
)

# The hub freezes and thaws again while serving (realtime.hub): its thaw hands these back
# to the collector too, and its next freeze collects first.
gc.freeze()
if _collecting:
    gc.enable()

# The process's memory goes with it at exit: the interpreter's collections on the way out
# would only walk every object of Django and cowork again, about half a second of CPU
# while a restart waits.
atexit.register(gc.freeze)
