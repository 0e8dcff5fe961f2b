"""SQLite writers queue on a file lock instead of failing with "database is locked"."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from django.db.utils import ConnectionHandler, OperationalError


@pytest.fixture(autouse=True)
def _own_connections(django_db_blocker):
    """These tests open their own databases, outside pytest-django's."""
    with django_db_blocker.unblock():
        yield


def _handler(path, engine: str) -> ConnectionHandler:
    return ConnectionHandler(
        {
            "default": {
                "ENGINE": engine,
                "NAME": str(path),
                # A busy timeout far shorter than the first writer's transaction.
                "OPTIONS": {"timeout": 0.05, "transaction_mode": "IMMEDIATE"},
            }
        }
    )


def _two_writers(path, engine: str) -> tuple[list[str], list[BaseException]]:
    setup = sqlite3.connect(path)
    setup.execute("CREATE TABLE IF NOT EXISTS events (name TEXT)")
    setup.commit()
    setup.close()
    handler = _handler(path, engine)
    events: list[str] = []
    errors: list[BaseException] = []
    first_began = threading.Event()

    def writer(name: str, hold: float) -> None:
        connection = handler["default"]
        try:
            if name == "second":
                first_began.wait(5)
            connection.set_autocommit(
                False, force_begin_transaction_with_broken_autocommit=True
            )
            events.append(f"{name} began")
            if name == "first":
                first_began.set()
                time.sleep(hold)
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO events VALUES (%s)", [name])
            events.append(f"{name} commits")
            connection.commit()
            events.append(f"{name} committed")
            connection.set_autocommit(True)
        except BaseException as exc:
            errors.append(exc)
            first_began.set()
        finally:
            connection.close()

    threads = [
        threading.Thread(target=writer, args=("first", 0.5)),
        threading.Thread(target=writer, args=("second", 0)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    return events, errors


def test_a_second_writer_waits_for_the_first_to_commit(tmp_path):
    events, errors = _two_writers(tmp_path / "db.sqlite3", "dateline.core.sqlite")
    assert errors == []
    # The second writer's BEGIN waits until the first one commits.
    assert events[:2] == ["first began", "first commits"]
    assert events.index("second began") > events.index("first commits")
    assert events.index("second committed") > events.index("second began")
    rows = sqlite3.connect(tmp_path / "db.sqlite3").execute("SELECT name FROM events")
    assert [r[0] for r in rows] == ["first", "second"]


def test_without_the_lock_the_second_writer_fails(tmp_path):
    """The situation the lock exists for (Django's own backend)."""
    _, errors = _two_writers(tmp_path / "db.sqlite3", "django.db.backends.sqlite3")
    assert len(errors) == 1
    assert isinstance(errors[0], OperationalError)
    assert "locked" in str(errors[0])


@pytest.mark.parametrize("name", [":memory:", "file:memorydb?mode=memory&cache=shared"])
def test_in_memory_databases_take_no_lock(name):
    connection = _handler(name, "dateline.core.sqlite")["default"]
    connection.set_autocommit(
        False, force_begin_transaction_with_broken_autocommit=True
    )
    assert connection._write_lock_fd is None
    connection.rollback()
    connection.set_autocommit(True)
