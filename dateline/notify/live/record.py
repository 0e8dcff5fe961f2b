"""Changes written as live events, in the change's transaction.

Comments published, edited and taken away are each one row; votes are
gathered per thread and sent as one row of counts every few seconds
(``DATELINE_LIVE_VOTES_SECONDS``), so a storm of votes is a trickle of
events.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any

from django.db import close_old_connections, transaction
from django.utils import timezone

from dateline.core import events
from dateline.notify.live import bus, conf
from dateline.notify.models import LiveEvent

log = logging.getLogger(__name__)


def record(thread_id: int, kind: str, data: dict[str, Any]) -> LiveEvent:
    from dateline.notify import tasks

    row = LiveEvent.objects.create(thread_id=thread_id, kind=kind, data=data)
    transaction.on_commit(lambda: bus.publish(row))
    tasks.prune_hourly()
    return row


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
    timer = threading.Timer(delay, _flush_in_thread, args=[event.thread_id])
    timer.daemon = True
    timer.start()


def _flush_in_thread(thread_id: int) -> None:
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
    with transaction.atomic():
        return record(thread_id, "votes", {"counts": counts})


def prune(now: dt.datetime | None = None) -> int:
    """Forget events older than DATELINE_LIVE_KEEP_HOURS."""
    now = now or timezone.now()
    since = now - dt.timedelta(hours=conf.get("DATELINE_LIVE_KEEP_HOURS"))
    deleted, _detail = LiveEvent.objects.filter(created_at__lt=since).delete()
    return deleted


def connect() -> None:
    if not conf.enabled():
        return
    events.listen(events.CommentPublished, comment_published, in_transaction=True)
    events.listen(events.CommentShown, comment_shown, in_transaction=True)
    events.listen(events.CommentRestored, comment_shown, in_transaction=True)
    events.listen(events.CommentEdited, comment_edited, in_transaction=True)
    events.listen(events.CommentHidden, comment_gone, in_transaction=True)
    events.listen(events.CommentDeleted, comment_gone, in_transaction=True)
    events.listen(events.CommentVoted, comment_voted)
