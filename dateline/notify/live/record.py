"""Changes written as live events, just after the change commits.

Each change readers see is one ``LiveEvent`` row; its id is the stream's
``Last-Event-ID``. The rows are not written in the change's transaction:
on SQLite, where every write queues on one lock, one more row in each
comment's transaction cost comment posts a third of their rate (``make
bench``, two workers). Each process gathers them instead and writes what
came in the last ``DATELINE_LIVE_FLUSH_MS`` (100) in one transaction, then
publishes them (``_Batches`` says who writes). A process that dies in
between loses those events: their readers see the comments when they
reload, and mail (written with the change, ``notify/listeners.py``) is not
affected.

Votes are gathered per thread and sent as one row of counts every few
seconds (``DATELINE_LIVE_VOTES_SECONDS``), so a storm of votes is a trickle
of events.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import threading
import time
from typing import Any

from django.db import close_old_connections, transaction
from django.utils import timezone

from dateline.core import events, sql
from dateline.notify.live import bus, conf
from dateline.notify.models import LiveEvent

log = logging.getLogger(__name__)


class _Batches:
    """This process's events waiting to be written.

    The post that finds the oldest waiting event ``DATELINE_LIVE_FLUSH_MS``
    old writes the batch itself, after its own commit; a thread writes only
    what a quiet moment leaves waiting. So under load no second thread holds
    SQLite's write lock while it waits for the interpreter, which the request
    thread keeps up to 5 ms at a time. (Measured against a thread writing
    every batch, the difference was within the noise of two cores.)
    """

    def __init__(self) -> None:
        self.rows: list[LiveEvent] = []
        self.since = 0.0  # when the oldest waiting row came (monotonic)
        self.lock = threading.Lock()
        self.waiting = threading.Event()
        self.thread: threading.Thread | None = None

    def add(self, row: LiveEvent) -> None:
        wait = conf.get("DATELINE_LIVE_FLUSH_MS") / 1000
        now = time.monotonic()
        with self.lock:
            if not self.rows:
                self.since = now
            self.rows.append(row)
            due = now - self.since >= wait
            rows = self._take() if due else []
            if not due:
                if not self.waiting.is_set():
                    self.waiting.set()
                if self.thread is None or not self.thread.is_alive():
                    self.thread = threading.Thread(
                        target=self._run, name="live-events", daemon=True
                    )
                    self.thread.start()
        if rows:
            try:
                write(rows)
            except Exception:  # the change has committed; its answer stands
                log.exception("live events not written")

    def _take(self) -> list[LiveEvent]:
        rows, self.rows = self.rows, []
        self.waiting.clear()
        return rows

    def take(self) -> list[LiveEvent]:
        with self.lock:
            return self._take()

    def _run(self) -> None:
        while True:
            self.waiting.wait()
            wait = conf.get("DATELINE_LIVE_FLUSH_MS") / 1000
            with self.lock:
                left = self.since + wait - time.monotonic() if self.rows else wait
            if left > 0:
                time.sleep(left)
            with self.lock:
                due = self.rows and time.monotonic() - self.since >= wait
                rows = self._take() if due else []
            if not rows:
                continue
            try:
                write(rows)
            except Exception:
                log.exception("live events not written")
            finally:
                close_old_connections()


_batches = _Batches()


def record(thread_id: int, kind: str, data: dict[str, Any]) -> None:
    """After the commit: the event goes out with this process's next batch
    (at once with ``DATELINE_LIVE_FLUSH_MS=0``)."""
    row = LiveEvent(thread_id=thread_id, kind=kind, data=data)
    if conf.get("DATELINE_LIVE_FLUSH_MS") <= 0:
        write([row])
    else:
        _batches.add(row)


def write(rows: list[LiveEvent]) -> list[LiveEvent]:
    """Write ``rows`` in one transaction, then tell the readers."""
    from dateline.notify import tasks

    if not rows:
        return []
    with transaction.atomic():
        written = LiveEvent.objects.bulk_create(rows)
        tasks.prune_hourly()
    for row in written:
        bus.publish(row)
    return written


def flush() -> int:
    """Write what waits now (at exit, say); how many events."""
    return len(write(_batches.take()))


@atexit.register
def _at_exit() -> None:
    try:
        flush()
    except Exception:
        log.exception("live events not written at exit")


def comment_published(event: events.CommentPublished) -> None:
    record(
        event.thread_id,
        "comment",
        {
            "id": event.comment_id,
            "parent": event.parent_id,
            "author": event.author_id,
            "parent_author": event.parent_author_id,
        },
    )


def comment_shown(event: events.CommentEvent) -> None:
    if isinstance(event, events.CommentRestored) and not event.public:
        return
    record(event.thread_id, "comment", {"id": event.comment_id, "back": True})


def comment_edited(event: events.CommentEdited) -> None:
    record(event.thread_id, "edit", {"id": event.comment_id})


def comment_gone(event: events.CommentEvent) -> None:
    record(event.thread_id, "remove", {"id": event.comment_id})


# --- votes, gathered ----------------------------------------------------------------

_votes: dict[int, set[int]] = {}
_votes_lock = threading.Lock()


def comment_voted(event: events.CommentVoted) -> None:
    """After the commit: the comment's new counts go out with the next batch."""
    with _votes_lock:
        waiting = _votes.setdefault(event.thread_id, set())
        first = not waiting
        waiting.add(event.comment_id)
    if not first:
        return
    delay = conf.get("DATELINE_LIVE_VOTES_SECONDS")
    if delay <= 0:
        votes_flush(event.thread_id)
        return
    timer = threading.Timer(delay, _votes_in_thread, args=[event.thread_id])
    timer.daemon = True
    timer.start()


def _votes_in_thread(thread_id: int) -> None:
    try:
        votes_flush(thread_id)
    except Exception:
        log.exception("live votes for thread %s", thread_id)
    finally:
        close_old_connections()


def votes_flush(thread_id: int) -> LiveEvent | None:
    from dateline.discussion.models import Comment

    with _votes_lock:
        ids = _votes.pop(thread_id, set())
    if not ids:
        return None
    counts = {
        str(pk): [up, down, score]
        for pk, up, down, score in Comment.objects.filter(pk__in=ids).values_list(
            "pk", "upvotes", "downvotes", "score"
        )
    }
    return write(
        [LiveEvent(thread_id=thread_id, kind="votes", data={"counts": counts})]
    )[0]


def prune(now: dt.datetime | None = None) -> int:
    """Forget events older than DATELINE_LIVE_KEEP_HOURS."""
    now = now or timezone.now()
    since = now - dt.timedelta(hours=conf.get("DATELINE_LIVE_KEEP_HOURS"))
    return sql.sweep(
        LiveEvent.objects.filter(created_at__lt=since),
        lambda rows: rows.delete()[0],
        size=5000,
    )


def connect() -> None:
    if not conf.enabled():
        return
    events.listen(events.CommentPublished, comment_published)
    events.listen(events.CommentShown, comment_shown)
    events.listen(events.CommentRestored, comment_shown)
    events.listen(events.CommentEdited, comment_edited)
    events.listen(events.CommentHidden, comment_gone)
    events.listen(events.CommentDeleted, comment_gone)
    events.listen(events.CommentVoted, comment_voted)
