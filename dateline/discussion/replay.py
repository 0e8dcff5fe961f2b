"""Replaying a thread's past: many comments written elsewhere, written at once.

The importers' action. What :func:`actions.comment_post` does for one comment
(``history=True``, screening off: the text checked and rendered, the writer
checked, the counters and the thread's version moved, held comments queued
for review, members' standings refreshed) this does for a whole thread's
comments in a few statements: the comments in multi-row INSERTs (a level of
the tree at a time), their branch and path in one batched UPDATE, every
counter summed first and written once. ``tests/test_importers.py`` imports
the same files both ways and compares every row.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from dateline.core import events, sql, text
from dateline.core.errors import DatelineError
from dateline.discussion import actions
from dateline.discussion.models import (
    Comment,
    Thread,
    Vote,
    path_segment,
    wilson_lower_bound,
)
from dateline.moderation import screening
from dateline.moderation.policies import Verdict


@dataclass
class Past:
    """One comment as it was written: its text (Markdown) and its writer.

    ``parent`` is an earlier item's index in the same replay, or
    ``parent_comment`` a comment already here (a newer export's reply to an
    older comment). ``held`` queues it for review with that verdict.
    """

    body: str
    created_at: dt.datetime
    member: Any = None
    guest: actions.GuestIdentity | None = None
    parent: int | None = None
    parent_comment: Comment | None = None
    held: Verdict | None = None
    tally: tuple[int, int] = (0, 0)  # votes by nobody in particular
    # Members' votes (member, 1 or -1, when), counted in as they are written.
    votes: list[tuple[Any, int, dt.datetime]] = field(default_factory=list)


@dataclass
class Replayed:
    comment: Comment | None = None
    error: str = ""  # why it was not written
    orphaned: bool = False  # its parent could not be written: top level now


@dataclass
class _Counts:
    comments: int = 0
    top_level: int = 0
    replies: Counter[int] = field(default_factory=Counter)  # existing parent id
    branches: Counter[int] = field(default_factory=Counter)  # existing root id


def _comment(thread: Thread, item: Past, parent: Comment | None) -> Comment:
    """The comment ``comment_post`` would write, not yet saved."""
    member = actions._member(item.member)
    body = text.clean(item.body)
    rendered = actions._checked_body(body, history=True)
    identity = None if member else actions._checked_guest(item.guest)
    upvotes, downvotes = actions.checked_tally(item.tally)
    upvotes += sum(1 for _m, value, _at in item.votes if value == 1)
    downvotes += sum(1 for _m, value, _at in item.votes if value == -1)
    status = Comment.Status.PENDING if item.held else Comment.Status.PUBLISHED
    return Comment(
        thread=thread,
        parent=parent,
        depth=parent.depth + 1 if parent else 0,
        author=member,
        guest_name=identity.name if identity else "",
        guest_email=identity.email if identity else "",
        guest_key_hash=actions.guest_key_hash(identity.key) if identity else "",
        body=body.strip(),
        body_html=rendered.html,
        excerpt_html=rendered.excerpt_html,
        status=status,
        held_because=item.held.message if item.held else "",
        created_at=item.created_at,
        published_at=item.created_at if status == Comment.Status.PUBLISHED else None,
        upvotes=upvotes,
        downvotes=downvotes,
        score=upvotes - downvotes,
        best=wilson_lower_bound(upvotes, downvotes),
    )


def _root_of(comment: Comment) -> Comment:
    while comment.parent is not None and comment.parent.pk is None:
        comment = comment.parent
    return comment


def _count(comment: Comment, counts: _Counts) -> None:
    """Count a published comment in, as ``_count_in`` and ``_count_reply`` do."""
    counts.comments += 1
    parent = comment.parent
    if parent is None:
        counts.top_level += 1
        return
    if parent.pk is not None:  # a comment already here
        counts.replies[parent.pk] += 1
        counts.branches[parent.root_id or parent.pk] += 1
        return
    parent.reply_count += 1
    root = _root_of(parent)
    if root.parent is None:  # a new top-level comment
        root.branch_count += 1
    else:  # a new reply to a comment already here: its branch's root is old
        assert root.parent.pk is not None
        counts.branches[root.parent.root_id or root.parent.pk] += 1


@transaction.atomic
def comments_replay(*, thread: Thread, past: list[Past]) -> list[Replayed]:
    """Write ``past`` (parents before replies) into ``thread``; one result each."""
    results: list[Replayed] = []
    made: list[Comment] = []
    made_from: list[Past] = []
    held: list[tuple[Comment, Verdict]] = []
    counts = _Counts()
    for item in past:
        parent = item.parent_comment
        orphaned = False
        if item.parent is not None:
            parent = results[item.parent].comment
            orphaned = parent is None
        try:
            if parent is not None and parent.pk is not None:
                actions._check_parent(parent, thread, history=True)
            comment = _comment(thread, item, parent)
        except DatelineError as error:
            results.append(Replayed(error=str(error)))
            continue
        if comment.status == Comment.Status.PUBLISHED:
            _count(comment, counts)
        made.append(comment)
        made_from.append(item)
        if item.held is not None:
            held.append((comment, item.held))
        results.append(Replayed(comment=comment, orphaned=orphaned))
    if not made:
        return results

    actions.count_in_thread(
        thread.pk, comments=counts.comments, top_level=counts.top_level
    )
    # Ids first (parents come before their replies, so they keep the order of
    # ``past``), then each comment's root and path, then one INSERT per batch.
    for comment, pk in zip(made, sql.reserve_ids(Comment, len(made)), strict=True):
        comment.pk = pk
        segment = path_segment(pk)
        if comment.parent is None:
            comment.root_id, comment.path = pk, segment
        else:
            comment.root_id = comment.parent.root_id
            comment.path = f"{comment.parent.path}/{segment}"
    sql.insert_many(made, keep_ids=True)
    table = sql.table(Comment)
    for parent_id, n in counts.replies.items():
        sql.execute(
            f"UPDATE {table} SET reply_count = reply_count + %s WHERE id = %s",  # noqa: S608
            [n, parent_id],
        )
    for root_id, n in counts.branches.items():
        sql.execute(
            f"UPDATE {table} SET branch_count = branch_count + %s WHERE id = %s",  # noqa: S608
            [n, root_id],
        )
    for comment, verdict in held:
        screening.hold(comment, verdict)
    voted = [
        Vote(comment=comment, voter=member, value=value, created_at=at)
        for comment, item in zip(made, made_from, strict=True)
        for member, value, at in item.votes
    ]
    sql.insert_many(voted)
    members = {v.voter_id for v in voted} | {c.author_id for c in made}
    members.update(
        c.parent.author_id for c in made if c.parent is not None and c.is_published
    )
    events.emit(
        events.CommentsImported(
            thread.pk, member_ids=tuple(sorted(pk for pk in members if pk))
        )
    )
    return results
