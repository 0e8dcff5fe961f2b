"""``manage.py worker``: django-tasks' ``db_worker``, with a heartbeat.

The heartbeat (a row per worker, touched every few seconds from a thread of
its own) is what ``/readyz`` reads to say a worker is running, and what
tells a living worker that a task claimed by a dead one must run again
(``actions.requeue_abandoned``). Options are ``db_worker``'s.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import threading
import time
from typing import Any

from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
)
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DbWorker

from dateline.ops import actions, conf

RETRY_SECONDS = 2


class Command(DbWorker):
    help = "Run queued background tasks (db_worker), with a heartbeat for /readyz."

    def handle(self, *args: Any, **options: Any) -> None:
        # The heartbeat's name is the id the worker claims tasks with, so a
        # task can be traced to a worker that stopped beating.
        name = f"{socket.gethostname()[:40]}-{os.getpid()}-{secrets.token_hex(4)}"
        options["worker_id"] = name
        started = timezone.now()
        stop = threading.Event()

        def beat() -> None:
            while not stop.is_set():
                try:
                    actions.heartbeat(name, started)
                    requeued = actions.requeue_abandoned(conf.heartbeat_max_age())
                    if requeued:
                        self.stderr.write(
                            f"Requeued {requeued} task(s) of a worker that stopped."
                        )
                except DatabaseError:
                    pass  # the database is away; /readyz says so on its own
                finally:
                    close_old_connections()
                stop.wait(conf.HEARTBEAT_SECONDS)

        thread = threading.Thread(target=beat, name="worker-heartbeat", daemon=True)
        thread.start()
        try:
            while True:
                try:
                    super().handle(*args, **options)
                    break
                except (OperationalError, InterfaceError) as exc:
                    # db_worker stops on a lost database; wait for it instead,
                    # as the web instances do (a task in flight is requeued).
                    self.stderr.write(f"Database unavailable ({exc}); retrying.")
                    close_old_connections()
                    time.sleep(RETRY_SECONDS)
        finally:
            stop.set()
            thread.join(timeout=5)
            with contextlib.suppress(DatabaseError):
                actions.heartbeat_stop(name)
