"""Settings of the hub (trục liên thông), a service deployed on its own: its own database,
payload storage and operators, nothing shared with a VanThu deployment.

Every value comes from the environment (prefix VANTHU_HUB_) through the typed readers of
vanthu.settings_env; `python -m vanthu.hub serve --data-dir D` sets VANTHU_HUB_DATA_DIR.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from vanthu.settings_env import SettingError, env_bool, env_int, env_list, env_str

DATA_DIR = Path(env_str("VANTHU_HUB_DATA_DIR", "var-hub")).resolve()

DEBUG = env_bool("VANTHU_HUB_DEBUG", False)
SECRET_KEY = env_str(
    "VANTHU_HUB_SECRET_KEY", "dev-only-insecure-hub-key-change-me-in-production-0123456789"
)
if SECRET_KEY.startswith("dev-only") and env_bool("VANTHU_HUB_PRODUCTION", False):
    raise SettingError("VANTHU_HUB_SECRET_KEY must be set in production")
ALLOWED_HOSTS = env_list("VANTHU_HUB_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("VANTHU_HUB_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "vanthu.hub",
]

# The API views are csrf_exempt and never touch the session; the session, CSRF and
# authentication middlewares are lazy for them (a few attribute look-ups per request) and
# serve the operator pages.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "vanthu.hub.urls"
WSGI_APPLICATION = "vanthu.hub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vanthu.hub.operator.hub_context",
            ],
        },
    }
]

DATABASE_URL = env_str("VANTHU_HUB_DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=600)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "hub.sqlite3"),
            # The hub answers OK only once the package is committed: synchronous=FULL makes
            # that commit survive a power cut, not just a process kill. IMMEDIATE takes the
            # write lock at BEGIN, so concurrent senders queue instead of failing half-way.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "hub:login"
LOGIN_REDIRECT_URL = "hub:operator"
LOGOUT_REDIRECT_URL = "hub:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "vi"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# Payloads: "local" keeps them under DATA_DIR/packages; "s3" in an S3-compatible bucket
# (s3.py), uploads still spooled under HUB_PACKAGE_DIR/tmp. Anything else, or s3 without a
# bucket, stops the process at start rather than silently storing on local disk.
HUB_STORAGE = env_str("VANTHU_HUB_STORAGE", "local")
HUB_S3_ENDPOINT_URL = env_str("VANTHU_HUB_S3_ENDPOINT_URL", "")
HUB_S3_BUCKET = env_str("VANTHU_HUB_S3_BUCKET", "")
HUB_S3_ACCESS_KEY = env_str("VANTHU_HUB_S3_ACCESS_KEY", "")
HUB_S3_SECRET_KEY = env_str("VANTHU_HUB_S3_SECRET_KEY", "")
HUB_S3_REGION = env_str("VANTHU_HUB_S3_REGION", "us-east-1")
HUB_S3_PREFIX = env_str("VANTHU_HUB_S3_PREFIX", "packages/")
if HUB_STORAGE not in ("local", "s3"):
    raise SettingError("VANTHU_HUB_STORAGE must be 'local' or 's3'")
if HUB_STORAGE == "s3" and not HUB_S3_BUCKET:
    raise SettingError("VANTHU_HUB_STORAGE=s3 needs VANTHU_HUB_S3_BUCKET")
HUB_PACKAGE_DIR = Path(env_str("VANTHU_HUB_PACKAGE_DIR", str(DATA_DIR / "packages")))
HUB_MAX_PACKAGE_BYTES = env_int("VANTHU_HUB_MAX_PACKAGE_MB", 50, minimum=1) * 1024 * 1024
# The hub's own mã định danh, written in the TraceHeader it appends to what it delivers.
HUB_ORGAN_ID = env_str("VANTHU_HUB_ORGAN_ID", "000.00.00.G22")
# Federation: this hub is itself a connected system of an upstream (national) hub.
HUB_UPSTREAM_URL = env_str("VANTHU_HUB_UPSTREAM_URL", "")
HUB_UPSTREAM_SYSTEM_ID = env_str("VANTHU_HUB_UPSTREAM_SYSTEM_ID", "")
HUB_UPSTREAM_SECRET = env_str("VANTHU_HUB_UPSTREAM_SECRET", "")
if HUB_UPSTREAM_URL and not (HUB_UPSTREAM_SYSTEM_ID and HUB_UPSTREAM_SECRET):
    raise SettingError(
        "VANTHU_HUB_UPSTREAM_URL needs VANTHU_HUB_UPSTREAM_SYSTEM_ID and VANTHU_HUB_UPSTREAM_SECRET"
    )
# Rejected requests kept for the operator page; older rows are pruned.
HUB_REJECTION_LOG_SIZE = env_int("VANTHU_HUB_REJECTION_LOG_SIZE", 10000, minimum=100)

# Django reads the request body into memory below this size and spools above it; the hub's
# own upload handler streams file_doc to storage whatever its size (see uploads.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_NAME = "vanthu_hub_session"
CSRF_COOKIE_NAME = "vanthu_hub_csrftoken"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("VANTHU_HUB_LOG_LEVEL", "WARNING")},
}
