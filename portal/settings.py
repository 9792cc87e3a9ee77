"""Settings for the Publisher Portal, read once from the environment (12-factor)."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# Without SECRET_KEY, management commands still run; serving refuses to start (portal/wsgi.py) and
# `check --deploy` reports an error (portal/checks.py), so production cannot run on this key.
INSECURE_DEVELOPMENT_KEY = "django-insecure-development-only-set-SECRET_KEY-in-production"
SECRET_KEY = env("SECRET_KEY", default=INSECURE_DEVELOPMENT_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "portal.apps.PortalAdminConfig",  # django.contrib.admin with the portal's admin site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_celery_results",
    "axes",
    "allauth",  # sign-in, sign-up, email verification, password reset and change, re-authentication (issue 22)
    "allauth.account",
    "allauth.mfa",  # TOTP, WebAuthn passkeys and security keys, recovery codes
    "allauth.usersessions",  # the user's sessions: browser, IP, last seen; end any or all
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "outbox",
    "accounts",
    "offers",
    "webhooks",
    "certification",
    "saas",
    "storefront",
    "api",
    "portal",
]

MIDDLEWARE = [
    "portal.logs.RequestIdMiddleware",  # first, so every line of the request carries its id
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.HostileInputMiddleware",  # before anything reads a cookie, a parameter or a body
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "portal.middleware.NotFoundPageMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.deferred.DeferredWorkMiddleware",  # after messages: "the work will start shortly"
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.CurrentAccountMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "accounts.middleware.MfaRequiredMiddleware",  # staff before admin, members of accounts that require MFA
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "accounts.context_processors.accounts",
            ],
        },
    },
]

# Widget templates come from the same template settings as pages (templates/offers/widgets/…).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections (seconds; 0 closes after each request), checked before reuse so a restarted database
# costs one failed check, not a failed request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Web, worker and beat share one file in `make run`: every transaction takes the write lock when it begins
    # (so none fails half-way with "database is locked") and waits for it; WAL lets readers run meanwhile.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=30, transaction_mode="IMMEDIATE", init_command="PRAGMA journal_mode=WAL;"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "portal:landing"

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# django-axes keeps the per-account lockout (issue 22): allauth's rate limits answer a form error, while axes
# locks the email for a cool-off that the lockout page states, emails the holder once per lockout
# (accounts/lockout.py), and leaves attempts operators can read and reset in admin.
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the time the page states holds

# django-allauth (issue 22): sign-in by email; sign-up verifies the email before the account signs in; the same
# answer whether or not an address is registered (its holder gets an email instead); every email via the outbox.
ACCOUNT_ADAPTER = "accounts.adapters.PortalAccountAdapter"
ACCOUNT_FORMS = {"login": "accounts.forms.SignInForm", "signup": "accounts.forms.SignUpForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_SESSION_REMEMBER = None  # the "Remember me" box decides
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False  # this session stays; the others end (accounts/receivers.py)
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60)  # seconds a reset link works
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_REAUTHENTICATION_TIMEOUT = env.int("REAUTHENTICATION_TIMEOUT", default=300)  # seconds
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Publisher Portal: "
# Axes locks an account after AXES_FAILURE_LIMIT wrong passwords; allauth still slows down one address trying many.
ACCOUNT_RATE_LIMITS = {"login_failed": "30/m/ip"}
MFA_ADAPTER = "accounts.adapters.PortalMfaAdapter"
MFA_FORMS = {
    "authenticate": "accounts.forms.MfaAuthenticateForm",
    "reauthenticate": "accounts.forms.MfaReauthenticateForm",
}
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", default="Publisher Portal")
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG  # http://127.0.0.1 in development only
# Staff (operators, reviewers, superusers) set up MFA before they reach Django admin.
STAFF_MFA_REQUIRED = env.bool("STAFF_MFA_REQUIRED", default=True)
# Turning MFA off, creating or revoking API tokens and webhook secrets, inviting members and changing roles ask for
# the password (or an MFA code) again when the last re-authentication is older than ACCOUNT_REAUTHENTICATION_TIMEOUT.
REAUTHENTICATION_REQUIRED = env.bool("REAUTHENTICATION_REQUIRED", default=True)
USERSESSIONS_TRACK_ACTIVITY = True

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Uploaded files: this machine's MEDIA_ROOT by default (one machine); object storage that the web process and every
# worker reach when they run on several machines. Files are never overwritten: a snapshot names them for good.
STORAGE_BACKEND = env("STORAGE_BACKEND", default="filesystem")
if STORAGE_BACKEND == "filesystem":
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif STORAGE_BACKEND == "azure":  # a connection string, or the account's name and key
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.azure_storage.AzureStorage",
        "OPTIONS": {
            "connection_string": env("AZURE_STORAGE_CONNECTION_STRING", default=None),
            "account_name": env("AZURE_ACCOUNT_NAME", default=None),
            "account_key": env("AZURE_ACCOUNT_KEY", default=None),
            "azure_container": env("AZURE_CONTAINER", default="media"),
            "overwrite_files": False,
        },
    }
    if not (MEDIA_STORAGE["OPTIONS"]["connection_string"] or MEDIA_STORAGE["OPTIONS"]["account_name"]):
        raise ImproperlyConfigured("STORAGE_BACKEND=azure needs AZURE_STORAGE_CONNECTION_STRING or AZURE_ACCOUNT_NAME.")
elif STORAGE_BACKEND == "s3":  # credentials from the AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY variables or the role
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME", default=None),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),  # S3-compatible services
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "addressing_style": env("AWS_S3_ADDRESSING_STYLE", default=None),  # "path" for most S3-compatible ones
            "default_acl": None,  # private: files reach readers only through the portal
            "file_overwrite": False,
        },
    }
    if not MEDIA_STORAGE["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME.")
else:
    raise ImproperlyConfigured(f"STORAGE_BACKEND must be filesystem, azure or s3, not {STORAGE_BACKEND!r}.")
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Email: console in development, SMTP (smtp://, smtp+tls://, smtp+ssl://) in production and tests.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Publisher Portal <no-reply@publisher-portal.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# Celery: Redis in production and tests; a filesystem broker under var/ when nothing is configured.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    # The embedded broker is folders; make them so any process (web, worker, beat, manage.py) can start.
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Every runtime file stays under var/: kombu's default control folder is "control" in the working directory.
        "control_folder": str(_broker_dir / "control"),
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Above the longest task plus its longest countdown, or Redis re-delivers a task still running.
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 60 * 60),
    }
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_RESULT_EXPIRES = 7 * 24 * 60 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=5 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=6 * 60)
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="portal")
# The queue of user-facing work (issue 16): the first step after a person acts (Publish, Go live, a reviewer's or an
# operator's decision) runs there, alone, then hands the rest back to the default queue, so it never waits behind a
# burst of steps. A worker started without -Q consumes both queues; the Procfile's `first` worker serves only this one.
PIPELINE_FIRST_QUEUE = env("PIPELINE_FIRST_QUEUE", default="publish")
CELERY_TASK_QUEUES = [Queue(CELERY_TASK_DEFAULT_QUEUE), Queue(PIPELINE_FIRST_QUEUE)]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Recovery (issue 15): a step with no heartbeat or an idle submission is back within a minute of the database or
    # the broker returning; outbox messages left behind (a lost task, a dead sender) are handed over again.
    "pipeline-watchdog": {"task": "certification.tasks.pipeline_watchdog", "schedule": 15.0},
    "outbox-redrive": {"task": "outbox.tasks.outbox_redrive", "schedule": 15.0},
    "stop-sell-complete": {"task": "certification.tasks.stop_sell_complete", "schedule": 60.0},
    "saas-operations-settle": {"task": "saas.tasks.operations_settle", "schedule": 300.0},
    "catalogue-repair": {"task": "storefront.tasks.catalogue_repair", "schedule": 600.0},  # rows follow each save
    "dashboard-daily-figures": {"task": "portal.tasks.daily_figures_refresh", "schedule": 300.0},
    "webhook-endpoints-failing": {"task": "webhooks.tasks.webhook_endpoints_failing_check", "schedule": 3600.0},
    "api-idempotency-prune": {"task": "api.tasks.idempotency_prune", "schedule": 3600.0},
    # Issue 13: the expected finishes the overview shows, and the operators' alert of review items past due.
    "certification-forecasts": {"task": "certification.tasks.forecasts_refresh", "schedule": 300.0},
    "review-overdue-alert": {"task": "certification.tasks.review_overdue_alert", "schedule": 300.0},
}
# Issue 13: a resubmission within this many days of its rejection keeps its original due date in the review queue.
REVIEW_RESUBMISSION_DAYS = env.int("REVIEW_RESUBMISSION_DAYS", default=14)
# Webhooks: an endpoint whose every delivery failed for this many days is disabled and its Owners are emailed.
WEBHOOK_DISABLE_AFTER_DAYS = env.int("WEBHOOK_DISABLE_AFTER_DAYS", default=5)
# The admin dashboard's daily figures (portal/figures.py): beat recomputes this many days, today included.
DASHBOARD_RECOMPUTE_DAYS = env.int("DASHBOARD_RECOMPUTE_DAYS", default=2)
# Beat keeps its schedule and a lease in the database (portal/beat.py): a second beat stands by and sends nothing;
# it takes over when the holder's lease (seconds) runs out. No schedule file, so a beat-only host needs no var/.
CELERY_BEAT_SCHEDULER = "portal.beat:LeaderScheduler"
BEAT_LEASE_SECONDS = env.int("BEAT_LEASE_SECONDS", default=60)
# Task events for Flower and `celery events`: received, started, succeeded, failed, and sent by the publisher.
CELERY_WORKER_SEND_TASK_EVENTS = True
CELERY_TASK_SEND_SENT_EVENT = True

# Health: /healthz answers while the process serves; /readyz probes every part (portal/health.py). A part failing
# its probe for HEALTH_ALERT_AFTER_MINUTES alerts the operators once, and once again when it recovers.
HEALTH_ALERT_AFTER_MINUTES = env.int("HEALTH_ALERT_AFTER_MINUTES", default=5)
HEALTH_BEAT_STALE_SECONDS = env.int("HEALTH_BEAT_STALE_SECONDS", default=90)  # beat's lease renewal is its heartbeat
HEALTH_WORKER_PING_TIMEOUT = 1.0  # seconds the readiness probe waits for workers to answer a ping
HEALTH_WORKER_PING_CACHE_SECONDS = 30  # each web process pings at most this often

# Demo data: `make run` loads it into its own SQLite database; into a configured one only with DEMO_DATA=1, and
# never into one that holds users of its own (portal/demo.py). DEMO_DATA=0 never loads it.
DEMO_DATA = env.bool("DEMO_DATA", default=None)

# The publishing pipeline.
PIPELINE_STEP_MAX_ATTEMPTS = env.int("PIPELINE_STEP_MAX_ATTEMPTS", default=3)
PIPELINE_RETRY_BACKOFF = env.int("PIPELINE_RETRY_BACKOFF", default=30)  # seconds, doubled per attempt
PIPELINE_HEARTBEAT_EVERY = env.float("PIPELINE_HEARTBEAT_EVERY", default=5.0)  # a running step's heartbeat
PIPELINE_STALE_AFTER = env.int("PIPELINE_STALE_AFTER", default=30)  # a running step with no heartbeat
PIPELINE_IDLE_AFTER = env.int("PIPELINE_IDLE_AFTER", default=30)  # a running submission nobody advances
PIPELINE_TURN = env.float("PIPELINE_TURN", default=10.0)  # seconds one task may keep starting a submission's steps
# The outbox (issue 15): a sender's lease on a message (above the SMTP and HTTPS timeouts), and how long a pending
# message may wait past its due time before beat's re-drive hands it over again.
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=30)
OUTBOX_REDRIVE_AFTER = env.int("OUTBOX_REDRIVE_AFTER", default=30)
REVIEW_CLAIM_MINUTES = env.int("REVIEW_CLAIM_MINUTES", default=60)
REVIEW_MAX_CLAIMS = env.int("REVIEW_MAX_CLAIMS", default=5)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Content Security Policy: everything from our own origin; no inline script.
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
    }
}

# Production hardening whenever DEBUG is off; each can be relaxed explicitly (tests serve plain http).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_PROXY", default=False) else None
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # no script reads the cookie: htmx sends the token from <body hx-headers>
X_FRAME_OPTIONS = "DENY"

# Operators who are emailed when a pipeline step fails on our side (comma-separated addresses).
ADMINS = [(address, address) for address in env.list("ADMINS", default=[])]

# LOG_FORMAT=json writes one JSON object per line with the request id and the submission id, from the request
# through the tasks it enqueues (portal/logs.py); "plain" is for people reading a terminal.
LOG_FORMAT = env("LOG_FORMAT", default="plain").lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "context": {"()": "portal.logs.LogContextFilter"},
        "probe_warning": {"()": "portal.logs.ProbeWarningFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "portal.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["context"],
        },
        "operators": {"class": "django.utils.log.AdminEmailHandler", "level": "ERROR"},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # A failed health probe (503) is a warning for the logs, never an email to the operators.
        "django.request": {"filters": ["probe_warning"]},
        "portal.requests": {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"},  # one access line per request
        "certification.pipeline": {"handlers": ["console", "operators"], "level": "INFO", "propagate": False},
        # A check that fails on our side (a stored file it could not read) alerts the operators with the detail.
        "certification.checks": {"handlers": ["console", "operators"], "level": "INFO", "propagate": False},
    },
}
# Celery replaces the root logger's handlers with its own plain ones unless told not to: keep JSON on workers too.
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT != "json"

# Offers: upload limits (bytes) and outgoing HTTPS requests to publishers' endpoints.
OFFER_IMAGE_MAX_BYTES = env.int("OFFER_IMAGE_MAX_BYTES", default=5 * 1024 * 1024)
OFFER_PDF_MAX_BYTES = env.int("OFFER_PDF_MAX_BYTES", default=50 * 1024 * 1024)
OFFER_PACKAGE_MAX_BYTES = env.int("OFFER_PACKAGE_MAX_BYTES", default=50 * 1024 * 1024)
OUTBOUND_TIMEOUT = env.float("OUTBOUND_TIMEOUT", default=5.0)
# A CA bundle for publishers' endpoints (tests point it at their own CA); empty means the system's.
OUTBOUND_CA_BUNDLE = env("OUTBOUND_CA_BUNDLE", default="")
# Private networks requests may reach. Empty in production: no loopback, private or link-local targets.
OUTBOUND_ALLOWED_PRIVATE_NETWORKS = env.list("OUTBOUND_ALLOWED_PRIVATE_NETWORKS", default=[])
# The publisher sandbox of `make run` (python -m sandbox): an HTTPS stand-in for publishers' endpoints on this
# machine, trusted through its own CA and admitted by its exact address. Never in production: only with DEBUG on.
OUTBOUND_SANDBOX_URL = env("OUTBOUND_SANDBOX_URL", default="").rstrip("/") if DEBUG else ""
OUTBOUND_SANDBOX_CA = env.path("OUTBOUND_SANDBOX_CA", default=VAR_DIR / "sandbox" / "ca.pem")
# With no network on this machine, a check that cannot reach an outside address records "could not be verified:
# no network" as a warning instead of failing the publisher. Off by default; `make run` turns it on.
OUTBOUND_OFFLINE_WARN = env.bool("OUTBOUND_OFFLINE_WARN", default=False)
OUTBOUND_NETWORK_PROBE = env("OUTBOUND_NETWORK_PROBE", default="www.microsoft.com:443")  # host:port

# The publishers' REST API (api/, /api/v1/): its views set their own authentication (API tokens), permissions,
# throttles and exception handler, so these defaults only fill what DRF needs and touch no other view.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_THROTTLE_RATES": {
        "api_token": env("API_RATE_PER_TOKEN", default="600/min"),
        "api_token_write": env("API_WRITE_RATE_PER_TOKEN", default="120/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Publisher Portal API",
    "DESCRIPTION": "Offers, pages, plans, uploads, Review and publish, submissions and their reports.",
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "OfferStatusEnum": "offers.models.Offer.Status",
        "PlanStatusEnum": "offers.models.Plan.Status",
        "PageStatusEnum": "offers.pages.PageStatus",
        "SubmissionStateEnum": "certification.models.Submission.State",
        "StepStateEnum": "certification.models.Step.State",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
    ],
}
