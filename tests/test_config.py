"""Configuration from the environment: embedded defaults and one-line errors."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from dateline import config
from dateline.testing.processes import dateline_env, run_dateline


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in (
        "DATABASE_URL",
        "REDIS_URL",
        "EMAIL_URL",
        "TASKS_BACKEND",
        "SECRET_KEY",
    ):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_default_database_is_sqlite_in_wal_mode_with_busy_timeout(clean_env, tmp_path):
    db = config.database(tmp_path)
    assert db["ENGINE"] == "dateline.core.sqlite"
    assert db["NAME"] == str(tmp_path / "dateline.sqlite3")
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert db["OPTIONS"]["timeout"] >= 1
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_database_url_switches_to_postgresql(clean_env, tmp_path):
    clean_env.setenv("DATABASE_URL", "postgres://news:s3cret@db.internal:5433/dateline")
    db = config.database(tmp_path)
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["HOST"], db["PORT"], db["NAME"], db["USER"]) == (
        "db.internal",
        5433,
        "dateline",
        "news",
    )
    # Production connections come from Django's psycopg pool.
    assert db["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 4, "timeout": 3}
    assert db["CONN_MAX_AGE"] == 0


def test_the_pool_size_is_set_or_turned_off(clean_env, tmp_path):
    clean_env.setenv("DATABASE_URL", "postgres://news:s3cret@db.internal/dateline")
    clean_env.setenv("DATELINE_DB_POOL_SIZE", "12")
    assert config.database(tmp_path)["OPTIONS"]["pool"]["max_size"] == 12
    clean_env.setenv("DATELINE_DB_POOL_SIZE", "0")
    db = config.database(tmp_path)
    assert "pool" not in db.get("OPTIONS", {})
    assert db["CONN_MAX_AGE"] == 60
    clean_env.setenv("DATELINE_DB_POOL_SIZE", "many")
    with pytest.raises(config.ConfigError, match="DATELINE_DB_POOL_SIZE"):
        config.database(tmp_path)


def test_statements_are_prepared_unless_turned_off(clean_env, tmp_path):
    clean_env.setenv("DATABASE_URL", "postgres://news:s3cret@db.internal/dateline")
    options = config.database(tmp_path)["OPTIONS"]
    # Django turns both off unless asked (for poolers such as PgBouncer).
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 5
    assert options["cursor_factory"].__module__ == "dateline.core.pgcursor"
    clean_env.setenv("DATELINE_DB_PREPARED", "0")
    options = config.database(tmp_path)["OPTIONS"]
    assert "server_side_binding" not in options
    assert "prepare_threshold" not in options
    assert "cursor_factory" not in options
    clean_env.setenv("DATELINE_DB_PREPARED", "maybe")
    with pytest.raises(config.ConfigError, match="DATELINE_DB_PREPARED"):
        config.database(tmp_path)


@pytest.mark.parametrize(
    "url",
    [
        "nonsense",
        "mysql://u:p@h/db",
        "postgres://u:p@host:notaport/db",
        "postgres://u:p@host:5432/",
        "sqlite://",
    ],
)
def test_malformed_database_url_is_one_clear_line(clean_env, tmp_path, url):
    clean_env.setenv("DATABASE_URL", url)
    with pytest.raises(config.ConfigError) as caught:
        config.database(tmp_path)
    message = str(caught.value)
    assert message.startswith("DATABASE_URL ")
    assert "\n" not in message
    assert "expected" in message


def test_database_url_error_never_shows_the_password(clean_env, tmp_path):
    clean_env.setenv("DATABASE_URL", "mysql://user:hunter2@host/db")
    with pytest.raises(config.ConfigError) as caught:
        config.database(tmp_path)
    assert "hunter2" not in str(caught.value)
    assert "***" in str(caught.value)


def test_redis_url_switches_the_cache(clean_env):
    assert config.cache()["BACKEND"].endswith("LocMemCache")
    clean_env.setenv("REDIS_URL", "redis://127.0.0.1:6379/1")
    assert config.cache()["BACKEND"] == "dateline.core.cache.ResilientRedisCache"
    assert config.cache()["LOCATION"] == "redis://127.0.0.1:6379/1"


def test_pages_are_shared_by_the_servers_processes(clean_env, tmp_path):
    from django.core.cache.backends.filebased import FileBasedCache

    pages = config.page_cache(tmp_path)
    assert pages["LOCATION"] == str(tmp_path / "cache" / "pages")
    # Two processes' caches: what one builds, the other finds.
    one, other = (FileBasedCache(pages["LOCATION"], pages["OPTIONS"]) for _ in range(2))
    one.set("dateline:page:test", (3, 1.0, b"page"), 30)
    assert other.get("dateline:page:test") == (3, 1.0, b"page")
    clean_env.setenv("REDIS_URL", "redis://127.0.0.1:6379/1")
    assert config.page_cache(tmp_path) == config.cache()


@pytest.mark.parametrize(
    "url", ["localhost:6379", "http://cache", "redis://", "redis://h:x/0"]
)
def test_malformed_redis_url_is_rejected(clean_env, url):
    clean_env.setenv("REDIS_URL", url)
    with pytest.raises(config.ConfigError, match=r"^REDIS_URL "):
        config.cache()


def test_mail_goes_to_the_outbox_folder_by_default(clean_env, tmp_path):
    mail = config.email(tmp_path)
    assert mail["EMAIL_BACKEND"].endswith("filebased.EmailBackend")
    assert Path(mail["EMAIL_FILE_PATH"]).is_dir()


def test_email_url_switches_to_smtp(clean_env, tmp_path):
    clean_env.setenv("EMAIL_URL", "smtp+tls://mailer:pw@mail.example.org")
    mail = config.email(tmp_path)
    assert mail["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
    assert (mail["EMAIL_HOST"], mail["EMAIL_PORT"], mail["EMAIL_USE_TLS"]) == (
        "mail.example.org",
        587,
        True,
    )


def test_tasks_run_in_process_by_default(clean_env):
    assert config.tasks()["default"]["BACKEND"] == "dateline.core.tasks.ThreadBackend"
    clean_env.setenv("TASKS_BACKEND", "immediate")
    assert config.tasks()["default"]["BACKEND"].endswith("ImmediateBackend")
    clean_env.setenv("TASKS_BACKEND", "celery please")
    with pytest.raises(config.ConfigError, match="TASKS_BACKEND"):
        config.tasks()


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("off", False), ("", False)]
)
def test_boolean_variables(clean_env, raw, expected):
    clean_env.setenv("DEBUG", raw)
    assert config.env_bool("DEBUG", False) is expected


def test_bad_boolean_is_rejected(clean_env):
    clean_env.setenv("DEBUG", "maybe")
    with pytest.raises(config.ConfigError, match="DEBUG"):
        config.env_bool("DEBUG", False)


@pytest.mark.parametrize(("raw", "expected"), [("0.6", 0.6), ("1", 1.0), ("", 0.4)])
def test_toxicity_bands_are_fractions(clean_env, raw, expected):
    clean_env.setenv("DATELINE_MODERATION_HOLD_AT", raw)
    assert config.env_fraction("DATELINE_MODERATION_HOLD_AT", 0.4) == expected


@pytest.mark.parametrize("raw", ["high", "70", "-0.1"])
def test_a_band_outside_zero_to_one_is_one_clear_line(clean_env, raw):
    clean_env.setenv("DATELINE_MODERATION_HOLD_AT", raw)
    with pytest.raises(config.ConfigError) as caught:
        config.env_fraction("DATELINE_MODERATION_HOLD_AT", 0.4)
    assert str(caught.value) == (
        f"DATELINE_MODERATION_HOLD_AT must be a number from 0 to 1 (got {raw!r})"
    )


def test_secret_key_is_generated_once_and_kept(clean_env, tmp_path):
    first = config.secret_key(tmp_path)
    assert len(first) >= 50
    assert config.secret_key(tmp_path) == first
    clean_env.setenv("SECRET_KEY", "short")
    with pytest.raises(config.ConfigError, match="SECRET_KEY"):
        config.secret_key(tmp_path)


def _run(
    args: list[str], data_dir: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    return run_dateline(args, dateline_env(data_dir, **env), timeout=120)


@pytest.mark.parametrize(
    "entry", [["manage.py", "check"], ["-m", "dateline", "check-config"]]
)
def test_start_up_with_malformed_url_stops_with_one_line(tmp_path, entry):
    result = _run(entry, tmp_path, DATABASE_URL="postgres//oops")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("dateline: DATABASE_URL")
    assert "Traceback" not in result.stderr


def test_asgi_application_with_malformed_redis_url_stops_with_one_line(tmp_path):
    result = _run(["-c", "import dateline.asgi"], tmp_path, REDIS_URL="memcached://x")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("dateline: REDIS_URL is not a Redis URL")
