"""A thread page's comments for an anonymous reader, in plain SQL.

Every cached page and thread JSON under a storm of comments is built for
an anonymous reader (``pagecache``), and the ORM compiled the page's two
queries anew each time: 5.2 ms of a 12 ms page on this project's VM, the
reply query's window filter (``QUALIFY``, emulated with a subquery) the
dearest. The same two queries are written out here (``core/sql.py``):
the page's top-level comments, and the first replies of each of them in
the order of their branch. ``selectors.thread_page_for_reader`` uses them
for a viewer with no comments of their own to see (no member, no guest
key); anyone else gets the ORM's, which add their own held comments.

``tests/test_pagerows.py`` holds both to the ORM's answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from django.contrib.auth import get_user_model

from dateline.core import sql
from dateline.discussion.models import Comment


def _shown(alias: str) -> str:
    """``selectors.visible`` for a reader with nothing of their own: published,
    or a placeholder that still holds replies. Its parameters are
    :func:`_shown_params`."""
    from dateline.discussion.selectors import PLACEHOLDER_STATUSES

    return (
        f"({alias}.{sql.name('status')} = %s OR ({alias}.{sql.name('reply_count')} > 0 "
        f"AND {alias}.{sql.name('status')} IN ({sql.listed(PLACEHOLDER_STATUSES)})))"
    )


def _shown_params() -> list[str]:
    from dateline.discussion.selectors import PLACEHOLDER_STATUSES

    return [str(Comment.Status.PUBLISHED), *map(str, PLACEHOLDER_STATUSES)]


def _order(ordering: Sequence[str], alias: str) -> str:
    """An ORM ordering ("-best", "-id") as SQL, on the fields' columns."""
    parts = []
    for term in ordering:
        column = Comment._meta.get_field(term.lstrip("-")).column  # type: ignore[union-attr]
        direction = " DESC" if term.startswith("-") else " ASC"
        parts.append(f"{alias}.{sql.name(column)}{direction}")
    return ", ".join(parts)


def _with_writer() -> str:
    """The comment's columns and its writer's, as :func:`_comments` reads them."""
    user = get_user_model()
    return (
        f"SELECT {sql.columns(Comment, 'c')}, {sql.columns(user, 'u')} "  # noqa: S608
        f"FROM {sql.table(Comment)} c LEFT JOIN {sql.table(user)} u "
        f"ON u.{sql.name('id')} = c.{sql.name('author_id')}"
    )


@cache
def _top_sql(ordering: tuple[str, ...]) -> str:
    return (
        f"{_with_writer()} WHERE c.{sql.name('thread_id')} = %s "
        f"AND c.{sql.name('parent_id')} IS NULL AND {_shown('c')} "
        f"ORDER BY {_order(ordering, 'c')} LIMIT %s OFFSET %s"
    )


@cache
def _replies_sql(roots: int) -> str:
    """The first replies (by ``path``) of each of ``roots`` branches; the
    window numbers only the replies the reader is shown, as the ORM's
    ``branch_position`` does."""
    column = sql.name
    return (
        f"{_with_writer()} JOIN (SELECT r.{column('id')} AS shown_id, "  # noqa: S608
        f"ROW_NUMBER() OVER (PARTITION BY r.{column('root_id')} "
        f"ORDER BY r.{column('path')} ASC) AS branch_position "
        f"FROM {sql.table(Comment)} r "
        f"WHERE r.{column('root_id')} IN ({', '.join(['%s'] * roots)}) "
        f"AND r.{column('parent_id')} IS NOT NULL AND {_shown('r')}) b "
        f"ON b.shown_id = c.{column('id')} WHERE b.branch_position <= %s "
        f"ORDER BY c.{column('root_id')} ASC, c.{column('path')} ASC"
    )


def _comments(rows: list[tuple], using: str) -> list[Comment]:
    """Comments with their writer (``select_related("author")``)."""
    fields = len(Comment._meta.concrete_fields)
    user = get_user_model()
    found = []
    for row in rows:
        comment = sql.instance(Comment, row, using)
        comment.author = (
            sql.instance(user, row[fields:], using)
            if comment.author_id is not None
            else None
        )
        found.append(comment)
    return found


def top_level(
    thread_id: int, ordering: Sequence[str], offset: int, size: int
) -> list[Comment]:
    """The page's top-level comments, in ``ordering`` (``selectors.SORTS``)."""
    using = sql.reading(Comment)
    rows = sql.all_rows(
        _top_sql(tuple(ordering)),
        [thread_id, *_shown_params(), size, offset],
        using,
    )
    return _comments(rows, using)


def first_replies(root_ids: Sequence[int], cap: int) -> list[Comment]:
    """Up to ``cap`` replies of each branch, by root, then in branch order."""
    if not root_ids:
        return []
    using = sql.reading(Comment)
    rows = sql.all_rows(
        _replies_sql(len(root_ids)),
        [*root_ids, *_shown_params(), cap],
        using,
    )
    return _comments(rows, using)
