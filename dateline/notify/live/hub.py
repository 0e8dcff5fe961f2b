"""The readers connected to this process, by thread, and the one source
that feeds them (``bus.py``)."""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from django.db import close_old_connections

from dateline.notify.live import bus, conf

log = logging.getLogger(__name__)

Deliver = Callable[[bytes], None]
KEEP_SEEN = 10_000


def frame(event_id: int, kind: str, data: Any) -> bytes:
    payload = json.dumps(data, separators=(",", ":"))
    return f"id: {event_id}\nevent: {kind}\ndata: {payload}\n\n".encode()


def event_id(chunk: bytes) -> int:
    """The id of a framed event (``id: N`` first), else 0."""
    if not chunk.startswith(b"id: "):
        return 0
    end = chunk.find(b"\n")
    return int(chunk[4:end]) if chunk[4:end].isdigit() else 0


class Hub:
    """Who reads which thread here; events are handed to each of them once."""

    def __init__(self) -> None:
        self._readers: dict[int, set[Deliver]] = {}
        self._lock = threading.Lock()
        self._last = 0  # the newest event id handed out
        # Ids handed out lately: an event published here and then polled, or
        # published twice, is handed out once. Not "newer than the last":
        # PostgreSQL commits need not follow id order.
        self._seen: set[int] = set()
        self._order: deque[int] = deque()
        self._source: threading.Thread | None = None

    def subscribe(self, thread_id: int, deliver: Deliver) -> None:
        with self._lock:
            self._readers.setdefault(thread_id, set()).add(deliver)
        self.start()

    def unsubscribe(self, thread_id: int, deliver: Deliver) -> None:
        with self._lock:
            readers = self._readers.get(thread_id)
            if readers is not None:
                readers.discard(deliver)
                if not readers:
                    del self._readers[thread_id]

    def dispatch(self, event_id: int, thread_id: int, kind: str, data: Any) -> None:
        with self._lock:
            if event_id in self._seen:
                return
            self._seen.add(event_id)
            self._order.append(event_id)
            if len(self._order) > KEEP_SEEN:
                self._seen.discard(self._order.popleft())
            self._last = max(self._last, event_id)
            readers = list(self._readers.get(thread_id, ()))
        if not readers:
            return
        chunk = frame(event_id, kind, data)
        for deliver in readers:
            try:
                deliver(chunk)
            except Exception:
                log.exception("live reader of thread %s", thread_id)

    # --- the source -----------------------------------------------------------

    def start(self) -> None:
        """Start this process's source of events, once."""
        if self._source is not None and self._source.is_alive():
            return
        with self._lock:
            if self._source is not None and self._source.is_alive():
                return
            self._last = max(self._last, _newest())
            self._source = threading.Thread(target=self._run, name="live", daemon=True)
            self._source.start()

    def _run(self) -> None:
        while True:
            try:
                if bus.redis_url():
                    self._listen()
                else:
                    self._poll()
                    time.sleep(conf.get("DATELINE_LIVE_POLL_MS") / 1000)
            except Exception as exc:
                log.warning("live source: %s; polling a moment", exc)
                try:
                    self._poll()
                except Exception:
                    log.exception("live poll")
                time.sleep(1)
            finally:
                close_old_connections()

    def _poll(self) -> None:
        from dateline.notify.models import LiveEvent

        rows = LiveEvent.objects.filter(pk__gt=self._last).order_by("pk")[:1000]
        for row in rows:
            self.dispatch(row.pk, row.thread_id, row.kind, row.data)

    def _listen(self) -> None:
        pubsub = bus.client().pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(bus.CHANNEL)
        try:
            self._poll()  # what was published before the subscription
            close_old_connections()
            while True:
                message = pubsub.get_message(timeout=5.0)
                if message is None:
                    continue
                data = json.loads(message["data"])
                self.dispatch(data["id"], data["thread"], data["kind"], data["data"])
        finally:
            pubsub.close()


def _newest() -> int:
    from dateline.notify.models import LiveEvent

    try:
        return (
            LiveEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        )
    finally:
        close_old_connections()


HUB = Hub()


class Reader:
    """One connected page, read by a blocking loop (a WSGI stream)."""

    def __init__(self) -> None:
        self.queue: queue.SimpleQueue[bytes] = queue.SimpleQueue()

    def __call__(self, chunk: bytes) -> None:
        self.queue.put(chunk)
