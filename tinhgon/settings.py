"""One settings module, driven by environment variables with strict parsing.

TINHGON_ENV=production refuses to start without a real secret key, explicit allowed hosts and
an explicit database; development (the default) keeps everything on this machine.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def env_int(name: str, default: int, *, low: int, high: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise ImproperlyConfigured(f"{name} must be between {low} and {high}, not {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


ENVIRONMENT = os.environ.get("TINHGON_ENV", "development").strip().lower()
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"TINHGON_ENV must be 'development' or 'production', not {ENVIRONMENT!r}"
    )
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("TINHGON_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("TINHGON_DEBUG cannot be on when TINHGON_ENV=production")

DATA_DIR = Path(os.environ.get("TINHGON_DATA_DIR", PROJECT_DIR / "var"))


def _development_secret_key() -> str:
    # A random key per checkout, never a fixed one: sessions survive restarts, nothing is shared.
    path = DATA_DIR / "secret-key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("TINHGON_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("TINHGON_SECRET_KEY must be set in production")
    SECRET_KEY = _development_secret_key()
elif PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("TINHGON_SECRET_KEY must be at least 50 characters in production")

# The key that encrypts officials' identity numbers (tinhgon.staffing.protect): production
# needs its own, kept with the database's backups; development derives one from the secret key.
TINHGON_FIELD_KEY = os.environ.get("TINHGON_FIELD_KEY", "")
if not TINHGON_FIELD_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("TINHGON_FIELD_KEY must be set in production")
    TINHGON_FIELD_KEY = "development:" + SECRET_KEY
elif PRODUCTION and len(TINHGON_FIELD_KEY) < 32:
    raise ImproperlyConfigured("TINHGON_FIELD_KEY must be at least 32 characters in production")

ALLOWED_HOSTS = env_list("TINHGON_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
if PRODUCTION and (not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS):
    raise ImproperlyConfigured(
        "TINHGON_ALLOWED_HOSTS must list the served host names in production"
    )
CSRF_TRUSTED_ORIGINS = env_list("TINHGON_CSRF_TRUSTED_ORIGINS", [])
# The form security check's refusal in the user's language (Django's own page is English).
CSRF_FAILURE_VIEW = "tinhgon.core.views.csrf_failure"

if PRODUCTION and not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured("DATABASE_URL must be set in production")
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'tinhgon.sqlite3'}",
        conn_max_age=int(os.environ.get("TINHGON_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while an import writes; the pragmas are per connection.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        # One writer at a time: a writer waits up to 20 s for the others instead of failing
        # with "database is locked" after sqlite3's default 5 s (concurrent filings).
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "axes",
    "tinhgon.core",
    "tinhgon.workdays",
    "tinhgon.units",
    "tinhgon.carriers",
    "tinhgon.accounts",
    "tinhgon.publicservices",
    "tinhgon.staffing",
    "tinhgon.coordination",
    "tinhgon.integrity",
    "tinhgon.equipment",
    "tinhgon.commendations",
    "tinhgon.reports",
    "tinhgon.reorg",
    "tinhgon.operations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tinhgon.core.middleware.ApiErrorShapeMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tinhgon.urls"
WSGI_APPLICATION = "tinhgon.wsgi.application"

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
                "django.template.context_processors.i18n",
                "tinhgon.reorg.context_processors.plans",
                "tinhgon.publicservices.context_processors.dossiers",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Pages write 01/07/2025 and 10.040 in Vietnamese (tinhgon/formats); templates print ids in
# links and form values with |unlocalize, or 10040 would become "10.040" there too.
FORMAT_MODULE_PATH = ["tinhgon.formats"]
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("TINHGON_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("TINHGON_HSTS_SECONDS", 31_536_000, low=0, high=63_072_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TINHGON_LOG_LEVEL", "WARNING")},
}

# Whether the author of a reorganization plan may approve it too. Off by default: a second
# administrator approves; a small deployment with a single administrator turns it on.
TINHGON_PLAN_SELF_APPROVAL = env_bool("TINHGON_PLAN_SELF_APPROVAL", False)

# A plan that moves more records than this applies in batches of this many, each a short
# transaction, so that services keep answering while it runs (docs/benchmarks.md, continuity);
# on the pages such a plan applies outside the web request, its progress shown on the plan page.
TINHGON_APPLY_BATCH_ROWS = env_int("TINHGON_APPLY_BATCH_ROWS", 20_000, low=100, high=1_000_000)

# The authority named in the header of every page.
TINHGON_AUTHORITY = os.environ.get("TINHGON_AUTHORITY", "").strip() or "Ủy ban nhân dân tỉnh Sơn La"

# Date on which the 2025 two-tier local government took effect.
TINHGON_REFORM_DATE = "2025-07-01"

# --- Limits on what arrives (issue 7): uploads, request bodies, files on the command line. ---
# An uploaded or named plan file or spreadsheet may be at most this many bytes (10 MB: the
# national 2025 plan is about 1 MB as YAML); a larger one is refused (413, or one line and exit 1
# on the command line) before anything reads it (tinhgon.core.upload).
TINHGON_MAX_UPLOAD_BYTES = env_int(
    "TINHGON_MAX_UPLOAD_BYTES", 10_000_000, low=10_000, high=1_000_000_000
)
# A request body that is not a file upload (JSON, a form) may be at most 2.5 MB, Django's
# default, said here: the largest legitimate one, 10,000 decisions, is about 300 KB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Uploaded files above this size are spooled to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Refuse an oversized body by its Content-Length before the CSRF check or a view reads it; it
# sits inside ApiErrorShapeMiddleware, after authentication and the language are known.
MIDDLEWARE.append("tinhgon.core.upload.RequestSizeLimitMiddleware")

# --- Logins, passwords, tokens and the Content-Security-Policy -------------------------------

# Login throttling (django-axes): after TINHGON_LOGIN_FAILURE_LIMIT wrong passwords for one
# username from one address, that pair is refused for TINHGON_LOGIN_COOLOFF_MINUTES, the right
# password included. The count is kept in the database, so every server process shares it.
# API bearer tokens do not go through authenticate() and are not throttled by it.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("TINHGON_LOGIN_FAILURE_LIMIT", 5, low=1, high=100)
AXES_COOLOFF_TIME = dt.timedelta(
    minutes=env_int("TINHGON_LOGIN_COOLOFF_MINUTES", 15, low=1, high=7 * 24 * 60)
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The login page again, in Vietnamese, with the wait on top (tinhgon/accounts/views.py).
AXES_LOCKOUT_CALLABLE = "tinhgon.accounts.views.login_locked_out"
AXES_VERBOSE = False

# --- Public services' notifications and the national portal (issue 8) -----------------------

# Emails to applicants and officials (Django's mailers). Development prints them on the console
# of `tinhgon jobs run`; production sends them by SMTP; the tests keep them in memory.
# TINHGON_EMAIL_BACKEND: smtp, console, locmem, dummy, or a backend's dotted path.
_MAIL_BACKENDS = {
    name: f"django.core.mail.backends.{name}.EmailBackend"
    for name in ("smtp", "console", "locmem", "dummy")
}
_mail_backend = os.environ.get("TINHGON_EMAIL_BACKEND", "").strip() or (
    "smtp" if PRODUCTION else "console"
)
if "." not in _mail_backend and _mail_backend not in _MAIL_BACKENDS:
    raise ImproperlyConfigured(
        f"TINHGON_EMAIL_BACKEND must be one of {sorted(_MAIL_BACKENDS)} or a dotted path, "
        f"not {_mail_backend!r}"
    )
_smtp_options = {
    "host": os.environ.get("TINHGON_EMAIL_HOST", "localhost").strip(),
    "port": env_int("TINHGON_EMAIL_PORT", 25, low=1, high=65535),
    "username": os.environ.get("TINHGON_EMAIL_USER", ""),
    "password": os.environ.get("TINHGON_EMAIL_PASSWORD", ""),
    "use_tls": env_bool("TINHGON_EMAIL_TLS", False),
    "use_ssl": env_bool("TINHGON_EMAIL_SSL", False),
    # A mail server that does not answer must not hold the scheduled job for minutes.
    "timeout": env_int("TINHGON_EMAIL_TIMEOUT", 10, low=1, high=300),
}
if _smtp_options["use_tls"] and _smtp_options["use_ssl"]:
    raise ImproperlyConfigured("TINHGON_EMAIL_TLS and TINHGON_EMAIL_SSL cannot both be on")
MAILERS = {
    "default": {
        "BACKEND": _MAIL_BACKENDS.get(_mail_backend, _mail_backend),
        "OPTIONS": _smtp_options if _mail_backend == "smtp" else {},
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("TINHGON_EMAIL_FROM", "").strip() or "tinhgon@localhost"
SERVER_EMAIL = DEFAULT_FROM_EMAIL


def env_url(name: str, default: str) -> str:
    value = os.environ.get(name, default).strip().rstrip("/")
    if value and not value.startswith(("http://", "https://")):
        raise ImproperlyConfigured(f"{name} must be an http:// or https:// address, not {value!r}")
    return value


# Where this site is seen from outside: the tracking link in the applicants' emails.
TINHGON_SITE_URL = env_url("TINHGON_SITE_URL", "http://127.0.0.1:8000")
# The national portal's dossier-sync endpoint; empty: the outbox fills and nothing is sent.
TINHGON_PORTAL_URL = env_url("TINHGON_PORTAL_URL", "")
TINHGON_PORTAL_TOKEN = os.environ.get("TINHGON_PORTAL_TOKEN", "")
TINHGON_PORTAL_TIMEOUT = env_int("TINHGON_PORTAL_TIMEOUT", 10, low=1, high=120)
# Sent portal rows and emails are deleted this many days after sending (the emails hold the
# applicants' names and addresses; the lag indicator reads the last 7 days). Failed ones stay.
TINHGON_SENT_KEEP_DAYS = env_int("TINHGON_SENT_KEEP_DAYS", 90, low=8, high=3650)

# API tokens expire this many days after they are made (`tinhgon accounts token --days` for one).
TINHGON_TOKEN_DAYS = env_int("TINHGON_TOKEN_DAYS", 90, low=1, high=3650)

# Content-Security-Policy (Django's own): scripts, styles, images and requests from this site
# only, no inline script or style anywhere (docs/design.md), no plugins, never inside a frame.
# Injected markup therefore cannot run. /api/docs is ninja's Swagger page from its own static
# files: it needs nothing more (its settings travel in a JSON block, which is not run).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

if PRODUCTION:
    # A form posted from a plain-http origin would carry the session over the network in clear.
    if insecure := [o for o in CSRF_TRUSTED_ORIGINS if not o.startswith("https://")]:
        raise ImproperlyConfigured(
            f"TINHGON_CSRF_TRUSTED_ORIGINS must be https:// origins in production, not {insecure}"
        )
    # HSTS preloading binds every subdomain of the province's domain into browsers for months:
    # the province's network administrators decide it, not this application.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

# --- Documents of dossiers and the citizens' portal (issue 8) --------------------------------
# Uploaded documents live under MEDIA_ROOT/dossiers/<yyyy>/<mm>/ with random names. There is no
# MEDIA_URL route on purpose: a document is served only by the view that checks who asks (an
# official's scope, or the applicant's second factor). Back this folder up with the database.
MEDIA_ROOT = Path(os.environ.get("TINHGON_MEDIA_ROOT", DATA_DIR / "media"))
# One document may be at most this many bytes (5 MB: a few scanned pages); a dossier may hold
# at most TINHGON_DOCUMENT_MAX_FILES of them, filed and supplemented together. One submission
# is also bounded as a whole by TINHGON_MAX_UPLOAD_BYTES (the request).
TINHGON_DOCUMENT_MAX_BYTES = env_int(
    "TINHGON_DOCUMENT_MAX_BYTES", 5_000_000, low=10_000, high=100_000_000
)
TINHGON_DOCUMENT_MAX_FILES = env_int("TINHGON_DOCUMENT_MAX_FILES", 20, low=1, high=200)
# The province whose communes the portal offers to applicants.
TINHGON_PORTAL_PROVINCE = os.environ.get("TINHGON_PORTAL_PROVINCE", "").strip() or "Sơn La"
# Tracking a dossier by its code and the last four digits of the phone: after this many wrong
# pairs from one address, or for one code, within the window, both are refused until it ends.
# Counted in the database (core/throttle.py), shared by every server process.
TINHGON_TRACK_FAILURE_LIMIT = env_int("TINHGON_TRACK_FAILURE_LIMIT", 10, low=1, high=1000)
TINHGON_TRACK_WINDOW_MINUTES = env_int("TINHGON_TRACK_WINDOW_MINUTES", 15, low=1, high=24 * 60)
# New dossiers filed on the portal from one address in an hour (a desk's shared computer files
# several; a script filling the disk with uploads is stopped).
TINHGON_PORTAL_FILINGS_PER_HOUR = env_int("TINHGON_PORTAL_FILINGS_PER_HOUR", 30, low=1, high=10_000)
