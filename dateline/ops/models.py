"""What operations need stored: the task workers' heartbeats."""

from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """One row per running task worker, touched every few seconds."""

    worker = models.CharField(max_length=200, unique=True)  # host-pid-random
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.worker
