"""Settings for Taza, read from the environment with safe defaults.

With no environment at all, Taza runs on an SQLite file under var/ with DEBUG off.
See README.md for the variables a production deployment sets.
"""

from __future__ import annotations

import contextlib
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from taza.env import env_bool, env_float, env_int, env_list, env_networks, env_str, local_secret_key

# Let Django's generic classes be subscripted at run time (ModelAdmin[User]) for the types.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("TAZA_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# Production runs behind TLS; the embedded default is plain HTTP on localhost.
TAZA_HTTPS = env_bool("TAZA_HTTPS", False)
TAZA_BEHIND_PROXY = env_bool("TAZA_BEHIND_PROXY", False)
# The proxies whose X-Forwarded-For and X-Forwarded-Proto are believed: addresses or
# networks. Behind a proxy on the same host the default is the loopback; a header that
# comes from anywhere else is removed before any view or rate limit reads it.
TAZA_TRUSTED_PROXIES = env_networks(
    "TAZA_TRUSTED_PROXIES", ["127.0.0.1", "::1"] if TAZA_BEHIND_PROXY else []
)
SECRET_KEY = os.environ.get("SECRET_KEY") or local_secret_key(VAR_DIR / "secret_key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "taza.core",
    "taza.geo",
    "taza.bodies",
    "taza.accounts",
    "taza.audit",
    "taza.reports",
    "taza.programme",
    "taza.campaigns",
    "taza.sites",
    "taza.air",
    "taza.databank",
    "taza.hazards",
    "taza.api",
    "taza.bot",
    "taza.demo",
    "taza.alerts",
    "django_filters",
    "huey.contrib.djhuey",
    "django_ratelimit",
    "axes",
    "csp",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "taza.ops",
    "taza.opendata",
    "taza.web",
]

MIDDLEWARE = [
    "taza.core.clients.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "taza.core.http.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "taza.core.http.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "taza.urls"
WSGI_APPLICATION = "taza.wsgi.application"
ASGI_APPLICATION = "taza.asgi.application"

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
                "taza.web.context_processors.navigation",
            ],
        },
    },
]

# The embedded default is an SQLite file; production sets DATABASE_URL=postgres://...
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'taza.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0),
        # A kept connection is checked before a request reuses it, so a restarted
        # database costs one reconnection, not an error page.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while a command writes; the timeout waits out short locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
# Tests on SQLite use a file, not shared memory, so concurrent writers wait for the lock
# as they do in real use instead of failing at once.
DATABASES["default"]["TEST"] = {
    "NAME": os.environ.get("TEST_DATABASE_NAME")
    or (
        str(VAR_DIR / "test_taza.sqlite3")
        if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
        else None
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "taza.accounts.backends.LoginThrottle",
    "taza.accounts.backends.RoleBackend",
]
# Wrong passwords (django-axes): after TAZA_LOGIN_FAILURES failures for one login, or
# from one client address, signing in is paused for TAZA_LOGIN_PAUSE_MINUTES. Attempts
# are kept in the database, so every worker counts the same; successful sign-ins are
# not logged, and a success clears the count.
AXES_FAILURE_LIMIT = env_int("TAZA_LOGIN_FAILURES", 10, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("TAZA_LOGIN_PAUSE_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_USE_ATTEMPT_EXPIRATION = True
AXES_CLIENT_IP_CALLABLE = "taza.core.clients.client_ip"
AXES_LOCKOUT_CALLABLE = "taza.accounts.backends.lockout_response"
AXES_VERBOSE = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Kazakh is the state language and the default; Russian and English are offered beside it.
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "kk")
LANGUAGES = [
    ("kk", _("Kazakh")),
    ("ru", _("Russian")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "taza" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Almaty")
USE_I18N = True
# Kazakh number formats, which Django does not ship (see taza/formats/kk).
FORMAT_MODULE_PATH = ["taza.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
# WhiteNoise expects the folder; collectstatic fills it in production.
with contextlib.suppress(OSError):
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Private uploads (executors' evidence): outside MEDIA_ROOT, so no URL reaches them; only
# a view that checks access serves them (taza/core/files.py).
TAZA_PRIVATE_ROOT = Path(env_str("TAZA_PRIVATE_ROOT", str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("TAZA_MANIFEST_STATIC", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Serve static files straight from the apps when they have not been collected (tests, first run).
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", True)

# Where the background task broker lives, when one is configured (production: Redis).
TAZA_BROKER_URL = env_str("TAZA_BROKER_URL", "")
# The task queue: Huey. Without a broker (the embedded default) tasks run in-process at
# once; with TAZA_BROKER_URL=redis://... they go to Redis and `manage.py run_huey` runs them.
HUEY = {
    # Two deployments (or test runs) sharing one Redis keep their queues apart by name.
    "name": env_str("TAZA_QUEUE_NAME", "taza"),
    "immediate": not TAZA_BROKER_URL,
    "huey_class": "huey.RedisHuey",
    "connection": {"url": TAZA_BROKER_URL} if TAZA_BROKER_URL else {},
    "consumer": {"workers": env_int("TASK_WORKERS", 2, minimum=1), "worker_type": "thread"},
}
# The basemap under every map (docs/maps.md). A PMTiles file of vector tiles (the
# OpenStreetMap extract of Kazakhstan, Protomaps schema) served by Taza itself, or an XYZ
# raster template of a tile server the deployment runs; neither: the outlines alone.
# Air measurements from an OpenAQ v3-compatible API, fetched every hour when both are
# set (the task queue's air_openaq_hourly); empty: no fetching.
TAZA_OPENAQ_URL = env_str("TAZA_OPENAQ_URL", "")
# The day ("MM-DD" of the next year) operators' yearly reports to the data bank are due:
# the day after it, the task queue reminds every operator that still owes one, once.
TAZA_REPORT_DEADLINE = env_str("TAZA_REPORT_DEADLINE", "04-01")
# NASA FIRMS active fires over Kazakhstan, fetched every 30 minutes when both are set
# (https://firms.modaps.eosdis.nasa.gov and a MAP_KEY); empty: hotspots are uploaded.
TAZA_FIRMS_URL = env_str("TAZA_FIRMS_URL", "")
TAZA_FIRMS_MAP_KEY = env_str("TAZA_FIRMS_MAP_KEY", "")
TAZA_OPENAQ_KEY = env_str("TAZA_OPENAQ_KEY", "")
TAZA_BASEMAP_PMTILES = env_str("TAZA_BASEMAP_PMTILES", "")
TAZA_BASEMAP_TILES = env_str("TAZA_BASEMAP_TILES", "")
TAZA_BASEMAP_TILES_MAX_ZOOM = env_int("TAZA_BASEMAP_TILES_MAX_ZOOM", 19, minimum=0)
# A folder of glyph files ({fontstack}/{range}.pbf) for the basemap's labels.
TAZA_BASEMAP_GLYPHS = env_str("TAZA_BASEMAP_GLYPHS", "")
TAZA_BASEMAP_ATTRIBUTION = env_str(
    "TAZA_BASEMAP_ATTRIBUTION",
    '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors (ODbL)',
)
# Address search (docs/maps.md): a Nominatim or Photon server the deployment runs or may
# use; empty: the search finds Taza's own regions and districts only.
TAZA_GEOCODER_URL = env_str("TAZA_GEOCODER_URL", "")
TAZA_GEOCODER_KIND = env_str("TAZA_GEOCODER_KIND", "nominatim")
TAZA_GEOCODER_TIMEOUT = env_int("TAZA_GEOCODER_TIMEOUT", 3, minimum=1)
TAZA_GEOCODER_AGENT = env_str("TAZA_GEOCODER_AGENT", "Taza Qazaqstan (info@taza.example.kz)")
TAZA_PLACES_RATE = env_str("TAZA_PLACES_RATE", "60/m")
# No map zooms further in than this: every request a map makes stays in range.
TAZA_MAP_MAX_ZOOM = env_int("TAZA_MAP_MAX_ZOOM", 19, minimum=1)
# Open data: where the published files are kept, and how old a file may be served
# before a request writes it again (a daily task keeps them fresher in production).
TAZA_OPEN_DATA_DIR = Path(env_str("TAZA_OPEN_DATA_DIR", str(VAR_DIR / "opendata")))
TAZA_OPEN_DATA_MAX_AGE_HOURS = env_int("TAZA_OPEN_DATA_MAX_AGE_HOURS", 24, minimum=1)
# The public address of the site, for links in messages sent to reporters.
TAZA_SITE_URL = env_str("TAZA_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Taza <noreply@taza.example.kz>")

# Open311: who to contact, which API keys may submit (none configured: anyone may),
# and how many reports one client may submit (django-ratelimit syntax).
TAZA_CONTACT = env_str("TAZA_CONTACT", "Taza monitoring centre, info@taza.example.kz")
TAZA_OPEN311_API_KEYS = frozenset(env_list("TAZA_OPEN311_API_KEYS", []))
TAZA_INTAKE_RATE = env_str("TAZA_INTAKE_RATE", "30/m")
# Rate limits and other shared counters: Redis in production (TAZA_CACHE_URL=redis://...).
TAZA_CACHE_URL = env_str("TAZA_CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": TAZA_CACHE_URL}
        if TAZA_CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# The embedded default serves uploaded photos itself; production leaves it to the proxy.
TAZA_SERVE_MEDIA = env_bool("TAZA_SERVE_MEDIA", True)
# Space monitoring's second stage: an ONNX patch classifier made by
# `manage.py train_site_classifier` (never downloaded); empty to use the index score alone.
TAZA_SITES_CLASSIFIER = env_str("TAZA_SITES_CLASSIFIER", "")
# Where satellite scenes are put for scanning: the scans page offers only the folders
# under it, never a path typed by hand.
TAZA_SCENES_ROOT = Path(env_str("TAZA_SCENES_ROOT", str(VAR_DIR / "scenes")))
# Where the VRT each delivered product (.SAFE or .zip) is read through is written.
TAZA_SPACE_PRODUCTS_DIR = Path(env_str("TAZA_SPACE_PRODUCTS_DIR", str(VAR_DIR / "product-scenes")))
# Where numba keeps the space scan's compiled kernel, so that each process loads it
# instead of compiling it again (about a second); read by numba when it is imported.
os.environ.setdefault("NUMBA_CACHE_DIR", str(VAR_DIR / "numba"))
# Space monitoring (docs/sites.md): the candidate budget, the exclusion layer, and
# whether Level-1C scenes are taken (with dark-object subtraction) or refused.
TAZA_SPACE_BUDGET_PER_100KM2 = env_float("TAZA_SPACE_BUDGET_PER_100KM2", 1.0)
TAZA_SPACE_MAX_PER_CELL = env_int("TAZA_SPACE_MAX_PER_CELL", 3, minimum=1)
TAZA_SPACE_EXCLUDE = env_str("TAZA_SPACE_EXCLUDE", "")
TAZA_SPACE_ALLOW_L1C = env_bool("TAZA_SPACE_ALLOW_L1C", False)
TAZA_SPACE_TILE_ATTEMPTS = env_int("TAZA_SPACE_TILE_ATTEMPTS", 3, minimum=1)
RATELIMIT_USE_CACHE = "default"
# django-ratelimit checks that its cache is shared between workers. Django's own
# RedisCache is shared and increments atomically, though not on the library's list:
# its W001 ("not officially supported") is silenced. A per-process cache (E003) is
# deliberate only in the embedded default and in development (one process, no Redis);
# under production settings (TAZA_HTTPS or TAZA_BEHIND_PROXY) the error stays, so the
# system checks refuse a deployment whose rate limits would be per worker.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
if not (TAZA_CACHE_URL or TAZA_HTTPS or TAZA_BEHIND_PROXY):
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")

# The REST API: sessions for the browser, tokens for other systems; OpenAPI by drf-spectacular.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": "taza.core.api.Pages",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "taza.core.api.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "taza.core.parsers.BoundedJSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Taza API",
    "DESCRIPTION": "Citizens' reports, the waste-site registry, the action plan and the "
    "campaigns of the Taza Qazaqstan programme. Open311 GeoReport v2 is served beside it at "
    "/open311/v2/; every public dataset is also a file at /data/.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Reports and waste sites both have a "state": name each set after its domain.
    "ENUM_NAME_OVERRIDES": {
        "ReportStateEnum": "taza.reports.choices.ReportState",
        "SiteStateEnum": "taza.sites.choices.SiteState",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "taza.api.schema.add_refusals",
    ],
}

# The Telegram bot: the token from BotFather, the Bot API server (Telegram's, or a
# self-hosted one), the webhook's secret token, how many messages a person may send, and
# the bot's @username (for t.me links on the pages; without it they say "send /link").
TAZA_BOT_TOKEN = env_str("TAZA_BOT_TOKEN", "")
TAZA_BOT_USERNAME = env_str("TAZA_BOT_USERNAME", "").lstrip("@")
TAZA_BOT_API_URL = env_str("TAZA_BOT_API_URL", "https://api.telegram.org")
TAZA_BOT_WEBHOOK_SECRET = env_str("TAZA_BOT_WEBHOOK_SECRET", "")
TAZA_BOT_MESSAGES_PER_MINUTE = env_int("TAZA_BOT_MESSAGES_PER_MINUTE", 30, minimum=1)

# Cross-domain effects, named here so that a lower domain never imports a higher one
# (docs/architecture.md lists them). A new report goes through each intake hook in the
# intake's transaction; a reporter is told of each change through each notifier too.
TAZA_INTAKE_HOOKS = ["taza.sites.services.site_for_report"]
TAZA_REPORT_NOTIFIERS = ["taza.bot.notify.notify_telegram"]
# Called with the ids of new fire events, after commit: responders are told at once.
TAZA_FIRE_NOTIFIERS = ["taza.alerts.services.send_fires_now"]
# Called with the ids of gauges' level changes (approaching, danger, critical).
TAZA_FLOOD_NOTIFIERS = ["taza.alerts.services.send_floods_now"]
# Called with (chat_id, key, text) for a subscriber who follows air or hazards in the bot.
TAZA_CHAT_SENDERS = ["taza.bot.notify.send_to_chat"]

# Demo logins with published passwords may only be created where this is switched on.
TAZA_DEMO = env_bool("TAZA_DEMO", False)

# Security: production runs behind TLS; the embedded default is plain HTTP on localhost.
SESSION_COOKIE_SECURE = TAZA_HTTPS
CSRF_COOKIE_SECURE = TAZA_HTTPS
LANGUAGE_COOKIE_SECURE = TAZA_HTTPS
SECURE_SSL_REDIRECT = TAZA_HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if TAZA_HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = TAZA_HTTPS
SECURE_HSTS_PRELOAD = TAZA_HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if TAZA_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp) on every page: scripts, styles and everything else
# only from the site itself, no inline script or style attribute, no plug-ins, no framing.
# A response that sets its own policy (a private file: a sandbox) keeps it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# A raster basemap on another host is drawn from there.
if TAZA_BASEMAP_TILES.startswith(("http://", "https://")):
    _tiles_origin = "/".join(TAZA_BASEMAP_TILES.split("/")[:3])
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(_tiles_origin)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["connect-src"].append(_tiles_origin)
# Powerful browser features: only the position, which the report and event maps ask for.
TAZA_PERMISSIONS_POLICY = "geolocation=(self), camera=(), microphone=(), payment=(), usb=()"

# Structured logs: one JSON object a line on stderr, ready for any log collector.
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env_str("LOG_FORMAT", "json"),
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
