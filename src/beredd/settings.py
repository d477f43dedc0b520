"""Beredd settings: one module, configured by environment variables (see README, "Configuration").

Development (the default) uses an embedded SQLite database under ``var/``. Production sets
``DJANGO_ENV=production`` and must supply ``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``DATABASE_URL``.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from beredd.core.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(env_str("BEREDD_VAR_DIR", str(REPO_DIR / "var")))

DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be development, test or production, not {DJANGO_ENV!r}")
PRODUCTION = DJANGO_ENV == "production"
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production")

_DEV_SECRET = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"
SECRET_KEY = env_secret("SECRET_KEY", None if PRODUCTION else _DEV_SECRET)
if PRODUCTION and (len(SECRET_KEY) < 50 or SECRET_KEY == _DEV_SECRET):
    raise ImproperlyConfigured("SECRET_KEY must be a random string of at least 50 characters in production")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required in production")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [f"https://{h}" for h in ALLOWED_HOSTS if h not in {"*"}])
SITE_URL = env_str("SITE_URL", f"https://{ALLOWED_HOSTS[0]}" if PRODUCTION else "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_htmx",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "beredd.core",
    "beredd.orgs",
    "beredd.accounts",
    "beredd.comms",
    "beredd.reporting",
    "beredd.register",
    "beredd.preparedness",
    "beredd.collab",
    "beredd.command",
    "beredd.api",
    "beredd.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "beredd.core.cache_headers.NoStoreMiddleware",  # after WhiteNoise: every page and download is no-store
    "beredd.core.middleware.AuditContextMiddleware",
    "beredd.core.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "beredd.accounts.middleware.RequireMfaMiddleware",
    "beredd.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "beredd.urls"
WSGI_APPLICATION = "beredd.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "beredd.accounts.context_processors.org_context",
                "beredd.command.context_processors.alert_banner",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
_default_db = "" if PRODUCTION else f"sqlite:///{VAR_DIR / 'beredd.sqlite3'}"
DATABASE_URL = env_secret("DATABASE_URL", _default_db) or _default_db
if not DATABASE_URL:
    raise ImproperlyConfigured("DATABASE_URL is required in production")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server, the task worker and tests read while one writes. Every transaction.atomic()
    # starts with BEGIN IMMEDIATE (it takes the write lock first, so it waits its turn under the busy timeout
    # instead of failing at once when a read transaction tries to become a write); the busy timeout is set both
    # by the driver and as a PRAGMA, for every connection of the web process, the task worker and commands.
    # Large register imports are written in short batches (register.services.importer) so no writer waits long.
    SQLITE_BUSY_TIMEOUT_S = env_int("SQLITE_BUSY_TIMEOUT", 20)
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000};"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": SQLITE_BUSY_TIMEOUT_S,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["TEST"] = {"NAME": env_str("SQLITE_TEST_NAME", "") or None}
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    _test_name = env_str("POSTGRES_TEST_NAME", "")
    if _test_name:
        DATABASES["default"]["TEST"] = {"NAME": _test_name}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Several app nodes (README "Production topology", deploy/) -----------------------------------
# A streaming replica for dashboards and exports; see core/replica.py for how freshness is kept.
DATABASE_REPLICA_URL = env_secret("DATABASE_REPLICA_URL", "")
DATABASE_REPLICA_PATHS = env_list(
    "DATABASE_REPLICA_PATHS",
    [
        r"^/lagesbild/tillfalle/\d+/$",
        r"^/lagesbild/tillfalle/\d+/fullstandighet/$",
        r"^/lagesbild/tillfalle/\d+/export/",
        r"^/api/v1/reporting/instances/\d+/rollup$",
    ],
)
DATABASE_REPLICA_MAX_LAG_SECONDS = env_int("DATABASE_REPLICA_MAX_LAG_SECONDS", 2)
DATABASE_REPLICA_PIN_SECONDS = env_int("DATABASE_REPLICA_PIN_SECONDS", 10)
DATABASE_REPLICA_RETRY_SECONDS = env_int("DATABASE_REPLICA_RETRY_SECONDS", 5)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["beredd.core.replica.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"), "beredd.core.replica.ReplicaReadMiddleware"
    )
# PostgreSQL may keep the API submit's own statements prepared (``core.prepared``): Django turns preparation off
# by default, and its ORM cursors bind on the client and never prepare, so this changes only those statements.
for _alias in DATABASES.values():
    if _alias["ENGINE"] == "django.db.backends.postgresql":
        _alias.setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)
# PgBouncer in transaction mode in front of PostgreSQL: no server-side cursors, no prepared statements.
if env_bool("DATABASE_POOLER_TRANSACTION_MODE", False):
    for _alias in DATABASES.values():
        _alias["DISABLE_SERVER_SIDE_CURSORS"] = True
        _alias.setdefault("OPTIONS", {})["prepare_threshold"] = None

# A shared cache (sessions, rate limits, roll-up fragments) for several app nodes: Redis when REDIS_URL is
# set; otherwise the database cache table in production (one machine) and local memory in development.
REDIS_URL = env_secret("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "beredd",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},
        }
    }
    # Sessions live in the cache with a database copy, so a Redis restart logs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": (
            {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "beredd_cache"}
            if PRODUCTION
            else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        )
    }

# --- Auth (django-allauth) ------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "beredd.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_REAUTHENTICATION_REQUIRED = False
# Password brute force is handled by accounts.login_throttle (per account and source, progressive delay);
# allauth's "login_failed" limit now only guards the second-factor step, which needs the password first.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "20/m/ip,10/15m/key",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_ADAPTER = "beredd.accounts.adapters.MfaAdapter"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
# Plain-HTTP localhost is a secure context for browsers; production always runs behind TLS.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION
MFA_TOTP_ISSUER = "Beredd"
# Sign-up is closed and every account comes from an invitation mailed to its address, so allauth's reason
# for refusing two-factor set-up while an unverified address exists (a squatter's sign-up) does not apply;
# refusing it would lock a MAS out of the set-up the RequireMfaMiddleware demands.
MFA_ALLOW_UNVERIFIED_EMAIL = True

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Security -------------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # The app sits behind a TLS-terminating reverse proxy which sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content-Security-Policy (django-csp 4): no inline scripts, no third-party origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- I18n -----------------------------------------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor", REPO_DIR / "node_modules" / "htmx.org" / "dist")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
# Finished background exports (site.exports): outside MEDIA_ROOT, handed out only after an access check. With
# several app nodes this directory is shared storage (the worker writes, any node serves the download).
EXPORT_ROOT = Path(env_str("EXPORT_ROOT", str(VAR_DIR / "exports")))
EXPORT_KEEP_DAYS = env_int("EXPORT_KEEP_DAYS", 7)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# --- E-mail ---------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Beredd <noreply@beredd.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Text messages (comms): the SMS adapter, a class with send_text(to, text). The shipped ones make no network call.
COMMS_SMS_BACKEND = env_str("COMMS_SMS_BACKEND", "beredd.comms.channels.FileSmsBackend")
# Where users report accessibility problems (shown in the accessibility statement, lag (2018:1937) 12 §).
ACCESSIBILITY_CONTACT_EMAIL = env_str("ACCESSIBILITY_CONTACT_EMAIL", "tillganglighet@beredd.localhost")

# --- Background tasks (django-tasks with its database backend) ------------------------------------
TASKS = {
    "default": {
        "BACKEND": env_str(
            "TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend" if DJANGO_ENV == "test" else "django_tasks_db.DatabaseBackend",
        )
    }
}

# The worker: /healthz answers 503 when a due task has waited longer than this for a worker to pick it up.
TASKS_MAX_PICKUP_DELAY_S = env_int("TASKS_MAX_PICKUP_DELAY", 300)

# --- API ------------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365)

# --- Register of vulnerable residents -------------------------------------------------------------
# Key for encrypting personnummer at rest and for the keyed search hash. Several keys may be given,
# newest first, separated by commas, so that a rotation can run without downtime.
REGISTER_KEYS = env_list(
    "REGISTER_KEYS",
    [] if PRODUCTION else ["ZGV2LW9ubHktcmVnaXN0ZXIta2V5LTAxMjM0NTY3ODk="],
)
if PRODUCTION and not REGISTER_KEYS:
    raise ImproperlyConfigured("REGISTER_KEYS is required in production")
REGISTER_RETENTION_DAYS = env_int("REGISTER_RETENTION_DAYS", 365)

# --- Logging: one JSON object per line in production, never personal data --------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "beredd.core.logging.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json" if PRODUCTION else "plain"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.security.DisallowedHost": {"level": "ERROR"},
    },
}

# --- Benchmarks only -------------------------------------------------------------------------------
# BEREDD_BENCH_ENDPOINTS=1 mounts /bench/floor (the ingest floor, beredd.site.bench) for `make bench`.
BENCH_ENDPOINTS = env_bool("BEREDD_BENCH_ENDPOINTS", False)
if BENCH_ENDPOINTS:
    if PRODUCTION:
        raise ImproperlyConfigured("BEREDD_BENCH_ENDPOINTS is for benchmark servers only, never in production")
    ROOT_URLCONF = "beredd.site.bench_urls"

SILENCED_SYSTEM_CHECKS: list[str] = []

if DJANGO_ENV == "test":
    # Hashing cost is irrelevant to what the tests prove and dominates their run time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
