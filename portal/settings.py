"""Chorale settings, read from the environment.

With nothing set this is a local configuration (SQLite file under the repo, DEBUG on, e-mail to the
console); production is `CHORALE_ENV=production` plus a secret key, hosts and a database URL.
"""

import sys
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
SHARED_DIR = BASE_DIR.parent / "shared"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env") if (BASE_DIR / ".env").exists() else None

PRODUCTION = env.str("CHORALE_ENV", default="local") == "production"
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
TESTING = env.bool("CHORALE_TESTING", default="pytest" in sys.modules)

if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
else:
    SECRET_KEY = env.str(
        "SECRET_KEY", default="local-dev-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz"
    )
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    # django-otp's plugins, under French names in the admin (accounts/apps.py).
    "accounts.apps.TotpConfig",
    "accounts.apps.EmailCodeConfig",
    "django_otp_webauthn",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "accounts",
    "invoices",
    "portal",
    "invoices.cpro",
]

MIDDLEWARE = [
    "portal.middleware.DatabaseUnavailableMiddleware",  # first: it must see what every other one raises
    "portal.middleware.NoStoreMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "accounts.site.ServedFromMiddleware",  # links in mails: SITE_URL, or the host serving the request
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.AccessPerRequestMiddleware",
    "accounts.middleware.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

if PRODUCTION:
    # Static files are served by WhiteNoise from collectstatic's output; locally runserver serves them.
    _after_security = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1
    MIDDLEWARE.insert(_after_security, "whitenoise.middleware.WhiteNoiseMiddleware")

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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                "accounts.downloads.pending_download",
            ],
            # Template tags live with the capability they serve, not in an app-wide `templatetags` folder.
            "libraries": {
                "invoice_workspace": "invoices.lifecycle.templatetags",
                "invoice_display": "invoices.lifecycle.display_tags",
            },
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("TEST", {})
if env.str("TEST_DATABASE_NAME", default=""):
    DATABASES["default"]["TEST"]["NAME"] = env.str("TEST_DATABASE_NAME")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A busy timeout and IMMEDIATE transactions keep concurrent writers from failing on "database is locked";
    # WAL spares every commit a full disk sync (about 40 ms here), which would dominate a deposit.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20,
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://chorale")}

# Reverse proxies in front of Chorale that append to X-Forwarded-For: the client is that many hops from the
# right (accounts/client_ip.py). 0 ignores the header; rate limits, throttles and the journal use the result.
CHORALE_TRUSTED_PROXIES = env.int("CHORALE_TRUSTED_PROXIES", default=0)
RATELIMIT_IP_META_KEY = "accounts.client_ip.ratelimit_ip"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if TESTING
    else [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
        "django.contrib.auth.hashers.ScryptPasswordHasher",
    ]
)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English pages write dates in ISO 8601 (portal/formats/en/formats.py), never month-first.
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "/media-not-served/"

# Originals are kept byte-for-byte; any Django storage backend can hold them (S3 through django-storages).
_S3_BUCKET = env.str("AWS_STORAGE_BUCKET_NAME", default="")
STORAGES = {
    "default": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": _S3_BUCKET, "file_overwrite": False},
        }
        if _S3_BUCKET
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
if "EMAIL_URL" in env.ENVIRON:
    vars().update(env.email("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Chorale <no-reply@chorale.localhost>")
# Empty: links in mails use the address the request was served at (accounts/site.py); set it in production.
SITE_URL = env.str("SITE_URL", default="")

# Second factor (django-otp).
OTP_EMAIL_TOKEN_VALIDITY = 600  # 10 minutes: the e-mailed code at first login
# Lazy: django-otp renders the subject while the code is sent, in the recipient's language.
OTP_EMAIL_SUBJECT = _("Chorale : votre code de connexion")
OTP_EMAIL_BODY_TEMPLATE_PATH = "emails/otp_code.txt"
OTP_EMAIL_THROTTLE_FACTOR = 1
OTP_TOTP_ISSUER = "Chorale"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_TOTP_TOLERANCE = 1
# WebAuthn (passkeys, security keys) through django-otp-webauthn, as a second factor (accounts/passkeys.py).
# A key is bound to the relying-party id, the site's domain: changing it later orphans every enrolled key.
# Browsers refuse an IP address or plain http (but on localhost) there: locally, open http://localhost:8000.
_SITE = urlsplit(SITE_URL or "http://127.0.0.1:8000")
_SITE_IS_SECURE_CONTEXT = _SITE.scheme == "https" or _SITE.hostname == "localhost"
OTP_WEBAUTHN_RP_NAME = "Chorale"
OTP_WEBAUTHN_RP_ID = env.str(
    "CHORALE_WEBAUTHN_RP_ID", default=_SITE.hostname if _SITE_IS_SECURE_CONTEXT else "localhost"
)
OTP_WEBAUTHN_ALLOWED_ORIGINS = env.list(
    "CHORALE_WEBAUTHN_ORIGINS",
    default=[f"{_SITE.scheme}://{_SITE.netloc}"] if _SITE_IS_SECURE_CONTEXT else ["http://localhost:8000"],
)
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False  # the password stays the first factor
OTP_WEBAUTHN_HELPER_CLASS = "accounts.passkeys.ChoraleWebAuthnHelper"
# Failed logins: free attempts per account, then doubling waits never longer than this (accounts/lockout.py).
CHORALE_LOCKOUT_FREE_FAILURES = env.int("CHORALE_LOCKOUT_FREE_FAILURES", default=5)
CHORALE_LOCKOUT_MAX_SECONDS = env.int("CHORALE_LOCKOUT_MAX_SECONDS", default=15 * 60)
ACCOUNT_ACTIVATION_MINUTES = 60
# Lifetime of a personal API token (a technical account's has none: its managers revoke it).
CHORALE_API_TOKEN_DAYS = env.int("CHORALE_API_TOKEN_DAYS", default=365)
EMAIL_CHANGE_HOURS = 24
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.TokenAuthentication",
        "accounts.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # The schema documents every refusal with the one error body the exception handler answers.
    "DEFAULT_SCHEMA_CLASS": "accounts.api.openapi.ChoraleAutoSchema",
    "EXCEPTION_HANDLER": "accounts.api.errors.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Per token, per account (all its tokens and sessions), per address for the few open endpoints: 429 with
    # Retry-After, counted in the default cache (accounts/api/throttling.py).
    "DEFAULT_THROTTLE_CLASSES": [
        "accounts.api.throttling.TokenRateThrottle",
        "accounts.api.throttling.UserRateThrottle",
        "accounts.api.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("CHORALE_API_RATE_ANON", default="60/min"),
        "user": env.str("CHORALE_API_RATE_USER", default="600/min"),
        "token": env.str("CHORALE_API_RATE_TOKEN", default="300/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Chorale API",
    "DESCRIPTION": "API du portail de facturation électronique Chorale.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from our own static files: the portal works offline and under a strict CSP.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "UserKindEnum": "accounts.models.User.Kind",
        "StructureKindEnum": "accounts.models.Structure.Kind",
        "RightEnum": "accounts.access.RIGHTS",
        "InvoiceStatusEnum": "invoices.models.InvoiceStatus",
        "DepositStatusEnum": "invoices.models.DepositStatus",
        "IdTypeEnum": "accounts.models.Structure.IdType",
        "PublicIdTypeEnum": "accounts.api.claims.PUBLIC_ID_CHOICES",
        "StatusReasonEnum": "invoices.lifecycle.reasons.REASON_CODES",
        "MandatRejectionReasonEnum": "invoices.lifecycle.reasons.MANDAT_REJECTION_REASONS",
    },
}

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}
# Only the invoice document views may be framed, by our own pages (xframe_options_sameorigin).
X_FRAME_OPTIONS = "DENY"

# Deposit limits (Chorus Pro's defaults).
CHORALE_MAX_FILE_BYTES = env.int("CHORALE_MAX_FILE_BYTES", default=10 * 1024 * 1024)
CHORALE_MAX_INVOICE_BYTES = env.int("CHORALE_MAX_INVOICE_BYTES", default=120 * 1024 * 1024)
CHORALE_MAX_FILENAME_CHARS = env.int("CHORALE_MAX_FILENAME_CHARS", default=50)
# The supporting document of a claim to a public structure (a PDF delegation or appointment).
CHORALE_CLAIM_MAX_BYTES = env.int("CHORALE_CLAIM_MAX_BYTES", default=10 * 1024 * 1024)
# Bytes one supplier structure may deposit per day, refused files included (invoices/quota.py); 0: no quota.
CHORALE_DEPOSIT_DAILY_BYTES = env.int("CHORALE_DEPOSIT_DAILY_BYTES", default=2 * 1024 * 1024 * 1024)
CHORALE_MAX_ZIP_MEMBERS = env.int("CHORALE_MAX_ZIP_MEMBERS", default=100)
CHORALE_MAX_ZIP_BYTES = env.int("CHORALE_MAX_ZIP_BYTES", default=CHORALE_MAX_INVOICE_BYTES)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# The CEN EN 16931 CII stylesheet that factur-x does not ship (fetched at setup into .artefacts/).
CHORALE_CEN_CII_XSLT = env.str(
    "CHORALE_CEN_CII_XSLT", default=str(BASE_DIR / ".artefacts" / "EN16931-CII-validation.xslt")
)
# Every document is validated in a worker process of a bounded pool (invoices/formats/pool.py): a document
# past the wall-clock or resident-memory limit is refused and its worker replaced. Each worker holds the
# compiled stylesheets (~450 MB); a request waits at most CHORALE_VALIDATION_WAIT seconds for a free worker.
CHORALE_VALIDATION_TIMEOUT = env.float("CHORALE_VALIDATION_TIMEOUT", default=30.0)
CHORALE_VALIDATION_MEMORY_MB = env.int("CHORALE_VALIDATION_MEMORY_MB", default=1024)
CHORALE_VALIDATION_WORKERS = env.int("CHORALE_VALIDATION_WORKERS", default=2)
CHORALE_VALIDATION_WAIT = env.float("CHORALE_VALIDATION_WAIT", default=60.0)
# PES V2: the DGFiP schema folder (holding PES_V2/Rev0/PES_Aller.xsd); every file written is checked when set.
CHORALE_PES_XSD_DIR = env.str("CHORALE_PES_XSD_DIR", default="")
# Invoices and their originals are accounting vouchers kept ten years (Code de commerce, L. 123-22).
CHORALE_RETENTION_YEARS = env.int("CHORALE_RETENTION_YEARS", default=10)
# Refused uploads are no vouchers: their bytes are deleted after this many days (the SHA-256 stays).
CHORALE_REFUSED_RETENTION_DAYS = env.int("CHORALE_REFUSED_RETENTION_DAYS", default=30)
CHORALE_PES_MAX_FILE_BYTES = env.int("CHORALE_PES_MAX_FILE_BYTES", default=50 * 1024 * 1024)

# Task queue (Celery): long work (flows, bulk changes, PES exports, e-mails) runs in worker processes. With
# CELERY_BROKER_URL (Redis), tasks go through it and results are kept there; without it, the embedded default:
# a queue kept in folders under var/queue, served by the local worker that `scripts/run` starts.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or "filesystem://"
CHORALE_QUEUE_DIR = Path(env.str("CHORALE_QUEUE_DIR", default=str(BASE_DIR / "var" / "queue")))
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CHORALE_QUEUE_DIR / "messages"),
        "data_folder_out": str(CHORALE_QUEUE_DIR / "messages"),
        "control_folder": str(CHORALE_QUEUE_DIR / "control"),
    }
    CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
else:
    # A message a dead worker took comes back after this long: more than the longest task (one flow chunk, one
    # PES export); a worker that starts resumes the unfinished flows at once anyway (invoices.deposit.tasks).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
    }
    CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
# The test suite runs tasks in-process unless a test asks for the real queue (tests/flows/).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=TESTING)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env.str("CHORALE_QUEUE_NAME", default="chorale")
# Acknowledged once done, requeued when the worker dies: a task is never lost, so every task is idempotent.
CELERY_TASK_ACKS_LATE = True
# What runs on a schedule (`celery -A portal beat`, or a worker started with `-B` as scripts/run does).
CELERY_BEAT_SCHEDULE = {
    "purge-refused-uploads": {"task": "invoices.storage.tasks.purge_refused_uploads", "schedule": 24 * 3600},
}
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Each worker process compiles the validation stylesheets as it starts (a few seconds), not on its first task.
CHORALE_WORKER_WARM_UP = env.bool("CHORALE_WORKER_WARM_UP", default=True)
CELERY_WORKER_PROC_ALIVE_TIMEOUT = 120
# Flows: a worker claims one file at a time for this long (a file takes seconds; the validation limit bounds
# it); past it, the worker is presumed dead and another takes the file. A file whose workers died this many
# times is reported failed rather than tried for ever. Files are sent to the workers this many at a time.
CHORALE_FLOW_LEASE_SECONDS = env.int("CHORALE_FLOW_LEASE_SECONDS", default=300)
CHORALE_FLOW_MAX_ATTEMPTS = env.int("CHORALE_FLOW_MAX_ATTEMPTS", default=3)
CHORALE_FLOW_CHUNK = env.int("CHORALE_FLOW_CHUNK", default=10)
# The Chorus Pro-compatible API (/cpro/, /api/oauth/token) and the connector to Chorus Pro itself.
# OAuth2 access tokens live an hour (PISTE's); technical-account passwords expire, as on Chorus Pro.
CHORALE_CPRO_TOKEN_SECONDS = env.int("CHORALE_CPRO_TOKEN_SECONDS", default=3600)
CHORALE_CPRO_PASSWORD_DAYS = env.int("CHORALE_CPRO_PASSWORD_DAYS", default=365)
CHORALE_CPRO_TOKEN_RATE_IP = env.str("CHORALE_CPRO_TOKEN_RATE_IP", default="60/m")
CHORALE_CPRO_RATE = env.str("CHORALE_CPRO_RATE", default="600/min")  # calls per technical account
# Chorus Pro itself (PISTE): the qualification hosts unless production is configured.
CHORALE_CPRO_API_URL = env.str(
    "CHORALE_CPRO_API_URL",
    default="https://api.piste.gouv.fr" if PRODUCTION else "https://sandbox-api.piste.gouv.fr",
)
CHORALE_CPRO_TOKEN_URL = env.str(
    "CHORALE_CPRO_TOKEN_URL",
    default=(
        "https://oauth.piste.gouv.fr/api/oauth/token"
        if PRODUCTION
        else "https://sandbox-oauth.piste.gouv.fr/api/oauth/token"
    ),
)
CHORALE_CPRO_TIMEOUT = env.float("CHORALE_CPRO_TIMEOUT", default=30.0)
CHORALE_CPRO_SYNC_MINUTES = env.int("CHORALE_CPRO_SYNC_MINUTES", default=15)
CHORALE_CPRO_RETRY_SECONDS = env.int("CHORALE_CPRO_RETRY_SECONDS", default=60)
CHORALE_CPRO_RETRY_MAX_SECONDS = env.int("CHORALE_CPRO_RETRY_MAX_SECONDS", default=6 * 3600)
CHORALE_CPRO_DOWNLOAD_FORMAT = env.str("CHORALE_CPRO_DOWNLOAD_FORMAT", default="PDF")
# The support account that holds a supplier structure the connector has to create (default: the only one).
CHORALE_CPRO_SUPPORT_EMAIL = env.str("CHORALE_CPRO_SUPPORT_EMAIL", default="")
# Celery beat runs the connector's synchronisation every minute; each connection keeps its own pace.
CELERY_BEAT_SCHEDULE |= {
    "cpro-sync": {"task": "invoices.cpro.tasks.sync_connections", "schedule": 60.0},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.security": {"level": "INFO"}, "saxonche": {"level": "WARNING"}},
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
