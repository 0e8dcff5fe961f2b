"""What a comment's writer is labelled: Guest, Member, Author, Editor or
Moderator (``discussion/selectors.py`` puts the label on each comment)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from dateline.core import sql
from dateline.discussion.models import Comment

ROLE_GUEST = _("Guest")
ROLE_MEMBER = _("Member")
ROLE_AUTHOR = _("Author")
ROLE_EDITOR = _("Editor")
ROLE_MODERATOR = _("Moderator")
# Wagtail creates these groups; members of them carry the label.
MODERATOR_GROUP = "Moderators"
EDITOR_GROUP = "Editors"


def roles_of(comments: list[Comment], article_id: int | None) -> dict[int, str]:
    """The role key of each member among the comments' writers, in one
    statement (plain SQL, as ``community.selectors.marks_for``): their
    Moderators and Editors groups, and, with the article's ``article_id``,
    which of them wrote it (their comments are labelled Author)."""
    ids = sorted({c.author_id for c in comments if c.author_id})
    if not ids:
        return {}
    through = get_user_model().groups.through
    group = through._meta.get_field("group").related_model
    marks = sql.listed(ids)
    query = (
        f"SELECT m.user_id, g.name FROM {sql.table(through)} m "  # noqa: S608
        f"JOIN {sql.table(group)} g ON g.id = m.group_id "
        f"WHERE g.name IN (%s, %s) AND m.user_id IN ({marks})"
    )
    params: list[Any] = [MODERATOR_GROUP, EDITOR_GROUP, *ids]
    if article_id is not None:
        from dateline.newsroom.models import ArticlePage, AuthorPage

        # No group has this name: only the two above are read.
        query += (
            " UNION ALL SELECT w.user_id, 'author' "  # noqa: S608
            f"FROM {sql.table(ArticlePage)} a "
            f"JOIN {sql.table(AuthorPage)} w ON w.page_ptr_id = a.author_id "
            f"WHERE a.page_ptr_id = %s AND w.user_id IN ({marks})"
        )
        params += [article_id, *ids]
    memberships = sql.all_rows(query, params, sql.reading(through))
    roles: dict[int, str] = {}
    authors: set[int] = set()
    for user_id, group in memberships:
        if group == "author":
            authors.add(user_id)
        elif group == MODERATOR_GROUP or roles.get(user_id) != "moderator":
            roles[user_id] = "moderator" if group == MODERATOR_GROUP else "editor"
    for comment in comments:
        user = comment.author
        if user is None:
            continue
        if user.pk in authors:
            roles[user.pk] = "author"
        elif user.pk not in roles and user.is_superuser:
            roles[user.pk] = "editor"
    return roles


ROLE_LABELS = {
    "guest": ROLE_GUEST,
    "member": ROLE_MEMBER,
    "author": ROLE_AUTHOR,
    "editor": ROLE_EDITOR,
    "moderator": ROLE_MODERATOR,
}
