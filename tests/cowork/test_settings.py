"""Settings come from the environment; production refuses to start half-configured."""

import os
import subprocess
import sys

from django.conf import settings

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


def _manage(*args, env):
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in PRODUCTION_ENV and not key.startswith(("TWILIO_", "SQLITE_", "DJANGO_"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_with_production_environment():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
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
