"""Settings for the CRM, read from the environment (django-environ).

With no environment at all the app runs on embedded defaults: a SQLite file
database, an in-process cache and a file-system Celery broker, so a fresh
machine needs nothing but Python. Setting ``DATABASE_URL`` switches to
PostgreSQL; setting ``REDIS_URL`` (or ``CELERY_BROKER_URL``) switches the cache
and the broker to Redis. See docs/operations.md ("Variables") for every variable.
"""

import ipaddress
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from django.utils.translation import gettext_lazy as _
from kombu import Queue

from crm.config import (
    database_config,
    development_base_url,
    map_tile_source,
    pgbouncer_options,
    replica_config,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("CRM_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

# A machine that configures a secret key is a real deployment: DEBUG is then off
# unless asked for, so forgetting DJANGO_DEBUG can never expose debug pages.
_HAS_SECRET = "DJANGO_SECRET_KEY" in env
DEBUG = env.bool("DJANGO_DEBUG", default=not _HAS_SECRET)
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY",
    default="dev-only-insecure-key-change-me-0123456789-abcdefghijklmnopqrstuvwxyz",
)
if not DEBUG and not _HAS_SECRET:
    raise environ.ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Before the admin, as django-modeltranslation asks: names per language (see "Names per
    # language" below).
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Third party
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "simple_history",
    "import_export",  # the admin's product import (analysis/admin.py)
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Ours
    "accounts",
    "clients",
    "visits",
    "complaints",
    "notifications",
    "surveys",
    "dashboards",
    "interactions",
    "performance",
    "api",
    "care",
    "datagen",
    "home",
    "analysis",
    "workdays",
    "sync",
    "inspections",
    "market",
    "documents",
    "rollups",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Read-your-writes with a replica: sees every write of the request (crm/replica.py).
    "crm.replica.ReplicaMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Under /api/, every error answers in the API's JSON shape.
    "api.errors.JsonErrorsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns lockouts into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "crm.urls"
WSGI_APPLICATION = "crm.wsgi.application"
ASGI_APPLICATION = "crm.asgi.application"

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
                "notifications.context_processors.inbox",
            ],
            # The project's own tags (crm is the project package, not an app).
            "libraries": {"crm_forms": "crm.templatetags.crm_forms", "crm_numbers": "crm.templatetags.crm_numbers"},
        },
    },
]

# --- Database --------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
# A malformed URL is one clear line (crm/config.py), not KeyError: 'ENGINE'.
DATABASES = {"default": database_config(env.str("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'crm.sqlite3'}"))}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if not DEBUG else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Development: web, worker and beat share one file. WAL lets pages read while a task
    # writes, and IMMEDIATE transactions take the write lock as they begin, so a second
    # writer waits for it (timeout) instead of failing with "database is locked" (SQLite
    # cannot make a transaction that has read wait for the write lock it asks for later).
    _sqlite = DATABASES["default"].setdefault("OPTIONS", {})
    _sqlite.setdefault("timeout", 20)
    _sqlite.setdefault("transaction_mode", "IMMEDIATE")
    _sqlite.setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL")
    # The visit logs' covering index (visits.VisitLog, visit_log_date) is for PostgreSQL;
    # SQLite builds it on the date alone, which is what development needs, so Django's
    # warning that the included columns are left out (models.W040) says nothing to act on.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # A database that does not answer fails fast (health checks, workers) instead of hanging.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    # Planner settings for the app's connections, each left unsent when empty (PgBouncer
    # refuses startup options unless told to ignore them):
    # - work_mem, memory for each sort or hash (PostgreSQL's default is 4 MB): a month of
    #   visits grouped by client for the company-wide dashboards then stays off the disk;
    # - random_page_cost (default 4, for spinning disks): on SSDs or a database held in memory
    #   an index lookup costs about what a sequential read does, so a manager's ~2,000 clients
    #   are joined to their warnings by index rather than by reading every warning.
    _db_settings = {
        "work_mem": env.str("CRM_DB_WORK_MEM", default="32MB"),
        "random_page_cost": env.str("CRM_DB_RANDOM_PAGE_COST", default="1.1"),
    }
    # Behind PgBouncer in transaction mode (CRM_PGBOUNCER=1), consecutive transactions of one
    # Django connection may run on different server connections: nothing may rely on a
    # server connection's session (crm/config.py, pgbouncer_options; docs/operations.md).
    if env.bool("CRM_PGBOUNCER", default=False):
        DATABASES["default"]["OPTIONS"] = pgbouncer_options(DATABASES["default"]["OPTIONS"])
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    elif db_options := " ".join(f"-c {name}={value}" for name, value in _db_settings.items() if value):
        DATABASES["default"]["OPTIONS"].setdefault("options", db_options)
# A streaming replica of the primary for the heavy reads (crm/replica.py): the same options,
# and in the tests a mirror of the test database (nothing to create, nothing to migrate).
if DATABASE_REPLICA_URL := env.str("DATABASE_REPLICA_URL", default=""):
    _replica = database_config(DATABASE_REPLICA_URL, "DATABASE_REPLICA_URL")
    DATABASES["replica"] = replica_config(DATABASES["default"], _replica)
    DATABASE_ROUTERS = ["crm.replica.ReplicaRouter"]
# How long a browser reads the primary after a request of its own wrote (read-your-writes).
CRM_REPLICA_STICKY_SECONDS = env.int("CRM_REPLICA_STICKY_SECONDS", default=10)
# Work whose reads decide what is written (the early warning) reads the primary when the
# replica is further behind than this (crm.replica.on_fresh_replica).
CRM_REPLICA_MAX_LAG_SECONDS = env.int("CRM_REPLICA_MAX_LAG_SECONDS", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery --------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, but an outage means misses, not errors (crm/cache.py).
            "BACKEND": "crm.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="crm"),
            # An unreachable Redis fails fast instead of holding a request or the beat.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    # Shared by the web, worker and beat processes (a per-process cache would not be).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            # It holds the sessions too: past 300 entries (Django's default) it would drop a
            # third of them at random, checked imports waiting for confirmation included.
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

# Without Redis the broker is kombu's file-system transport: no server to install,
# and `celery worker -B` runs the beat in the same process.
# (kombu warns "No hostname was supplied" for a URL without one; the files need none.)
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://localhost/")
# A folder per pytest-xdist worker (PYTEST_XDIST_WORKER, empty outside the tests): kombu's
# file transport reads a message another process is still writing as broken JSON.
CELERY_BROKER_FOLDER = VAR_DIR / "celery-broker" / env.str("PYTEST_XDIST_WORKER", default="")
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("out", "processed", "control"):
        (CELERY_BROKER_FOLDER / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "out"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "out"),
        "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        "store_processed": False,
    }
else:
    # Redis hands an unacknowledged message (its worker died) to another worker after this
    # many seconds: longer than any task runs or waits for a retry (at most an hour).
    # Workers look for such messages every ~10 × CRM_CELERY_RESTORE_INTERVAL seconds.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CRM_CELERY_VISIBILITY_TIMEOUT", default=3900),
        "unacked_restore_interval": env.int("CRM_CELERY_RESTORE_INTERVAL", default=10),
    }
# Named queues, so hosts can be given different work (`celery worker -Q reminders`); a
# worker started without -Q takes all of them.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue("celery"), Queue("reminders"), Queue("email")]
CELERY_TASK_ROUTES = {
    "notifications.tasks.run_job": {"queue": "reminders"},
    "notifications.tasks.send_notification_email": {"queue": "email"},
    "surveys.tasks.*": {"queue": "email"},
}
# Work that must not be lost: a message is acknowledged only once its task finished, and
# a worker process killed mid-task gives it back. Every task is idempotent (sends are
# recorded once), so running one again delivers nothing twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Exactly one beat sends: a second one started by mistake waits on a lock in the cache
# (Redis in production) and takes over only if the first one stops renewing it.
CELERY_BEAT_SCHEDULER = "crm.beat:LockedScheduler"
CRM_BEAT_LOCK_SECONDS = env.int("CRM_BEAT_LOCK_SECONDS", default=60)
# Workers and the beat record a heartbeat this often; /readyz wants one younger than the max age.
CRM_HEARTBEAT_SECONDS = env.int("CRM_HEARTBEAT_SECONDS", default=30)
CRM_HEARTBEAT_MAX_AGE = timedelta(seconds=env.int("CRM_HEARTBEAT_MAX_AGE", default=180))
# /readyz names the services and their errors only to staff and to these addresses or
# networks (e.g. the monitoring host); everyone else sees whether each check passed.
# The change feed (/api/v1/changes/): how far its `until` stays behind the clock (longer than
# any write transaction, so none is missed), and how long removed or moved rows are listed.
CRM_SYNC_SETTLE_MINUTES = env.int("CRM_SYNC_SETTLE_MINUTES", default=10)
CRM_SYNC_KEEP_DAYS = env.int("CRM_SYNC_KEEP_DAYS", default=30)
# A client document's manager is told this many days before its expiry or renewal date (issue #32).
CRM_DOCUMENT_RENEWAL_DAYS = env.int("CRM_DOCUMENT_RENEWAL_DAYS", default=30)
CRM_READYZ_DETAIL_IPS = env.list("CRM_READYZ_DETAIL_IPS", default=[])
for _network in CRM_READYZ_DETAIL_IPS:
    ipaddress.ip_network(_network, strict=False)  # a typo stops the start, not a probe
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_ENABLE_UTC = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")


def _job(name: str, schedule) -> dict:
    return {"task": "notifications.tasks.run_job", "args": [name], "schedule": schedule}


# Times are Asia/Shanghai (CELERY_TIMEZONE); every job is idempotent, but run exactly one beat.
# The daily reminder jobs run before the e-mail digest at 07:45, so digests carry the day's reminders.
CELERY_BEAT_SCHEDULE = {
    # A round trip through the broker to any worker (dropped if not run before the next one).
    "ping": {
        "task": "crm.tasks.ping",
        "schedule": timedelta(seconds=CRM_HEARTBEAT_SECONDS),
        "options": {"expires": CRM_HEARTBEAT_SECONDS},
    },
    "complaints-escalate-breached": _job("complaints.escalate_breached", timedelta(minutes=15)),
    "complaints-deadlines-soon": _job("complaints.deadlines_soon", timedelta(minutes=15)),
    "complaints-close-unanswered": _job("complaints.close_unanswered", timedelta(hours=1)),
    "complaints-return-visits-due": _job("complaints.return_visits_due", crontab(hour=7, minute=10)),
    "visits-morning-digest": _job("visits.morning_digest", crontab(hour=7, minute=30)),
    "visits-plan-reminders": _job("visits.plan_reminders", crontab(hour=7, minute=15)),
    "visits-summaries-due": _job("visits.summaries_due", crontab(hour=7, minute=20)),
    "clients-overdue": _job("clients.overdue", crontab(hour=7, minute=0)),
    "clients-birthdays": _job("clients.birthdays", crontab(hour=7, minute=5)),
    "interactions-follow-ups-due": _job("interactions.follow_ups_due", crontab(hour=7, minute=25)),
    "interactions-requests-late": _job("interactions.requests_late", timedelta(minutes=15)),
    "interactions-send-messages": _job("interactions.send_messages", timedelta(minutes=10)),
    "documents-renewals-due": _job("documents.renewals_due", crontab(hour=7, minute=12)),
    "api-purge-idempotency": _job("api.purge_idempotency", crontab(hour=3, minute=30)),
    "sync-prune-tombstones": _job("sync.prune_tombstones", crontab(hour=3, minute=40)),
    # The dashboards' rollups of this month and the last, rebuilt from the raw rows (drift repair).
    "rollups-rebuild": _job("rollups.rebuild", crontab(hour=3, minute=50)),
    "surveys-invite": _job("surveys.invite", timedelta(hours=1)),
    "surveys-send-due": _job("surveys.send_due", timedelta(minutes=15)),
    "surveys-remind": _job("surveys.remind", crontab(hour=10, minute=0)),
    "surveys-expire": _job("surveys.expire", timedelta(hours=1)),
    "notifications-email-digest": _job("notifications.email_digest", crontab(hour=7, minute=45)),
    "notifications-resend-emails": _job("notifications.resend_emails", timedelta(minutes=10)),
    # Before the overdue and digest reminders, so the morning's warnings reach the digest.
    "performance-early-warning": _job("performance.early_warning", crontab(hour=6, minute=50)),
    # Online-ordering clients enter next month's demand by the 25th (SPEC "Analysis", step 1).
    "analysis-import-demand": _job("analysis.import_demand", crontab(day_of_month=25, hour=6, minute=0)),
}
# Each schedule's time can be moved without a code change, e.g.
# CRM_SCHEDULE_VISITS_MORNING_DIGEST="30 7 * * *" (cron: minute hour day month weekday).
for _name, _entry in CELERY_BEAT_SCHEDULE.items():
    _override = env.str("CRM_SCHEDULE_" + _name.upper().replace("-", "_"), default="")
    if _override:
        _minute, _hour, _day, _month, _weekday = _override.split()
        _entry["schedule"] = crontab(
            minute=_minute, hour=_hour, day_of_month=_day, month_of_year=_month, day_of_week=_weekday
        )

# The reason recorded with a change (often the user's own words) may be of any length.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- Auth --------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first, so a locked-out login is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Also a name repeated or padded ("manager2manager2"), which the similarity check lets pass.
    {"NAME": "accounts.passwords.NameInPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:start"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login rate limiting (django-axes): lock a username from one address after
# AXES_FAILURE_LIMIT failures for AXES_COOLOFF_TIME.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)

# --- Internationalisation ----------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Names per language: what admins name (tiers, cards, complaint and product categories,
# teams, ability dimensions) has a name in each language (name_en, name_zh_hans; the
# models' translation.py). A reader sees the name in their language, else the other one.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en", "zh-hans")
USE_I18N = True
TIME_ZONE = env.str("CRM_TIME_ZONE", default="Asia/Shanghai")
USE_TZ = True

# --- Static and media ---------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Uploads (photos, attachments): a local folder by default; CRM_MEDIA_STORAGE=s3 puts them
# in an S3-compatible bucket through django-storages (pip install "django-storages[s3]").
CRM_MEDIA_STORAGE = env.str("CRM_MEDIA_STORAGE", default="local")
if CRM_MEDIA_STORAGE == "s3":
    _MEDIA = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            "access_key": env.str("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default=None),
            "default_acl": "private",
            "querystring_auth": True,  # files are served through the CRM's scoped views anyway
            "file_overwrite": False,
        },
    }
elif CRM_MEDIA_STORAGE == "local":
    _MEDIA = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise environ.ImproperlyConfigured("CRM_MEDIA_STORAGE must be 'local' or 's3'.")
STORAGES = {
    "default": _MEDIA,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="crm@localhost")
# For EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend (a test or staging outbox).
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "outbox"))
# A stalled mail server must not hold a task (and its row lock) for long.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
if "EMAIL_URL" in env:
    vars().update(env.email("EMAIL_URL"))

# --- Security (production: DEBUG off) ------------------------------------------------------
# Content Security Policy (django-csp): scripts, styles, images and fonts from our own
# origin only; no inline scripts or style attributes anywhere (a browser test listens for
# violations); no framing, forms post only to us.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF],
        "style-src": [CSP_SELF],
        "img-src": [CSP_SELF, "data:"],
        "font-src": [CSP_SELF],
        "connect-src": [CSP_SELF],
        # The web app's service worker (/sw.js) and manifest come from our own origin.
        "worker-src": [CSP_SELF],
        "manifest-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_SELF],
        "form-action": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
    }
}
# Sessions end when the browser closes, and at the latest after a working day (10 hours).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 10)
# Read from the cache (Redis, or the shared file cache), written through to the database:
# one query less on every page, nothing lost when the cache is flushed, and a cached copy
# kept five minutes at most (crm/sessions.py).
SESSION_ENGINE = "crm.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
    # /healthz and /readyz are probed over plain HTTP by load balancers.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Complaints: business hours for SLA deadlines counted in business hours, the return
# visit after a resolution, and when an unanswered resolution closes by itself.
CRM_BUSINESS_OPENS = env.str("CRM_BUSINESS_OPENS", default="09:00")
CRM_BUSINESS_CLOSES = env.str("CRM_BUSINESS_CLOSES", default="18:00")
CRM_BUSINESS_DAYS = env.list("CRM_BUSINESS_DAYS", cast=int, default=[0, 1, 2, 3, 4])  # Monday is 0
# YYYY-MM-DD holidays, copied once into the working-day calendar (workdays, migration 0002)
# and read by nothing else: holidays and make-up working days are edited in the admin.
CRM_HOLIDAYS = env.list("CRM_HOLIDAYS", default=[])
CRM_RETURN_VISIT_DAYS = env.int("CRM_RETURN_VISIT_DAYS", default=3)
CRM_ESCALATION_COOLDOWN_HOURS = env.int("CRM_ESCALATION_COOLDOWN_HOURS", default=4)
CRM_COMPLAINT_AUTO_CLOSE_DAYS = env.int("CRM_COMPLAINT_AUTO_CLOSE_DAYS", default=7)
CRM_DEADLINE_SOON_HOURS = env.int("CRM_DEADLINE_SOON_HOURS", default=4)

# Absolute links in e-mails (survey invitations, reminders) start with this.
# Unset, it is where `make run` serves the app (CRM_HOST, CRM_PORT), so a port other than
# 8000 gets working links in development; a deployment sets it (its public https address).
CRM_BASE_URL = env.str(
    "CRM_BASE_URL",
    default=development_base_url(env.str("CRM_HOST", default="127.0.0.1"), env.str("CRM_PORT", default="8000")),
)
# Surveys: a link expires after this many days, is sent this many hours after a complaint
# closes (not in the same minute), is reminded once after this many days; a low score is
# followed up within this many days.
CRM_SURVEY_EXPIRY_DAYS = env.int("CRM_SURVEY_EXPIRY_DAYS", default=30)
CRM_SURVEY_AFTER_COMPLAINT_HOURS = env.int("CRM_SURVEY_AFTER_COMPLAINT_HOURS", default=2)
# A visit whose type asks for a survey (visits.VisitType.requires_survey): sent this many hours after its log.
CRM_SURVEY_AFTER_VISIT_HOURS = env.int("CRM_SURVEY_AFTER_VISIT_HOURS", default=2)
CRM_SURVEY_REMINDER_DAYS = env.int("CRM_SURVEY_REMINDER_DAYS", default=3)
CRM_SURVEY_FOLLOW_UP_DAYS = env.int("CRM_SURVEY_FOLLOW_UP_DAYS", default=3)
# The most rows one run of a sweep job creates or sends (the next run takes the rest).
CRM_JOB_BATCH_SIZE = env.int("CRM_JOB_BATCH_SIZE", default=500)

# Reminders (Celery jobs): first retry after this many seconds, doubling each time.
CRM_TASK_RETRY_BACKOFF = env.int("CRM_TASK_RETRY_BACKOFF", default=30)
# A plan for the month not submitted by this day of the month gets a reminder.
CRM_PLAN_SUBMIT_BY_DAY = env.int("CRM_PLAN_SUBMIT_BY_DAY", default=3)
# Key persons' birthdays are announced this many days ahead.
CRM_BIRTHDAY_DAYS_AHEAD = env.int("CRM_BIRTHDAY_DAYS_AHEAD", default=3)
# Visits on site: a check-in further than this from the client's location is flagged; a
# visit lasts at least this long; a visit log needs a photo when this is on.
CRM_CHECK_IN_MAX_METRES = env.int("CRM_CHECK_IN_MAX_METRES", default=500)
# A check-in whose position is vaguer than this, or older than this at the check-in, is flagged too.
CRM_CHECK_IN_MAX_ACCURACY_METRES = env.int("CRM_CHECK_IN_MAX_ACCURACY_METRES", default=200)
CRM_CHECK_IN_MAX_POSITION_AGE_MINUTES = env.int("CRM_CHECK_IN_MAX_POSITION_AGE_MINUTES", default=5)
CRM_VISIT_MIN_MINUTES = env.int("CRM_VISIT_MIN_MINUTES", default=10)
# The day's map (visits/maps.py): a Leaflet tile URL template and its attribution; empty, the
# day sheet shows its ordered list without a map. The pages with the map add that one tile
# host to the CSP's img-src (a malformed template stops the start here, with its reason).
CRM_MAP_TILES = env.str("CRM_MAP_TILES", default="")
CRM_MAP_ATTRIBUTION = env.str("CRM_MAP_ATTRIBUTION", default="")
map_tile_source(CRM_MAP_TILES)
# "Navigate" on a stop opens the phone's map app there: {lat}, {lng} and {name} (URL-encoded)
# are filled in. The default geo: URI asks the phone which map app to use.
CRM_NAVIGATE_URL = env.str("CRM_NAVIGATE_URL", default="geo:{lat},{lng}?q={lat},{lng}({name})")
CRM_VISIT_PHOTO_REQUIRED = env.bool("CRM_VISIT_PHOTO_REQUIRED", default=False)
# The installable web app (crm/pwa.py): the service worker's version (default: the git
# commit, else "dev"; a new version drops the phone's cached static files), and how many
# days a page kept for offline use may still be shown without a network.
CRM_APP_VERSION = env.str("CRM_APP_VERSION", default="")
CRM_OFFLINE_KEEP_DAYS = env.int("CRM_OFFLINE_KEEP_DAYS", default=7)
# A client at or above this monthly volume (e.g. cartons a month; tobacco seed: 1000) is a large client.
CRM_LARGE_CLIENT_VOLUME = env.int("CRM_LARGE_CLIENT_VOLUME", default=1000)
# A new client whose name is at least this similar (pg_trgm trigram similarity, 0..1) to an
# existing one's is shown as a likely duplicate before it is saved (clients/duplicates.py).
CRM_DUPLICATE_NAME_SIMILARITY = env.float("CRM_DUPLICATE_NAME_SIMILARITY", default=0.5)
# A gift to a client worth more than this (yuan) waits for the supervisor's approval (seed 001).
CRM_GIFT_APPROVAL_ABOVE = env.int("CRM_GIFT_APPROVAL_ABOVE", default=200)
# Scorecard punctuality: a check-in within this many minutes of the appointment is on time.
CRM_PUNCTUALITY_MINUTES = env.int("CRM_PUNCTUALITY_MINUTES", default=10)
# A client's request is answered within 24 hours, and a visit it needs planned within 48 (seed 002).
CRM_REQUEST_REPLY_HOURS = env.int("CRM_REQUEST_REPLY_HOURS", default=24)
CRM_REQUEST_VISIT_HOURS = env.int("CRM_REQUEST_VISIT_HOURS", default=48)
# The most clients one message to many clients may go to.
CRM_BULK_MESSAGE_MAX = env.int("CRM_BULK_MESSAGE_MAX", default=500)
# A client flagged as tending to leave gets a retention visit within this many days (离网必访).
CRM_RETENTION_VISIT_DAYS = env.int("CRM_RETENTION_VISIT_DAYS", default=7)
# A manager's plan completion (visits done ÷ planned so far) below this percentage is a problem,
# flagged on the visit dashboard (SPEC "Visit KPIs": above 90% healthy, below 85% a problem).
CRM_VISIT_COMPLETION_TARGET = env.int("CRM_VISIT_COMPLETION_TARGET", default=85)
# Dashboards keep their figures this long per viewer (dashboards/caching.py); 0 computes them every time.
CRM_DASHBOARD_CACHE_SECONDS = env.int("CRM_DASHBOARD_CACHE_SECONDS", default=300)
# "Refresh" serves figures younger than this as they are (0: it always computes).
CRM_DASHBOARD_REFRESH_SECONDS = env.int("CRM_DASHBOARD_REFRESH_SECONDS", default=60)
# Analysis, step 1: where the ordering system's demand comes from (a class with
# ``batches(default_month)``, see analysis/demand_sources.py) and the folder FileDropSource reads.
CRM_DEMAND_SOURCE = env.str("CRM_DEMAND_SOURCE", default="analysis.demand_sources.FileDropSource")
CRM_DEMAND_DROP_FOLDER = Path(env.str("CRM_DEMAND_DROP_FOLDER", default=str(VAR_DIR / "demand-drop")))
# Analysis, step 2: growth on the month before at or below this (%) is weak business effect;
# an ability score at or below this is low. Both give potential-demand strategies.
CRM_ANALYSIS_WEAK_GROWTH = env.int("CRM_ANALYSIS_WEAK_GROWTH", default=-10)
CRM_ANALYSIS_LOW_SCORE = env.int("CRM_ANALYSIS_LOW_SCORE", default=2)


# Exported spreadsheets never carry a live formula: every writer, the admin's product
# export included, goes through crm.spreadsheets (django-import-export's own escaping only
# drops a leading "=").

# --- The API (/api/v1/) ---------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("CRM_API_ANON_RATE", default="60/min"),
        "user": env.str("CRM_API_USER_RATE", default="600/min"),
    },
    "EXCEPTION_HANDLER": "api.errors.handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Account manager CRM API",
    "DESCRIPTION": "The field app's API: clients, contacts, visits and visit logs, interactions, complaints and "
    'reminders, within the caller\'s scope. Errors always have the shape `{"error": {status, code, message, '
    "fields}}`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "ClientStatusEnum": "clients.models.Client.Status",
        "PlannedVisitStatusEnum": "visits.models.PlannedVisit.Status",
        "ComplaintStateEnum": "complaints.models.Complaint.State",
        "ComplaintChannelEnum": "complaints.models.Complaint.Channel",
        "InteractionChannelEnum": "interactions.models.Channel",
        "VisitMethodEnum": "clients.models.VisitMethod",
    },
}
