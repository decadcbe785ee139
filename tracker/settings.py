"""Settings for the tracker: one file, driven by environment variables.

From a clean clone nothing needs setting: `make run` sets DEBUG=1 and the database is a SQLite
file in the project. In production (DEBUG off) SECRET_KEY and ALLOWED_HOSTS are required, and a
bad value of any variable stops start-up with a message naming the variable and what it accepts.
"""

import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name, default):
    """A yes/no variable; anything but the usual spellings is an error, not a silent False."""
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean: use 1/0, true/false, yes/no or on/off.")


def envint(name, default, minimum=0):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name}={value!r} must be at least {minimum}.")
    return number


def envlist(name, default=()):
    """A comma-separated list; blanks around items are ignored."""
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def database_from_url(name, url):
    try:
        config = dj_database_url.parse(url, conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} is not a database URL ({error}): got {url!r}.") from None
    if config["ENGINE"] not in ("django.db.backends.sqlite3", "django.db.backends.postgresql"):
        raise ImproperlyConfigured(
            f"{name} must point at SQLite (sqlite:///path) or PostgreSQL (postgres://...): got {url!r}."
        )
    if config["ENGINE"] == "django.db.backends.postgresql":
        # Give up on an unreachable server in seconds, so that a request answers 503 rather than hang.
        config.setdefault("OPTIONS", {}).setdefault("connect_timeout", envint("DATABASE_CONNECT_TIMEOUT", 5, minimum=1))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the development server read while a management command writes.
        config["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 20}
        config["CONN_MAX_AGE"] = 0
    return config


DEBUG = envbool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off: set it to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), or set DEBUG=1 for development."
        )
    SECRET_KEY = "development-only-not-secret"  # noqa: S105 - only ever used with DEBUG on

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when DEBUG is off: a comma-separated list of host names.")
# The public address every absolute link is built from (feeds, the API's page_url, canonical
# links), whatever Host header a request came with: ALLOWED_HOSTS ignores the port, so without it
# `Host: tracker.example.org:6666` would end up in links and in cached answers. Default in
# production: https:// and the first allowed host; unset in development.
SITE_URL = os.environ.get("SITE_URL") or (
    "" if DEBUG or ALLOWED_HOSTS[0].startswith((".", "*")) else f"https://{ALLOWED_HOSTS[0]}"
)
if SITE_URL and not re.match(r"^https?://[^/?#\s]+$", SITE_URL):
    raise ImproperlyConfigured(f"SITE_URL={SITE_URL!r} must be a scheme and a host, e.g. https://tracker.example.org")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

# HTTPS. With DEBUG off every protection is on unless a variable turns it off (`make serve` does,
# for plain HTTP on the loopback); `check --deploy` is clean with the defaults (see docs/deploy.md).
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers probe over plain HTTP: a redirect would read as "down".
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG)
# Behind a proxy that terminates TLS, trust its header saying the request came by HTTPS; only
# when told, since a client reaching the app directly could otherwise send the header itself.
_proxy_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip()
if _proxy_header:
    if not re.fullmatch(r"HTTP_[A-Z0-9_]+", _proxy_header):
        raise ImproperlyConfigured(
            f"SECURE_PROXY_SSL_HEADER={_proxy_header!r} must name the request header as Django sees it, "
            "e.g. HTTP_X_FORWARDED_PROTO."
        )
    SECURE_PROXY_SSL_HEADER = (_proxy_header, "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Its trigram lookups, for the typos search forgives (events/search.py); inert on SQLite.
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    # Swagger UI's files served from our own static files: the docs page works without a CDN.
    "drf_spectacular_sidecar",
    "simple_history",
    "import_export",
    "axes",
    "corsheaders",
    "csp",
    "events",
]

MIDDLEWARE = [
    # First: its request id and timing cover everything below (tracker/middleware.py).
    "tracker.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # A NUL in the path is a 404 and an overlong address a 414, before any view (tracker/middleware.py).
    "tracker.middleware.RequestGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tracker.csp.CSPMiddleware",  # django-csp, with allowances for third-party pages
    # The public's answers kept PUBLIC_CACHE_SECONDS in the shared cache and by CDNs (tracker/caching.py).
    "tracker.caching.PublicCacheMiddleware",
    # A former slug of an app, owner or authority answers 301 to its new address (events/redirects.py).
    "events.redirects.MovedMiddleware",
    # A database outage in a view answers 503 (page or JSON), logged once (tracker/outage.py).
    "tracker.middleware.DatabaseOutageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: editors' requests read the primary, the public's a replica.
    "tracker.routers.ReadRoutingMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the editor on every history row.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"
# A refused or absent `next` after signing in lands on the admin, not on /accounts/profile/ (404).
LOGIN_REDIRECT_URL = "/admin/"
WSGI_APPLICATION = "tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        "DATABASE_URL", os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    )
}
# PostgreSQL streaming replicas (comma-separated URLs) for the public's reads: tracker/routers.py.
for _number, _url in enumerate(envlist("DATABASE_REPLICA_URL"), start=1):
    DATABASES[f"replica_{_number}"] = database_from_url("DATABASE_REPLICA_URL", _url)
    if DATABASES[f"replica_{_number}"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(f"DATABASE_REPLICA_URL must list PostgreSQL URLs: got {_url!r}.")
    # Tests read "the replica" from the test database itself.
    DATABASES[f"replica_{_number}"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["tracker.routers.PrimaryReplicaRouter"]
# How long browsers and a CDN may keep a public page or API answer: the freshness readers are
# promised after an edit. Off in development, where a cached page would only confuse.
PUBLIC_CACHE_SECONDS = envint("PUBLIC_CACHE_SECONDS", 0 if DEBUG else 60)
# Anonymous page renders per address (answers from the cache do not count), tracker/caching.py.
PAGES_ANON_RATE = os.environ.get("PAGES_ANON_RATE") or "300/minute"
# Seconds a client is told to wait (Retry-After) while the database is unreachable.
OUTAGE_RETRY_AFTER = envint("OUTAGE_RETRY_AFTER", 30, minimum=1)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The pages' covering index (event_public_span_idx) carries extra columns on PostgreSQL only;
# SQLite builds it without them, which is all the embedded database needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# How many reverse proxies (load balancer, CDN) add X-Forwarded-For in front of the app: the API's
# rate limit and the login lockout then count the client's address, not the proxy's.
NUM_PROXIES = envint("NUM_PROXIES", 0)

# Failed admin logins (tracker/lockout.py): a user name at one address is locked out after
# AXES_FAILURE_LIMIT failures, an address after AXES_ADDRESS_FAILURE_LIMIT, for AXES_COOLOFF_MINUTES.
AXES_HANDLER = "tracker.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_ADDRESS_FAILURE_LIMIT = envint("AXES_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
# Attempts while locked out are refused without counting: a lockout ends AXES_COOLOFF_MINUTES after
# the last failure that counted, however often someone keeps trying meanwhile.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
# The client's address as the API's rate limit reads it, trusting NUM_PROXIES proxies (without
# django-ipware installed, axes would read the proxy's address and lock every editor out at once).
AXES_CLIENT_IP_CALLABLE = "tracker.lockout.client_address"

# The admin's XLSX export: a character a spreadsheet file cannot hold becomes U+FFFD rather than
# failing the whole export (records are cleaned on save; this covers what was stored before).
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True
# What one import may read (events/importers/limits.py): the unpacked size of a file, its rows.
IMPORT_MAX_UNPACKED_MB = envint("IMPORT_MAX_UNPACKED_MB", 50, minimum=1)
IMPORT_MAX_ROWS = envint("IMPORT_MAX_ROWS", 200_000, minimum=1)

# A measure said to be in force that no source has confirmed for longer than this says so on its
# page and in the API (events/models/event.py, confirmation_overdue).
CONFIRMATION_MAX_AGE_DAYS = envint("CONFIRMATION_MAX_AGE_DAYS", 365, minimum=1)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
# With DEBUG off, whitenoise serves collectstatic's compressed copies under hashed names, cached
# for ever by browsers and CDNs (`make serve` runs collectstatic). STATICFILES_MANIFEST=0 serves
# the apps' files as they are instead, for a production-like process without collectstatic (tests).
STATICFILES_MANIFEST = envbool("STATICFILES_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATICFILES_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or not STATICFILES_MANIFEST

# A cache that app servers share (rate limits, cached responses) when REDIS_URL is set; otherwise
# each process keeps its own in memory, which is right for development and tests.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# Whether every app server sees the same cache: only then are the public's answers kept in it
# (with a per-process cache an edit could not drop another worker's copy; tracker/caching.py).
PUBLIC_CACHE_SHARED = bool(REDIS_URL)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    # The API is read-only: no request body is ever parsed, and JSON is written by orjson.
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["events.api.renderers.ORJSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "events.api.renderers.StrictContentNegotiation",
    # Anonymous clients, per address: DRF's rate syntax (120/minute, 5000/hour).
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_RATE") or "120/minute"},
    # How many reverse proxies add X-Forwarded-For in front of the app: 0 trusts only the peer
    # address, so that a client cannot dodge the rate limit by sending the header itself.
    "NUM_PROXIES": NUM_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "App blocking tracker API",
    "DESCRIPTION": "Read-only API of government actions that block, throttle or restrict apps. "
    "Records are published under CC BY 4.0; imported records keep their upstream credit.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a `kind`; name each enum after its model rather than let them collide.
    "ENUM_NAME_OVERRIDES": {
        "EventKindEnum": "events.models.Event.Kind",
        "EventStatusEnum": "events.models.Event.Status",
        "EventFeatureEnum": "events.models.Event.Feature",
        "SourceKindEnum": "events.models.Source.Kind",
        "OwnerKindEnum": "events.models.Owner.Kind",
        "AppCategoryEnum": "events.models.App.Category",
        "AuthorityKindEnum": "events.models.Authority.Kind",
        "DatePrecisionEnum": "events.dates.Precision",
    },
}

# Browser notebooks on other origins may read the API; nothing else is cross-origin.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]

# Content-Security-Policy (django-csp): scripts, styles, fonts and frames only from this site,
# nothing inline. Checked in headless Chromium on the pages, the admin (with import-export and
# history) and the API docs (tests/test_production_csp.py). Images may also be data: URIs
# (the admin's and Swagger UI's icons).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Logs go to stdout, one JSON object a line with DEBUG off (LOG_FORMAT=text for key=value lines),
# each with the request id of the request it came from (tracker/logging.py, tracker/middleware.py).
LOG_FORMAT = os.environ.get("LOG_FORMAT") or ("text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} must be json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "tracker.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "tracker.logging.JSONFormatter"},
        "text": {"()": "tracker.logging.TextFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # Django's records go through the root handler above (our format), not Django's own console.
        "django": {"handlers": [], "level": "INFO"},
        # Each request already has its line from RequestLogMiddleware; keep only errors (tracebacks).
        "django.request": {"level": "ERROR"},
    },
}

# Where readers send corrections (shown on /about/); without it the page points at the issue tracker.
CORRECTIONS_EMAIL = os.environ.get("CORRECTIONS_EMAIL", "")

# Where the real datasets live (never copied into the repository; see README).
SHARED_DATA_DIR = Path(os.environ.get("SHARED_DATA_DIR", BASE_DIR.parent / "shared" / "data"))
