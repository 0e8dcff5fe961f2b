"""pytest plugin: ``--db=postgres`` runs the suite on a throwaway PostgreSQL.

The server must be up, and DATABASE_URL set, before pytest-django starts
Django: some apps (Wagtail's search index) choose their models by database
vendor when they load. Hence a ``-p`` plugin hooking the earliest point,
not a fixture.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest

from dateline.testing.servers import ServerUnavailable, ThrowawayPostgres

_server: ThrowawayPostgres | None = None
_unavailable = ""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=["sqlite", "postgres"],
        default=os.environ.get("DATELINE_TEST_DB", "sqlite"),
        help="database the suite runs on (postgres starts a throwaway server)",
    )


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> Iterator[None]:
    global _server, _unavailable
    # Background work runs at once in tests, so they can check its outcome.
    os.environ.setdefault("TASKS_BACKEND", "immediate")
    if getattr(early_config.known_args_namespace, "db", "sqlite") == "postgres":
        try:
            _server = ThrowawayPostgres()
        except ServerUnavailable as exc:
            _unavailable = str(exc)
        else:
            os.environ["DATABASE_URL"] = _server.start()
    yield


def pytest_configure(config: pytest.Config) -> None:
    # ``make test`` runs the PostgreSQL pass as a background job of a
    # non-interactive shell, which starts it with Ctrl-C ignored: take it
    # back, so that Ctrl-C stops both passes and their servers are stopped.
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if not _unavailable:
        return
    message = f"PostgreSQL NOT AVAILABLE, ALL POSTGRESQL TESTS SKIPPED: {_unavailable}"
    if os.environ.get("DATELINE_REQUIRE_POSTGRESQL", "") not in {"", "0"}:
        raise pytest.UsageError(message)
    pytest.exit(message, returncode=0)


def pytest_report_header(config: pytest.Config) -> str:
    where = f"throwaway PostgreSQL on port {_server.port}" if _server else "SQLite"
    return f"dateline database: {where}"


def pytest_unconfigure(config: pytest.Config) -> None:
    global _server
    if _server is not None:
        _server.stop()
        _server = None


def postgres_server() -> ThrowawayPostgres | None:
    """The suite's PostgreSQL server when running with ``--db=postgres``."""
    return _server
