"""Settings for the Respect and Unity compliance engine.

Everything is read from environment variables (see the README's table). One module
serves every environment: production differs only by DJANGO_ENV=production and the
variables it requires.
"""

import datetime as dt
import os
import tempfile
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

ENVIRONMENT = env.str("DJANGO_ENV", default="development")
PRODUCTION = ENVIRONMENT == "production"

if PRODUCTION:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set (50+ characters) when DJANGO_ENV=production.")
    DEBUG = env.bool("DJANGO_DEBUG", default=False)
    if DEBUG:
        raise ImproperlyConfigured("DJANGO_DEBUG must be off when DJANGO_ENV=production.")
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="insecure-development-key-not-for-production-use-0123456789")
    DEBUG = env.bool("DJANGO_DEBUG", default=True)

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "members.apps.ConductAdminConfig",  # django.contrib.admin with our admin site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "core",
    "audit",
    "conduct",
    "members",
    "complaints",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.ApiNoStoreMiddleware",
    # Redis unreachable (cache, throttles, lockouts, broker): 503 with Retry-After, not a 500.
    "core.unavailable.SharedStateUnavailableMiddleware",
    # Last, as django-axes requires: it turns a lockout found during login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the demo server and a management command share the file;
    # a 64 MiB page cache keeps a large upload's index updates in memory.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA cache_size=-65536;",
        }
    )
    # Tests use a file, not shared-cache memory, so that threads with their own connections
    # wait on the write lock (busy timeout) instead of failing with "table is locked".
    # One file per test process, so parallel runs never share it.
    DATABASES["default"]["TEST"] = {
        "NAME": env.str(
            "SQLITE_TEST_NAME", default=str(Path(tempfile.gettempdir()) / f"conduct-test-{os.getpid()}.sqlite3")
        )
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes refuses a locked-out username before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Second factor (django-otp, TOTP) for staff logins: enrolled at the first admin login, asked
# for after the password in the admin and as `otp` at the token endpoint. Always on in
# production; off by default in development and tests (the demo logins work with a password).
if PRODUCTION:
    CONDUCT_STAFF_2FA = env.bool("CONDUCT_STAFF_2FA", default=True)
    if not CONDUCT_STAFF_2FA:
        raise ImproperlyConfigured("CONDUCT_STAFF_2FA cannot be off when DJANGO_ENV=production.")
else:
    CONDUCT_STAFF_2FA = env.bool("CONDUCT_STAFF_2FA", default=False)
OTP_TOTP_ISSUER = "Respect and Unity"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Lockout (django-axes): LOGIN_FAILURE_LIMIT failed logins for one username, from any address,
# lock it for LOGIN_LOCKOUT_MINUTES, at the admin and the token endpoint alike. The counts sit
# in the shared cache. Per-address limits are the throttles' (THROTTLE_TOKEN, and the admin
# login uses the same rate): locking an address would lock out a whole office behind one NAT.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_CLIENT_IP_CALLABLE = "core.net.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a lockout ends when it said it would
AXES_LOCKOUT_CALLABLE = "members.logins.lockout_response"
AXES_ENABLE_ADMIN = False  # the cache handler keeps no attempt rows; the security log has them
AXES_VERBOSE = False
SILENCED_SYSTEM_CHECKS = ["axes.W006"]  # no lockout by address: see above

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Evidence files, exports and reports go through Django's storage API: the file system under
# MEDIA_ROOT by default, S3-compatible object storage (django-storages) when a bucket is named.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            # Evidence is never public: every read goes through the app, or a short-lived signed URL.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Request bodies: the bulk evidence limit is enforced by the upload view itself.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=33 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="compliance@party.example.org")

# Proxies in front of the app servers that append to X-Forwarded-For. With 0 the header is
# ignored (a client could write anything there); with N the client is the Nth address from
# the right. Throttles, lockouts and the security log all read it through core.net.client_ip.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# An API token is refused this long after it was issued; a password change revokes it at once.
TOKEN_LIFETIME_HOURS = env.int("TOKEN_LIFETIME_HOURS", default=12)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.authentication.ExpiringTokenAuthentication",
        "core.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "core.permissions.AuditorsReadOnly",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["core.filters.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "audit.api.exceptions.exception_handler",
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "filing": env.str("THROTTLE_FILING", default="30/hour"),
        "token": env.str("THROTTLE_TOKEN", default="20/minute"),
    },
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # ASCII-escaped JSON: an error message that echoes a lone surrogate still renders (400, not 500).
    "UNICODE_JSON": False,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Respect and Unity compliance engine",
    "DESCRIPTION": "Complaints, cases, due process and audit for the party's code of conduct.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DecisionOutcomeEnum": "complaints.models.Decision.Outcome",
        "AppealOutcomeEnum": "complaints.models.Appeal.Outcome",
        "DismissReasonEnum": "complaints.models.Case.DismissReason",
        "UploadJobStatusEnum": "complaints.models.UploadJob.Status",
        "CaseStatusEnum": "complaints.models.Case.Status",
    },
}

# Throttle and lockout counters must be shared by every process and app server: Redis when
# REDIS_URL is set, otherwise a table in the database (created by `migrate`, see core.apps).
# A per-process cache (locmem) would let each gunicorn worker count on its own.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "conduct_cache"}}
if PRODUCTION and any(
    c["BACKEND"].rsplit(".", 1)[0] in ("django.core.cache.backends.locmem", "django.core.cache.backends.dummy")
    for c in CACHES.values()
):
    raise ImproperlyConfigured("A per-process cache cannot hold throttles and lockouts in production.")

# Sessions (admin and browsable API logins) live in the database, so every app server sees them.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Background work (Celery; see config/celery.py and core/tasks.py) -------------
# With a broker, enqueued work and the schedule go to Celery workers; without one, tasks run in
# the process that enqueued them, after commit, and nothing needs Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_IGNORE_RESULT = True  # tasks write their results (rows, files); no result backend
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A message a worker took and never acknowledged (it was killed) is delivered again after this
# many seconds: it must exceed the longest task, or a slow task runs twice at once.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": max(1, min(10, CELERY_VISIBILITY_TIMEOUT // 5)),
    "unacked_restore_throttle": 1,
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# The clocks on a schedule (celery beat): reminders every SCHEDULE_REMINDERS_MINUTES, the daily
# clocks, retention and the chain's verification at fixed local times ("HH:MM", TIME_ZONE).
# Exactly one beat may run: it holds BEAT_LOCK_KEY in Redis while it does (config/celery.py).
BEAT_LOCK_KEY = env.str("BEAT_LOCK_KEY", default="conduct:beat-lock")
BEAT_LOCK_SECONDS = env.int("BEAT_LOCK_SECONDS", default=90)
CELERY_BEAT_SCHEDULER = "config.celery:SingleBeatScheduler"
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(Path(tempfile.gettempdir()) / "conduct-celerybeat-schedule")
)


def _daily(variable: str, default: str) -> crontab:
    hour, _, minute = env.str(variable, default=default).partition(":")
    return crontab(hour=int(hour), minute=int(minute or 0))


CELERY_BEAT_SCHEDULE = {
    "send-reminders": {
        "task": "complaints.tasks.reminders_send_task",
        "schedule": crontab(minute=f"*/{env.int('SCHEDULE_REMINDERS_MINUTES', default=15)}"),
    },
    "apply-clocks": {"task": "complaints.tasks.clocks_apply_task", "schedule": _daily("SCHEDULE_CLOCKS_AT", "01:00")},
    "apply-retention": {
        "task": "complaints.tasks.retention_apply_task",
        "schedule": _daily("SCHEDULE_RETENTION_AT", "02:00"),
    },
    "verify-audit": {"task": "audit.tasks.audit_verify_task", "schedule": _daily("SCHEDULE_VERIFY_AT", "03:00")},
    "audit-checkpoint": {
        "task": "audit.tasks.audit_checkpoint_task",
        "schedule": _daily("SCHEDULE_CHECKPOINT_AT", "03:30"),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # bagit logs a line per file it hashes: 25,000 lines for one police pack.
    "loggers": {"bagit": {"level": "WARNING"}},
}

# Content-Security-Policy on every page (the admin, the API docs, the browsable API): scripts
# and fonts only from our own static files, no inline script, no plugins, no framing. The
# docs page loads its start-up script from a URL (SpectacularSwaggerSplitView) for this
# reason. Inline styles stay allowed: the case admin, Swagger UI's page and DRF's browsable
# API carry style attributes and blocks, and a style cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- Security (production) -------------------------------------------------------
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

# --- Signed audit checkpoints (audit/signing.py) --------------------------------------
# The Ed25519 public keys a checkpoint's signature is checked against: base64 of the 32 raw
# bytes, comma-separated (an old key stays listed while its checkpoints do). The private key
# is never a setting: the signing process alone reads AUDIT_SIGNING_KEY_FILE or AUDIT_SIGNING_KEY.
AUDIT_PUBLIC_KEYS = env.list("AUDIT_PUBLIC_KEYS", default=[])

# --- Compliance clocks and limits (DESIGN.md §4 to §6); every number is a setting ----
CONDUCT = {
    "ACKNOWLEDGE_DAYS": env.int("CONDUCT_ACKNOWLEDGE_DAYS", default=7),
    "DECISION_DAYS": env.int("CONDUCT_DECISION_DAYS", default=90),
    "RESPONSE_DAYS": env.int("CONDUCT_RESPONSE_DAYS", default=14),
    "APPEAL_DAYS": env.int("CONDUCT_APPEAL_DAYS", default=21),
    "POLICE_REFERRAL_HOURS": env.int("CONDUCT_POLICE_REFERRAL_HOURS", default=24),
    "INTERIM_REVIEW_DAYS": env.int("CONDUCT_INTERIM_REVIEW_DAYS", default=28),
    "INTERIM_LONG_DAYS": env.int("CONDUCT_INTERIM_LONG_DAYS", default=183),
    "PANEL_SIZE_MINOR": env.int("CONDUCT_PANEL_SIZE_MINOR", default=1),
    "PANEL_SIZE_MAJOR": env.int("CONDUCT_PANEL_SIZE_MAJOR", default=3),
    "REJOIN_BAR_DAYS": env.int("CONDUCT_REJOIN_BAR_DAYS", default=5 * 365),
    "EVIDENCE_MAX_ITEMS": env.int("CONDUCT_EVIDENCE_MAX_ITEMS", default=50_000),
    "EVIDENCE_MAX_BYTES": env.int("CONDUCT_EVIDENCE_MAX_BYTES", default=32 * 1024 * 1024),
    # Past the two limits above, a multipart file up to this size is read in the background (202, a job).
    "EVIDENCE_JOB_MAX_BYTES": env.int("CONDUCT_EVIDENCE_JOB_MAX_BYTES", default=1024 * 1024 * 1024),
    # A ZIP of e-mails: its members, and the bytes they unpack to (a ZIP bomb stops there).
    "EVIDENCE_ZIP_MAX_MEMBERS": env.int("CONDUCT_EVIDENCE_ZIP_MAX_MEMBERS", default=50_000),
    "EVIDENCE_ZIP_MAX_BYTES": env.int("CONDUCT_EVIDENCE_ZIP_MAX_BYTES", default=64 * 1024 * 1024),
    # A native file attached to an item (screenshot, recording, PDF, e-mail).
    "EVIDENCE_FILE_MAX_BYTES": env.int("CONDUCT_EVIDENCE_FILE_MAX_BYTES", default=25 * 1024 * 1024),
    # Call logs: numbers without a country code are read as this region's (ISO 3166 code).
    "PHONE_REGION": env.str("CONDUCT_PHONE_REGION", default="GB"),
    # Evidence items one member may upload in an hour (staff are not limited).
    "MEMBER_UPLOAD_ITEMS_PER_HOUR": env.int("CONDUCT_MEMBER_UPLOAD_ITEMS_PER_HOUR", default=100_000),
    # A case's severity follows its volume too: this many items make it at least medium / high.
    "VOLUME_MEDIUM": env.int("CONDUCT_VOLUME_MEDIUM", default=10),
    "VOLUME_HIGH": env.int("CONDUCT_VOLUME_HIGH", default=100),
    # Coordinated campaign: near-identical texts from this many senders within this window...
    "CAMPAIGN_MIN_SENDERS": env.int("CONDUCT_CAMPAIGN_MIN_SENDERS", default=5),
    "CAMPAIGN_WINDOW_HOURS": env.int("CONDUCT_CAMPAIGN_WINDOW_HOURS", default=24),
    # ...and that window holds at least this share of all items with that text (a burst, not a common phrase).
    "CAMPAIGN_CONCENTRATION": env.float("CONDUCT_CAMPAIGN_CONCENTRATION", default=0.95),
    "STATS_SUPPRESS_BELOW": env.int("CONDUCT_STATS_SUPPRESS_BELOW", default=5),
    # Personal data of a complaint is anonymised this long after its last case closed.
    "RETENTION_DAYS": env.int("CONDUCT_RETENTION_DAYS", default=6 * 365),
    # Reminders go this long before a deadline, and once more when it has passed: hours before
    # a police-referral decision, days before every other deadline.
    "POLICE_REMINDER_LEADS_HOURS": env.list("CONDUCT_POLICE_REMINDER_LEADS_HOURS", cast=int, default=[12, 2]),
    "REMINDER_LEAD_DAYS": env.int("CONDUCT_REMINDER_LEAD_DAYS", default=2),
    # A newly found threat is e-mailed at once to these addresses; empty, to every active officer.
    "DUTY_OFFICER_EMAILS": env.list("CONDUCT_DUTY_OFFICER_EMAILS", default=[]),
    # ...and posted, signed, to this webhook (a pager service); off when empty. The secret is required with it.
    "THREAT_WEBHOOK_URL": env.str("CONDUCT_THREAT_WEBHOOK_URL", default=""),
    "THREAT_WEBHOOK_SECRET": env.str("CONDUCT_THREAT_WEBHOOK_SECRET", default=""),
    # Who the police contact about a police pack: written into every pack's bag-info.txt.
    "PARTY_CONTACT": env.str("CONDUCT_PARTY_CONTACT", default="Compliance Unit, compliance@party.example"),
}
