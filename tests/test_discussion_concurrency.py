"""Counters stay exact when many readers post and vote at the same moment.

Real concurrency needs a real server: this runs under ``--db=postgres``
(``make test`` does both) and is skipped on the SQLite run, where writes are
serialised by the database file anyway.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from dateline.discussion import actions
from dateline.discussion.models import Comment, Thread, Vote
from tests.concurrency import in_parallel

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_posts_and_votes_keep_exact_counters(postgres_only, thread):
    User = get_user_model()
    writer = User.objects.create_user("writer_x", password="pw-for-tests-9")
    voters = [User.objects.create_user(f"voter{n}") for n in range(24)]
    top = actions.comment_post(actor=writer, thread=thread, body="Start here")

    def reply(n):
        return lambda: actions.comment_post(
            actor=None,
            thread=Thread.objects.get(pk=thread.pk),
            body=f"Reply number {n}",
            parent=Comment.objects.get(pk=top.pk),
            guest=actions.GuestIdentity(name=f"Guest {n}"),
        )

    def vote(user, value):
        return lambda: actions.comment_vote(
            actor=user, comment=Comment.objects.get(pk=top.pk), value=value
        )

    jobs = [reply(n) for n in range(40)]
    jobs += [vote(u, 1 if n % 3 else -1) for n, u in enumerate(voters)]
    # half of the voters change their mind at the same time
    jobs += [vote(u, -1) for u in voters[:12]]
    in_parallel(jobs)

    top.refresh_from_db()
    thread.refresh_from_db()
    votes = list(Vote.objects.filter(comment=top).values_list("value", flat=True))
    assert thread.comment_count == 41 == Comment.objects.filter(thread=thread).count()
    assert top.reply_count == 40 == top.branch_count
    assert top.upvotes == votes.count(1)
    assert top.downvotes == votes.count(-1)
    assert top.score == sum(votes)
    assert len(votes) == 24
    paths = list(Comment.objects.values_list("path", flat=True))
    assert len(set(paths)) == len(paths)
