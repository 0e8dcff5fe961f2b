"""The plain-SQL helpers, on SQLite and on PostgreSQL (``--db=postgres``)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.utils import timezone

from dateline.core import sql
from dateline.discussion import actions
from dateline.discussion.models import Comment, path_segment

pytestmark = pytest.mark.django_db


def _post(thread, who, body="The ferry was late again tonight."):
    return actions.comment_post(actor=who, thread=thread, body=body, moderate=False)


def _unsaved(thread, pk, parent=None):
    comment = Comment(
        thread=thread,
        parent=parent,
        depth=parent.depth + 1 if parent else 0,
        author=None,
        guest_name="harbour regular",
        body="same here, 40 min wait",
        body_html="<p>same here, 40 min wait</p>",
        status=Comment.Status.PUBLISHED,
        created_at=timezone.now(),
    )
    comment.pk = pk
    comment.root_id = parent.root_id if parent else pk
    segment = path_segment(pk)
    comment.path = f"{parent.path}/{segment}" if parent else segment
    return comment


def test_reserved_ids_are_new_and_written_as_they_are(thread, a_member):
    first = _post(thread, a_member)
    gone = _post(thread, a_member)
    gone_id = gone.pk
    Comment.objects.filter(pk=gone_id).delete()  # the highest id, not to be reused
    with transaction.atomic():
        ids = sql.reserve_ids(Comment, 3)
        assert ids == sorted(ids) and len(set(ids)) == 3
        assert min(ids) > gone_id
        top = _unsaved(thread, ids[0])
        reply = _unsaved(thread, ids[1], parent=top)
        other = _unsaved(thread, ids[2], parent=first)
        sql.insert_many([top, reply, other], keep_ids=True)
    assert [c.pk for c in (top, reply, other)] == ids
    stored = Comment.objects.get(pk=ids[1])
    assert stored.parent_id == ids[0] and stored.root_id == ids[0]
    assert stored.path == f"{path_segment(ids[0])}/{path_segment(ids[1])}"
    # The next ordinary post carries on past them.
    assert _post(thread, a_member).pk > max(ids)


def test_reserving_nothing_asks_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert sql.reserve_ids(Comment, 0) == []


def test_sqlite_reserves_only_inside_a_transaction(thread):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's sequence needs no lock")
    # The test itself runs in a transaction; leave it for a moment.
    with pytest.raises(RuntimeError, match="transaction"):
        in_block = connection.in_atomic_block
        connection.in_atomic_block = False
        try:
            sql.reserve_ids(Comment, 1)
        finally:
            connection.in_atomic_block = in_block


def test_update_many_sets_each_row_its_own_values_through_the_fields(thread, a_member):
    first, second = _post(thread, a_member), _post(thread, a_member, "Second.")
    edited = timezone.now()
    changed = sql.update_many(
        Comment,
        ["common_ground", "edited_at", "held_because"],
        [(first.pk, 0.25, edited, "one"), (second.pk, -0.5, None, "two")],
    )
    assert changed == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.common_ground, first.edited_at, first.held_because) == (
        0.25,
        edited,
        "one",
    )
    assert (second.common_ground, second.edited_at, second.held_because) == (
        -0.5,
        None,
        "two",
    )
    assert sql.update_many(Comment, ["common_ground"], []) == 0


def test_a_sweep_changes_its_rows_a_batch_at_a_time_each_in_a_transaction(
    thread, a_member
):
    old = [_post(thread, a_member, f"Old news number {n}.") for n in range(5)]
    kept = _post(thread, a_member, "Still news.")
    batches: list[tuple[int, int]] = []
    around = len(connection.savepoint_ids)  # the test's own transaction

    def change(rows):
        batches.append((rows.count(), len(connection.savepoint_ids) - around))
        if len(batches) == 1:  # a row of a later batch stops matching meanwhile
            Comment.objects.filter(pk=old[-1].pk).update(held_because="edited")
        return rows.update(guest_name="swept")

    matching = Comment.objects.filter(pk__in=[c.pk for c in old], held_because="")
    assert sql.sweep(matching, change, size=2) == 4
    assert batches == [(2, 1), (2, 1), (0, 1)]  # each batch its own
    swept = set(Comment.objects.filter(guest_name="swept").values_list("pk", flat=True))
    assert swept == {c.pk for c in old[:4]}
    kept.refresh_from_db()
    assert kept.guest_name != "swept"


def test_plain_statements_keep_djangos_errors_and_query_log(thread, a_member):
    from django.db import IntegrityError
    from django.test.utils import CaptureQueriesContext

    first = _post(thread, a_member)
    with pytest.raises(IntegrityError), transaction.atomic():
        sql.execute(
            f"INSERT INTO {sql.table(Comment)} (id) VALUES (%s)",
            [first.pk],
        )
    with CaptureQueriesContext(connection) as queries:
        row = sql.one(
            f"SELECT body FROM {sql.table(Comment)} WHERE id = %s AND body LIKE %s",
            [first.pk, "%ferry%"],
        )
    assert row == (first.body,)
    assert len(queries) == 1  # logged while anyone listens
    percent = sql.one("SELECT 'a%%b' || %s", ["!"])
    assert percent == ("a%b!",)  # placeholders rewritten as Django does


def test_insert_stores_every_value_as_save_would(thread, a_member):
    """Plain values go to the driver untouched; anything else (a choice, a
    lazy translation, a number given for text) through its field, as save()
    sends it: the row read back is the same as one saved by the ORM."""
    from django.utils.translation import gettext_lazy

    def made(**changes):
        with transaction.atomic():
            [pk] = sql.reserve_ids(Comment, 1)
            comment = _unsaved(thread, pk)
            comment.author = a_member
            for field, value in changes.items():
                setattr(comment, field, value)
            sql.insert(comment, keep_id=True)
        return Comment.objects.get(pk=pk)

    odd = made(
        guest_name=gettext_lazy("Reader"),
        held_because=42,
        status=Comment.Status.PENDING,
        best=1,
        upvotes=True,
    )
    assert odd.guest_name == "Reader" and odd.held_because == "42"
    assert odd.status == "pending" and odd.best == 1.0 and odd.upvotes == 1
    assert type(odd.best) is float and type(odd.held_because) is str
    plain = made()
    assert plain.author_id == a_member.pk and plain.thread_id == thread.pk
    assert plain.body == "same here, 40 min wait" and plain.depth == 0
    assert plain.created_at is not None and plain.created_at.tzinfo is not None


def test_a_statement_run_again_is_prepared_on_postgresql(thread, a_member):
    """The vote's statements are parsed and planned once per connection
    (``DATELINE_DB_PREPARED``): about two fifths of PostgreSQL's CPU per
    vote saved."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no server to prepare statements on")
    comment = _post(thread, a_member)
    query = "SELECT upvotes FROM discussion_comment WHERE id = %s"
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        before = cursor.fetchone()[0]
        for _ in range(6):
            assert sql.one(query, [comment.pk]) == (0,)
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%discussion_comment WHERE id = $1%"],
        )
        prepared = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        after = cursor.fetchone()[0]
    assert prepared == ["SELECT upvotes FROM discussion_comment WHERE id = $1"]
    assert after > before


def test_a_statement_with_more_parameters_than_postgresql_takes_still_runs(
    thread, a_member
):
    """Server-side binding sends each parameter apart, and PostgreSQL's
    protocol carries at most 65,535; past that they are written into the
    statement, as Django's default cursor does (a big import's batch, an
    ``IN`` over every comment of a member)."""
    ids = list(range(1, 70_001))
    assert Comment.objects.filter(pk__in=ids).count() == 0
    first = _post(thread, a_member, body="A first comment, and more to say.")
    assert Comment.objects.filter(pk__in=[first.pk, *ids]).count() == 1
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM discussion_comment WHERE id IN ({sql.listed(ids)})"
            " AND body LIKE '%%first comment%%'",
            ids,
        )
        assert cursor.fetchone() == (1 if first.pk <= 70_000 else 0,)
