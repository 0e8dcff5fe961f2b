"""Carrying live events between processes.

With ``REDIS_URL``, each event is published on one channel after its
commit and every process holds one subscription, fanned out in memory
(``hub.py``). Without it (the embedded default), each process polls the
event table a few times a second: one indexed query for all its readers.
If Redis is away, processes poll until it is back.
"""

from __future__ import annotations

import json
import logging
import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dateline.notify.models import LiveEvent

log = logging.getLogger(__name__)
CHANNEL = "dateline:live"

_client: Any = None


def redis_url() -> str:
    return os.environ.get("REDIS_URL", "")


def client() -> Any:
    global _client
    if _client is None:
        import redis

        _client = redis.Redis.from_url(
            redis_url(), socket_connect_timeout=0.5, socket_timeout=0.5
        )
    return _client


def message(row: LiveEvent) -> str:
    return json.dumps(
        {"id": row.pk, "thread": row.thread_id, "kind": row.kind, "data": row.data},
        separators=(",", ":"),
    )


def publish(row: LiveEvent) -> None:
    """After the commit: tell the other processes (Redis only; pollers find
    the row themselves)."""
    from dateline.notify.live import hub

    if redis_url():
        try:
            client().publish(CHANNEL, message(row))
        except Exception as exc:  # they poll while Redis is away
            log.warning("live event %s not published: %s", row.pk, exc)
    else:
        # This process's own readers need not wait for the next poll.
        hub.HUB.dispatch(row.pk, row.thread_id, row.kind, row.data)
