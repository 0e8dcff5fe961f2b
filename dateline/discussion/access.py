"""The only way to load a discussion object a reader asked for by id."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.utils.translation import gettext as _

from dateline.core.errors import NotFound
from dateline.discussion.models import Comment, Thread


def access_comment(user: Any, comment_id: int, *, for_update: bool = False) -> Comment:
    """A comment anyone may look at; deleted ones load too (they keep their place).

    Raises NotFound with code ``comment_not_found``.
    """
    rows = Comment.objects.select_related("thread", "author")
    if for_update:
        rows = rows.select_for_update()
    try:
        return rows.get(pk=comment_id)
    except (Comment.DoesNotExist, ValueError, TypeError):
        raise NotFound(
            _("There is no such comment."), code="comment_not_found"
        ) from None


def access_thread(user: Any, thread_id: int) -> Thread:
    """A thread whose article is published (or an external page's thread)."""
    # Only the article's ``live`` flag: joining the whole page row costs more
    # than the rest of loading the thread (posting calls this every time).
    try:
        thread = Thread.objects.annotate(article_live=F("article__live")).get(
            pk=thread_id
        )
    except (Thread.DoesNotExist, ValueError, TypeError):
        thread = None
    if thread is None or (thread.article_id is not None and not thread.article_live):
        raise NotFound(_("There is no such discussion."), code="thread_not_found")
    return thread
