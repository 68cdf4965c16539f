"""Tradefair settings: one file, read from the environment.

With no variable set this is the embedded default: SQLite under var/, Channels'
in-memory layer, a local media folder and a database-backed job queue.
Each integration switches on when its variable is set:

- DATABASE_URL       postgres://user:pass@host:5432/name or sqlite:///path
- REDIS_URL          redis://host:6379/0 (channel layer, cache, job broker)
- S3_BUCKET          with S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
- EMAIL_URL-ish      EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD

TRADEFAIR_MODE=production refuses to start without SECRET_KEY, ALLOWED_HOSTS
and DATABASE_URL, and turns on the settings `manage.py check --deploy` asks for.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TRADEFAIR_VAR_DIR", BASE_DIR / "var"))

env = os.environ.get


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    return [item.strip() for item in env(name, "").split(",") if item.strip()]


PRODUCTION = env("TRADEFAIR_MODE", "embedded").strip().lower() == "production"

if PRODUCTION:
    missing = [name for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL") if not env(name)]
    if missing:
        raise ImproperlyConfigured(
            "TRADEFAIR_MODE=production needs these environment variables: "
            + ", ".join(missing)
            + ". See README.md, 'Running in production'."
        )

SECRET_KEY = env("SECRET_KEY") or "embedded-default-key-not-for-production-use-0123456789abcdefghij"
# Production refuses the placeholders of deploy/env.example ("change-me...") and the embedded key in
# any secret: a copied example file must not become a running site's secrets.
PLACEHOLDER_MARKS = ("change-me", "changeme", "embedded-default-key")
SECRET_VARIABLES = (
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "AWS_SECRET_ACCESS_KEY",
    "EMAIL_HOST_PASSWORD",
    "TURN_SECRET",
    "JANUS_ADMIN_SECRET",
    "JANUS_TOKEN_SECRET",
    "JANUS_ROOM_ADMIN_KEY",
)
if PRODUCTION:
    placeholders = [
        name
        for name in SECRET_VARIABLES
        if any(mark in (env(name) or "").lower() for mark in PLACEHOLDER_MARKS)
    ]
    if placeholders:
        raise ImproperlyConfigured(
            "TRADEFAIR_MODE=production refuses placeholder secrets (as in deploy/env.example) in: "
            + ", ".join(placeholders)
            + ". Set each to a long random value."
        )
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or ["127.0.0.1", "localhost", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "django_q",
    "allauth",
    "allauth.account",
    "csp",
    # Bottom to top (docs/layers.md): the kernel imports no app; each layer imports only those below.
    "kernel",
    "fair",
    "notices",
    "exhibitors",
    "matching",
    "meetings",
    "agreements",
    "integrations",
    "playbooks",
    "rfq",
    "shows",
    "insights",
    "datasets",
    "frontend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kernel.middleware.UnavailableMiddleware",  # 503 + Retry-After while the database or Redis is away
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "kernel.site.SiteUrlMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "frontend.middleware.UserPreferencesMiddleware",
    "frontend.middleware.AccessErrorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "frontend" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "frontend.context_processors.site",
                "frontend.context_processors.notices",
            ],
        },
    },
]

# --- database ---------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'tradefair.sqlite3'}",
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; IMMEDIATE makes a
    # writing transaction take its lock up front instead of failing half-way.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
    DATABASES["default"]["TEST"] = {"NAME": env("SQLITE_TEST_NAME") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USING_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
if USING_POSTGRES and env("DATABASE_POOL", "1") != "0":
    # Under ASGI every sync request runs in a thread of its own (asgiref's per-request
    # thread-sensitive context), so a persistent connection (CONN_MAX_AGE) is opened anew for each
    # request and left behind, idle, in the thread that ended: under load PostgreSQL soon answers
    # "too many clients". Django's psycopg pool lends each request a connection and takes it back.
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections instead
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": int(env("DATABASE_POOL_SIZE", "10")),
        # Seconds a request waits for a free connection: short, so that while the database is away
        # pages answer 503 (kernel/middleware.py) within 5 s instead of hanging.
        "timeout": float(env("DATABASE_POOL_TIMEOUT", "4")),
    }

if USING_POSTGRES:
    # Fail fast while the database is away (docs/faults.md): a connection attempt gives up after
    # DATABASE_CONNECT_TIMEOUT seconds, a statement after DATABASE_STATEMENT_TIMEOUT_MS (0: never).
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    _db_options.setdefault("connect_timeout", int(env("DATABASE_CONNECT_TIMEOUT", "2")))
    _statement_ms = int(env("DATABASE_STATEMENT_TIMEOUT_MS", "30000"))
    if _statement_ms:
        _timeout = f"-c statement_timeout={_statement_ms}"
        _db_options["options"] = f"{_db_options.get('options', '')} {_timeout}".strip()

# After a call failed because the database was unreachable, websocket work fails at once for this long
# instead of queueing behind the pool's timeout (kernel/breaker.py).
BREAKER_SECONDS = float(env("BREAKER_SECONDS", "1"))

# --- redis: channel layer, cache, job broker ---------------------------------
REDIS_URL = env("REDIS_URL", "")
CHANNELS_PREFIX = env("CHANNELS_PREFIX", "tradefair")
# How often a socket renews its channel-layer groups (kernel/websocket.py keep_in_groups): a group lost
# with Redis's data comes back within this many seconds.
CHANNELS_GROUP_REFRESH = float(env("CHANNELS_GROUP_REFRESH", "30"))
# redis-py settings chosen on purpose, not left to the library's defaults (redis-py 8 changed them:
# a 5 s socket timeout equal to channels_redis's blocking pop, and a pool capped at 100 that raises).
# No read timeout on idle sockets, TCP keepalive, a health check before reusing an idle connection.
# Tested in tests/exhibitors/test_redis_client.py.
REDIS_CLIENT_OPTIONS = {
    "socket_timeout": None,
    "socket_connect_timeout": 5,
    "socket_keepalive": True,
    "health_check_interval": 30,
    "retry_on_timeout": True,
    "max_connections": int(env("REDIS_MAX_CONNECTIONS", "10000")),
}
# Two layers: "default" for every consumer with a channel of its own (notifications, meeting
# rooms, the dashboard), and "booth" for the live booths' hubs (exhibitors/live.py, one subscriber
# per booth and process, the only group members there). On Redis, "booth" is the PubSub layer: a
# group message is one PUBLISH pushed to each subscribed process, where the core layer spends
# four round trips to send and a blocking pop per process to receive (bench/ws_booth.py measures
# both; the figures are in bench/README.md).
# The core layer stays the default: its groups are resolved when a message is sent, which the
# meeting rooms rely on (with PubSub a peer that joins just after a message may still get it).
# Like any pub/sub, a booth frame published while a process is cut off from Redis does not reach
# it; chat lines are stored first, and a client that reconnects with its last id gets what it missed.
if REDIS_URL:
    _redis_hosts = [{"address": REDIS_URL, **REDIS_CLIENT_OPTIONS}]
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": _redis_hosts, "prefix": CHANNELS_PREFIX},
        },
        "booth": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": _redis_hosts, "prefix": CHANNELS_PREFIX},
        },
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer"},
        "booth": {"BACKEND": "channels.layers.InMemoryChannelLayer"},
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Several deployments (or test runs) may share one Redis: each keeps its cache keys apart.
CACHES["default"]["KEY_PREFIX"] = env("CACHE_KEY_PREFIX", "")
# Hall and booth pages as anonymous visitors see them are kept this long (frontend/page_cache.py);
# any change they show replaces them at once (frontend/public_pages.py). 0 turns the cache off.
# Below S3_QUERYSTRING_AUTH's one-hour signed media links, which a kept page carries.
PUBLIC_PAGE_CACHE_SECONDS = 300
# A signed-in person's hall, booth, agenda and recommendations pages are kept for their session this
# long at most (frontend/person_pages.py); any change they could show replaces them at once. 0: off.
PERSON_PAGE_CACHE_SECONDS = int(env("PERSON_PAGE_CACHE_SECONDS", "60"))

# --- background jobs (django-q2) ---------------------------------------------
# On the database by default; on Redis when REDIS_URL is set. A failing job is
# tried again (max_attempts) and then listed under "Failed tasks" in the admin.
Q_CLUSTER = {
    "name": "tradefair",
    "workers": int(env("WORKER_PROCESSES", "2")),
    "timeout": int(env("JOB_TIMEOUT_SECONDS", "900")),
    "retry": int(env("JOB_TIMEOUT_SECONDS", "900")) + 60,
    "max_attempts": int(env("JOB_MAX_ATTEMPTS", "3")),
    "ack_failures": True,
    "save_limit": 500,
    "catch_up": False,
    "label": _("Background jobs"),
    # The worker logs every scheduled run at INFO; keep the console of `make run` readable.
    "log_level": env("JOB_LOG_LEVEL", "WARNING"),
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
    Q_CLUSTER["poll"] = 1.0

# --- storage -----------------------------------------------------------------
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATIC_URL = "/static/"
NODE_MODULES = BASE_DIR / "frontend" / "node_modules"
STATICFILES_DIRS = [
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
    # janus.js as a classic script (it reads the global `adapter` that webrtc-adapter's build sets).
    ("vendor/janus", NODE_MODULES / "janus-gateway" / "src"),
    ("vendor/webrtc-adapter", NODE_MODULES / "webrtc-adapter" / "out"),
]
S3_BUCKET = env("S3_BUCKET", "")
if S3_BUCKET:
    default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("S3_ENDPOINT_URL") or None,
            "region_name": env("S3_REGION", "us-east-1"),
            "access_key": env("AWS_ACCESS_KEY_ID"),
            "secret_key": env("AWS_SECRET_ACCESS_KEY"),
            "custom_domain": env("S3_CUSTOM_DOMAIN") or None,
            "querystring_auth": env_bool("S3_QUERYSTRING_AUTH", True),
            "file_overwrite": False,
            "default_acl": None,
        },
    }
    # Files no page links to (uploaded invitation CSVs): a prefix of their own, always signed links.
    private_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **default_storage["OPTIONS"],
            "location": "private",
            "querystring_auth": True,
            "custom_domain": None,
        },
    }
else:
    default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    # Outside MEDIA_ROOT: nothing serves this folder.
    private_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(Path(env("PRIVATE_ROOT", str(VAR_DIR / "private")))), "base_url": None},
    }
# Uploaded invitation files are removed this many hours after their upload if not confirmed.
INVITATION_UPLOAD_HOURS = float(env("INVITATION_UPLOAD_HOURS", "24"))
STORAGES = {
    "default": default_storage,
    "private": private_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# In development static files come from the finders; no collected STATIC_ROOT is needed.
WHITENOISE_AUTOREFRESH = DEBUG

# --- auth and accounts ---------------------------------------------------------
AUTH_USER_MODEL = "fair.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
# Mandatory by default: a new account signs in once its address is confirmed, and sign-up answers the
# same whether the address has an account or not (allauth's enumeration prevention needs both).
# Registering for a fair needs a confirmed address unless this is "none": a closed network without
# mail sets ACCOUNT_EMAIL_VERIFICATION=none (fair/services.py, registration_submit).
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", "mandatory").strip().lower()
if ACCOUNT_EMAIL_VERIFICATION not in ("none", "optional", "mandatory"):
    raise ImproperlyConfigured('ACCOUNT_EMAIL_VERIFICATION must be "none", "optional" or "mandatory".')
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_ADAPTER = "frontend.account_adapter.AccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# allauth builds its sign-up form on this class (time zone and language); ACCOUNT_FORMS would replace it.
ACCOUNT_SIGNUP_FORM_CLASS = "frontend.forms.SignupForm"

# Who may create a fair on a page: "anyone" signed in, or only "approved" organizers (a superuser or
# an organizer grants it on /organizers/). Fairs created on a page stay unlisted until published.
FAIR_CREATION = env("FAIR_CREATION", "approved" if PRODUCTION else "anyone").strip().lower()
if FAIR_CREATION not in ("anyone", "approved"):
    raise ImproperlyConfigured('FAIR_CREATION must be "anyone" or "approved".')

# --- e-mail ----------------------------------------------------------------------
# The public address of the site, for links in e-mails and calendar invitations. Unset: the address
# of the request being served, else SERVER_URL (the address `make run` started the server on), else
# http://127.0.0.1:8000 (kernel/site.py).
SITE_URL = env("SITE_URL", "").rstrip("/")
SERVER_URL = env("SERVER_URL", "").rstrip("/")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Tradefair <noreply@tradefair.localhost>")
if env("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env("EMAIL_HOST")
    EMAIL_PORT = int(env("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# --- i18n and time ---------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("ko", "한국어"),
    ("en", "English"),
    ("zh-hans", "简体中文"),
    ("ja", "日本語"),
    ("vi", "Tiếng Việt"),
    ("id", "Bahasa Indonesia"),
]
LOCALE_PATHS = [BASE_DIR / "frontend" / "locale"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
# Booth and product texts (exhibitors/translation.py): the viewer's language, then English, then any
# language that has text. The one place this order is set.
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en", "ko", "zh-hans", "ja", "vi", "id")
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# --- REST API ----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "kernel.api.AutoSchema",  # {code, message} errors documented everywhere
    "EXCEPTION_HANDLER": "kernel.api.exception_handler",
    # The API takes JSON bodies (as its schema says); a form or multipart body is a 415.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # The browser's session (with its CSRF check) and API tokens bound to one fair (fair/tokens.py);
    # no HTTP Basic: every password goes through the sign-in form and its lockout.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "fair.tokens.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + ([] if PRODUCTION else ["rest_framework.renderers.BrowsableAPIRenderer"]),
}
# Requests per API token (fair/tokens.py): a bucket of API_TOKEN_RATE_PER_MINUTE (a burst of that
# many, then one more every 60 / n seconds); beyond it 429 api.token_rate_limited with Retry-After.
API_TOKEN_RATE = (int(env("API_TOKEN_RATE_PER_MINUTE", "120")), 60)
SPECTACULAR_SETTINGS = {
    "TITLE": "Tradefair API",
    # One name per choice set ("role" means different things in a registration and elsewhere).
    "ENUM_NAME_OVERRIDES": {
        "RegistrationRoleEnum": ["buyer", "exhibitor"],
        "ShowStatusEnum": "shows.models.Show.Status",
    },
    "DESCRIPTION": (
        "Fairs, halls, booths and products of a Tradefair virtual trade fair. Sign in with the site's "
        "session (browsers), or send an API token made on Profile > API tokens as "
        "`Authorization: Bearer <token>`: bound to one fair, with scopes (read, meetings, leads, rfq, "
        "booth, admin-of-fair) and an expiry date; each operation names its scope as x-token-scope."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}


# --- Content-Security-Policy (django-csp) ----------------------------------------------------
# Every page passes without inline scripts or inline styles: scripts and styles come from our static
# files only (tests/e2e/test_csp.py reports any violation on the main pages). Media from the S3
# store (a custom domain or the endpoint) and the Janus server browsers connect to are added.
def _origin(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


_media_origins = [
    origin
    for origin in (
        f"https://{env('S3_CUSTOM_DOMAIN')}" if env("S3_CUSTOM_DOMAIN") else "",
        _origin(env("S3_ENDPOINT_URL") or "") if S3_BUCKET else "",
        f"https://{S3_BUCKET}.s3.amazonaws.com" if S3_BUCKET and not env("S3_ENDPOINT_URL") else "",
    )
    if origin
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", *_media_origins],
        "media-src": ["'self'", "blob:", *_media_origins],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'", *([_origin(env("JANUS_PUBLIC_URL"))] if env("JANUS_PUBLIC_URL") else [])],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    },
}

# --- security (production) -----------------------------------------------------------
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"expected_refusals": {"()": "kernel.logs.ExpectedRefusals"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.channels.server": {"level": "WARNING"},
        # A 403 is an answer, not a fault: one line, no traceback, printed once (not again by
        # Django's own console handler of the "django" logger).
        "django.request": {
            "handlers": ["console"],
            "filters": ["expected_refusals"],
            "level": "WARNING",
            "propagate": False,
        },
        "django-q": {"level": env("JOB_LOG_LEVEL", "WARNING")},
        # httpx logs every request's URL at INFO: Janus's long polls carry a participant's token.
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        # WeasyPrint (agreements' PDFs) logs every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# The fair dataset: how many rows the import writes per batch.
IMPORT_BATCH_SIZE = int(env("IMPORT_BATCH_SIZE", "5000"))

# --- the video consultation room (meetings/room.py, docs/video-protocol.md) -------------------
# The room opens this long before a meeting's slot and closes this long after it; both sides
# together for ROOM_MIN_HELD_SECONDS mark the meeting held. Tests shorten them through the environment.
ROOM_OPENS_BEFORE_SECONDS = float(env("ROOM_OPENS_BEFORE_SECONDS", "600"))
ROOM_CLOSES_AFTER_SECONDS = float(env("ROOM_CLOSES_AFTER_SECONDS", "900"))
ROOM_MIN_HELD_SECONDS = float(env("ROOM_MIN_HELD_SECONDS", "300"))
# Agreements: how long a signing code works, and how many wrong tries it allows.
AGREEMENT_CODE_SECONDS = int(env("AGREEMENT_CODE_SECONDS", "600"))
AGREEMENT_CODE_ATTEMPTS = int(env("AGREEMENT_CODE_ATTEMPTS", "5"))
# ICE servers. None by default: on one network the browsers' own host candidates suffice and no
# request leaves for a public STUN server. TURN (coturn with use-auth-secret) gets time-limited
# credentials computed from TURN_SECRET, the way coturn's REST API expects.
STUN_URLS = env_list("STUN_URLS")
TURN_URLS = env_list("TURN_URLS")
TURN_SECRET = env("TURN_SECRET", "")
TURN_CREDENTIAL_TTL_SECONDS = int(env("TURN_CREDENTIAL_TTL_SECONDS", "3600"))

# --- Janus, the SFU of live shows and rooms of more than three (kernel/janus.py, docs/janus.md) -----
# Unset (the embedded default): those features are unavailable and their pages say why; one-to-one
# consultations stay peer-to-peer either way. Set together or not at all.
JANUS_ADMIN_URL = env("JANUS_ADMIN_URL", "")  # the Admin API, from the app's network: http://janus:7088/admin
JANUS_ADMIN_SECRET = env("JANUS_ADMIN_SECRET", "")  # Janus's admin_secret
JANUS_TOKEN_SECRET = env("JANUS_TOKEN_SECRET", "")  # Janus's token_auth_secret: signs browsers' tokens
JANUS_ROOM_ADMIN_KEY = env("JANUS_ROOM_ADMIN_KEY", "")  # the VideoRoom's admin_key: creates rooms
JANUS_PUBLIC_URL = env("JANUS_PUBLIC_URL", "")  # what browsers connect to: wss://fair.example.org/janus
# Optional: the Janus API over HTTP from the app's network (tests and benchmarks act as participants
# through it), and where a recorded room's .mjr files go on the Janus host.
JANUS_URL = env("JANUS_URL", "")
JANUS_RECORDINGS_DIR = env("JANUS_RECORDINGS_DIR", "")
_janus_required = {
    "JANUS_ADMIN_URL": JANUS_ADMIN_URL,
    "JANUS_ADMIN_SECRET": JANUS_ADMIN_SECRET,
    "JANUS_TOKEN_SECRET": JANUS_TOKEN_SECRET,
    "JANUS_ROOM_ADMIN_KEY": JANUS_ROOM_ADMIN_KEY,
    "JANUS_PUBLIC_URL": JANUS_PUBLIC_URL,
}
if any(_janus_required.values()) and not all(_janus_required.values()):
    raise ImproperlyConfigured(
        "Janus is half configured: set "
        + ", ".join(name for name, value in _janus_required.items() if not value)
        + " too, or none of the JANUS_* variables (deploy/README.md)."
    )
