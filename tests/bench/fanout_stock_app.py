"""The "stock Channels" anchor of tests/bench/fanout.py, served by daphne on its own.

    REDIS_URL=... CHANNELS_PREFIX=... python -m daphne tests.bench.fanout_stock_app:application

Channels as its tutorial teaches it: every socket joins the group with its own channel
name, and an update is one `group_send` to the group, which the layer turns into one
message per socket, each received and sent by that socket's consumer task. Nothing of
cowork is loaded; the settings are the few Channels needs, from the environment.
"""

import os

import django
from django.conf import settings

GROUP = "bench.stock"
SNAPSHOT = '{"type":"snapshot","seq":0}'

if not settings.configured:
    settings.configure(
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        INSTALLED_APPS=["channels"],
        CHANNEL_LAYERS={
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {
                    "hosts": [os.environ["REDIS_URL"]],
                    "prefix": os.environ["CHANNELS_PREFIX"],
                },
            }
        },
        USE_TZ=True,
    )
    django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import path  # noqa: E402


class StockConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        await self.channel_layer.group_add(GROUP, self.channel_name)
        await self.accept()
        await self.send(text_data=SNAPSHOT)

    async def disconnect(self, code):
        await self.channel_layer.group_discard(GROUP, self.channel_name)

    async def bench_update(self, event):
        await self.send(text_data=event["text"])


application = ProtocolTypeRouter(
    {
        "websocket": AllowedHostsOriginValidator(
            URLRouter([path("ws/stock/", StockConsumer.as_asgi())])
        ),
    }
)
