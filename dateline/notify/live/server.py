"""``python -m dateline live``: a process that holds live streams, thousands
of them, on one event loop.

The app instances answer pages on a thread per request, where an idle
stream would hold a thread (and its ~100 KB) for as long as a reader keeps
the tab open. This ASGI app, run by Granian on its own port, answers only
``/live/threads/<id>/``: each reader is a coroutine waiting on a queue.
In production nginx sends ``/live/`` here and the rest to the instances
(``deploy/nginx/dateline.conf``); events come from the process's one Redis
subscription (``hub.py``, the same source the threaded streams use), are
framed once per thread and handed to its readers in the loop.

The database is read only when a reader connects (what it missed, from
``stream.opening``), on a few threads of its own, so a wave of reconnects
after a restart queues there instead of asking for a connection per reader.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings")

import django

django.setup()

from django.db import connections  # noqa: E402

from dateline.notify.live import conf, hub, stream  # noqa: E402

log = logging.getLogger(__name__)

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

PATH = re.compile(r"^/live/threads/(\d+)/$")
# Readers that connect at once share these threads for their first query.
DATABASE_THREADS = 4


def _headers(pairs: list[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    return [(name.lower().encode(), value.encode()) for name, value in pairs]


STREAM_HEADERS = _headers(stream.HEADERS)
NO_STREAM = _headers([("Cache-Control", "no-store"), ("Retry-After", "60")])


def _opening(thread_id: int, last_id: int | None) -> list[bytes] | None:
    try:
        return stream.opening(thread_id, last_id)
    finally:
        # Back to the pool (PostgreSQL): the threads keep none between
        # readers, so they never hold the pool's connections while idle.
        connections.close_all()


def last_event_id(scope: Scope) -> int | None:
    header = next(
        (v for n, v in scope.get("headers", ()) if n == b"last-event-id"), b""
    )
    query = scope.get("query_string", b"")
    return stream.cursor(header.decode("latin-1"), query.decode("latin-1"))


class Streams:
    """The readers of this process, by thread, and the ASGI app serving them."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limit
        self.readers: dict[int, set[asyncio.Queue[bytes | None]]] = {}
        self._delivers: dict[int, hub.Deliver] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._database = ThreadPoolExecutor(DATABASE_THREADS, "live-db")
        self.count = 0

    # --- in the loop: who reads what ---------------------------------------

    def _fanout(self, thread_id: int, chunk: bytes) -> None:
        for reader in self.readers.get(thread_id, ()):
            reader.put_nowait(chunk)

    def _join(self, thread_id: int, reader: asyncio.Queue[bytes | None]) -> None:
        readers = self.readers.get(thread_id)
        if readers is None:
            assert self._loop is not None
            readers = self.readers[thread_id] = set()
            # The hub's source thread hands each event to the loop once per
            # thread; the loop hands it to the thread's readers.
            loop = self._loop

            def deliver(chunk: bytes) -> None:
                loop.call_soon_threadsafe(self._fanout, thread_id, chunk)

            self._delivers[thread_id] = deliver
            hub.HUB.subscribe(thread_id, deliver)
        readers.add(reader)

    def _leave(self, thread_id: int, reader: asyncio.Queue[bytes | None]) -> None:
        readers = self.readers.get(thread_id)
        if readers is None:
            return
        readers.discard(reader)
        if not readers:
            del self.readers[thread_id]
            hub.HUB.unsubscribe(thread_id, self._delivers.pop(thread_id))

    # --- ASGI ---------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        self._loop = asyncio.get_running_loop()
        match = PATH.match(scope.get("path", ""))
        if match is None or scope.get("method") not in {"GET", "HEAD"}:
            await _answer(send, 404, b"Only /live/threads/<id>/ is served here.\n")
            return
        limit = self.limit if self.limit is not None else conf.get("DATELINE_LIVE_MAX")
        if not conf.enabled() or self.count >= limit:
            await _answer(send, 204, b"", NO_STREAM)
            return
        self.count += 1
        try:
            await self._stream(int(match.group(1)), scope, receive, send)
        finally:
            self.count -= 1

    async def _stream(
        self, thread_id: int, scope: Scope, receive: Receive, send: Send
    ) -> None:
        loop = asyncio.get_running_loop()
        # Listening before reading what was missed: an event committed in
        # between waits in the queue instead of falling through the gap.
        reader: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._join(thread_id, reader)
        try:
            start = await loop.run_in_executor(
                self._database, _opening, thread_id, last_event_id(scope)
            )
        except Exception:
            self._leave(thread_id, reader)
            log.exception("live stream of thread %s", thread_id)
            await _answer(send, 503, b"", NO_STREAM)
            return
        if start is None:
            self._leave(thread_id, reader)
            await _answer(send, 204, b"", NO_STREAM[:1])
            return
        # What the replay (or the cursor) covers already is not sent again.
        covered = max((hub.event_id(chunk) for chunk in start), default=0)
        watcher = loop.create_task(_until_gone(receive, reader))
        heartbeat = conf.get("DATELINE_LIVE_HEARTBEAT_SECONDS")
        until = loop.time() + conf.get("DATELINE_LIVE_STREAM_SECONDS")
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": STREAM_HEADERS,
                }
            )
            await _more(send, b"".join(start))
            while (left := until - loop.time()) > 0:
                try:
                    async with asyncio.timeout(min(heartbeat, left)):
                        chunk = await reader.get()
                except TimeoutError:
                    chunk = b": ping\n\n"
                if chunk is None:
                    return  # the reader left
                chunks = [chunk]
                while not reader.empty():  # what came meanwhile, in one write
                    more = reader.get_nowait()
                    if more is None:
                        return
                    chunks.append(more)
                if covered:
                    chunks = [c for c in chunks if hub.event_id(c) > covered]
                    covered = 0  # the gap is closed
                if chunks:
                    await _more(send, b"".join(chunks))
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except OSError:
            return  # gone while we wrote
        finally:
            watcher.cancel()
            self._leave(thread_id, reader)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self._loop = asyncio.get_running_loop()
                # The source's first query (the newest event) off the loop.
                await self._loop.run_in_executor(self._database, hub.HUB.start)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return


async def _more(send: Send, body: bytes) -> None:
    await send({"type": "http.response.body", "body": body, "more_body": True})


async def _answer(
    send: Send,
    status: int,
    body: bytes,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8")]
            + (headers or []),
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _until_gone(receive: Receive, reader: asyncio.Queue[bytes | None]) -> None:
    """Wake the stream when its reader disconnects."""
    while (await receive())["type"] != "http.disconnect":
        pass
    reader.put_nowait(None)


application = Streams()
