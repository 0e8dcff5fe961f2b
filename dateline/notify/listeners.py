"""What the notify app does after a change: mail goes into the outbox.

Registered from ``NotifyConfig.ready``; see ``dateline/core/events.py`` for
every event. The outbox rows are written in the change's own transaction
(``in_transaction=True``), so a comment that rolls back leaves no mail and
a committed one cannot lose its mail; the sending task is queued after the
commit.
"""

from __future__ import annotations

from django.db import transaction

from dateline.core import events
from dateline.notify import actions, selectors, tasks


def anyone_told(event: events.CommentPublished) -> bool:
    """Whether anyone may be told of this comment. Asked in every comment's
    transaction: when nobody can be (a reply to a guest who asked for
    nothing, no mention, no follower), two plain queries say so without
    reading the comment or opening a savepoint."""
    answered = event.parent_id is not None and (
        event.parent_author_id is not None
        or selectors.guest_parent_told(event.parent_id)
    )
    return answered or bool(event.mentions) or selectors.followed(event.thread_id)


def comment_published(event: events.CommentPublished) -> None:
    """Heard only when ``anyone_told`` says so (``connect``)."""
    from dateline.discussion.models import Comment

    comment = Comment.objects.select_related("parent").get(pk=event.comment_id)
    if actions.comment_published(comment):
        transaction.on_commit(tasks.send_soon)


def comment_edited(event: events.CommentEdited) -> None:
    from dateline.discussion.models import Comment

    if not event.mentions:
        return
    comment = Comment.objects.select_related("thread").get(pk=event.comment_id)
    if actions.comment_edited(comment):
        transaction.on_commit(tasks.send_soon)


def comment_decided(event: events.CommentDecided) -> None:
    if not event.was_held:
        return
    mail = actions.comment_decided(
        comment_id=event.comment_id,
        writer_id=event.author_id,
        thread_id=event.thread_id,
        decision=event.decision,
        reason=event.reason,
    )
    if mail is not None:
        transaction.on_commit(tasks.send_soon)


def connect() -> None:
    events.listen(
        events.CommentPublished,
        comment_published,
        in_transaction=True,
        when=anyone_told,
    )
    events.listen(
        events.CommentEdited,
        comment_edited,
        in_transaction=True,
        when=lambda event: bool(event.mentions),
    )
    events.listen(events.CommentDecided, comment_decided, in_transaction=True)
