"""Settings for Anze, read from environment variables (see README "配置").

One module for every environment: development defaults are safe on a laptop, and production
(``ANZE_DEBUG`` unset or 0) refuses to start without a secret key and allowed hosts, and passes
``manage.py check --deploy``.
"""

from __future__ import annotations

import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


# --- state: everything the system writes lives under one directory ---------------------------------------
VAR_DIR = Path(env_str("ANZE_VAR_DIR", str(BASE_DIR / "var"))).resolve()
MEDIA_ROOT = VAR_DIR / "files"  # private: never served directly, only through permission-checked views
LOG_DIR = VAR_DIR / "logs"
for _dir in (VAR_DIR, MEDIA_ROOT, LOG_DIR):
    _dir.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("ANZE_DEBUG", False)
TESTING = env_bool("ANZE_TESTING", False) or "pytest" in sys.modules


def _secret_key() -> str:
    key = env_str("ANZE_SECRET_KEY")
    if key:
        return key
    if not DEBUG and not TESTING:
        raise ImproperlyConfigured("生产环境必须设置 ANZE_SECRET_KEY (set ANZE_SECRET_KEY in production)")
    # Development and tests: a random key generated once and kept under var/.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list(
    "ANZE_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG or TESTING else []
)
CSRF_TRUSTED_ORIGINS = env_list("ANZE_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "auditlog",
    "anze.core",
    "anze.basedata",
    "anze.accounts",
    "anze.audit",
    "anze.documents",
    "anze.notifications",
    "anze.downloads",
    "anze.imports",
    "anze.orders",
    "anze.policies",
    "anze.regulator",
    "anze.portal",  # before prevention: the enterprise's order cards come first on its home page
    "anze.prevention",
    "anze.endorsements",
    "anze.claims",
    "anze.platform_admin",
    "anze.api",  # the open API at /api/v1/ (django-ninja) and 系统管理 › 接口密钥
    "ninja",  # its docs page served from its own static files (swagger-ui), never a CDN
    "anze.manual",  # 操作手册: `make manual` and the 帮助 pages
]

MIDDLEWARE = [
    "anze.core.logging.RequestLogMiddleware",  # first: the request id and log context cover everything
    "django.middleware.security.SecurityMiddleware",
    "anze.core.middleware.ForwardedForMiddleware",
    "anze.core.middleware.ContentSecurityPolicyMiddleware",  # before XFrameOptionsMiddleware: reads its header
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "anze.accounts.middleware.IdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "anze.core.middleware.SideMiddleware",
    "anze.portal.middleware.EnterpriseVerificationMiddleware",  # 企业认证: a 待认证 account sees only that page
    "anze.core.middleware.AuditlogMiddleware",  # reads the address with anze.core.clientip
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# The common widgets written in Python, the rest through Django's widget templates (anze/core/renderers.py).
FORM_RENDERER = "anze.core.renderers.FastWidgetRenderer"
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
                "anze.core.context_processors.shell",
            ],
            "builtins": ["anze.core.templatetags.anze"],
        },
    }
]

# --- database ------------------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    # Chinese trigram search needs a UTF-8 ctype; template0 lets the test database choose its own.
    DATABASES["default"]["TEST"] = {"TEMPLATE": "template0", "CHARSET": "UTF8"}
    if TESTING:
        # A test database is thrown away: its commits need not wait for the disk (the migrations that make it,
        # the transactional tests and their emptying commit hundreds of times per worker).
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": {
                # IMMEDIATE: a writer takes the lock at BEGIN, so concurrent read-then-write transactions
                # queue instead of failing with "database is locked" (docs/spec/PERFORMANCE-NOTES.md).
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # mmap: reads come from the operating system's page cache without a copy per page; a
                # two-character search that looks up 8,000 scattered rows of a 1 GB file took 24 ms instead
                # of 44 ms (the file beyond ANZE_SQLITE_MMAP_MB is read as usual).
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                f"PRAGMA mmap_size={env_int('ANZE_SQLITE_MMAP_MB', 1024) * 1024 * 1024};",
            },
            # A file, not :memory:, so that threads in the concurrency tests share one database; one per
            # test process, so that two test runs on one machine do not share it.
            "TEST": {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache and sessions -----------------------------------------------------------------------------------
REDIS_URL = env_str("ANZE_REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

SESSION_IDLE_SECONDS = env_int("ANZE_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS  # refreshed by IdleTimeoutMiddleware while the user is active
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- authentication -----------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "anze.accounts.backends.OrganisationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is slow by design (~60 ms a hash): tests hash with MD5 and still read Argon2 hashes. The tests of
    # hashing itself put Argon2 first again (accounts/tests/test_auth.py).
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "anze.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "anze.accounts.passwords.LettersAndDigitsValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "name")},
    },
]
LOGIN_URL = "landing"

# django-axes: 5 failures for one login name from one IP lock that pair for 10 minutes.
AXES_FAILURE_LIMIT = env_int("ANZE_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ANZE_LOGIN_LOCK_MINUTES", 10))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# A right password clears that account's failures from that address inside the sign-in's lock
# (anze.accounts.throttle), not at login() as axes' AXES_RESET_ON_SUCCESS would, after the lock is released.
AXES_RESET_ON_SUCCESS = False
# A try during the lock-out is refused without a comparison and does not restart the minutes, so the message
# can say how many are left (anze.accounts.throttle).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_DISABLE_ACCESS_LOG = True  # the tenant-scoped 登录日志 is anze.audit.LoginLog
AXES_ENABLE_ADMIN = False
# 电子保单验真 (/verify/): 10 failed lookups from one address within 10 minutes refuse further ones (HTTP 429).
VERIFY_FAILURE_LIMIT = 10
# Lists over a whole region (the regulator's): rows counted past a page's start, at most (共 10000+ 条).
LIST_COUNT_LIMIT = env_int("ANZE_LIST_COUNT_LIMIT", 10_000)
VERIFY_FAILURE_WINDOW_SECONDS = 600
AXES_LOCKOUT_CALLABLE = "anze.accounts.views_auth.lockout_response"
AXES_USERNAME_CALLABLE = "anze.accounts.views_auth.axes_username"
AXES_CLIENT_IP_CALLABLE = "anze.core.clientip.client_ip"  # the one reader of the client's address

# --- reverse proxy ----------------------------------------------------------------------------------------
# ANZE_PROXY_COUNT=N: the site runs behind N reverse proxies. The client's address is then read from
# X-Forwarded-For (anze/core/clientip.py: lock-out, SMS quota, login and audit logs), and the proxy's
# X-Forwarded-Proto says whether the request came over HTTPS. ANZE_BEHIND_PROXY=1 is the old, deprecated
# spelling of ANZE_PROXY_COUNT=1 (a system check says so). Unset in production: a warning (anze.W010).
BEHIND_PROXY_ALIAS = env_bool("ANZE_BEHIND_PROXY", False)
PROXY_COUNT = env_int("ANZE_PROXY_COUNT", 1 if BEHIND_PROXY_ALIAS else 0)
PROXY_COUNT_SET = bool(os.environ.get("ANZE_PROXY_COUNT")) or BEHIND_PROXY_ALIAS
if PROXY_COUNT < 0:
    raise ImproperlyConfigured("ANZE_PROXY_COUNT must be 0 or more")
if PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- files and uploads ---------------------------------------------------------------------------------------
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": "/nonexistent/", "file_permissions_mode": 0o600},
    },
    "staticfiles": {
        "BACKEND": "anze.core.staticfiles.StaticFilesStorage"
        if not (DEBUG or TESTING)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# ANZE_STORAGE=s3: every stored file in an S3-compatible bucket (SeaweedFS, MinIO, 阿里云 OSS, …), still private
# and served only through the permission-checked views (anze/documents/storage.py says how and why).
STORAGE_KIND = env_str("ANZE_STORAGE", "local")
if STORAGE_KIND == "s3":
    _s3_missing = [
        name
        for name in ("ANZE_S3_BUCKET", "ANZE_S3_ACCESS_KEY_ID", "ANZE_S3_SECRET_ACCESS_KEY")
        if not env_str(name)
    ]
    if _s3_missing:
        raise ImproperlyConfigured(f"ANZE_STORAGE=s3 needs {', '.join(_s3_missing)}")
    STORAGES["default"] = {
        "BACKEND": "anze.documents.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": env_str("ANZE_S3_BUCKET"),
            "endpoint_url": env_str("ANZE_S3_ENDPOINT_URL") or None,
            "access_key": env_str("ANZE_S3_ACCESS_KEY_ID"),
            "secret_key": env_str("ANZE_S3_SECRET_ACCESS_KEY"),
            "region_name": env_str("ANZE_S3_REGION") or None,
            "addressing_style": env_str("ANZE_S3_ADDRESSING_STYLE", "path"),
        },
    }
elif STORAGE_KIND != "local":
    raise ImproperlyConfigured("ANZE_STORAGE must be local or s3")
FILE_UPLOAD_HANDLERS = [
    "anze.documents.uploadhandlers.SizeLimitUploadHandler",  # first: stops storing a file past its limit
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_TEMP_DIR = None
UPLOAD_MAX_BYTES = 10 * 1024 * 1024  # 只能上传pdf文件，且不超过10mb
VIDEO_UPLOAD_MAX_BYTES = 200 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- static files ----------------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"  # collectstatic output (production)
STATIC_ROOT.mkdir(exist_ok=True)
NODE_MODULES = BASE_DIR / "node_modules"  # npm ci (package.json); only the files listed here are published
VENDOR_STATIC_FILES = {
    "vendor/tabler": (
        NODE_MODULES / "@tabler" / "core" / "dist",
        ["css/tabler.min.css", "css/tabler.min.css.map", "js/tabler.min.js", "js/tabler.min.js.map"],
    ),
    "vendor/tabler-icons": (
        NODE_MODULES / "@tabler" / "icons-webfont" / "dist",
        ["tabler-icons.min.css", *(f"fonts/tabler-icons.{ext}" for ext in ("woff2", "woff", "ttf"))],
    ),
    "vendor/echarts": (NODE_MODULES / "echarts" / "dist", ["echarts.min.js"]),
    # Alpine's CSP build: no eval, so the Content-Security-Policy needs no 'unsafe-eval'.
    "vendor/alpinejs": (NODE_MODULES / "@alpinejs" / "csp" / "dist", ["cdn.min.js"]),
    # The one date picker (anze/js/datepicker.js), with its Chinese locale.
    "vendor/flatpickr": (
        NODE_MODULES / "flatpickr" / "dist",
        ["flatpickr.min.css", "flatpickr.min.js", "l10n/zh.js"],
    ),
}
# 操作手册: written by `make manual` (anze/manual), served by the 帮助 pages (/help/).
MANUAL_DIR = BASE_DIR / "docs" / "manual"

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "anze.core.staticfiles.VendorFinder",
]
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# --- background tasks ------------------------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TESTING or env_str("ANZE_TASKS_BACKEND") == "immediate"
        else "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Operations: the worker's heartbeat and the thresholds of /readyz (anze/core/health.py), in seconds.
WORKER_HEARTBEAT_SECONDS = env_int("ANZE_WORKER_HEARTBEAT_SECONDS", 15)
HEALTH_HEARTBEAT_MAX_AGE_SECONDS = env_int("ANZE_HEALTH_HEARTBEAT_MAX_AGE", 90)
HEALTH_TASK_LAG_MAX_SECONDS = env_int("ANZE_HEALTH_TASK_LAG_MAX", 300)
HEALTH_SMS_PENDING_MAX_SECONDS = env_int("ANZE_HEALTH_SMS_PENDING_MAX", 900)

# --- exports (下载中心, anze.downloads) ----------------------------------------------------------------------------
# A list export of up to this many rows is built inside the request; a larger one (up to
# anze.core.exports.MAX_EXPORT_ROWS) by the worker, kept 24 hours in the 下载中心.
EXPORT_SYNC_ROWS = env_int("ANZE_EXPORT_SYNC_ROWS", 5000)
if EXPORT_SYNC_ROWS < 0:
    raise ImproperlyConfigured("ANZE_EXPORT_SYNC_ROWS must be 0 or more")
# How long a worker's claim on an export is trusted without a progress update: a worker killed mid-export
# leaves it to the sweep (exports_cleanup, sms_sweep) once this has passed, which builds it again.
EXPORT_LEASE_SECONDS = env_int("ANZE_EXPORT_LEASE_SECONDS", 600)
if EXPORT_LEASE_SECONDS < 1:
    raise ImproperlyConfigured("ANZE_EXPORT_LEASE_SECONDS must be 1 or more")

# --- SMS ----------------------------------------------------------------------------------------------------------
SMS_BACKEND = env_str("ANZE_SMS_BACKEND", "console")  # console | aliyun | tencent | file
SMS_SIGN_NAME = env_str("ANZE_SMS_SIGN_NAME", "安责险平台")
# The file backend (tests, rehearsals): one JSON line a message, shared by every process that names it.
SMS_FILE_PATH = env_str("ANZE_SMS_FILE_PATH", str(LOG_DIR / "sms-sent.jsonl"))
# How long a worker's claim on a message (status 发送中) is trusted: a worker killed mid-send leaves its message
# to the sweep (sms_sweep) once this has passed. Longer than any provider call (anze.notifications.sms).
SMS_SENDING_LEASE_SECONDS = env_int("ANZE_SMS_SENDING_LEASE_SECONDS", 300)
if SMS_SENDING_LEASE_SECONDS < 1:
    raise ImproperlyConfigured("ANZE_SMS_SENDING_LEASE_SECONDS must be 1 or more")
SMS_ALIYUN_ACCESS_KEY_ID = env_str("ANZE_SMS_ALIYUN_ACCESS_KEY_ID")
SMS_ALIYUN_ACCESS_KEY_SECRET = env_str("ANZE_SMS_ALIYUN_ACCESS_KEY_SECRET")
SMS_ALIYUN_TEMPLATE_CODE = env_str("ANZE_SMS_ALIYUN_TEMPLATE_CODE")
SMS_ALIYUN_ENDPOINT = env_str("ANZE_SMS_ALIYUN_ENDPOINT", "dysmsapi.aliyuncs.com")
SMS_TENCENT_SECRET_ID = env_str("ANZE_SMS_TENCENT_SECRET_ID")
SMS_TENCENT_SECRET_KEY = env_str("ANZE_SMS_TENCENT_SECRET_KEY")
SMS_TENCENT_SDK_APP_ID = env_str("ANZE_SMS_TENCENT_SDK_APP_ID")
SMS_TENCENT_TEMPLATE_ID = env_str("ANZE_SMS_TENCENT_TEMPLATE_ID")
SMS_TENCENT_REGION = env_str("ANZE_SMS_TENCENT_REGION", "ap-guangzhou")
SMS_TENCENT_ENDPOINT = env_str("ANZE_SMS_TENCENT_ENDPOINT", "sms.tencentcloudapi.com")

# --- open API and webhooks (anze/api, anze/notifications/webhooks.py) -----------------------------------------
# Calls per API key per minute; the next call in that minute gets 429 with Retry-After.
API_RATE_LIMIT_PER_MINUTE = env_int("ANZE_API_RATE_LIMIT_PER_MINUTE", 120)
# How long a POST's Idempotency-Key is remembered (its first answer replayed), in hours.
API_IDEMPOTENCY_HOURS = env_int("ANZE_API_IDEMPOTENCY_HOURS", 24)
# How long one webhook delivery may wait for the receiver's answer (connect and read), in seconds.
WEBHOOK_TIMEOUT_SECONDS = env_int("ANZE_WEBHOOK_TIMEOUT_SECONDS", 10)

# --- locale --------------------------------------------------------------------------------------------------------
# Every workflow action's reason (取消、驳回、拒绝、异议、复查不通过、延期 …): one limit (anze.core.workflow).
WORKFLOW_REASON_MAX_LENGTH = 500

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- security ------------------------------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"  # inline PDF previews opt in with @xframe_options_sameorigin
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
# Content-Security-Policy of every HTML page (anze.core.middleware.ContentSecurityPolicyMiddleware; Django 6
# reads the same setting): scripts only from our own static files — no inline script or handler, no eval
# (Alpine's CSP build, htmx's allowEval off). Styles keep 'unsafe-inline' for style="" attributes and the
# inline styles Tabler, Alpine's x-show and ECharts set.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],  # 'self' on the views marked @xframe_options_sameorigin
    "form-action": ["'self'"],
}
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env_bool("ANZE_SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # the load balancer probes over plain HTTP
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("ANZE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ANZE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("ANZE_HSTS_PRELOAD", True)
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("生产环境必须设置 ANZE_ALLOWED_HOSTS (comma-separated host names)")

# --- logging -------------------------------------------------------------------------------------------------------
# ANZE_LOG_FORMAT=json: one JSON object a line, with the request id, user, organisation, path, status and
# duration (anze/core/logging.py); plain (the default) for a developer's terminal.
LOG_FORMAT = env_str("ANZE_LOG_FORMAT", "plain").strip().lower()
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured("ANZE_LOG_FORMAT must be plain or json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "anze.core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT},
        "file": {
            "class": "logging.handlers.RotatingFileHandler",
            "filename": str(LOG_DIR / "anze.log"),
            "maxBytes": 10 * 1024 * 1024,
            "backupCount": 5,
            "formatter": LOG_FORMAT,
            "encoding": "utf-8",
        },
    },
    "root": {"handlers": ["console", "file"], "level": env_str("ANZE_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},  # its "logger bridge initialized" on every start
    },
}

# --- auditlog -------------------------------------------------------------------------------------------------------
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False
