"""What readers see of reputation: marks on comments, profiles, the leaderboard."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dateline.discussion import actions

pytestmark = pytest.mark.django_db

ARTICLE = "/world/bridge-reopens/"


def soup(response) -> BeautifulSoup:
    """The page as a screen reader has it: without what is aria-hidden
    (the avatars' initials)."""
    page = BeautifulSoup(response.content, "html.parser")
    for hidden in page.select('[aria-hidden="true"]'):
        hidden.decompose()
    return page


def post(live, thread, who, body="The ferry timetable matters more.", **kw):
    return live(actions.comment_post, actor=who, thread=thread, body=body, **kw)


def test_a_comment_shows_the_rank_and_badges_its_writer_earned(
    live, client, thread, a_member
):
    comment = post(live, thread, a_member)
    marks = soup(client.get(ARTICLE)).select_one(f"#comment-{comment.pk} .community")
    assert marks.select_one(".rank").get_text() == "Newcomer"
    badge = marks.select_one(".badge")
    assert badge.get_text() == "First Comment"
    assert "badge-bronze" in badge["class"]
    assert "Published a first comment" in badge["title"]
    assert badge["href"] == f"/members/{a_member.username}/#badge-first-comment"


def test_guests_carry_no_marks(live, client, thread):
    comment = live(
        actions.comment_post,
        actor=None,
        thread=thread,
        body="A guest's view.",
        guest=actions.GuestIdentity(name="Rafi"),
    )
    marks = soup(client.get(ARTICLE)).select_one(f"#comment-{comment.pk} .community")
    assert marks.get_text(strip=True) == ""


def test_marks_keep_the_thread_page_query_count_constant(live, client, thread):
    User = get_user_model()
    first = User.objects.create_user("early")
    post(live, thread, first)
    client.get(ARTICLE)
    with CaptureQueriesContext(connection) as small:
        client.cookies.clear()
        client.get(ARTICLE, HTTP_HX_REQUEST="true")  # not served from the cache
    for n in range(12):
        writer = User.objects.create_user(f"writer{n}")
        for _ in range(2):
            post(live, thread, writer)
    with CaptureQueriesContext(connection) as large:
        client.cookies.clear()
        client.get(ARTICLE, HTTP_HX_REQUEST="true")
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_api_gives_rank_and_badges(live, client, thread, a_member):
    post(live, thread, a_member)
    author = client.get(f"/api/threads/{thread.pk}/comments").json()["comments"][0][
        "author"
    ]
    assert author["rank"] == "Newcomer"
    assert [(b["slug"], b["level"]) for b in author["badges"]] == [
        ("first-comment", "bronze")
    ]


def test_profile_shows_points_rank_progress_badges_and_comments(
    live, client, thread, a_member, another_member
):
    comment = post(live, thread, a_member, body="A **sourced** point.")
    live(actions.comment_vote, actor=another_member, comment=comment, value=1)
    page = soup(client.get(f"/members/{a_member.username}/"))
    assert page.select_one("h1").get_text() == "Noor Haddad"
    # 2 for the comment, 1 for the upvote, 5 for First Comment.
    assert page.select_one(".points").get_text() == "8 points"
    assert page.select_one(".standing .rank").get_text() == "Newcomer"
    assert page.select_one("progress")["value"] == "40"  # 8 of 20 to Contributor
    assert "Progress to Contributor" in page.select_one("#progress-label").get_text()
    assert page.select_one("#badge-first-comment .badge").get_text() == "First Comment"
    assert "sourced" in page.select_one(".recent-comments").get_text()


def test_unknown_member_is_the_sites_404(client, site):
    response = client.get("/members/nobody-here/")
    assert response.status_code == 404


def test_leaderboard_ranks_members_by_points_earned_in_the_month(
    no_badges, live, client, thread, a_member, another_member
):
    now = timezone.now()
    last_month = (now.replace(day=1) - dt.timedelta(days=3)).replace(hour=12)
    for _ in range(3):
        post(live, thread, a_member, created_at=last_month)
    post(live, thread, another_member, created_at=now)
    page = soup(client.get("/community/leaderboard/"))
    rows = [
        r.get_text(" ", strip=True) for r in page.select("table.leaderboard tbody tr")
    ]
    assert rows == ["1 reader_two Newcomer 2"]
    page = soup(client.get(f"/community/leaderboard/?month={last_month:%Y-%m}"))
    rows = [
        r.get_text(" ", strip=True) for r in page.select("table.leaderboard tbody tr")
    ]
    assert rows == ["1 Noor Haddad Newcomer 6"]
    bad = client.get("/community/leaderboard/?month=2026-13")
    assert bad.status_code == 200  # falls back to this month
