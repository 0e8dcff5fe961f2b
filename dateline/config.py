"""Read Dateline's configuration from the environment.

Every value has an embedded default so that a bare checkout runs with SQLite,
a local-memory cache, in-process tasks and a mail outbox folder.  A malformed
value raises :class:`ConfigError`, whose message is one line that names the
variable and what it should look like; the entry points print that line and
exit instead of showing a traceback.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql", "postgis"}
SQLITE_SCHEMES = {"sqlite"}


class ConfigError(Exception):
    """A configuration value from the environment is malformed.

    Deliberately not an ``ImproperlyConfigured``: Django's command runner
    swallows those while it loads settings, and we want this one to reach the
    entry point and be printed as a single line.
    """


def _redacted(url: str) -> str:
    """Return ``url`` with any password replaced, for error messages."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable>"
    if parts.password:
        netloc = parts.netloc.replace(":" + parts.password + "@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be one of true/false/1/0/yes/no (got {raw!r})")


def env_choice(name: str, default: str, choices: list[str]) -> str:
    value = env_str(name, default) or default
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)} (got {value!r})")
    return value


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number (got {raw!r})") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum} (got {value})")
    return value


def env_fraction(name: str, default: float) -> float:
    """A number from 0 to 1, such as a toxicity threshold."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    problem = f"{name} must be a number from 0 to 1 (got {raw!r})"
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(problem) from None
    if not 0.0 <= value <= 1.0:
        raise ConfigError(problem)
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks(name: str, default: list[str]) -> tuple[IPNetwork, ...]:
    """A comma-separated list of IP addresses or networks (``10.0.0.0/8``)."""
    found = []
    for item in env_list(name, default):
        try:
            found.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ConfigError(
                f"{name} must list IP addresses or networks such as 10.0.0.0/8, "
                f"separated by commas (got {item!r})"
            ) from None
    return tuple(found)


def data_dir() -> Path:
    """The folder the embedded default writes to (database, media, outbox)."""
    path = Path(env_str("DATELINE_DATA_DIR") or BASE_DIR / "var").resolve()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"DATELINE_DATA_DIR {str(path)!r} cannot be created: {exc.strerror}"
        ) from None
    return path


def secret_key(folder: Path) -> str:
    """SECRET_KEY from the environment, or one generated once and kept in ``folder``."""
    key = env_str("SECRET_KEY")
    if key:
        if len(key) < 32:
            raise ConfigError("SECRET_KEY must be at least 32 characters long")
        return key
    path = folder / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def sqlite_database(path: Path) -> dict[str, Any]:
    """An SQLite database in WAL mode that waits for locks instead of failing."""
    return {
        "ENGINE": "dateline.core.sqlite",
        "NAME": str(path),
        # Opening an SQLite connection (functions, PRAGMAs) costs ~3 ms, more
        # than serving a cached page; each server thread keeps its own.
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            # WAL lets readers proceed while one writer writes; NORMAL is
            # durable across application crashes (not power loss), the usual
            # pairing with WAL.
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
            ),
            # Seconds a connection waits on a locked database.
            "timeout": env_int("DATELINE_SQLITE_BUSY_TIMEOUT", 20, minimum=1),
            # Take the write lock at BEGIN so two writers queue on the busy
            # timeout instead of one failing with "database is locked".
            "transaction_mode": "IMMEDIATE",
        },
    }


def database(folder: Path) -> dict[str, Any]:
    """The ``default`` database: DATABASE_URL if set, else SQLite in ``folder``."""
    url = env_str("DATABASE_URL")
    if not url:
        return sqlite_database(folder / "dateline.sqlite3")
    example = "postgres://USER:PASSWORD@HOST:5432/DBNAME or sqlite:////path/to/file.db"
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ConfigError(
            f"DATABASE_URL is not a valid URL ({_redacted(url)}); expected {example}"
        ) from None
    if scheme in SQLITE_SCHEMES:
        path = parts.path[1:] if parts.path.startswith("//") else parts.path
        if not path or path == "/":
            raise ConfigError(
                f"DATABASE_URL names no SQLite file ({url}); expected {example}"
            )
        return sqlite_database(Path(path))
    if scheme not in POSTGRES_SCHEMES:
        raise ConfigError(
            f"DATABASE_URL scheme {scheme or '(none)'!r} is not supported "
            f"({_redacted(url)}); expected {example}"
        )
    if not parts.path.strip("/"):
        raise ConfigError(
            f"DATABASE_URL names no database ({_redacted(url)}); expected {example}"
        )
    return _postgres(url)


def replica_database() -> dict[str, Any] | None:
    """``DATABASE_REPLICA_URL``: a PostgreSQL streaming replica that readers'
    pages are read from (``core/routers.py``), or None."""
    url = env_str("DATABASE_REPLICA_URL")
    if not url:
        return None
    primary = urlsplit(env_str("DATABASE_URL"))
    if primary.scheme.lower() not in POSTGRES_SCHEMES:
        raise ConfigError(
            "DATABASE_REPLICA_URL needs DATABASE_URL to name the PostgreSQL "
            "primary it replicates"
        )
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme.lower() not in POSTGRES_SCHEMES
        or not parts.path.strip("/")
    ):
        raise ConfigError(
            f"DATABASE_REPLICA_URL is not a PostgreSQL URL ({_redacted(url)}); "
            "expected postgres://USER:PASSWORD@REPLICA-HOST:5432/DBNAME"
        )
    config = _postgres(url)
    config["TEST"] = {"MIRROR": "default"}  # tests read what they wrote
    return config


def _postgres(url: str) -> dict[str, Any]:
    config = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    config["ENGINE"] = "django.db.backends.postgresql"
    options = dict(config.get("OPTIONS") or {})
    # Django's psycopg pool: each process keeps up to this many connections
    # open and lends one to each request, checked first, so a restarted
    # database is reconnected to on its own. 0 keeps
    # one persistent connection per thread instead.
    pool_size = env_int("DATELINE_DB_POOL_SIZE", 4, minimum=0)
    if pool_size:
        config["CONN_MAX_AGE"] = 0  # the pool keeps them; Django must not
        # With a pool, this makes the pool check a connection before lending it.
        config["CONN_HEALTH_CHECKS"] = True
        # A request waits this long for a connection: only while the
        # database is away, as long as the pool is at least DATELINE_THREADS.
        options["pool"] = {"min_size": 1, "max_size": pool_size, "timeout": 3}
    if env_bool("DATELINE_DB_PREPARED", True):
        # Parameters sent apart from the statement, and a statement a
        # connection has run five times prepared on the server: parsed and
        # planned once instead of every time. On this project's 2-core VM a
        # vote's PostgreSQL CPU went from 2.45-2.85 ms to 1.38-1.63
        # (docs/scaling.md).
        # Django turns both off for poolers that cannot keep a connection's
        # prepared statements (PgBouncer in transaction mode before 1.21):
        # DATELINE_DB_PREPARED=0 there.
        from dateline.core.pgcursor import Cursor

        options["server_side_binding"] = True
        options["prepare_threshold"] = 5
        # Django's server-binding cursor, for statements with more
        # parameters than PostgreSQL takes (``core/pgcursor.py``).
        options["cursor_factory"] = Cursor
    config["OPTIONS"] = options
    return config


def request_threads() -> int:
    """Request threads per worker: ``DATELINE_THREADS`` (README, Configuration)."""
    remote = bool(os.environ.get("DATABASE_URL"))
    return env_int("DATELINE_THREADS", 2 if remote else 1, minimum=1)


def live_streams() -> int:
    """Live streams each worker holds, each on a thread of its own; 0 (the
    default): pages poll instead (dateline/notify/live/stream.py)."""
    return env_int("DATELINE_LIVE_STREAMS", 0)


def cache() -> dict[str, Any]:
    """The ``default`` cache: Redis when REDIS_URL is set, else local memory."""
    url = env_str("REDIS_URL")
    if not url:
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "dateline",
        }
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in {"redis", "rediss", "unix"}:
        raise ConfigError(
            f"REDIS_URL is not a Redis URL ({_redacted(url)}); "
            "expected redis://HOST:6379/0 or unix:///path/to/redis.sock"
        )
    if parts.scheme != "unix" and not parts.hostname:
        raise ConfigError(
            f"REDIS_URL names no host ({_redacted(url)}); expected redis://HOST:6379/0"
        )
    return {
        # Django's, answering as an empty cache while Redis is away.
        "BACKEND": "dateline.core.cache.ResilientRedisCache",
        "LOCATION": url,
        "KEY_PREFIX": env_str("DATELINE_CACHE_PREFIX", "dateline"),
    }


def page_cache(folder: Path) -> dict[str, Any]:
    """The ``pages`` cache (cached pages and payloads, article bodies).

    With Redis, the default cache. Without, files under ``folder``: the
    default's local memory is each server process's own, so each worker
    built every changed page again for itself (two workers: twice the
    rebuilds of a page under a comment storm); files are shared by every
    process on the machine, and a page is read from them only when the
    front door (``discussion/front.py``) has no current one.
    """
    if env_str("REDIS_URL"):
        return cache()
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(folder / "cache" / "pages"),
        # Each entry is a page in three codings (about 75 KB for an article
        # of 200 comments): 2,000 is 150 MB at most.
        "OPTIONS": {"MAX_ENTRIES": 2000, "CULL_FREQUENCY": 4},
    }


def email(folder: Path) -> dict[str, Any]:
    """Mail settings: SMTP when EMAIL_URL is set, else files in the outbox folder."""
    url = env_str("EMAIL_URL")
    if not url:
        outbox = folder / "outbox"
        outbox.mkdir(parents=True, exist_ok=True)
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(outbox),
        }
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if parts is None or parts.scheme not in {"smtp", "smtps", "smtp+tls"}:
        raise ConfigError(
            f"EMAIL_URL is not an SMTP URL ({_redacted(url)}); "
            "expected smtp://USER:PASSWORD@HOST:25 (or smtps:// / smtp+tls://)"
        )
    if not parts.hostname:
        raise ConfigError(f"EMAIL_URL names no host ({_redacted(url)})")
    default_port = {"smtp": 25, "smtps": 465, "smtp+tls": 587}[parts.scheme]
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port or default_port,
        "EMAIL_HOST_USER": parts.username or "",
        "EMAIL_HOST_PASSWORD": parts.password or "",
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_USE_TLS": parts.scheme == "smtp+tls",
    }


def tasks() -> dict[str, Any]:
    """Background tasks: in-process unless TASKS_BACKEND names another backend."""
    backend = env_str("TASKS_BACKEND", "thread")
    known = {
        "thread": "dateline.core.tasks.ThreadBackend",
        "database": "django_tasks_db.DatabaseBackend",
        "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        "dummy": "django_tasks.backends.dummy.DummyBackend",
    }
    if backend in known:
        return {"default": {"BACKEND": known[backend]}}
    if "." in backend:
        return {"default": {"BACKEND": backend}}
    raise ConfigError(
        f"TASKS_BACKEND must be one of {', '.join(sorted(known))} "
        f"or a dotted backend path (got {backend!r})"
    )


def site_url() -> str:
    url = env_str("DATELINE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ConfigError(
            f"DATELINE_SITE_URL must be an http(s) URL such as "
            f"https://news.example.org (got {url!r})"
        )
    return url


def time_zone(name: str, default: str) -> str:
    import zoneinfo

    value = env_str(name, default)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{name} must be an IANA time zone such as Europe/Copenhagen "
            f"(got {value!r})"
        ) from None
    return value
