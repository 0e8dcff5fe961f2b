"""A held comment in a real browser: its writer sees why, other readers nothing."""

from __future__ import annotations

import pytest

from dateline.discussion.models import Comment
from dateline.moderation.models import BannedPhrase

pytestmark = [
    pytest.mark.browser,
    pytest.mark.moderation,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BEIRUT = "/conflict/night-of-strikes-leaves-southern-suburbs-dark/"


def test_a_held_comment_shows_its_writer_why_and_nobody_else(
    page, browser, live_server, demo, artifacts_dir
):
    BannedPhrase.objects.create(phrase="numpty", action="hold")
    page.goto(live_server.url + BEIRUT)
    # The honeypot is off-screen, out of the tab order and hidden from readers.
    honeypot = page.locator("#compose-new input[name=website]")
    box = honeypot.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 0
    assert honeypot.get_attribute("tabindex") == "-1"
    form = page.locator("#compose-new")
    form.locator("textarea[name=body]").fill("Whoever planned this is a numpty.")
    form.locator("input[name=name]").fill("Hasty Guest")
    form.locator("button[type=submit]").click()
    notice = page.locator("#comment-list .held-notice").first
    notice.wait_for()
    assert "Waiting for review" in notice.text_content()
    assert "numpty" in notice.text_content()
    live = page.locator("#discussion-live").text_content()
    assert "waiting for review" in live
    page.locator("#comment-list > li").first.screenshot(
        path=str(artifacts_dir / "held-comment.png")
    )
    held = Comment.objects.get(body="Whoever planned this is a numpty.")
    assert held.is_pending

    # The same browser still sees it after a reload; another reader does not.
    page.reload()
    assert page.locator(f"#comment-{held.pk} .held-notice").is_visible()
    other = browser.new_context()
    stranger = other.new_page()
    stranger.goto(live_server.url + BEIRUT)
    assert stranger.locator(f"#comment-{held.pk}").count() == 0
    assert "numpty" not in stranger.content()
    other.close()
