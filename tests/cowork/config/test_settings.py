"""Settings come from the environment; production refuses to start half-configured."""

import subprocess
import sys

import pytest
from django.conf import settings

from tests.deploy import envfile
from tests.servers import python_environment

PRODUCTION_ENV = {
    "DATABASE_URL": "postgres://cowork:secret@db.internal:5432/cowork",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "SECRET_KEY": "k3y-" + "x7Qp9" * 12,
    "ALLOWED_HOSTS": "cowork.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://cowork.example.org",
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "token",
    "TWILIO_MESSAGING_SERVICE_SID": "MG" + "0" * 32,
    # A deployment decides these for its own domain; the example one serves no other site.
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
}


def env_example_environment() -> dict[str, str]:
    """deploy/env.example as an operator would fill it: only the secret key is left to add."""
    env = envfile.environment()
    assert env["SECRET_KEY"] == ""
    return {**env, "SECRET_KEY": "k3y-" + "x7Qp9" * 12}


def _manage(*args, env):
    clean = {
        key: value
        for key, value in python_environment().items()
        if key not in PRODUCTION_ENV
        and key not in env
        and not key.startswith(("TWILIO_", "SQLITE_", "DJANGO_"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "environment",
    [PRODUCTION_ENV, env_example_environment()],
    ids=["production", "deploy/env.example"],
)
def test_deploy_check_passes_with_production_environment(environment):
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=environment)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_secret_key_refuses_to_start():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_choose_postgres_redis_and_twilio():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE']);"
        "print(s.CHANNEL_LAYERS['default']['BACKEND']);"
        "print(s.SMS_BACKEND); print(s.DEBUG); print(s.SESSION_COOKIE_SECURE)"
    )
    result = _manage("shell", "-v", "0", "-c", code, env=PRODUCTION_ENV)
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "channels_redis.core.RedisChannelLayer",
        "notifications.sms.backends.twilio.TwilioBackend",
        "False",
        "True",
    ], result.stderr


def test_embedded_default_generates_a_secret_key_once_and_keeps_it(tmp_path):
    code = "from django.conf import settings as s; print(s.SECRET_KEY); print(s.EMBEDDED)"
    env = {"COWORK_VAR_DIR": str(tmp_path)}
    first = _manage("shell", "-v", "0", "-c", code, env=env)
    second = _manage("shell", "-v", "0", "-c", code, env=env)
    key, embedded = first.stdout.split()
    assert embedded == "True"
    assert len(key) >= 50
    assert second.stdout.split()[0] == key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_each_redis_shard_gets_a_host_entry_of_the_channel_layer_with_the_read_timeout():
    import json

    shards = ["redis://cache-b.internal:6379/0", "redis://:pa55@cache-c.internal:6380/1"]
    code = (
        "import json; from channels.layers import get_channel_layer;"
        "from django.conf import settings as s; from realtime.groups import space_group;"
        "layer = get_channel_layer();"
        "print(json.dumps(s.CHANNEL_LAYERS['default']['CONFIG']['hosts']));"
        "print(layer.ring_size);"
        "print(json.dumps(sorted({layer.consistent_hash(space_group(n)) for n in range(1, 60)})))"
    )
    env = {**PRODUCTION_ENV, "REDIS_SHARD_URLS": ",".join(shards)}
    result = _manage("shell", "-v", "0", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    hosts, ring_size, used = result.stdout.splitlines()
    assert json.loads(hosts) == [
        {"address": url, "socket_timeout": 10} for url in [PRODUCTION_ENV["REDIS_URL"], *shards]
    ]
    assert ring_size == "3"
    # The spaces' groups land on every shard, not all on the first.
    assert json.loads(used) == [0, 1, 2]


def test_redis_shards_without_redis_url_refuse_to_start():
    env = {
        **{key: value for key, value in PRODUCTION_ENV.items() if key != "REDIS_URL"},
        "REDIS_SHARD_URLS": "redis://cache-b.internal:6379/0",
    }
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "set REDIS_URL too" in result.stderr


def test_live_updates_pass_through_every_redis_shard():
    """Two Redis servers of the test's own: each space's group is kept on one of them, and a
    message sent to every group reaches its subscriber."""
    import redis

    from tests.servers import RedisServer, redis_binary

    first, second = RedisServer(redis_binary()), RedisServer(redis_binary())
    code = (
        "import asyncio; from channels.layers import get_channel_layer;"
        "from realtime.groups import space_group\n"
        "async def main():\n"
        "    layer = get_channel_layer(); received = 0\n"
        "    for n in range(1, 41):\n"
        "        channel = await layer.new_channel()\n"
        "        await layer.group_add(space_group(n), channel)\n"
        "        await layer.group_send(space_group(n), {'type': 'occupancy.update', 'n': n})\n"
        "        received += (await layer.receive(channel))['n'] == n\n"
        "    print(received)\n"
        "asyncio.run(main())"
    )
    env = {
        **PRODUCTION_ENV,
        "REDIS_URL": first.url,
        "REDIS_SHARD_URLS": second.url,
        "CHANNELS_PREFIX": "shardtest",
    }
    try:
        result = _manage("shell", "-v", "0", "-c", code, env=env)
        groups = [
            len(redis.Redis.from_url(server.url).keys("shardtest:group:*"))
            for server in (first, second)
        ]
    finally:
        first.stop()
        second.stop()
    assert result.stdout.split() == ["40"], result.stderr
    assert sum(groups) == 40
    assert min(groups) > 0, groups
