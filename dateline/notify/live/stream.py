"""``/live/threads/<id>/``: a thread's changes as server-sent events.

Two ways, chosen by ``DATELINE_LIVE_STREAMS``:

- ``0`` (the default): each answer is what the page missed, then the end;
  the browser comes back after ``retry`` (``DATELINE_LIVE_POLL_RETRY_MS``)
  with ``Last-Event-ID``. A slow poll, answered in front of Django's stack
  (``Live.once``), which costs nothing while nobody reads.
- ``N``: real streams, answered here in front of Django's stack, each by a
  request thread that waits on its queue; Granian gives each worker N more
  threads, while pages and posts keep the one thread a worker had (the
  gate in ``Live``). Measured on two cores: any thread beyond the first
  costs the cached article page about a quarter of its requests a second (Granian
  hands requests to idle threads, which then take turns on the GIL), so
  this is for sites that want instant updates more than peak page rate.

Past the limit, or for a thread with no comment for two weeks, the answer
is 204, which tells the browser not to reconnect; the page tries again a
minute later on its own.
"""

from __future__ import annotations

import datetime as dt
import json
import queue
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import connections
from django.utils import timezone

from dateline.notify.live import conf, hub

PATH = re.compile(r"^/live/threads/(\d+)/$")
HEADERS = [
    ("Content-Type", "text/event-stream; charset=utf-8"),
    ("Cache-Control", "no-store, no-transform"),
    ("X-Accel-Buffering", "no"),  # nginx: pass each event on at once
    ("Surrogate-Control", "no-store"),  # CDNs and Varnish
]
StartResponse = Callable[..., Any]


def cursor(header: str, query: str) -> int | None:
    """Where a page's stream resumes: its ``Last-Event-ID`` header, else an
    ``after=`` in the query string (a page's first connection)."""
    raw = header
    if not raw:
        match = re.search(r"(?:^|&)after=(\d+)", query)
        raw = match.group(1) if match else ""
    return int(raw) if raw.isdigit() else None


def last_event_id(environ: dict[str, Any]) -> int | None:
    return cursor(
        environ.get("HTTP_LAST_EVENT_ID") or "", environ.get("QUERY_STRING", "")
    )


def opening(
    thread_id: int, last_id: int | None, *, retry_ms: int = 5000
) -> list[bytes] | None:
    """What a new stream starts with: a retry hint and what it missed; None
    when the thread has no stream (no comment, or none for two weeks).

    Every page asks this every few seconds on the embedded default, so it
    is three plain queries (the ORM's query building cost more than them).
    """
    from dateline.core import sql
    from dateline.discussion.models import Comment
    from dateline.notify.models import LiveEvent

    quiet = timezone.now() - dt.timedelta(days=conf.get("DATELINE_LIVE_QUIET_DAYS"))
    recent = sql.one(
        f"SELECT created_at >= %s FROM {sql.table(Comment)}"  # noqa: S608
        " WHERE thread_id = %s ORDER BY id DESC LIMIT 1",
        [sql.datetime(quiet), thread_id],
    )
    if recent is None or not recent[0]:
        return None
    chunks = [f"retry: {retry_ms}\n: live\n\n".encode()]
    table = sql.table(LiveEvent)
    if last_id is None:
        # No event yet: the cursor alone, so the page's next connection
        # says where it was (an id without data is not an event).
        newest = sql.one(f"SELECT MAX(id) FROM {table}")  # noqa: S608
        chunks.append(f"id: {(newest and newest[0]) or 0}\n\n".encode())
        return chunks
    limit = conf.get("DATELINE_LIVE_REPLAY_MAX")
    missed = sql.all_rows(
        f"SELECT id, kind, data FROM {table}"  # noqa: S608
        " WHERE thread_id = %s AND id > %s ORDER BY id LIMIT %s",
        [thread_id, last_id, limit + 1],
    )
    if len(missed) > limit:
        chunks.append(hub.frame(missed[-1][0], "reload", {}))
    else:
        chunks += [
            hub.frame(pk, kind, json.loads(data) if isinstance(data, str) else data)
            for pk, kind, data in missed
        ]
    return chunks


def poll(thread_id: int, last_id: int | None) -> bytes | None:
    """A poll's whole answer without streams: the opening, then the end (the
    browser comes back after ``DATELINE_LIVE_POLL_RETRY_MS``); None for a
    thread with no stream. ``Live.once`` and ``views.live_once`` send it."""
    start = opening(
        thread_id, last_id, retry_ms=conf.get("DATELINE_LIVE_POLL_RETRY_MS")
    )
    return None if start is None else b"".join(start)


def events(thread_id: int, start: list[bytes], reader: hub.Reader) -> Iterator[bytes]:
    """``start``, then what ``reader`` (subscribed before ``start`` was read)
    hears; what ``start`` covers already is not sent twice."""
    heartbeat = conf.get("DATELINE_LIVE_HEARTBEAT_SECONDS")
    until = time.monotonic() + conf.get("DATELINE_LIVE_STREAM_SECONDS")
    covered = max((hub.event_id(chunk) for chunk in start), default=0)
    early = reader.queue.qsize()  # heard while ``start`` was read
    try:
        yield from start
        while time.monotonic() < until:
            try:
                chunk = reader.queue.get(timeout=heartbeat)
            except queue.Empty:
                yield b": ping\n\n"
                continue
            if early > 0:
                early -= 1
                if hub.event_id(chunk) <= covered:
                    continue
            yield chunk
    finally:
        hub.HUB.unsubscribe(thread_id, reader)


class Live:
    """WSGI: answers live streams itself, and hands every other request to
    ``app``. With streams on, through a gate: one page or post at a time
    per worker however many threads wait on streams (a second request
    thread on SQLite only queues on the GIL and the write lock,
    dateline/__main__.py). Without streams Granian has no extra thread, so
    no gate either."""

    def __init__(self, app: Callable[..., Iterable[bytes]], *, threads: int) -> None:
        self.app = app
        self.gate = threading.BoundedSemaphore(threads)
        self._streams = 0
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Any:
        enabled = conf.enabled()
        streams = conf.get("DATELINE_LIVE_STREAMS") if enabled else 0
        match = PATH.match(environ.get("PATH_INFO", ""))
        if match and enabled and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            thread_id = int(match.group(1))
            if streams:
                return self.stream(thread_id, environ, start_response)
            return self.once(thread_id, environ, start_response)
        if not streams:
            return self.app(environ, start_response)
        # The gate covers the view; Granian reads the body after it.
        with self.gate:
            return self.app(environ, start_response)

    def once(
        self, thread_id: int, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        """Without streams: a slow poll, answered here rather than by Django's
        stack, so a poll costs an eighth of what it did (14,000 a second on
        two cores against 1,800)."""
        body = poll(thread_id, last_event_id(environ))
        if body is None:
            start_response("204 No Content", [("Cache-Control", "no-store")])
            return []
        start_response("200 OK", [*HEADERS, ("Content-Length", str(len(body)))])
        return [body]

    def stream(
        self, thread_id: int, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        with self._lock:
            full = self._streams >= conf.get("DATELINE_LIVE_STREAMS")
            if not full:
                self._streams += 1
        if full:
            start_response(
                "204 No Content", [("Cache-Control", "no-store"), ("Retry-After", "60")]
            )
            return []
        # Listening before reading what was missed: an event committed in
        # between waits in the queue instead of falling through the gap.
        reader = hub.Reader()
        hub.HUB.subscribe(thread_id, reader)
        try:
            with self.gate:
                start = opening(thread_id, last_event_id(environ))
        except Exception:
            hub.HUB.unsubscribe(thread_id, reader)
            self._done()
            raise
        finally:
            # This thread now waits on its stream: it gives its database
            # connection back (to the pool, or closes it).
            connections.close_all()
        if start is None:
            hub.HUB.unsubscribe(thread_id, reader)
            self._done()
            start_response("204 No Content", [("Cache-Control", "no-store")])
            return []
        start_response("200 OK", list(HEADERS))
        return self._counted(events(thread_id, start, reader))

    def _counted(self, chunks: Iterator[bytes]) -> Iterator[bytes]:
        try:
            yield from chunks
        finally:
            self._done()

    def _done(self) -> None:
        with self._lock:
            self._streams -= 1
