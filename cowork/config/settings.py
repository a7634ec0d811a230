"""Settings for cowork, read from the environment in this one place.

With nothing set, cowork runs on its embedded default: a SQLite file, the in-memory
channel layer, django-q2 on the same database, SMS and e-mail printed to the console.
Setting DATABASE_URL, REDIS_URL and TWILIO_* switches each concern to production engines.
"""

import datetime
import ipaddress
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# The checkout (this file is cowork/config/settings.py).
BASE_DIR = Path(__file__).resolve().parents[2]
env = environ.Env()

# --- Mode -----------------------------------------------------------------------------

# The embedded default is chosen by the absence of a database URL: a machine with only
# Python gets a working product, and production cannot fall back to SQLite by accident.
EMBEDDED = not env.str("DATABASE_URL", default="")
DEBUG = env.bool("DEBUG", default=False)

# State that belongs to this checkout and never to git: the SQLite file, the generated
# secret key, collected static files.
VAR_DIR = Path(env.str("COWORK_VAR_DIR", default=str(BASE_DIR / "var")))


def _embedded_secret_key() -> str:
    """Generate the key once and keep it, so sessions survive a restart of `make run`."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not EMBEDDED:
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment in production.")
    SECRET_KEY = _embedded_secret_key()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
# Absolute links in SMS, e-mail and calendar files, where there is no request to ask.
SITE_URL = env.str(
    "SITE_URL",
    default="http://127.0.0.1:8000" if EMBEDDED else f"https://{ALLOWED_HOSTS[0].lstrip('.')}",
).rstrip("/")
# The domain part of calendar UIDs. Calendars match updates to invites by UID, so it must
# never change once invites have gone out: set it before the first one.
CALENDAR_UID_DOMAIN = env.str("CALENDAR_UID_DOMAIN", default=urlsplit(SITE_URL).hostname or "")
# The network as the reporting organisation of IATI files (cowork.selectors.reports.indicators):
# its IATI organisation identifier, name, and type (OrganisationType codelist; 22: national NGO).
IATI_ORGANISATION_IDENTIFIER = env.str("IATI_ORGANISATION_IDENTIFIER", default="XI-COWORK")
IATI_ORGANISATION_NAME = env.str("IATI_ORGANISATION_NAME", default="Cowork community centres")
IATI_ORGANISATION_TYPE = env.str("IATI_ORGANISATION_TYPE", default="22")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A refused form says, in the visitor's language, what happened and that nothing changed.
CSRF_FAILURE_VIEW = "cowork.web.error_pages.csrf_failure"

# --- Applications -----------------------------------------------------------------------

INSTALLED_APPS = [
    # First: its `runserver` (daphne's ASGI server) replaces Django's and whitenoise's.
    "cowork.config.devserver",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "channels",
    # For its templates and static files: the API's docs page (Swagger UI) is served from
    # our own static files, never a CDN the regions may not reach.
    "ninja",
    "cowork",
    # After cowork: cowork's `qcluster` command (a stop that ends in seconds) replaces this
    # app's own, and the first app to define a command wins.
    "django_q",
    "realtime",
    "notifications",
]

MIDDLEWARE = [
    # First, so every log line of a request carries its id, the probes' included.
    "cowork.config.middleware.RequestIdMiddleware",
    # Outermost after the request id, so it compresses what every other layer produced.
    # Django's gzip adds random bytes to each response ("Heal the BREACH"); see
    # docs/deploy.md, "Compression and BREACH".
    "django.middleware.gzip.GZipMiddleware",
    "cowork.config.middleware.CollapseWhitespaceMiddleware",
    # Content-Security-Policy and Permissions-Policy on every response, the probes' too.
    "cowork.config.csp.SecurityPolicyMiddleware",
    # Before host validation and the HTTPS redirect: see the class for why that is safe.
    "cowork.config.middleware.ProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before anything reads the body (the CSRF check reads a form's).
    "cowork.config.middleware.BodyTooLargeMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The signed-in person's saved language, where no language cookie says otherwise.
    "cowork.config.middleware.MemberLanguageMiddleware",
    "cowork.config.middleware.PersonalPagesNotStoredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the session, language and messages are known: see the module.
    "cowork.config.page_cache.PageCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

# Pages marked `kept_page` are served again as rendered until anything they may show is
# written (cowork.config.page_cache), from each process's memory: at most this many.
PAGE_CACHE = env.bool("PAGE_CACHE", default=True)
PAGE_CACHE_ALIAS = "pages"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    PAGE_CACHE_ALIAS: {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "cowork-pages",
        # A kept page is good to the end of its minute at most.
        "TIMEOUT": 60,
        "OPTIONS": {"MAX_ENTRIES": env.int("PAGE_CACHE_ENTRIES", default=2000)},
    },
}

ROOT_URLCONF = "cowork.config.urls"
ASGI_APPLICATION = "cowork.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cowork.web.context_processors.navigation",
                "cowork.config.csp.nonce",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------

if EMBEDDED:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env.str("SQLITE_PATH", default=str(VAR_DIR / "cowork.sqlite3")),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue on the busy
                # timeout instead of failing on lock upgrade; this is the serialized write
                # path that stands in for PostgreSQL's exclusion constraint.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # WAL lets the web process read while the task worker writes.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
            # A file, not memory: browser tests serve the test database from another process.
            "TEST": {"NAME": env.str("SQLITE_TEST_PATH", default=str(VAR_DIR / "test.sqlite3"))},
        }
    }
else:
    DATABASES = {"default": env.db_url("DATABASE_URL")}
    # Under ASGI every request may run on a new thread, and a persistent connection per
    # thread would exhaust PostgreSQL's max_connections; a pool per process bounds them.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DB_POOL_MIN_SIZE", default=2),
        "max_size": env.int("DB_POOL_MAX_SIZE", default=16),
        "timeout": env.int("DB_POOL_TIMEOUT", default=20),
    }
    # No JIT compiling of queries: a report's aggregates over a year of registrations and
    # bookings are estimated costly enough to be compiled, which took longer (0.9 s) than
    # running them (0.2 s); nothing here runs long enough to gain from it. A DATABASE_URL
    # with ?options=... says otherwise.
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# How long a write waits for its centre's or event's lock on PostgreSQL before it is told
# "busy, try again" (cowork.services.locking).
LOCK_TIMEOUT_SECONDS = env.float("LOCK_TIMEOUT_SECONDS", default=5.0)

# --- Channel layer ----------------------------------------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")
# More Redis hosts for the layer, after REDIS_URL. channels_redis places each channel and
# group on one host by a hash of its name over this list, so every process must be given
# the same list in the same order (docs/scaling.md).
REDIS_SHARD_URLS = env.list("REDIS_SHARD_URLS", default=[])
if REDIS_SHARD_URLS and not REDIS_URL:
    raise ImproperlyConfigured("REDIS_SHARD_URLS adds hosts to REDIS_URL; set REDIS_URL too.")
if REDIS_URL in REDIS_SHARD_URLS or len(set(REDIS_SHARD_URLS)) < len(REDIS_SHARD_URLS):
    raise ImproperlyConfigured("REDIS_SHARD_URLS lists only the hosts after REDIS_URL, once each.")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py gives up on a read after 5 s by default, exactly as long as
                # channels_redis blocks in Redis waiting for a message: a quiet group would
                # then read as an outage (and a message popped at that instant be lost).
                # Every shard serves the same blocking reads, so every host gets the option.
                "hosts": [
                    {"address": url, "socket_timeout": 10} for url in [REDIS_URL, *REDIS_SHARD_URLS]
                ],
                "prefix": env.str("CHANNELS_PREFIX", "cowork"),
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# How often each web process relays the outbox and catches up updates its sockets missed
# (published by another process on the in-memory layer, or held back by a Redis outage).
LIVE_CATCH_UP_SECONDS = env.float("LIVE_CATCH_UP_SECONDS", default=2.0)
# How often a live page polls the snapshot when it cannot hold a websocket open: each poll
# is a full snapshot read, so not much more often than the figures change.
LIVE_POLL_SECONDS = env.float("LIVE_POLL_SECONDS", default=15.0)

# --- Task queue -------------------------------------------------------------------------

# The ORM broker keeps tasks in the same database as the rows that caused them, so a
# task is enqueued in the same transaction and is never lost to a broker outage.
Q_CLUSTER = {
    "name": "cowork",
    "orm": "default",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": 60,
    "retry": 90,
    "max_attempts": 5,
    "catch_up": False,
    "poll": 0.5,
    "label": "Tasks",
}

# Seconds the running tasks get to finish when a task cluster is told to stop (SIGTERM);
# then they are cut, which every task survives (cowork/management/commands/qcluster.py).
# systemd's TimeoutStopSec and Compose's stop_grace_period leave room above it.
TASKS_STOP_GRACE_SECONDS = env.float("TASKS_STOP_GRACE_SECONDS", default=5.0)

# --- SMS and e-mail: cowork/config/messaging.py -------------------------------------------

from cowork.config.messaging import *  # noqa: E402, F403
from cowork.config.messaging import TWILIO_ACCOUNT_SID  # noqa: E402

# --- People -----------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked account or address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Wrong passwords (on /login/ and /admin/login/) are counted by django-axes in the database,
# so every process shares the count. This many within the cool-off lock password sign-in,
# for the account (from any address) and for the address (whatever account it tries), each
# counted on its own. Every try while locked starts the cool-off again. A centre's Wi-Fi
# puts many members behind one address, hence a limit above a person's honest mistakes;
# sign-in by SMS code stays open, under its own limits.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "cowork.web.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "cowork.web.sign_in.locked_out"
# Only failures are kept (and only for the cool-off); successful sign-ins leave no record of
# where people were.
AXES_DISABLE_ACCESS_LOG = True
# Unlocking is `manage.py axes_reset_username <name>` or `axes_reset_ip <address>`.
AXES_ENABLE_ADMIN = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Registering for an event needs no account and makes us text the number typed, so it is
# limited per hour (cowork/services/event_limits.py). A centre's Wi-Fi puts many people
# behind one address: the address limit leaves room for a room full of them.
EVENT_REGISTRATION_IP_HOURLY_LIMIT = env.int("EVENT_REGISTRATION_IP_HOURLY_LIMIT", default=20)
EVENT_REGISTRATION_EVENT_HOURLY_LIMIT = env.int(
    "EVENT_REGISTRATION_EVENT_HOURLY_LIMIT", default=100
)
EVENT_REGISTRATION_CENTRE_HOURLY_LIMIT = env.int(
    "EVENT_REGISTRATION_CENTRE_HOURLY_LIMIT", default=200
)
# Refused self check-ins (a wrong phone or code) an hour, before more are refused unheard;
# a 6-digit code behind these limits cannot be found by guessing.
EVENT_CHECK_IN_IP_HOURLY_FAILURES = env.int("EVENT_CHECK_IN_IP_HOURLY_FAILURES", default=20)
EVENT_CHECK_IN_EVENT_HOURLY_FAILURES = env.int("EVENT_CHECK_IN_EVENT_HOURLY_FAILURES", default=60)

# --- Languages and time -----------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("az", _("Azerbaijani")),
    ("ru", _("Russian")),
    ("uk", _("Ukrainian")),
    ("uz", _("Uzbek")),
]
# Catalogues are compiled from the .po files by `manage.py compile_translations`, which
# needs no system gettext.
LOCALE_PATHS = [BASE_DIR / "cowork" / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static files -----------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names need a collectstatic run; the embedded default serves
        # straight from the apps' folders so a fresh checkout works without one.
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if EMBEDDED
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
WHITENOISE_USE_FINDERS = EMBEDDED
# Centres' photos, as re-encoded on upload. nginx serves /media/ from disk; the embedded
# server (and any install without nginx in front) through cowork.web.media.
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
if EMBEDDED:
    # WhiteNoise warns at every start when its root is missing, even when finders serve.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# --- Security ---------------------------------------------------------------------------

# The reverse proxies (addresses or CIDR networks) allowed to name the client and the
# scheme in X-Forwarded-For and X-Forwarded-Proto (cowork.config.client_address). A header from
# anyone else is dropped: it could name any address. Loopback by default, where nginx runs
# on a systemd install; docker-compose.yml names its private network.
TRUSTED_PROXIES = [
    proxy for proxy in env.list("TRUSTED_PROXIES", default=["127.0.0.0/8", "::1"]) if proxy
]
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_error}") from None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not EMBEDDED)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not EMBEDDED)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not EMBEDDED)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if EMBEDDED else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Bodies larger than this are refused before a view sees them.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)
# A photo as a phone takes it; the one page that takes it lets a body this large in
# (cowork.web.uploads), and keeps only a small re-encoded copy.
PHOTO_UPLOAD_MAX_BYTES = 10 * 1024 * 1024

# --- Logging ----------------------------------------------------------------------------

# "json" writes one JSON object a line (production: journald and Docker ship them as they
# are); "console" is the readable format of the embedded default. Both carry the request id
# and mask phone numbers (cowork/config/logging.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="console" if EMBEDDED else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "cowork.config.logging.RequestIdFilter"},
        "mask_phones": {"()": "cowork.config.logging.PhoneMaskFilter"},
    },
    "formatters": {
        "console": {
            "()": "cowork.config.logging.PhoneMaskingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "json": {"()": "cowork.config.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "console",
            # On the handler, not a logger: records of every logger pass through here.
            "filters": ["request_id", "mask_phones"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django-q": {"level": env.str("Q_LOG_LEVEL", default="WARNING")},
        # Failed sign-ins and lock-outs are warnings; its INFO lines repeat them.
        "axes": {"level": "WARNING"},
    },
}

# --- Probes and metrics -----------------------------------------------------------------

# /metrics wants "Authorization: Bearer <token>" when set; unset, it answers only private
# and loopback addresses (Prometheus next to the processes).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# /readyz gives each check this long, so a hung service reads "down" rather than hanging it.
READYZ_TIMEOUT_SECONDS = env.float("READYZ_TIMEOUT_SECONDS", default=3.0)
# A schedule this far past its next run means no task cluster runs (the scheduler fires
# due schedules every 30 s; the rest is room for a busy cluster).
READYZ_TASKS_LATE_SECONDS = env.int("READYZ_TASKS_LATE_SECONDS", default=180)

# --- Telegram and WhatsApp ----------------------------------------------------------------

# The bot: its token (from BotFather), its username (for t.me links), and the secret token
# given to setWebhook, which Telegram sends back on every update. Without a token the
# console backend prints what would be sent; the embedded default derives the secret from
# SECRET_KEY so that `manage.py telegram_simulate` can send updates.
TELEGRAM_BOT_TOKEN = env.str("TELEGRAM_BOT_TOKEN", default="")
TELEGRAM_BOT_USERNAME = env.str("TELEGRAM_BOT_USERNAME", default="cowork_demo_bot")
TELEGRAM_WEBHOOK_SECRET = env.str("TELEGRAM_WEBHOOK_SECRET", default="")
# Tests point the real python-telegram-bot at a fake Bot API on loopback through this.
TELEGRAM_API_BASE_URL = env.str("TELEGRAM_API_BASE_URL", default="")
TELEGRAM_BACKEND = env.str(
    "TELEGRAM_BACKEND",
    default=(
        "notifications.telegram.backends.TelegramBotBackend"
        if TELEGRAM_BOT_TOKEN
        else "notifications.telegram.backends.ConsoleTelegramBackend"
    ),
)
# WhatsApp through Twilio: the approved sender (whatsapp:+...), and the approved template
# (Content API SID) of each kind of message, as JSON: {"booking_confirmed": "HX...", ...};
# "channel_invite" is the first template, which links the number when answered.
TWILIO_WHATSAPP_FROM = env.str("TWILIO_WHATSAPP_FROM", default="")
WHATSAPP_TEMPLATES = env.json("WHATSAPP_TEMPLATES", default={})
WHATSAPP_BACKEND = env.str(
    "WHATSAPP_BACKEND",
    default=(
        "notifications.whatsapp.backends.TwilioWhatsAppBackend"
        if TWILIO_ACCOUNT_SID and TWILIO_WHATSAPP_FROM
        else "notifications.whatsapp.backends.ConsoleWhatsAppBackend"
    ),
)
