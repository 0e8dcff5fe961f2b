"""The only way to load a discussion object a reader asked for by id.

Every view and API route that loads a comment by id goes through
:func:`access_comment`, which applies the thread page's rule for one
comment (``selectors.visible`` is the same rule as a query):

- a published comment is for everyone;
- a comment held for review (by moderation or by readers' reports),
  shadowed, deleted or removed is for its writer and the moderators;
- to everyone else, a deleted, removed or held comment that still has
  replies is a placeholder (its place in the tree, no text), and only the
  routes that show a place in the thread (``placeholder=True``) load it;
  anything else is "no such comment", exactly as if the id did not exist.

Comments of an unpublished article are nobody's but the moderators'.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from wagtail.models import Page

from dateline.core import sql
from dateline.core.errors import NotFound
from dateline.discussion import actions, selectors
from dateline.discussion.models import Comment, Thread

# What a reader who is neither the writer nor a moderator may see as a
# placeholder when it still holds replies (never a shadowed comment).
PLACEHOLDER_STATUSES = selectors.PLACEHOLDER_STATUSES


# Plain SQL (``core/sql.py``): posting loads the thread, and the parent of a
# reply, every time. Only the article's ``live`` flag is joined.
@cache
def _thread_sql() -> str:
    return (
        f"SELECT {sql.columns(Thread, 't')}, p.live FROM {sql.table(Thread)} t "  # noqa: S608
        f"LEFT JOIN {sql.table(Page)} p ON p.id = t.article_id WHERE t.id = %s"
    )


@cache
def _comment_sql() -> str:
    """The comment, its thread, its writer (a member's: the answer shows their
    name and role) and whether the article is live, in one query."""
    user = get_user_model()
    return (
        f"SELECT {sql.columns(Comment, 'c')}, {sql.columns(Thread, 't')}, "  # noqa: S608
        f"{sql.columns(user, 'u')}, p.live "
        f"FROM {sql.table(Comment)} c JOIN {sql.table(Thread)} t ON t.id = c.thread_id "
        f"LEFT JOIN {sql.table(user)} u ON u.id = c.author_id "
        f"LEFT JOIN {sql.table(Page)} p ON p.id = t.article_id WHERE c.id = %s"
    )


def thread_state(thread_id: int) -> tuple[str, list[Any]]:
    """A query for what makes a thread's cached JSON current for anonymous
    readers (``pagecache.serve_bytes``): its version, and its article's
    ``live`` flag (None for an external page's thread), as access_thread
    reads them."""
    return _thread_state_sql(), [thread_id]


@cache
def _thread_state_sql() -> str:
    return (
        f"SELECT t.version, p.live FROM {sql.table(Thread)} t "  # noqa: S608
        f"LEFT JOIN {sql.table(Page)} p ON p.id = t.article_id WHERE t.id = %s"
    )


def _valid_id(value: Any) -> bool:
    return isinstance(value, int) and 0 < value < 1 << 63


def readable(comment: Comment, viewer: selectors.Viewer) -> bool:
    """Whether ``viewer`` may read this comment's text."""
    if comment.is_published:
        return True
    return selectors.viewer_wrote(comment, viewer) or actions.can_moderate(viewer.user)


def _not_found() -> NotFound:
    return NotFound(_("There is no such comment."), code="comment_not_found")


def access_comment(
    viewer: selectors.Viewer,
    comment_id: int,
    *,
    placeholder: bool = False,
) -> Comment:
    """The comment ``comment_id`` if ``viewer`` may see it, else NotFound.

    With ``placeholder``, a comment the viewer may not read but that holds
    replies loads too, with its text (and the reason it is held) blanked.
    Raises NotFound with code ``comment_not_found``.
    """
    using = sql.reading(Comment)
    row = None
    if _valid_id(comment_id):
        row = sql.one(_comment_sql(), [comment_id], using)
    if row is None:
        raise _not_found()
    comment = sql.instance(Comment, row, using)
    fields = len(Comment._meta.concrete_fields)
    comment.thread = sql.instance(Thread, row[fields:], using)
    if comment.author_id is not None:
        fields += len(Thread._meta.concrete_fields)
        comment.author = sql.instance(get_user_model(), row[fields:], using)
    unpublished = comment.thread.article_id is not None and not row[-1]
    if unpublished and not actions.can_moderate(viewer.user):
        raise _not_found()
    if readable(comment, viewer):
        return comment
    if placeholder and comment.reply_count and comment.status in PLACEHOLDER_STATUSES:
        comment.body = comment.body_html = comment.excerpt_html = ""
        comment.held_because = ""
        return comment
    raise _not_found()


def access_thread(user: Any, thread_id: int) -> Thread:
    """A thread whose article is published (or an external page's thread)."""
    using = sql.reading(Thread)
    row = sql.one(_thread_sql(), [thread_id], using) if _valid_id(thread_id) else None
    if row is None:
        raise NotFound(_("There is no such discussion."), code="thread_not_found")
    thread = sql.instance(Thread, row, using)
    if thread.article_id is not None and not row[-1]:
        raise NotFound(_("There is no such discussion."), code="thread_not_found")
    return thread
