"""Careerpath settings, read from the environment through django-environ.

Every variable is listed in README.md ("Configuration"). Defaults make `make run`
work on a fresh machine; production (DEBUG off) refuses to start without SECRET_KEY.
A bad value stops start-up with a one-line message naming the variable.
"""

import re
import sys
import warnings
from pathlib import Path

import environ
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; real environment wins

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def config_error(message: str) -> None:
    """Stop start-up with one clear line instead of a traceback."""
    sys.stderr.write(f"Careerpath configuration error: {message}\n")
    raise SystemExit(2)


def env_bool(name: str, default: bool) -> bool:
    """A strict boolean: an unknown word is an error, not a silent False."""
    raw = env.str(name, default=None)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    config_error(f"{name}={raw!r} is not a boolean; use 1/0, true/false, yes/no or on/off.")


def env_int(name: str, default: int) -> int:
    raw = env.str(name, default=None)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        config_error(f"{name}={raw!r} is not a whole number.")


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105
    else:
        config_error(
            "SECRET_KEY is not set. Set SECRET_KEY to a long random string "
            "(or DEBUG=1 for local development)."
        )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Before the admin: translated names of our content (docs/translations.md).
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "core",
    "careerpath",
    "skills",
    "careers",
    "django_countries",
    "allauth",
    "allauth.account",
    "accounts",
    "tracking",
    "salaries",
    "teams",
    "checkins",
    "planning",
    "dashboard",
    "ninja",
    "api",
    # After careerpath, whose `db_worker` (re-queuing imports a stopped worker left
    # unfinished) takes the place of this app's own.
    "django_tasks_db",
]

MIDDLEWARE = [
    # First: compresses every response as it finally leaves (padded against BREACH:
    # docs/benchmarks.md, "Compression").
    "django.middleware.gzip.GZipMiddleware",
    "api.middleware.json_errors_under_api",  # sees every response under /api/
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.language.language_cookie",  # a profile's language, set at sign-in and save
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "careerpath.middleware.permissions_policy",
    "careerpath.middleware.method_not_allowed_page",
]

# Browser features no page uses, switched off (careerpath/middleware.py).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

ROOT_URLCONF = "careerpath.urls"
WSGI_APPLICATION = "careerpath.wsgi.application"
ASGI_APPLICATION = "careerpath.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite by default, PostgreSQL (psycopg 3) through DATABASE_URL.
try:
    with warnings.catch_warnings():  # an unknown scheme is reported below, in one line
        warnings.simplefilter("ignore")
        DATABASES = {
            "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
        }
except Exception as exc:  # django-environ raises several kinds for a bad URL
    config_error(f"DATABASE_URL cannot be parsed ({exc}).")
if DATABASES["default"].get("ENGINE") not in {
    "django.db.backends.sqlite3",
    "django.db.backends.postgresql",
}:
    config_error("DATABASE_URL names an unknown database scheme; use sqlite:// or postgres://.")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Optional PostgreSQL read replica for lag-tolerant heavy reads (careerpath/db.py).
if env.str("DATABASE_REPLICA_URL", default=""):
    try:
        with warnings.catch_warnings():  # an unknown scheme is reported below, in one line
            warnings.simplefilter("ignore")
            DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    except Exception as exc:
        config_error(f"DATABASE_REPLICA_URL cannot be parsed ({exc}).")
    if DATABASES["replica"].get("ENGINE") != DATABASES["default"]["ENGINE"]:
        config_error("DATABASE_REPLICA_URL must name the same kind of database as DATABASE_URL.")
    DATABASES["replica"].update(
        CONN_MAX_AGE=DATABASES["default"].get("CONN_MAX_AGE", 0),
        CONN_HEALTH_CHECKS=DATABASES["default"].get("CONN_HEALTH_CHECKS", False),
        TEST={"MIRROR": "default"},
    )
    DATABASE_ROUTERS = ["careerpath.db.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: local memory by default, Redis through CACHE_URL or REDIS_URL.
CACHE_URL = env.str("CACHE_URL", default="") or env.str("REDIS_URL", default="")
if CACHE_URL:
    try:
        CACHES = {"default": env.cache_url_config(CACHE_URL)}
    except Exception as exc:
        config_error(f"CACHE_URL cannot be parsed ({exc}).")
    if CACHES["default"]["BACKEND"].endswith("RedisCache"):
        # Django's built-in Redis backend, keeping its client (careerpath/cache.py).
        CACHES["default"]["BACKEND"] = "careerpath.cache.RedisCache"
    # django-environ lower-cases Django's own options for the Redis backend
    # (`?key_prefix=cp&timeout=600`), where Django only reads them upper-case.
    for _option in ("KEY_PREFIX", "TIMEOUT", "VERSION", "KEY_FUNCTION"):
        if _option.lower() in CACHES["default"]:
            CACHES["default"][_option] = CACHES["default"].pop(_option.lower())
else:
    # Local memory, per process; room for every page and row of a busy site's day
    # (Django's default of 300 entries would keep evicting them).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

# Sessions: web processes keep no state of their own (docs/scaling.md). With a shared
# cache, sessions are read from it and written through to the database, so losing the
# cache signs nobody out; with a per-process (local-memory) or no cache they live in the
# database only, since a per-process copy would outlive a sign-out made in another process.
SHARED_CACHE = CACHES["default"]["BACKEND"] not in {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if SHARED_CACHE
    else "django.contrib.sessions.backends.db"
)
# Whole pages and computations (salary statistics) kept in the cache under the versions
# of the data they read (core/versions.py, kept in the database): safe in a per-process
# cache too, so on by default whatever the cache. The timeout only bounds how long an
# unused entry takes room: entries are never stale.
PAGE_CACHE = env.bool("PAGE_CACHE", default=True)
CACHED_TIMEOUT = env_int("CACHED_TIMEOUT", 3600)

# Email: the console by default, SMTP (or any backend) through EMAIL_URL.
# django-environ parses the URL into EMAIL_* names; Django 6.1 wants them as MAILERS.
try:
    _email = env.email_url("EMAIL_URL", default="consolemail://")
except Exception as exc:
    config_error(f"EMAIL_URL cannot be parsed ({exc}).")
_email_options = {
    "host": _email.get("EMAIL_HOST"),
    "port": _email.get("EMAIL_PORT"),
    "username": _email.get("EMAIL_HOST_USER"),
    "password": _email.get("EMAIL_HOST_PASSWORD"),
    "use_tls": _email.get("EMAIL_USE_TLS"),
    "use_ssl": _email.get("EMAIL_USE_SSL"),
}
# Every message is handed to a task (accounts/mail.py), which delivers it through the
# `delivery` mailer: a slow or unreachable mail server never holds up a request.
MAILERS = {
    "default": {"BACKEND": "accounts.mail.TaskEmailBackend", "OPTIONS": {"mailer": "delivery"}},
    "delivery": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": (
            {k: v for k, v in _email_options.items() if v not in (None, "", False)}
            if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
            else {}
        ),
    },
}
# Without EMAIL_URL, mail (password resets) goes to the log, as docs/interface.md promises;
# README.md tells operators to set EMAIL_URL, so Django's warning about it is not repeated.
SILENCED_SYSTEM_CHECKS = [] if env.str("EMAIL_URL", default="") else ["mail.E001"]
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Careerpath <careerpath@localhost>")
# The site's address as people reach it, for links in mail sent without a request (the
# weekly digest, `send_digests`): e.g. https://careers.example.com. `make run`'s in
# development; none otherwise (the digest then refuses to send rather than link nowhere).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
if SITE_URL and not SITE_URL.startswith(("https://", "http://")):
    config_error(f"SITE_URL={SITE_URL!r} must start with https:// or http://.")

# Background tasks (Django's django.tasks). TASKS_BACKEND=immediate (the default) runs each
# task in the process that queues it, so `make run` needs nothing but Python;
# TASKS_BACKEND=database queues them in the database (django-tasks-db), in the queuing
# transaction, for `make worker` (`manage.py db_worker`) processes to run.
TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS_BACKEND = env.str("TASKS_BACKEND", default="immediate").strip().lower()
if TASKS_BACKEND not in TASK_BACKENDS:
    config_error(f"TASKS_BACKEND={TASKS_BACKEND!r} must be immediate or database.")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND]}}

# Accounts (django-allauth): sign in with email and password; the username is derived.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/dashboard/"
ACCOUNT_SIGNUP_REDIRECT_URL = "accounts:profile"  # a newcomer builds a profile first
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="optional").lower()
if ACCOUNT_EMAIL_VERIFICATION not in {"none", "optional", "mandatory"}:
    config_error(
        f"ACCOUNT_EMAIL_VERIFICATION={ACCOUNT_EMAIL_VERIFICATION!r} must be "
        "none, optional or mandatory."
    )
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Careerpath] "
# Lockout through allauth's rate limits (kept in the cache; see README "Accounts"):
# 5 failed sign-ins for one email address in 5 minutes lock it for the rest of the
# window, and 10 a minute from one address; a correct password inside the limit
# does not count against it.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/300s/key",
}
# Behind a reverse proxy every request comes from the proxy's address: name the header
# in which it passes the client's (docker/nginx.conf sets X-Real-IP, and docker-compose.yml
# sets this), so allauth's limits and the API's (api/throttling.py) count each client.
# Only set it when a proxy always overwrites that header, or clients could pick their own.
_client_ip_header = env.str("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", default="").strip()
if _client_ip_header and not re.fullmatch(r"[A-Za-z0-9-]+", _client_ip_header):
    config_error("ALLAUTH_TRUSTED_CLIENT_IP_HEADER must be a header name, e.g. X-Real-IP.")
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = _client_ip_header or None

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The interface in five languages (docs/translations.md): chosen from a profile's language,
# else the session (the footer's switch), else the browser's Accept-Language.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("de", _("German")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("ru", _("Russian")),
]
# Names of our content (tracks, levels, roadmaps, sections, skills) have a column per
# language; an untranslated name shows the English one.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["careerpath.formats"]  # our corrections to Django's locale formats
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "careerpath.storage.MinifiedStaticFilesStorage"
        )
    },
}

# In development WhiteNoise serves straight from the app folders, no collectstatic needed.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Security: on by default in production, each switchable for plain-HTTP self-hosting.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
_proxy_header = env.str("SECURE_PROXY_SSL_HEADER", default="HTTP_X_FORWARDED_PROTO,https")
if _proxy_header:
    _name, _, _value = _proxy_header.partition(",")
    if not _value:
        config_error("SECURE_PROXY_SSL_HEADER must look like HTTP_X_FORWARDED_PROTO,https.")
    SECURE_PROXY_SSL_HEADER = (_name.strip(), _value.strip())
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# A strict Content Security Policy: our own files only, no inline script or style.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# JSON API (api/): requests a minute per person or address; 0 turns the limit off.
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 600)
if API_RATE_LIMIT < 0:
    config_error(f"API_RATE_LIMIT={API_RATE_LIMIT} must be 0 (off) or a positive number.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
