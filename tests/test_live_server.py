"""The stream server (``python -m dateline live``), driven as Granian drives
it: an ASGI app in an event loop, its database reads on threads of its own.
The real process, behind nginx and fed through Redis, runs in
tests/test_production_stack.py; its capacity in ``make bench``."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from django.db import connections

from dateline.discussion import actions
from dateline.notify.live import hub
from dateline.notify.live.server import Streams
from dateline.notify.models import LiveEvent

# The app reads the database from its own threads: they must see commits.
# serialized_rollback restores what migrations wrote (the page tree root).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


class Hub(hub.Hub):
    """This test's hub: events come from the test's own commits (as without
    Redis in one process), not from a polling thread."""

    def start(self) -> None:
        pass


@pytest.fixture
def quiet_hub(monkeypatch: pytest.MonkeyPatch) -> Hub:
    fresh = Hub()
    monkeypatch.setattr(hub, "HUB", fresh)
    return fresh


class Reader:
    """One connection to the app, as Granian would hand it over."""

    def __init__(self, app: Streams, path: str, headers: list[tuple[bytes, bytes]]):
        self.scope = {
            "type": "http",
            "method": "GET",
            "path": path,
            "query_string": b"",
            "headers": headers,
        }
        self.messages: list[dict[str, Any]] = []
        self.arrived = asyncio.Event()
        self.incoming: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.task = asyncio.create_task(app(self.scope, self.incoming.get, self.send))

    async def send(self, message: dict[str, Any]) -> None:
        self.messages.append(message)
        self.arrived.set()

    @property
    def status(self) -> int:
        return self.messages[0]["status"]

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.messages[1:])

    async def until(self, wanted: bytes) -> bytes:
        async with asyncio.timeout(10):
            while wanted not in self.body and not self.task.done():
                self.arrived.clear()
                await self.arrived.wait()
        return self.body

    async def leave(self) -> None:
        self.incoming.put_nowait({"type": "http.disconnect"})
        async with asyncio.timeout(10):
            await self.task


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    """``asyncio.run`` on a thread of its own: Playwright's sync API keeps
    an event loop running on this one once a browser test has run."""
    failed: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(scenario())  # type: ignore[arg-type]
        except BaseException as exc:
            failed.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(60)
    assert not thread.is_alive(), "the scenario did not finish"
    if failed:
        raise failed[0]


def _post(thread: Any, who: Any, body: str) -> int:
    try:
        return actions.comment_post(
            actor=who, thread=thread, body=body, moderate=False
        ).pk
    finally:
        if threading.current_thread() is not threading.main_thread():
            connections.close_all()  # a pooled connection goes back


def test_a_reader_gets_what_it_missed_then_each_new_comment(
    quiet_hub, thread, a_member, another_member
):
    first = _post(thread, a_member, "Ferry back on the winter timetable from Monday.")
    second = _post(thread, another_member, "which one?? the 7:10 or the late one")
    missed_from = LiveEvent.objects.get(data__id=first).pk

    async def scenario() -> None:
        app = Streams()
        reader = Reader(
            app,
            f"/live/threads/{thread.pk}/",
            [(b"last-event-id", str(missed_from).encode())],
        )
        body = await reader.until(f'"id":{second}'.encode())
        assert reader.status == 200
        assert (b"content-type", b"text/event-stream; charset=utf-8") in (
            reader.messages[0]["headers"]
        )
        assert f'"id":{first},'.encode() not in body  # seen before it left
        assert app.readers.keys() == {thread.pk}
        # A comment posted now, as the app instances would post it.
        third = await asyncio.to_thread(
            _post, thread, a_member, "The late one, same as every winter."
        )
        body = await reader.until(f'"id":{third}'.encode())
        assert b"event: comment" in body.split(f'"id":{second}'.encode())[1]
        await reader.leave()
        assert app.readers == {} and app.count == 0
        assert quiet_hub._readers == {}  # nothing left subscribed

    run(scenario)


def test_what_happens_while_a_reader_connects_reaches_it_once(
    monkeypatch, quiet_hub, thread, a_member
):
    """Comments posted while the server reads what the reader missed: one
    just before that read (in the replay, and heard live as well), one just
    after it (heard live only). Each reaches the page, once."""
    from dateline.notify.live import server

    first = _post(thread, a_member, "Checkpoint on the north road closed again.")
    since = LiveEvent.objects.get(data__id=first).pk
    posted = []
    reading = server._opening

    def opening_meanwhile(thread_id, last_id):
        posted.append(_post(thread, a_member, "before the read: still closed"))
        start = reading(thread_id, last_id)
        posted.append(_post(thread, a_member, "after the read: open now"))
        return start

    monkeypatch.setattr(server, "_opening", opening_meanwhile)

    async def scenario() -> None:
        reader = Reader(
            Streams(),
            f"/live/threads/{thread.pk}/",
            [(b"last-event-id", str(since).encode())],
        )
        async with asyncio.timeout(10):
            while len(posted) < 2:
                await asyncio.sleep(0.01)
        await reader.until(f'"id":{posted[1]},'.encode())
        await asyncio.sleep(0.1)  # anything sent twice would be there by now
        for comment in posted:
            assert reader.body.count(f'"id":{comment},'.encode()) == 1
        await reader.leave()

    run(scenario)


def test_what_is_not_a_stream_is_answered_at_once(quiet_hub, thread, a_member):
    async def scenario() -> None:
        app = Streams()
        elsewhere = Reader(app, "/articles/", [])
        await elsewhere.task
        assert elsewhere.status == 404
        # No comment yet: no stream, and the browser is told not to retry.
        quiet = Reader(app, f"/live/threads/{thread.pk}/", [])
        await quiet.task
        assert quiet.status == 204
        await asyncio.to_thread(_post, thread, a_member, "First!! anyone else here")
        full = Reader(Streams(limit=0), f"/live/threads/{thread.pk}/", [])
        await full.task
        assert full.status == 204
        assert (b"retry-after", b"60") in full.messages[0]["headers"]
        open_one = Reader(app, f"/live/threads/{thread.pk}/", [])
        await open_one.until(b": live")
        assert open_one.status == 200
        await open_one.leave()

    run(scenario)
