"""Django settings for Guanxi. Values come from the environment through `guanxi.env` only."""

from __future__ import annotations

from pathlib import Path

import dj_email_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from . import env
from .database import database_config

BASE_DIR = env.REPO_ROOT
# Off unless asked for: a debug page shows settings, SQL and tracebacks to anyone. `guanxi up` turns it on.
DEBUG = env.get_bool("GUANXI_DEBUG", default=False)
PRODUCTION = env.get("GUANXI_ENV", "development") == "production"

_secret = env.get("SECRET_KEY")
SECRET_KEY_GENERATED = not _secret
SECRET_KEY = _secret or env.development_secret_key()

# --- field encryption (core.crypto) ---------------------------------------------------------------
# `keyid:base64url-key,...`, newest first. The blind-index HMAC key is separate because it must never
# change (a new one would make every stored index unfindable); production sets both.
_field_keys = env.get("GUANXI_FIELD_KEYS")
_field_hmac_key = env.get("GUANXI_FIELD_HMAC_KEY")
GUANXI_FIELD_KEYS_GENERATED = not _field_keys
GUANXI_FIELD_HMAC_KEY_GENERATED = not _field_hmac_key
GUANXI_FIELD_KEYS = _field_keys or ("" if PRODUCTION else env.development_field_keys())
GUANXI_FIELD_HMAC_KEY = _field_hmac_key or ("" if PRODUCTION else env.development_field_hmac_key())

GUANXI_BASE_DOMAIN = env.get("GUANXI_BASE_DOMAIN", "localhost")
GUANXI_PUBLIC_URL = env.get("GUANXI_PUBLIC_URL", f"http://{GUANXI_BASE_DOMAIN}:8000")
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", f".{GUANXI_BASE_DOMAIN},{GUANXI_BASE_DOMAIN},127.0.0.1")
CSRF_TRUSTED_ORIGINS = env.get_list("CSRF_TRUSTED_ORIGINS", "")

# --- tenancy (django-tenants): one schema per company -------------------------------------------
SHARED_APPS = [
    "django_tenants",
    "tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served by us instead of a CDN
    "django_htmx",
    "csp",
    "core.users",  # the public schema's users are the provider's staff
    "core.web",
    "core.api",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "core.users",
    "core.crypto",
    "core.access",
    "core.audit",
    "core.events",
    "core.auditlog",
    "core.customization",
    "core.overview",
    "core.records",
    "core.leads",
    "core.activities",
    "core.service",
    "core.campaigns",
    "core.reports",
]
INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
# New workspaces are cloned from this migrated, empty schema instead of running every migration.
TENANT_BASE_SCHEMA = "tenant_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
PUBLIC_SCHEMA_URLCONF = "guanxi.urls_public"
ROOT_URLCONF = "guanxi.urls_tenant"
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
SHOW_PUBLIC_IF_NO_TENANT_FOUND = False
# `SET search_path` once per connection and schema, not before every cursor (django-tenants forgets the
# setting on set_tenant, rollback and savepoint rollback, so a reused connection never keeps a stale path:
# PostgreSQL undoes a SET with the transaction or savepoint that issued it; tests/platform/test_search_path.py).
TENANT_LIMIT_SET_CALLS = True

DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = ["core.users.backends.EmailBackend"]
LOGIN_URL = "users:login"
LOGIN_REDIRECT_URL = "records:home"
LOGOUT_REDIRECT_URL = "users:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

MIDDLEWARE = [
    "guanxi.request_context.RequestIdMiddleware",
    "tenants.middleware.WorkspaceMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.web.csp.PageCSPMiddleware",  # django-csp; data answers get a fixed policy
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.users.middleware.UserLanguageMiddleware",
    "core.web.middleware.QueryStringMiddleware",
    "core.audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tenants.middleware.ReadOnlyWorkspaceMiddleware",
    "guanxi.request_context.LogContextMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.web.context_processors.workspace",
            ],
        },
    }
]
WSGI_APPLICATION = "guanxi.wsgi.application"

# --- languages ------------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("zh-hans", _("Chinese (Simplified)")), ("en", _("English"))]
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]  # inside the package: installs ship it
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
GUANXI_DEFAULT_TIME_ZONE = env.get("GUANXI_DEFAULT_TIME_ZONE", "Asia/Shanghai")

# --- static files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.get("STATIC_ROOT") or env.data_dir() / "static")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
                    if PRODUCTION else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- sessions and security ------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_CONTENT_TYPE_NOSNIFF = True
# How many proxies in front of Guanxi append to X-Forwarded-For (the ingress: 1). The client address of
# rate limits, throttles and the audit log is then that header's Nth entry from the right
# (core.api.clients.client_address); 0 ignores the header. GUANXI_TRUST_X_FORWARDED_FOR=true, the
# older switch, still means 1 when GUANXI_NUM_PROXIES is unset.
GUANXI_NUM_PROXIES = int(env.get("GUANXI_NUM_PROXIES")
                         or (1 if env.get_bool("GUANXI_TRUST_X_FORWARDED_FOR", default=False) else 0))
X_FRAME_OPTIONS = "DENY"
# Browsers keep to HTTPS for the base domain and every workspace under it (sent on HTTPS requests only).
SECURE_HSTS_SECONDS = int(env.get("GUANXI_HSTS_SECONDS", "31536000")) if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
# Pages run only our own files: no inline script or style (a nonce'd <style> where a library needs one),
# nothing from another origin. Forms may post to the workspaces (signup hands off to the new one).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF, f"*.{GUANXI_BASE_DOMAIN}:*"],
    },
}

# --- plugins (plugins/manager.py) ----------------------------------------------------------------
# a comma-separated allow-list of plugin names; empty: every installed plugin loads
GUANXI_PLUGINS = env.get_list("GUANXI_PLUGINS", "")

# --- cache (throttling, compiled config) ----------------------------------------------------------
REDIS_URL = env.get("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- email: always sent by a Celery task ----------------------------------------------------------
EMAIL_URL = env.get("EMAIL_URL", "console://")
_email = dj_email_url.parse(EMAIL_URL)
EMAIL_BACKEND = "core.web.mail.CeleryEmailBackend"
GUANXI_DELIVERY_EMAIL_BACKEND = env.get("GUANXI_DELIVERY_EMAIL_BACKEND") or _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
DEFAULT_FROM_EMAIL = env.get("DEFAULT_FROM_EMAIL", "Guanxi <no-reply@guanxi.localhost>")

# --- Celery ---------------------------------------------------------------------------------------
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
else:
    # no broker server: a folder on disk carries the messages between web, worker and beat
    _broker = env.data_dir() / "broker"
    for _sub in ("out", "processed"):
        (_broker / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker / "out"),
        "data_folder_out": str(_broker / "out"),
        "processed_folder": str(_broker / "processed"),
        "control_folder": str(_broker / "control"),
        "store_processed": False,
    }
CELERY_BROKER_URL = env.get("CELERY_BROKER_URL") or CELERY_BROKER_URL
CELERY_TASK_ALWAYS_EAGER = env.get_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(env.data_dir() / "celerybeat-schedule")

# --- REST API -------------------------------------------------------------------------------------
# Request bodies, web forms and API alike (the API's JSON parser reads through request.body; larger is 413).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MB, Django's default, said here because the API documents it
REST_FRAMEWORK = {
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.users.authentication.ApiTokenAuthentication",
        "core.users.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.GuanxiAutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "signup": env.get("GUANXI_THROTTLE_SIGNUP", "30/hour"),
        "login": env.get("GUANXI_THROTTLE_LOGIN", "20/minute"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # our throttles call core.api.clients.client_address; DRF's own get_ident would agree
    "NUM_PROXIES": GUANXI_NUM_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Guanxi API",
    "DESCRIPTION": "The REST API of a Guanxi workspace. Every path is served on the workspace's own host.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # the API page loads Swagger UI from our own static files (drf-spectacular-sidecar), never a CDN
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},  # no badge fetched from swagger.io
    # several models have a `kind`, `status` or `channel` of their own: one named enum each
    "ENUM_NAME_OVERRIDES": {
        "AccountKindEnum": "core.records.models.Account.Kind",
        "AccountStatusEnum": "core.records.models.Account.Status",
        "StageKindEnum": "core.records.models.Deal.Kind",
        "GradeEnum": "core.leads.models.Lead.Grade",
        "LeadStatusEnum": "core.leads.models.Lead.Status",
        "ActivityKindEnum": "core.activities.models.Activity.Kind",
        "TicketChannelEnum": "core.service.models.Ticket.Channel",
        "TicketStatusEnum": "core.service.models.Ticket.Status",
        "CampaignChannelEnum": "core.campaigns.models.Campaign.Channel",
        "CampaignStatusEnum": "core.campaigns.models.Campaign.Status",
    },
}

# --- logging: one JSON line per event -------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "guanxi.request_context.ContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(schema)s %(user_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["context"]},
    },
    "root": {"handlers": ["console"], "level": env.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},
        "django.server": {"level": "WARNING" if not DEBUG else "INFO"},
    },
}

# --- billing ---------------------------------------------------------------------------------------
STRIPE_SECRET_KEY = env.get("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = env.get("STRIPE_WEBHOOK_SECRET")
STRIPE_API_BASE = env.get("STRIPE_API_BASE")  # only for a fake Stripe server in tests

# --- product --------------------------------------------------------------------------------------
GUANXI_DEMO_WORKSPACE = env.get("GUANXI_DEMO_WORKSPACE", "demo")
GUANXI_TRIAL_DAYS = int(env.get("GUANXI_TRIAL_DAYS", "14"))
GUANXI_PHONE_REGION = env.get("GUANXI_PHONE_REGION", "CN")  # region of phone numbers typed without +country
GUANXI_POOL_LIMIT = int(env.get("GUANXI_POOL_LIMIT", "200"))  # accounts one person may own via pool claims

if PRODUCTION:
    from .production_checks import refuse_development_defaults

    refuse_development_defaults(
        debug=DEBUG, secret_generated=SECRET_KEY_GENERATED, allowed_hosts=ALLOWED_HOSTS,
        field_keys_missing=GUANXI_FIELD_KEYS_GENERATED, field_hmac_key_missing=GUANXI_FIELD_HMAC_KEY_GENERATED,
    )
