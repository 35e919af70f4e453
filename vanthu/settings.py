"""Django settings for VanThu.

Every value comes from the environment through the typed helpers in settings_env, with a
safe development default: SQLite (WAL) in ./var, files on local disk, tasks in the database.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from vanthu.settings_env import SettingError, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VANTHU_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("VANTHU_DEBUG", False)
SECRET_KEY = env_str(
    "VANTHU_SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789"
)
if not DEBUG and SECRET_KEY.startswith("dev-only") and env_bool("VANTHU_PRODUCTION", False):
    raise SettingError("VANTHU_SECRET_KEY must be set in production")
ALLOWED_HOSTS = env_list("VANTHU_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("VANTHU_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks_db",
    "vanthu.audit",
    "vanthu.directory",
    "vanthu.documents",
    "vanthu.exchange",
    "vanthu.signing",
    "vanthu.reports",
    "vanthu.holidays",
    "vanthu.processing",
    "vanthu.workfiles",
    "vanthu.circuits",
    "vanthu.notifications",
    "vanthu.schedule",
    "vanthu.monitoring",
    "vanthu.delegation",
    "vanthu.recalls",
    "vanthu.demo",
    "vanthu.api",
    "vanthu.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "vanthu.audit.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "vanthu.urls"
WSGI_APPLICATION = "vanthu.wsgi.application"

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
                "vanthu.web.context.navigation",
            ],
        },
    }
]

DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        INSTALLED_APPS.append("django.contrib.postgres")
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("VANTHU_SQLITE_PATH", str(VAR_DIR / "vanthu.sqlite3")),
            # WAL lets the web process read while the worker writes; IMMEDIATE makes a
            # write transaction take the lock at BEGIN, so two issuers queue instead of
            # failing with "database is locked" half-way through.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            "TEST": {"NAME": env_str("VANTHU_SQLITE_TEST_PATH", "") or None},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (Index.include) are a PostgreSQL optimisation; SQLite simply builds the
# index without the included columns, which is what we want there.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
AUTH_USER_MODEL = "directory.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Lockout after repeated failed logins (see directory.actions.authenticate_with_lockout).
LOGIN_MAX_FAILURES = env_int("VANTHU_LOGIN_MAX_FAILURES", 5, minimum=1)
LOGIN_LOCKOUT_MINUTES = env_int("VANTHU_LOGIN_LOCKOUT_MINUTES", 15, minimum=1)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "vanthu" / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# WhiteNoise serves from here after collectstatic (and from the finders before it).
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(env_str("VANTHU_MEDIA_ROOT", str(VAR_DIR / "files")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Uploads: the limit is checked by documents.files before anything is stored.
VANTHU_MAX_UPLOAD_BYTES = env_int("VANTHU_MAX_UPLOAD_MB", 50, minimum=1) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# PEM files of the root and intermediate CAs trusted when verifying signed PDFs.
VANTHU_TRUST_ROOTS = env_list("VANTHU_TRUST_ROOTS", [])
# RFC 3161 time-stamping service; empty → signatures are PAdES B-B.
VANTHU_TSA_URL = env_str("VANTHU_TSA_URL", "")
# "B-B" | "B-T" | "B-LTA"; empty → B-T when a TSA is configured, else B-B.
VANTHU_SIGNATURE_LEVEL = env_str("VANTHU_SIGNATURE_LEVEL", "").upper()
if VANTHU_SIGNATURE_LEVEL not in ("", "B-B", "B-T", "B-LTA"):
    raise SettingError("VANTHU_SIGNATURE_LEVEL must be B-B, B-T or B-LTA")
if VANTHU_SIGNATURE_LEVEL in ("B-T", "B-LTA") and not VANTHU_TSA_URL:
    raise SettingError(f"VANTHU_SIGNATURE_LEVEL={VANTHU_SIGNATURE_LEVEL} needs VANTHU_TSA_URL")
# CRL/OCSP checking: soft-fail (revoked fails, unreachable responder does not), hard-fail, off.
VANTHU_REVOCATION_MODE = env_str("VANTHU_REVOCATION_MODE", "soft-fail")
if VANTHU_REVOCATION_MODE not in ("soft-fail", "hard-fail", "off"):
    raise SettingError("VANTHU_REVOCATION_MODE must be soft-fail, hard-fail or off")
# Notifications: e-mail is off until VANTHU_SMTP_HOST names an SMTP server; SMS is off until
# VANTHU_SMS_GATEWAY_URL is set. Failed sends are retried and shown on /thong-bao/quan-tri/.
VANTHU_SMTP_HOST = env_str("VANTHU_SMTP_HOST", "")
VANTHU_EMAIL_ENABLED = bool(VANTHU_SMTP_HOST)
_SMTP_STARTTLS = env_bool("VANTHU_SMTP_STARTTLS", False)
_SMTP_SSL = env_bool("VANTHU_SMTP_SSL", False)
if _SMTP_STARTTLS and _SMTP_SSL:
    raise SettingError("VANTHU_SMTP_STARTTLS and VANTHU_SMTP_SSL cannot both be true")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": VANTHU_SMTP_HOST or "localhost",
            "port": env_int("VANTHU_SMTP_PORT", 25, minimum=1),
            "username": env_str("VANTHU_SMTP_USER", ""),
            "password": env_str("VANTHU_SMTP_PASSWORD", ""),
            "use_tls": _SMTP_STARTTLS,
            "use_ssl": _SMTP_SSL,
            "timeout": env_int("VANTHU_SMTP_TIMEOUT", 20, minimum=1),
        },
    }
}
DEFAULT_FROM_EMAIL = env_str("VANTHU_MAIL_FROM", "VanThu <vanthu@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
VANTHU_SMS_GATEWAY = env_str("VANTHU_SMS_GATEWAY", "http-json")
VANTHU_SMS_GATEWAY_URL = env_str("VANTHU_SMS_GATEWAY_URL", "")
VANTHU_SMS_GATEWAY_TOKEN = env_str("VANTHU_SMS_GATEWAY_TOKEN", "")
VANTHU_SMS_TIMEOUT = env_int("VANTHU_SMS_TIMEOUT", 10, minimum=1)
VANTHU_NOTIFY_MAX_ATTEMPTS = env_int("VANTHU_NOTIFY_MAX_ATTEMPTS", 6, minimum=1)
VANTHU_NOTIFY_RETRY_BASE_SECONDS = env_int("VANTHU_NOTIFY_RETRY_BASE_SECONDS", 60, minimum=1)
# Where the signer's browser reaches the local signing agent (vanthu-signer) by default.
VANTHU_SIGNER_AGENT_URL = env_str("VANTHU_SIGNER_AGENT_URL", "http://127.0.0.1:8765")
# Public address printed in the QR code of issued PDFs (verification page /xac-thuc/).
VANTHU_PUBLIC_URL = env_str("VANTHU_PUBLIC_URL", "http://127.0.0.1:8000")
# Uploaded PKCS#12 files of server-held keys (0600 files in a 0700 directory).
VANTHU_KEY_DIR = Path(env_str("VANTHU_KEY_DIR", str(VAR_DIR / "keys")))
# PKCS#11 modules users may pick: loading a module runs its code inside the server, so the
# list is the operator's, never typed by a user.
VANTHU_PKCS11_MODULES = env_list("VANTHU_PKCS11_MODULES", ["/usr/lib/softhsm/libsofthsm2.so"])
# Remote signing services (CSC API v2 base URLs) users may register credentials with; the
# server sends its client secret only to these.
VANTHU_CSC_SERVICES = env_list("VANTHU_CSC_SERVICES", [])

# Inter-agency exchange over an axis (the national Trục liên thông or a provincial LGSP):
# the hub's base URL and this deployment's connected-system id and secret. Empty URL: only
# agencies of this deployment can be reached (local delivery).
VANTHU_HUB_URL = env_str("VANTHU_HUB_URL", "")
VANTHU_HUB_SYSTEM_ID = env_str("VANTHU_HUB_SYSTEM_ID", "")
VANTHU_HUB_SECRET = env_str("VANTHU_HUB_SECRET", "")
if VANTHU_HUB_URL and not (VANTHU_HUB_SYSTEM_ID and VANTHU_HUB_SECRET):
    raise SettingError("VANTHU_HUB_URL cần VANTHU_HUB_SYSTEM_ID và VANTHU_HUB_SECRET")
VANTHU_EXCHANGE_POLL_SECONDS = env_int("VANTHU_EXCHANGE_POLL_SECONDS", 15, minimum=1)

# LibreOffice converts .docx drafts to PDF for issuance.
VANTHU_SOFFICE = env_str("VANTHU_SOFFICE", "soffice")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if env_bool("VANTHU_TASKS_IMMEDIATE", False):
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# Two deployments on one host (the demo's province and ministry) need distinct cookie names:
# browsers keep cookies per host name, not per port.
SESSION_COOKIE_NAME = env_str("VANTHU_SESSION_COOKIE_NAME", "sessionid")
CSRF_COOKIE_NAME = env_str("VANTHU_CSRF_COOKIE_NAME", "csrftoken")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("VANTHU_LOG_LEVEL", "WARNING")},
    # pyHanko logs every failed certificate path with a traceback; the verdict already
    # carries the reason in Vietnamese.
    "loggers": {
        "pyhanko": {"level": "ERROR"},
        "pyhanko_certvalidator": {"level": "ERROR"},
    },
}
