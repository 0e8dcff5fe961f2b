"""The checks every post runs read along indexes, on both databases.

A check that reads the whole comments table costs a little on the demo and
~90 ms a post at 92,000 comments: every check must cost the same at ten
million comments as at a thousand. These tests capture the SQL the posting
checks really run and ask each database how it would execute it: on
PostgreSQL with sequential scans discouraged (a tiny test table is always
cheaper to scan), so the answer is whether an index *fits* the query.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dateline.discussion import actions
from dateline.moderation import scorers, scoring

pytestmark = [pytest.mark.django_db, pytest.mark.moderation]

CHECKS = (scorers.DuplicateScorer(), scorers.RateScorer())
WRITER_INDEXES = (
    "comment_by_member",
    "comment_by_guest",
    "comment_by_address",
    "comment_by_network",
)


def _plan(sql: str, keep: tuple[str, ...] = WRITER_INDEXES) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            # On a test's few rows every plan is cheap, and with statistics
            # left by earlier tests PostgreSQL may pick any other index (the
            # foreign key's on author_id, which reads every guest comment for
            # "author_id IS NULL"; one on created_at for the ORDER BY). The
            # other plain indexes are hidden for this EXPLAIN only (DDL is
            # transactional; rolled back below), so the question stays
            # whether the writer's indexes fit, as a large table would have
            # them: if one does not, the plan is a sequential scan. The other
            # writer's index goes too: "author_id IS NULL" fits the member
            # index's first column, so on a few rows a guest's query may read
            # along it (every guest comment) instead of along its own.
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = "
                "'discussion_comment' AND indexdef NOT LIKE 'CREATE UNIQUE%%' "
                "AND indexname <> ALL(%s)",
                [list(keep)],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP INDEX "{name}"')
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
            transaction.set_rollback(True)
            return plan
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def _full_scan(plan: str) -> bool:
    if connection.vendor == "postgresql":
        return "Seq Scan on discussion_comment" in plan
    return any(
        line.strip().startswith("SCAN discussion_comment") and "INDEX" not in line
        for line in plan.splitlines()
    )


@pytest.mark.parametrize("writer", ["guest", "member"])
def test_posting_checks_read_along_indexes(thread, a_member, writer):
    for n in range(3):  # something to find
        actions.comment_post(
            actor=a_member if writer == "member" else None,
            thread=thread,
            body=f"Earlier comment {n} about the ferry.",
            guest=actions.GuestIdentity(name="Rafi", key="k1"),
            moderate=False,
        )
    draft = scoring.Draft(
        text="A new comment about the ferry.",
        author_id=a_member.pk if writer == "member" else None,
        guest_key_hash="" if writer == "member" else actions.guest_key_hash("k1"),
        client="2001:db8::7",
        now=timezone.now(),
    )
    with CaptureQueriesContext(connection) as captured:
        for check in CHECKS:
            check.score(draft)
    selects = [q["sql"] for q in captured if "discussion_comment" in q["sql"]]
    assert len(selects) >= 2  # duplicates; rate (writer, address, network in one)
    expected = {
        "member": "comment_by_member",
        "guest": "comment_by_guest",
    }[writer]
    wanted = (expected, "comment_by_address", "comment_by_network")
    used = set()
    for sql in selects:
        plan = _plan(sql, keep=wanted)
        assert not _full_scan(plan), f"{sql}\n{plan}"
        used |= {name for name in wanted if name in plan}
    assert used == {expected, "comment_by_address", "comment_by_network"}


def test_a_comment_is_written_to_no_index_that_another_one_covers():
    """Every index is written by every post; one that starts with the same
    column as a wider one serves no query the wider one does not."""
    from dateline.discussion.models import Comment

    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Comment._meta.db_table)
    partial = {i.name for i in Comment._meta.indexes if i.condition is not None}
    indexes = {
        name: tuple(info["columns"])
        for name, info in found.items()
        if info["index"] and not info["primary_key"] and name not in partial
    }
    leading = [columns[0] for columns in indexes.values()]
    for name, columns in indexes.items():
        if len(columns) == 1:
            wider = [c for c in indexes.values() if len(c) > 1 and c[0] == columns[0]]
            assert not wider, f"{name} ({columns[0]}) is covered by {wider}"
    assert leading.count("path") == 0  # read only within a branch
    assert {"comment_branch", "comment_by_member"} <= set(found)


def test_a_members_refresh_asks_after_first_comments_along_the_writer_index(
    thread, a_member, another_member
):
    """The refresh after every vote asks whether the comments a member
    answered were their writers' first: along each writer's index, never
    over every comment of those writers, let alone the table."""
    from dateline.community import history

    first = actions.comment_post(
        actor=another_member, thread=thread, body="My first comment here."
    )
    actions.comment_post(
        actor=a_member, thread=thread, body="Welcome aboard.", parent=first
    )
    with CaptureQueriesContext(connection) as captured:
        assert history._first_comments({first.pk}) == {first.pk}
    [sql] = [q["sql"] for q in captured]
    plan = _plan(sql, keep=("comment_by_member",))
    assert not _full_scan(plan), f"{sql}\n{plan}"
    assert "comment_by_member" in plan, plan
