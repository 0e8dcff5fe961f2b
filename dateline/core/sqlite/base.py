"""Django's SQLite backend, with writers queueing on a file lock.

SQLite lets one writer in at a time; a second ``BEGIN IMMEDIATE`` waits in
SQLite's busy handler, which polls with sleeps of up to 100 ms. Under a burst
of comment posts from several threads and server processes that polling
turns into long stalls (seconds at the 99th percentile) and wasted turns.
Here every transaction first takes an exclusive ``flock`` on a file next to
the database, which the kernel hands to the next waiter the moment it is
released, so writers queue in order and the busy handler is rarely needed.
The lock is held from ``BEGIN`` to ``COMMIT``/``ROLLBACK``, which is exactly
when SQLite's own write lock is held in ``IMMEDIATE`` mode, so nothing that
worked before can deadlock now. In-memory databases (tests) skip it.
"""

from __future__ import annotations

import fcntl
import os
from typing import Any

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._write_lock_fd: int | None = None
        self._write_lock_held = False

    def _write_lock_acquire(self) -> None:
        if self.is_in_memory_db():
            return
        if self._write_lock_fd is None:
            path = f"{self.settings_dict['NAME']}-writelock"
            self._write_lock_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._write_lock_fd, fcntl.LOCK_EX)
        self._write_lock_held = True

    def _write_lock_release(self) -> None:
        if self._write_lock_held and self._write_lock_fd is not None:
            fcntl.flock(self._write_lock_fd, fcntl.LOCK_UN)
        self._write_lock_held = False

    def _start_transaction_under_autocommit(self) -> None:
        self._write_lock_acquire()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._write_lock_release()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            self._write_lock_release()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._write_lock_release()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            self._write_lock_release()
            if self._write_lock_fd is not None:
                os.close(self._write_lock_fd)
                self._write_lock_fd = None
