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


def test_a_vote_locks_the_thread_before_the_comment(postgres_only, thread):
    """Every action locks a thread's row before its comments' (a post
    counts itself in, then locks the comment it answers): a vote that took
    them the other way round could deadlock with a reply to the comment."""
    import threading
    import time

    from django.db import DatabaseError, connection, transaction

    User = get_user_model()
    writer = User.objects.create_user("writer_y", password="pw-for-tests-9")
    voter = User.objects.create_user("voter_y")
    top = actions.comment_post(actor=writer, thread=thread, body="Start here")
    voted = []

    def vote():
        try:
            voted.append(
                actions.comment_vote(
                    actor=voter, comment=Comment.objects.get(pk=top.pk), value=1
                ).upvotes
            )
        finally:
            connection.close()

    with transaction.atomic():
        Comment.objects.select_for_update().get(pk=top.pk)
        voting = threading.Thread(target=vote)
        voting.start()
        deadline = time.monotonic() + 30
        with connection.cursor() as cursor:
            while True:  # until the vote waits for a lock
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE "
                    "wait_event_type = 'Lock' AND datname = current_database()"
                )
                if cursor.fetchone()[0]:
                    break
                assert time.monotonic() < deadline, "the vote never waited"
                time.sleep(0.05)
        with (
            pytest.raises(DatabaseError, match="could not obtain lock"),
            transaction.atomic(),
        ):
            Thread.objects.select_for_update(nowait=True).get(pk=thread.pk)
    voting.join()
    assert voted == [1]
