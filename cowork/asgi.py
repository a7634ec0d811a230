"""ASGI entry point: HTTP goes to Django, `/ws/` to the realtime consumers.

Outermost, `TrustedProxyHeaders` settles who the client is (cowork.client_address), so
every layer inside sees one answer.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cowork.settings")

# Django must be set up before anything imports models, hence this order.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from cowork.client_address import TrustedProxyHeaders  # noqa: E402
from realtime.origins import same_origin_check  # noqa: E402
from realtime.routing import websocket_urlpatterns  # noqa: E402

application = TrustedProxyHeaders(
    ProtocolTypeRouter(
        {
            "http": django_asgi_app,
            "websocket": same_origin_check(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
        }
    )
)
