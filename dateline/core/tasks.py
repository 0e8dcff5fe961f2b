"""A task backend for the embedded default: one background thread per process.

Tasks run in the web process, in the order they were enqueued, after the
request that enqueued them has been answered, so a comment post does not
wait for badge checks. A task enqueued inside a transaction starts when it
commits (and is dropped if it rolls back), as with the database backend:
Wagtail enqueues index updates from ``post_save``, and a thread started
earlier would look for a page that is not committed yet. A production site
runs a worker instead (``TASKS_BACKEND=database`` and ``manage.py worker``).
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import close_old_connections, transaction
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import Task, TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id

logger = logging.getLogger(__name__)


class ThreadBackend(ImmediateBackend):
    supports_async_task = False

    def __init__(self, alias: str, params: dict[str, Any]) -> None:
        super().__init__(alias, params)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tasks")

    def _run(self, task_result: TaskResult[Any]) -> None:
        try:
            self._execute_task(task_result)
            if task_result.status == TaskResultStatus.FAILED:
                logger.error(
                    "Task %s failed:\n%s",
                    task_result.task.name,
                    task_result.errors[-1].traceback,
                )
        finally:
            close_old_connections()

    def enqueue(self, task: Task[Any, Any], args: Any, kwargs: Any) -> TaskResult[Any]:
        self.validate_task(task)
        task_result: TaskResult[Any] = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        transaction.on_commit(lambda: self._submit(task_result))
        return task_result

    def _submit(self, task_result: TaskResult[Any]) -> None:
        try:
            self._executor.submit(self._run, task_result)
        except RuntimeError:
            # The process is stopping (the executor, or the interpreter,
            # is shut down): a task queued here would be lost with it
            # anyway. A timer's deferred refresh firing at a worker's
            # stop ended here as a traceback in the server's log.
            logger.warning(
                "Task %s not run: this process is stopping", task_result.task.name
            )
