"""Reads that build a discussion page or API payload in a fixed number of queries.

A thread page is one page of top-level comments in the chosen order, each
with its first replies (a window function picks them per branch). Counts come
from the counters on the rows, never from ``COUNT(*)`` over the thread, so the
cost of a page does not grow with the size of the thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dateline.community.selectors import Marks, marks_for
from dateline.discussion import actions, conf, pagerows
from dateline.discussion import roles as writer_roles
from dateline.discussion.models import Comment, Thread, Vote

# name -> (label, ordering of top-level comments). The last key breaks ties
# and matches the partial indexes on Comment.
SORTS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "best": (_("Best"), ("-best", "-id")),
    "newest": (_("Newest"), ("-created_at", "-id")),
    "oldest": (_("Oldest"), ("created_at", "id")),
    "replies": (_("Most replies"), ("-branch_count", "-id")),
    # Upvoted by members who usually disagree (dateline/notes).
    "common": (_("Common ground"), ("-common_ground", "-id")),
}


def comment_counts(article_ids: Iterable[int]) -> dict[int, int]:
    """Published comments under each article (teasers' counts): one query."""
    ids = [pk for pk in article_ids if pk]
    if not ids:
        return {}
    return dict(
        Thread.objects.filter(article_id__in=ids).values_list(
            "article_id", "comment_count"
        )
    )


def latest_published(thread: Thread, *, limit: int = 30) -> list[Comment]:
    """The newest comments any reader can see (the thread's feed)."""
    return list(
        Comment.objects.filter(thread=thread, status=Comment.Status.PUBLISHED)
        .select_related("author")
        .order_by("-created_at", "-id")[:limit]
    )


def sort_or_default(sort: str | None) -> str:
    if sort in SORTS:
        return str(sort)
    default = conf.default_sort()
    return default if default in SORTS else "best"


@dataclass(frozen=True)
class Viewer:
    """Who is reading: decides own-comment controls and the viewer's votes."""

    user: Any = None
    guest_key_hash: str = ""

    @property
    def member(self) -> Any:
        return actions._member(self.user)

    @classmethod
    def for_request(cls, request: Any, guest_key: str | None) -> Viewer:
        return cls(user=request.user, guest_key_hash=actions.guest_key_hash(guest_key))


@dataclass
class CommentNode:
    comment: Comment
    role: str
    role_key: str
    children: list[CommentNode] = field(default_factory=list)
    display_depth: int = 0
    in_reply_to: str = ""
    my_vote: int = 0
    mine: bool = False  # the viewer wrote it: no votes or report of their own
    muted: bool = False  # the viewer muted its writer: folded, replies shown
    can_edit: bool = False
    can_delete: bool = False
    more_replies: int = 0  # replies of this branch the page does not show
    whole: bool = False  # show the whole text even if long (highlighted)
    highlighted: bool = False
    # Held for review and not the viewer's: a placeholder for its replies.
    hidden: bool = False
    # The writer's rank and top badges (members only).
    marks: Marks | None = None
    # What other apps show under it (a context note): ``annotators``' HTML.
    annotation: str = ""

    @property
    def id(self) -> int:
        return self.comment.pk

    @property
    def show_excerpt(self) -> bool:
        return bool(self.comment.excerpt_html) and not self.whole


@dataclass
class ThreadPage:
    thread: Thread
    sort: str
    page: int
    page_size: int
    nodes: list[CommentNode]
    # Above a long thread's first page: what both sides upvoted.
    common_ground: Comment | None = None

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.thread.top_level_count // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.has_next else None

    @property
    def sorts(self) -> list[tuple[str, Any]]:
        return [(key, label) for key, (label, _order) in SORTS.items()]


# Shown to every reader as a placeholder while they still hold replies
# (never a shadowed comment).
PLACEHOLDER_STATUSES = (
    Comment.Status.DELETED,
    Comment.Status.REMOVED,
    Comment.Status.PENDING,
)


def visible(rows: QuerySet[Comment], viewer: Viewer | None = None) -> QuerySet[Comment]:
    """Published comments, deleted or hidden ones that still hold replies (as
    placeholders), and the viewer's own comments held for review, shadowed,
    or removed by a moderator (a placeholder with the moderator's reason;
    nobody else sees those)."""
    shown = Q(status=Comment.Status.PUBLISHED) | Q(
        reply_count__gt=0, status__in=PLACEHOLDER_STATUSES
    )
    own_only = [
        Comment.Status.PENDING,
        Comment.Status.SHADOWED,
        Comment.Status.REMOVED,
    ]
    member = viewer.member if viewer else None
    if member is not None:
        shown |= Q(status__in=own_only, author_id=member.pk)
    elif viewer is not None and viewer.guest_key_hash:
        shown |= Q(
            status__in=own_only,
            author__isnull=True,
            guest_key_hash=viewer.guest_key_hash,
        )
    return rows.filter(shown)


def clamp_page(thread: Thread, page: int) -> int:
    """``page`` between 1 and one past the last (an empty page), whatever was asked."""
    last = max(1, -(-thread.top_level_count // conf.page_size()))
    return min(max(1, page), last + 1)


def thread_page_for_reader(
    thread: Thread,
    *,
    viewer: Viewer,
    sort: str | None = None,
    page: int = 1,
    highlight: int | None = None,
    common_ground: bool = False,
    annotated: bool = True,
) -> ThreadPage:
    """One page of the thread for ``viewer``: a fixed number of queries,
    whatever its size; one more with ``common_ground`` (the pages, not the
    API: the comment to point at), and one per annotator when
    ``annotated`` (the pages: what other apps show under comments)."""
    sort = sort_or_default(sort)
    size = conf.page_size()
    page = clamp_page(thread, page)
    ordering = SORTS[sort][1]
    offset = (page - 1) * size
    cap = conf.replies_per_root()
    if viewer.member is None and not viewer.guest_key_hash:
        # Nothing of their own to see: the cached pages' reader, in plain SQL.
        top = pagerows.top_level(thread.pk, ordering, offset, size)
        replies = pagerows.first_replies([c.pk for c in top], cap)
    else:
        top, replies = _rows(thread, viewer, ordering, offset, size, cap)
    nodes = _build_nodes(
        top + replies,
        viewer=viewer,
        article_id=thread.article_id,
        highlight=highlight,
        annotated=annotated,
    )
    shown: dict[int, int] = {}
    for reply in replies:
        shown[reply.root_id or 0] = shown.get(reply.root_id or 0, 0) + 1
    roots = [nodes[c.pk] for c in top]
    for root in roots:
        root.more_replies = max(0, root.comment.branch_count - shown.get(root.id, 0))
    return ThreadPage(
        thread=thread,
        sort=sort,
        page=page,
        page_size=size,
        nodes=roots,
        common_ground=_common_ground(thread)
        if common_ground and page == 1 and sort != "common"
        else None,
    )


def _rows(
    thread: Thread,
    viewer: Viewer,
    ordering: tuple[str, ...],
    offset: int,
    size: int,
    cap: int,
) -> tuple[list[Comment], list[Comment]]:
    """The page's top-level comments and up to ``cap`` replies of each, in
    branch order, that ``viewer`` sees (``pagerows`` has the same two for a
    reader with nothing of their own)."""
    top = list(
        visible(Comment.objects.filter(thread=thread, parent__isnull=True), viewer)
        .select_related("author")
        .order_by(*ordering)[offset : offset + size]
    )
    if not top:
        return top, []
    replies: list[Comment] = list(
        visible(
            Comment.objects.filter(
                root_id__in=[c.pk for c in top], parent__isnull=False
            ),
            viewer,
        )
        .select_related("author")
        .annotate(
            branch_position=Window(
                RowNumber(), partition_by=[F("root_id")], order_by=F("path").asc()
            )
        )
        .filter(branch_position__lte=cap)
        .order_by("root_id", "path")
    )
    return top, replies


# A comment's bridging intercept from which it counts as common ground.
COMMON_GROUND_AT = 0.15


def _common_ground(thread: Thread) -> Comment | None:
    """The published top-level comment members who usually disagree both
    upvoted most, when the thread is long enough to need pointing at it
    (asked on every first page, so the page's query count stays fixed)."""
    found = (
        Comment.objects.filter(
            thread=thread,
            parent__isnull=True,
            status=Comment.Status.PUBLISHED,
            common_ground__gte=COMMON_GROUND_AT,
        )
        .select_related("author")
        .order_by("-common_ground", "-id")
        .first()
    )
    return found if thread.top_level_count >= conf.common_ground_min() else None


def branch_replies_for_reader(
    root: Comment,
    *,
    viewer: Viewer,
    offset: int,
    highlight: int | None = None,
) -> tuple[list[CommentNode], int]:
    """Replies of one branch after the first ``offset``, shown flat.

    Returns the nodes and how many replies remain after them.
    """
    limit = conf.replies_per_root() * 5
    rows = list(
        visible(Comment.objects.filter(root_id=root.pk, parent__isnull=False), viewer)
        .select_related("author", "parent__author")
        .order_by("path")[offset : offset + limit]
    )
    nodes = _build_nodes(
        rows,
        viewer=viewer,
        article_id=root.thread.article_id,
        highlight=highlight,
        flat=True,
    )
    remaining = max(0, root.branch_count - offset - len(rows))
    return [nodes[c.pk] for c in rows], remaining


def comment_for_reader(
    comment: Comment,
    *,
    viewer: Viewer,
    highlighted: bool = False,
    annotated: bool = True,
    my_vote: int | None = None,
) -> CommentNode:
    """One comment as its thread shows it (the answer to posting, editing, voting).

    ``my_vote``: the viewer's vote on it, when the caller knows it (it has
    just been cast), so it is not read again.
    """
    node = _build_nodes(
        [comment],
        viewer=viewer,
        known_votes=None if my_vote is None else {comment.pk: my_vote},
        article_id=comment.thread.article_id,
        highlight=comment.pk if highlighted else None,
        flat=True,
        # It changes what a held comment shows, only: the permission
        # lookup (two queries) is not made for the others.
        moderator=comment.is_pending and actions.can_moderate(viewer.user),
        annotated=annotated,
    )[comment.pk]
    node.display_depth = min(comment.depth, conf.max_depth())
    if comment.parent_id and comment.depth > conf.max_depth():
        parent = Comment.objects.select_related("author").get(pk=comment.parent_id)
        node.in_reply_to = parent.display_name
    return node


def votes_for_reader(
    comment: Comment, *, viewer: Viewer, my_vote: int | None = None
) -> CommentNode:
    """What a comment's vote buttons show the viewer (``includes/votes.html``,
    the answer to the page's vote): its score, whether the viewer wrote it
    and their vote. Not the rest of its node: the writer's rank, badges and
    role, and mutes, are six queries the buttons do not show.
    """
    if my_vote is None:
        member = viewer.member
        my_vote = 0
        if member is not None:
            my_vote = (
                Vote.objects.filter(voter=member, comment=comment)
                .values_list("value", flat=True)
                .first()
            ) or 0
    return CommentNode(
        comment=comment,
        role="",
        role_key="",
        my_vote=my_vote,
        mine=viewer_wrote(comment, viewer),
    )


# What other apps show under a comment, such as the notes app's shown
# context notes (registered when that app is ready): each is given the ids
# of the published comments about to be shown and answers HTML by comment
# id, in one query however many there are, so a page's count stays fixed.
Annotator = Callable[[list[int]], dict[int, str]]
annotators: list[Annotator] = []


def annotator_add(annotator: Annotator) -> None:
    if annotator not in annotators:
        annotators.append(annotator)


def _annotate(nodes: dict[int, CommentNode]) -> None:
    shown = [
        pk
        for pk, node in nodes.items()
        if not node.hidden and node.comment.status == Comment.Status.PUBLISHED
    ]
    if not shown:
        return
    for annotator in annotators:
        for pk, html in annotator(shown).items():
            nodes[pk].annotation += html


def _build_nodes(
    comments: list[Comment],
    *,
    viewer: Viewer,
    article_id: int | None,
    highlight: int | None,
    flat: bool = False,
    moderator: bool = False,
    annotated: bool = True,
    known_votes: dict[int, int] | None = None,
) -> dict[int, CommentNode]:
    """Nodes for ``comments`` (parents before children), linked into a tree.

    Replies deeper than the display depth hang flat under their ancestor at
    that depth and name whom they answer. A held comment's text is its
    writer's, and the ``moderator``'s when one comment is asked for by id.
    Comments by the author of the article ``article_id`` are labelled so.

    ``annotated``: for a page, with what only pages show: other apps'
    annotations, the writers' pictures and the comments of members the
    viewer muted folded. The API (False) shows none of them, and their
    queries are not made.
    """
    roles = writer_roles.roles_of(comments, article_id)
    marks = marks_for(
        (c.author_id for c in comments if c.author_id), pictures=annotated
    )
    votes: dict[int, int] = known_votes or {}
    member = viewer.member
    if member is not None and comments and known_votes is None:
        votes = dict(
            Vote.objects.filter(
                voter=member, comment_id__in=[c.pk for c in comments]
            ).values_list("comment_id", "value")
        )
    muted: set[int] = set()
    others = {c.author_id for c in comments if c.author_id} - {
        getattr(member, "pk", None)
    }
    # One's own comments are never folded.
    if annotated and member is not None and others:
        from dateline.notify import selectors as notify

        muted = notify.muted_members(member.pk)
    now = timezone.now()
    max_depth = max(1, conf.max_depth())
    nodes: dict[int, CommentNode] = {}
    for comment in comments:
        role_key = (
            "guest"
            if comment.author_id is None
            else roles.get(comment.author_id, "member")
        )
        own = viewer_wrote(comment, viewer)
        hidden = not own and not moderator and comment.is_pending
        if hidden:  # its text stays with its writer and the moderators
            comment.body_html = comment.excerpt_html = ""
        if not own:  # why it is held or was removed: for its writer only
            comment.held_because = ""
        node = CommentNode(
            comment=comment,
            role=str(writer_roles.ROLE_LABELS[role_key]),
            role_key=role_key,
            my_vote=votes.get(comment.pk, 0),
            mine=own,
            can_edit=own
            and not comment.is_deleted
            and actions.edit_window_open(comment, now),
            can_delete=own and not comment.is_deleted,
            whole=comment.pk == highlight,
            highlighted=comment.pk == highlight,
            hidden=hidden,
            marks=marks.get(comment.author_id or 0),
            muted=not own and comment.author_id in muted,
        )
        nodes[comment.pk] = node
        if flat:
            node.display_depth = min(comment.depth, 1)
            parent_comment = _loaded_parent(comment)
            if parent_comment is not None and comment.depth > 1:
                node.in_reply_to = parent_comment.display_name
            continue
        parent = nodes.get(comment.parent_id or 0)
        if parent is None:
            continue
        if comment.depth > max_depth:
            # Shown flat beside its ancestor at the deepest nested level.
            node.in_reply_to = parent.comment.display_name
            holder = parent
            while holder.comment.depth >= max_depth:
                up = nodes.get(holder.comment.parent_id or 0)
                if up is None:
                    break
                holder = up
            node.display_depth = max_depth
            holder.children.append(node)
        else:
            node.display_depth = comment.depth
            parent.children.append(node)
    if annotated:  # for pages; the API answers data, not HTML
        _annotate(nodes)
    return nodes


def _loaded_parent(comment: Comment) -> Comment | None:
    if comment.parent_id is None:
        return None
    # Only use the parent if the query fetched it (select_related).
    field = Comment._meta.get_field("parent")
    cached = field.get_cached_value(comment, default=None)
    return cached if isinstance(cached, Comment) else None


def guest_name(key: str | None) -> str:
    """The name the guest with this browser key last wrote under ("" for a
    browser never seen), so their next reply needs no retyping. The address
    is not given back: a shared computer would show it to the next reader."""
    if not key:
        return ""
    name = (
        Comment.objects.filter(author=None, guest_key_hash=actions.guest_key_hash(key))
        .order_by("-pk")
        .values_list("guest_name", flat=True)
        .first()
    )
    return name or ""


def viewer_wrote(comment: Comment, viewer: Viewer) -> bool:
    member = viewer.member
    if member is not None:
        return comment.author_id == member.pk
    return bool(
        comment.author_id is None
        and viewer.guest_key_hash
        and comment.guest_key_hash == viewer.guest_key_hash
    )


# --- where a comment lives ---------------------------------------------------


@dataclass(frozen=True)
class CommentLocation:
    """Where a comment is shown: a thread page, or a branch continuation."""

    thread: Thread
    sort: str
    page: int
    branch_root_id: int | None = None
    branch_offset: int = 0


def comment_location(comment: Comment, *, sort: str | None = None) -> CommentLocation:
    """The page of the thread (in ``sort`` order) that shows ``comment``."""
    sort = sort_or_default(sort)
    root = (
        comment
        if comment.parent_id is None
        else Comment.objects.get(pk=comment.root_id or comment.pk)
    )
    before = _count_before(root, SORTS[sort][1])
    page = before // conf.page_size() + 1
    if comment.parent_id is not None:
        position = visible(
            Comment.objects.filter(
                root_id=root.pk, parent__isnull=False, path__lt=comment.path
            )
        ).count()
        cap = conf.replies_per_root()
        if position >= cap:
            chunk = cap * 5
            offset = cap + ((position - cap) // chunk) * chunk
            return CommentLocation(
                thread=comment.thread,
                sort=sort,
                page=page,
                branch_root_id=root.pk,
                branch_offset=offset,
            )
    return CommentLocation(thread=comment.thread, sort=sort, page=page)


def _count_before(root: Comment, ordering: tuple[str, ...]) -> int:
    """How many visible top-level comments come before ``root`` in ``ordering``."""
    (first, tie) = ordering
    name = first.lstrip("-")
    value = getattr(root, name)
    op = "lt" if not first.startswith("-") else "gt"
    tie_op = "lt" if not tie.startswith("-") else "gt"
    before = Q(**{f"{name}__{op}": value}) | Q(
        **{name: value, f"id__{tie_op}": root.pk}
    )
    return (
        visible(Comment.objects.filter(thread_id=root.thread_id, parent__isnull=True))
        .filter(before)
        .count()
    )
