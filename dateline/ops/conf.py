"""Operations settings (environment variables, read when asked)."""

from __future__ import annotations

from dateline.config import env_int

# How often a worker says it is alive, and how old its last word may be
# before /readyz says no worker is running.
HEARTBEAT_SECONDS = 10


def heartbeat_max_age() -> int:
    return env_int("DATELINE_WORKER_HEARTBEAT_MAX_AGE", 60, minimum=HEARTBEAT_SECONDS)
