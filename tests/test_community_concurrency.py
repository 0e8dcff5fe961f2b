"""Concurrent events never double-count points or double-grant a badge.

Runs under ``--db=postgres`` (``make test`` does both), skipped on SQLite,
whose writers are serialised by the database file anyway.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count, Sum

from dateline.community import actions as community
from dateline.community.models import BadgeGrant, BadgeSetting, LedgerEntry, Standing
from dateline.discussion import actions
from dateline.discussion.models import Comment
from tests.concurrency import in_parallel

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_votes_grant_each_level_once(postgres_only, thread):
    community.badge_settings()
    BadgeSetting.objects.filter(badge="upvoted").update(bronze=3, silver=8, gold=None)
    User = get_user_model()
    writer = User.objects.create_user("writer_c")
    voters = [User.objects.create_user(f"fan{n}") for n in range(16)]
    comment = actions.comment_post(actor=writer, thread=thread, body="Worth a vote")

    in_parallel(
        [
            (
                lambda v=v: actions.comment_vote(
                    actor=v, comment=Comment.objects.get(pk=comment.pk), value=1
                )
            )
            for v in voters
        ]
    )
    # And a burst of refreshes with nothing new to record.
    in_parallel([lambda: community.standings_refresh(member_ids=[writer.pk])] * 8)

    grants = BadgeGrant.objects.filter(member=writer, badge="upvoted")
    assert sorted(grants.values_list("level", flat=True)) == [1, 2]
    per_source = (
        LedgerEntry.objects.filter(member=writer)
        .values("source")
        .annotate(n=Count("id"), net=Sum("points"))
    )
    assert all(row["n"] == 1 for row in per_source), list(per_source)
    total = LedgerEntry.objects.filter(member=writer).aggregate(s=Sum("points"))["s"]
    standing = Standing.objects.get(member=writer)
    # 2 for the comment, 16 upvotes, First Comment (5), Upvoted bronze and silver.
    assert standing.points == total == 2 + 16 + 5 + 5 + 10
