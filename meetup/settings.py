"""Meetup settings, read from the environment (see the configuration table in README.md)."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
HTTPS = env_bool("DJANGO_HTTPS", True) and not DEBUG

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off. "
            "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    SECRET_KEY = "django-insecure-local-development-only-never-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "events.backoffice.apps.BackOfficeAdminConfig",  # django.contrib.admin, our home
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "core",
    "accounts",
    "events",
    "talks",
    "reports",
    "api",
    "imports",
    "meetup",
]

MIDDLEWARE = [
    # First: probes come with the pod IP as Host (meetup/health.py).
    "meetup.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "meetup.cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "meetup.middleware.DatabaseUnavailableMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "meetup.urls"
WSGI_APPLICATION = "meetup.wsgi.application"
ASGI_APPLICATION = "meetup.asgi.application"

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
                "meetup.context_processors.site",
            ],
        },
    },
]

# Database: SQLite is the embedded default; PostgreSQL in production.
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
# Connections per process: the server's concurrency (gunicorn gthread: --threads; sync: 1).
DB_POOL_MAX = max(1, int(os.environ.get("MEETUP_DB_POOL_MAX", "8")))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so the workflows' "lock, count,
        # decide, write" stays correct without row locks.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["OPTIONS"] = {
        # A lock that cannot be had in a few seconds becomes a friendly "busy" page.
        "options": "-c lock_timeout=5000 -c statement_timeout=30000",
        # One pool per process, as large as the requests the process serves at once
        # (MEETUP_DB_POOL_MAX: 1 for a gunicorn sync worker, its --threads for gthread), so a
        # rush queues for a connection instead of failing. A request waits up to
        # MEETUP_DB_POOL_TIMEOUT seconds; only a database that stays unreachable that long
        # gives the "try again" page, and /healthz answers 503 (bench/faults.py). Connections
        # are checked before use, so a restarted database is picked up again by itself.
        "pool": {
            "min_size": 1,
            "max_size": DB_POOL_MAX,
            "timeout": float(os.environ.get("MEETUP_DB_POOL_TIMEOUT", "30")),
        },
    }
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # older hashes, upgraded at log-in
]
# Django's and allauth's backends, reading the signed-in user from the cache (accounts/auth.py).
# Sessions made before record the stock paths, so they sign in again once.
AUTHENTICATION_BACKENDS = [
    "accounts.auth.CachedModelBackend",
    "accounts.auth.CachedAllauthBackend",
]

# django-allauth: verified e-mail, rate limits.
SITE_ID = 1
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_FORMS = {
    "signup": "accounts.forms.SignupForm",
    "login": "accounts.forms.LoginForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
}
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"  # mails enqueued, not sent in the request
ACCOUNT_USER_MODEL_USERNAME_FIELD = "nickname"
ACCOUNT_USERNAME_MIN_LENGTH = 3
ACCOUNT_USERNAME_VALIDATORS = "accounts.models.nickname_validators"
ACCOUNT_PRESERVE_USERNAME_CASING = True
# Signing in waits for a verified address. With enumeration prevention (allauth's default,
# stated here), signing up with an address that has an account looks exactly like a new sign-up:
# "we sent you a mail", and the owner gets an "account already exists" mail.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
LOGIN_URL = "account_login"

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One 24-hour time format in both languages (meetup/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["meetup.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Asia/Tokyo")

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads: a local folder (a volume shared by web and worker in compose), served by the web app
# under /media/ (meetup/media.py), or S3-compatible storage when MEETUP_S3_BUCKET is set.
MEDIA_ROOT = Path(os.environ.get("MEETUP_MEDIA_ROOT", "") or BASE_DIR / "media")
MEETUP_S3_BUCKET = os.environ.get("MEETUP_S3_BUCKET", "")
MEETUP_MEDIA_URL = os.environ.get("MEETUP_MEDIA_URL", "")  # a CDN in front of the uploads
if MEETUP_S3_BUCKET:
    _s3_options = {
        "bucket_name": MEETUP_S3_BUCKET,
        "endpoint_url": os.environ.get("MEETUP_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("MEETUP_S3_REGION") or None,
        "access_key": os.environ.get("MEETUP_S3_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("MEETUP_S3_SECRET_ACCESS_KEY") or None,
        "default_acl": None,
        "file_overwrite": False,
        "querystring_auth": not MEETUP_MEDIA_URL,  # a private bucket: signed links
        "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
    }
    if MEETUP_MEDIA_URL:
        _s3_options["custom_domain"] = MEETUP_MEDIA_URL.split("://", 1)[-1].rstrip("/")
        _s3_options["url_protocol"] = MEETUP_MEDIA_URL.split("://", 1)[0] + ":"
    _default_storage = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3_options}
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
MEDIA_URL = MEETUP_MEDIA_URL.rstrip("/") + "/" if MEETUP_MEDIA_URL else "/media/"
# The web app serves MEDIA_ROOT itself when uploads are local and no CDN is in front.
MEETUP_SERVE_MEDIA = not MEETUP_S3_BUCKET and not MEETUP_MEDIA_URL
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when configured (shared by every web process), else the database.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        # django-redis keeps one client per process; Django's own backend builds a new client
        # (and its table of ~300 response callbacks) on every call: half of a cached page hit.
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "meetup_cache",
        }
    }

# Background work: the database queue in production, run at once in development and tests.
TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.immediate.ImmediateBackend"
            if DEBUG
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

# E-mail: the console in development (and when no EMAIL_HOST is set), SMTP in production.
_email_host = os.environ.get("EMAIL_HOST", "")
if _email_host and not DEBUG:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 20,
            },
        }
    }
else:
    # Printed decoded (Django's console backend shows base64), so links can be copied.
    MAILERS = {"default": {"BACKEND": "core.consolemail.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Meetup <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers. CSP with nonces, no unsafe-inline anywhere.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
EMBED_FRAME_HOSTS = [
    "https://www.youtube-nocookie.com",
    "https://player.vimeo.com",
    "https://docs.google.com",
]
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-src": EMBED_FRAME_HOSTS,
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
SESSION_COOKIE_HTTPONLY = True
# Read from the cache (one Redis GET, not a query per request), written through to the database
# so that sessions outlive a cache restart; Django's cached_db, surviving a cache that is away.
SESSION_ENGINE = "accounts.sessions"
CSRF_COOKIE_HTTPONLY = False  # htmx reads no cookie; the token travels in hx-headers
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading is hard to undo (every subdomain, for months): only when asked for.
    SECURE_HSTS_PRELOAD = env_bool("MEETUP_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Not preloading is this project's default, not an oversight: no warning for it.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Secret-token URLs (calendar, check-in, unsubscribe, reset keys) never reach the logs.
    "filters": {"redact_tokens": {"()": "meetup.logredact.RedactTokensFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]},
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# The public origin of every absolute link (mail, feeds, calendars, sitemaps, API, QR codes)
# and the name shown in mail: core/siteurl.py. check --deploy warns when the origin is unset.
MEETUP_SITE_URL = os.environ.get("MEETUP_SITE_URL", "").strip().rstrip("/")
MEETUP_SITE_NAME = os.environ.get("MEETUP_SITE_NAME", "").strip() or "Meetup"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if MEETUP_SITE_URL.startswith("https:") else "http"

# Reverse proxies whose X-Forwarded-For names the client (core/clientip.py): addresses or
# networks, comma-separated. Empty: the connection's peer is the client.
MEETUP_TRUSTED_PROXIES = env_list("MEETUP_TRUSTED_PROXIES")
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SECURE = HTTPS

# Anonymous readers of public pages get a cached copy for this many seconds (0 turns it off).
MEETUP_ANONYMOUS_CACHE_SECONDS = 15

# Per-user limits on attendees' actions, counted in the cache (core/ratelimit.py): at most
# N per second/minute/hour/day ("30/m"). Generous: a person never meets them, a script does.
MEETUP_RATE_LIMITS = {
    "apply": os.environ.get("MEETUP_RATE_APPLY", "30/m"),
    "cancel": os.environ.get("MEETUP_RATE_CANCEL", "30/m"),
}

# The public API: open without keys (off by default), and its rate limit per key (per address
# when open): a sustained rate in requests per second with a small burst.
MEETUP_API_OPEN = env_bool("MEETUP_API_OPEN", False)
MEETUP_API_RATE = float(os.environ.get("MEETUP_API_RATE", "1"))
MEETUP_API_BURST = int(os.environ.get("MEETUP_API_BURST", "5"))

# Importing a community's history from connpass (manage.py import_connpass, or the back office).
CONNPASS_API_KEY = os.environ.get("CONNPASS_API_KEY", "")
CONNPASS_IMPORT_INTERVAL = float(os.environ.get("CONNPASS_IMPORT_INTERVAL", "1"))
