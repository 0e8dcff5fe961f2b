"""What the community app does after a change: members' standings follow.

Registered from ``CommunityConfig.ready``; see ``dateline/core/events.py``
for every event. Each refresh is queued after the commit, in the
background (``tasks.members_changed``).
"""

from __future__ import annotations

from dateline.core import events

from . import tasks


def comment_published(event: events.CommentPublished) -> None:
    # A first reply earns its writer and the answered writer points.
    tasks.members_changed([event.author_id, event.parent_author_id])


def comment_changed(event: events.CommentEvent) -> None:
    # Edits (links), hiding, showing, restoring, votes: the writer's points.
    tasks.members_changed([event.author_id])


def comment_deleted(event: events.CommentDeleted) -> None:
    # Writers deleting their own comments keep its points; a moderator's
    # removal counts against the writer, and may undo what rested on it.
    if event.removed:
        tasks.members_changed([event.author_id, *event.related_ids])


def comments_imported(event: events.CommentsImported) -> None:
    tasks.members_changed(event.member_ids)


def connect() -> None:
    events.listen(events.CommentPublished, comment_published)
    for changed in (
        events.CommentEdited,
        events.CommentHidden,
        events.CommentShown,
        events.CommentRestored,
        events.CommentVoted,
    ):
        events.listen(changed, comment_changed)
    events.listen(events.CommentDeleted, comment_deleted)
    events.listen(events.CommentsImported, comments_imported)
