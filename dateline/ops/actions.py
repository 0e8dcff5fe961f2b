"""The writes of this app: workers' heartbeats, and requeueing a dead one's task."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dateline.ops.models import WorkerHeartbeat


def heartbeat(worker: str, started_at: dt.datetime) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker=worker, defaults={"started_at": started_at, "seen_at": timezone.now()}
    )


def heartbeat_stop(worker: str) -> None:
    WorkerHeartbeat.objects.filter(worker=worker).delete()


def requeue_abandoned(max_age_seconds: int) -> int:
    """Tasks claimed by a worker that died mid-task go back to the queue.

    A worker killed while it runs a task leaves the task RUNNING forever.
    A task whose worker has given no heartbeat for ``max_age_seconds``, and
    that started longer ago than that, is made READY again, so another
    worker runs it again: Dateline's tasks are written to be run twice
    safely (a reputation refresh recomputes from the history, a purge
    deletes what is expired). Returns how many went back.
    """
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    since = timezone.now() - dt.timedelta(seconds=max_age_seconds)
    alive = set(
        WorkerHeartbeat.objects.filter(seen_at__gte=since).values_list(
            "worker", flat=True
        )
    )
    stuck = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=since
    ).only("id", "worker_ids")
    abandoned = [
        task.id
        for task in stuck
        if not task.worker_ids or task.worker_ids[-1] not in alive
    ]
    if not abandoned:
        return 0
    return DBTaskResult.objects.filter(
        id__in=abandoned, status=TaskResultStatus.RUNNING
    ).update(status=TaskResultStatus.READY, started_at=None)
