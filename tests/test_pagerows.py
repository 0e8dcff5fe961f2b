"""The anonymous reader's page rows in plain SQL (``discussion/pagerows.py``)
are the ORM's (``selectors._rows``), whatever the thread holds: placeholders
with and without replies, held and shadowed comments, guests and members,
ties in every sort, branches longer than the cap."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from dateline.discussion import actions, pagerows, selectors
from dateline.discussion.models import Comment
from tests.conftest import _user

pytestmark = pytest.mark.django_db

BODIES = [
    "ferry late AGAIN. 3rd time this wk",
    "Source? the council minutes say otherwise",
    "this.",
    "agree w/ the above tbh, the bridge was fine in march",
    "Can we stop pretending the timetable means anything",
]


def _fields(comment: Comment) -> dict:
    values = {
        f.attname: getattr(comment, f.attname) for f in Comment._meta.concrete_fields
    }
    author = comment.author
    values["author"] = (
        None
        if author is None
        else {
            f.attname: getattr(author, f.attname)
            for f in type(author)._meta.concrete_fields
        }
    )
    return values


@pytest.fixture
def messy_thread(thread):
    """Forty-odd comments by two members and three guests, some branches
    deep and long, with statuses set as moderation and deletion leave them."""
    rng = random.Random(20261206)
    members = [_user("lena_k"), _user("tomasz")]
    guests = [
        actions.GuestIdentity(name=n, key=f"key-{n}") for n in ("Mo", "jj", "Ada")
    ]
    start = timezone.now() - dt.timedelta(hours=3)
    posted: list[Comment] = []
    for n in range(44):
        parent = rng.choice(posted) if posted and rng.random() < 0.6 else None
        writer = rng.choice(members + guests)
        member = writer if not isinstance(writer, actions.GuestIdentity) else None
        posted.append(
            actions.comment_post(
                actor=member,
                thread=thread,
                body=f"{rng.choice(BODIES)} ({n})",
                parent=parent,
                guest=writer if member is None else None,
                # Several share a second: ties for the date sorts.
                created_at=start + dt.timedelta(seconds=n // 3),
                moderate=False,
            )
        )
    statuses = [
        Comment.Status.DELETED,
        Comment.Status.REMOVED,
        Comment.Status.PENDING,
        Comment.Status.SHADOWED,
    ]
    for comment in rng.sample(posted, 14):
        Comment.objects.filter(pk=comment.pk).update(status=rng.choice(statuses))
    for comment in posted:  # few distinct values: ties for best, replies, common
        Comment.objects.filter(pk=comment.pk).update(
            best=rng.choice([0.0, 0.25, 0.5]),
            common_ground=rng.choice([0.0, 0.2]),
        )
    thread.refresh_from_db()
    return thread


@pytest.mark.parametrize("sort", list(selectors.SORTS))
def test_the_plain_rows_are_the_orms_for_every_sort_page_and_cap(messy_thread, sort):
    ordering = selectors.SORTS[sort][1]
    anonymous = selectors.Viewer()
    pages = 0
    for offset in range(0, 30, 7):
        for cap in (1, 3, 50):
            top, replies = selectors._rows(
                messy_thread, anonymous, ordering, offset, 7, cap
            )
            plain_top = pagerows.top_level(messy_thread.pk, ordering, offset, 7)
            plain_replies = pagerows.first_replies([c.pk for c in plain_top], cap)
            assert [_fields(c) for c in plain_top] == [_fields(c) for c in top]
            assert [_fields(c) for c in plain_replies] == [_fields(c) for c in replies]
            pages += bool(top)
    assert pages >= 6  # the thread filled several pages
    assert pagerows.first_replies([], 3) == []


def test_the_thread_page_shows_placeholders_and_hides_held_comments_from_a_stranger(
    messy_thread,
):
    page = selectors.thread_page_for_reader(messy_thread, viewer=selectors.Viewer())
    shown = [n.comment for root in page.nodes for n in [root, *root.children]]
    assert shown
    assert all(
        c.status == Comment.Status.PUBLISHED
        or (c.reply_count > 0 and c.status in selectors.PLACEHOLDER_STATUSES)
        for c in shown
    )
    assert Comment.Status.SHADOWED not in {c.status for c in shown}
