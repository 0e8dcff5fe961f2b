"""Django settings for Dateline.

One settings module for every mode: the environment switches the parts (see
``dateline/config.py`` and the README), nothing exists only in production.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from dateline import config
from dateline.ops import logs

BASE_DIR = config.BASE_DIR
PROJECT_DIR = BASE_DIR / "dateline"
DATA_DIR = config.data_dir()

SECRET_KEY = config.secret_key(DATA_DIR)
DEBUG = config.env_bool("DEBUG", False)
SITE_URL = config.site_url()
ALLOWED_HOSTS = config.env_list(
    "ALLOWED_HOSTS",
    ["127.0.0.1", "localhost", "[::1]", urlsplit(SITE_URL).hostname or "127.0.0.1"],
)
CSRF_TRUSTED_ORIGINS = config.env_list("CSRF_TRUSTED_ORIGINS", [SITE_URL])

INSTALLED_APPS = [
    "dateline.core",
    "dateline.newsroom",
    "dateline.discussion",
    "dateline.community",
    "dateline.moderation",
    "dateline.ops",
    "dateline.cdn",
    "dateline.importers",
    "dateline.privacy",
    "dateline.notify",
    "dateline.embed",
    "dateline.notes",
    "corsheaders",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "csp",
    # Its API docs (/api/docs) then load Swagger UI from this site's static
    # files; without it they come from a CDN the site's CSP blocks.
    "ninja",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
]

MIDDLEWARE = [
    # First: every log line of the request carries its id.
    "dateline.ops.logs.RequestIdMiddleware",
    # Counts and times every answer when /metrics is on (DATELINE_METRICS_*).
    "dateline.ops.metrics.MetricsMiddleware",
    # With DATABASE_REPLICA_URL: readers' GETs read from the replica.
    "dateline.core.routers.ReplicaMiddleware",
    # Everything after it sees the client's address and scheme.
    "dateline.core.middleware.ForwardedMiddleware",
    "dateline.core.middleware.NulInUrlMiddleware",
    # Brotli or gzip for what the middleware below renders (not static files,
    # not the page cache's answers, which come compressed).
    "dateline.core.compression.CompressionMiddleware",
    # Cross-origin reads of the API and the embed's counts, for the sites on
    # the embed's list only (dateline/embed/apps.py); before anything answers.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A request from an embed frame: its token instead of a CSRF cookie, and
    # partitioned cookies; before the session and CSRF middleware.
    "dateline.embed.middleware.EmbedFrameMiddleware",
    # Before anything reads a body: refuses cross-site and non-JSON API writes.
    "dateline.discussion.middleware.ApiWriteGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A member signed in inside an embed frame (dateline/embed/members.py).
    "dateline.embed.middleware.EmbedMemberMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "dateline.core.middleware.DocumentCSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Innermost but one: the middleware above still sees a cached response.
    "dateline.discussion.middleware.CachedArticleMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "dateline.urls"
ASGI_APPLICATION = "dateline.asgi.application"
WSGI_APPLICATION = "dateline.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dateline.core.context_processors.site_chrome",
                "dateline.newsroom.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": config.database(DATA_DIR)}
# A streaming replica for what readers read; a writer's next requests, and
# everything that is not a reader's GET, stay on the primary.
_replica = config.replica_database()
if _replica:
    DATABASES["replica"] = _replica
    DATABASE_ROUTERS = ["dateline.core.routers.PrimaryReplicaRouter"]
DATELINE_REPLICA_PIN_SECONDS = config.env_int("DATELINE_REPLICA_PIN_SECONDS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": config.cache(),
    # Pages for anonymous readers, shared by the server's processes.
    "pages": config.page_cache(DATA_DIR),
}
# Django's {% cache %} fragments (an article's body) go with the pages.
CACHES["template_fragments"] = CACHES["pages"]
TASKS = config.tasks()

_email = config.email(DATA_DIR)
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_FILE_PATH = _email.get("EMAIL_FILE_PATH")
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = config.env_str(
    "DEFAULT_FROM_EMAIL", "Dateline <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

_VALIDATORS = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_VALIDATORS}.MinimumLengthValidator"},
    {"NAME": f"{_VALIDATORS}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS}.NumericPasswordValidator"},
]

# Django's and allauth's, with the member read in plain SQL (core/auth.py).
AUTHENTICATION_BACKENDS = [
    "dateline.core.auth.ModelBackend",
    "dateline.core.auth.AccountBackend",
]

# Reader accounts (django-allauth): sign up with a verified email address,
# sign in with username or email, reset a forgotten password by email.
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{config.env_str('DATELINE_SITE_NAME', 'Dateline')}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https://") else "http"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# The discussion (see dateline/discussion/conf.py for what each means).
DATELINE_COMMENTS_MAX_DEPTH = config.env_int(
    "DATELINE_COMMENTS_MAX_DEPTH", 3, minimum=1
)
DATELINE_COMMENTS_READ_MORE_CHARS = config.env_int(
    "DATELINE_COMMENTS_READ_MORE_CHARS", 500
)
DATELINE_COMMENTS_EDIT_WINDOW_MINUTES = config.env_int(
    "DATELINE_COMMENTS_EDIT_WINDOW_MINUTES", 15
)
DATELINE_COMMENTS_MAX_LENGTH = config.env_int("DATELINE_COMMENTS_MAX_LENGTH", 5000)
DATELINE_COMMENTS_PAGE_SIZE = config.env_int(
    "DATELINE_COMMENTS_PAGE_SIZE", 20, minimum=1
)
DATELINE_COMMENTS_REPLIES_PER_ROOT = config.env_int(
    "DATELINE_COMMENTS_REPLIES_PER_ROOT", 10, minimum=1
)
DATELINE_COMMENTS_DEFAULT_SORT = config.env_choice(
    "DATELINE_COMMENTS_DEFAULT_SORT",
    "best",
    ["best", "newest", "oldest", "replies", "common"],
)
# Anonymous article pages and thread payloads are cached this long at most;
# a new comment, edit or vote replaces them at once, or, when the page was
# built less than DATELINE_PAGE_STALE_MS ago, at the next build after that
# (readers get the version before meanwhile: a thread taking many comments
# a second does not rebuild its pages on every one).
DATELINE_PAGE_CACHE_SECONDS = config.env_int("DATELINE_PAGE_CACHE_SECONDS", 300)
DATELINE_PAGE_STALE_MS = config.env_int("DATELINE_PAGE_STALE_MS", 500)
# The front door asks the database whether a page is current at most once
# per this many milliseconds per page and process (0: on every request). By
# default on every request with SQLite, where the question is a call inside
# the process (the storm bench lost a tenth of its readers and doubled its
# p99 with 20), and every 20 ms with a database across the network (the
# production topology's readers: 4,157 -> 7,781 a second alone).
DATELINE_FRONT_CHECK_MS = config.env_int(
    "DATELINE_FRONT_CHECK_MS",
    0 if DATABASES["default"]["ENGINE"] == "dateline.core.sqlite" else 20,
)
# A member's points, rank and badges are refreshed after a change, at most
# once per this many milliseconds (in-process tasks; a storm of votes on one
# member's comments then costs one refresh every ten seconds).
DATELINE_STANDINGS_REFRESH_MS = config.env_int("DATELINE_STANDINGS_REFRESH_MS", 10_000)
# Live updates (dateline/notify/live): on, and the streams each process holds.
DATELINE_LIVE = config.env_bool("DATELINE_LIVE", True)
DATELINE_LIVE_STREAMS = config.live_streams()
# A shared cache (CDN, Varnish) in front: how long it may keep those pages
# (0: not at all), and how to purge them when they change (dateline/cdn/).
DATELINE_CDN_MAX_AGE = config.env_int("DATELINE_CDN_MAX_AGE", 0)
DATELINE_CDN_STALE_SECONDS = config.env_int("DATELINE_CDN_STALE_SECONDS", 60)
DATELINE_CDN_PURGE = config.env_str("DATELINE_CDN_PURGE", "")
DATELINE_CDN_PURGE_URLS = config.env_list("DATELINE_CDN_PURGE_URLS", [])
DATELINE_CDN_PURGE_TIMEOUT = config.env_int("DATELINE_CDN_PURGE_TIMEOUT", 2, minimum=1)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"  # storage and internals; readers see DATELINE_DISPLAY_TIME_ZONE
USE_I18N = True
USE_TZ = True

# How the site shows a date and time to readers (Django date format syntax);
# the default renders 26/09/2017 02:48.
DATELINE_DATETIME_FORMAT = config.env_str("DATELINE_DATETIME_FORMAT", "d/m/Y H:i")
DATELINE_DISPLAY_TIME_ZONE = config.time_zone("DATELINE_DISPLAY_TIME_ZONE", "UTC")
DATELINE_SITE_NAME = config.env_str("DATELINE_SITE_NAME", "Dateline")
DATELINE_SERVE_MEDIA = config.env_bool("DATELINE_SERVE_MEDIA", True)
# Moderation (dateline/moderation/policies.py): the site's policy, slow mode.
DATELINE_MODERATION_MODE = config.env_choice(
    "DATELINE_MODERATION_MODE", "post", ["post", "pre_all", "pre_new", "trust"]
)
DATELINE_MODERATION_SLOW_SECONDS = config.env_int("DATELINE_MODERATION_SLOW_SECONDS", 0)
# The scorers every comment passes (dotted paths); empty: all the defaults
# (dateline/moderation/scoring.py). "none" turns screening off.
_scorers = config.env_list("DATELINE_MODERATION_SCORERS", [])
if _scorers:
    DATELINE_MODERATION_SCORERS = [] if _scorers == ["none"] else _scorers
# Threads for the toxicity models' calls on a long comment (its pieces, more
# than 128 tokens, or its sentences; shorter calls use one): moderation/minilm.py.
DATELINE_MODERATION_MODEL_THREADS = config.env_int(
    "DATELINE_MODERATION_MODEL_THREADS", min(2, os.cpu_count() or 1), minimum=1
)
# Toxicity bands (dateline/moderation/conf.py explains each measure).
DATELINE_MODERATION_FLAG_AT = config.env_fraction("DATELINE_MODERATION_FLAG_AT", 0.35)
DATELINE_MODERATION_RECONSIDER_AT = config.env_fraction(
    "DATELINE_MODERATION_RECONSIDER_AT", 0.45
)
DATELINE_MODERATION_HOLD_AT = config.env_fraction("DATELINE_MODERATION_HOLD_AT", 0.7)
DATELINE_MODERATION_REJECT_AT = config.env_fraction(
    "DATELINE_MODERATION_REJECT_AT", 0.95
)
DATELINE_MODERATION_RECONSIDERED = config.env_choice(
    "DATELINE_MODERATION_RECONSIDERED", "flag", ["flag", "hold"]
)
# Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed.
# /metrics (Prometheus) answers a request with this bearer token, or from
# these networks; with neither, there is no /metrics.
DATELINE_METRICS_TOKEN = config.env_str("DATELINE_METRICS_TOKEN", "")
DATELINE_METRICS_NETWORKS = config.networks("DATELINE_METRICS_NETWORKS", [])
DATELINE_TRUSTED_PROXIES = config.networks(
    "DATELINE_TRUSTED_PROXIES", ["127.0.0.1", "::1"]
)

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns about a missing folder
STATICFILES_DIRS = [PROJECT_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the app folders when collectstatic has not run (tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Django's database sessions, read in plain SQL (dateline/core/sessions.py).
SESSION_ENGINE = "dateline.core.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = SITE_URL.startswith("https://")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# A form sent from a shared-cache page without JavaScript: its fields back,
# with a token, to send again (dateline/cdn/views.py).
CSRF_FAILURE_VIEW = "dateline.cdn.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"

# Content Security Policy for reader pages.  Wagtail's admin relies on inline
# scripts and styles and is excluded; it is behind a login.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    },
}

# The API and the embed's counts answer cross-origin reads from the sites on
# the embed's list (admin: Settings, Embedding sites), and only those.
CORS_URLS_REGEX = r"^/(api|embed)/.*$"
CORS_ALLOW_METHODS = ("GET", "OPTIONS")
DATELINE_EMBED_FRAME_HOURS = config.env_int("DATELINE_EMBED_FRAME_HOURS", 24, minimum=1)
DATELINE_EMBED_COUNTS_MAX = config.env_int("DATELINE_EMBED_COUNTS_MAX", 100, minimum=1)
DATELINE_EMBED_COUNTS_MAX_AGE = config.env_int("DATELINE_EMBED_COUNTS_MAX_AGE", 60)

WAGTAIL_SITE_NAME = DATELINE_SITE_NAME
WAGTAILADMIN_BASE_URL = SITE_URL
# Stemmed full-text search: PostgreSQL's text search configuration by this
# name; on SQLite, FTS5's porter tokenizer (English), set up by
# core/migrations/0002_search_stemming.py.
DATELINE_SEARCH_LANGUAGE = config.env_str("DATELINE_SEARCH_LANGUAGE", "english")
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        "SEARCH_CONFIG": DATELINE_SEARCH_LANGUAGE,
    }
}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAIL_ENABLE_UPDATE_CHECK = False  # no network calls from the admin
# Nor avatars from Gravatar: each would hand it a hash of the editor's email
# (and shows a broken image on a server without internet access).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ALLOW_UNICODE_SLUGS = False

LOGGING = logs.logging_config(
    config.env_choice("DATELINE_LOG_FORMAT", "text", ["text", "json"]),
    config.env_str("LOG_LEVEL", "WARNING"),
)
