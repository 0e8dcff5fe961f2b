"""The one write of this app: a worker's heartbeat."""

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
