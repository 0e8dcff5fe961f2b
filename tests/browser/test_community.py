"""A reader finds a commenter's badges, profile and the leaderboard in a real browser."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from dateline.discussion.models import user_display_name

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BEIRUT = "/conflict/night-of-strikes-leaves-southern-suburbs-dark/"


def test_badges_lead_to_the_profile_and_the_leaderboard(
    page, live_server, demo, artifacts_dir
):
    page.goto(live_server.url + BEIRUT)
    # The first member comment on the page that carries a badge.
    marks = page.locator("#comment-list .community:has(.badge)").first
    marks.wait_for()
    badge = marks.locator(".badge").first
    title = badge.get_attribute("title")
    assert "Earned" in title and ":" in title
    assert marks.locator(".rank").text_content().strip()
    username = badge.get_attribute("href").split("/")[2]
    member = get_user_model().objects.get(username=username)

    badge.click()
    page.wait_for_url(f"**/members/{username}/**")
    assert page.locator("h1").text_content() == user_display_name(member)
    assert page.locator(".standing .points").text_content().endswith("points")
    assert page.locator(".badge-list .badge").count() >= 1
    assert page.locator(".recent-comments li").count() >= 1
    page.screenshot(path=str(artifacts_dir / "profile.png"), full_page=True)

    page.locator(".account-links a", has_text="Leaderboard").click()
    page.wait_for_url("**/community/leaderboard/**")
    rows = page.locator("table.leaderboard tbody tr")
    assert rows.count() >= 3
    assert rows.first.locator("td").first.text_content() == "1"
    names = rows.locator("td:nth-child(2) a").all_text_contents()
    assert user_display_name(member) in names
