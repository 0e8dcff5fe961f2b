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


PASSWORD = "a-long-Passphrase-42"


def sign_in_admin(page, live_server, username):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=username)
    user.set_password(PASSWORD)
    user.save()
    page.goto(live_server.url + "/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/admin/")


def test_a_moderator_works_the_queue_with_the_keyboard(
    page, browser, live_server, demo, artifacts_dir
):
    from dateline.moderation.models import Review

    sign_in_admin(page, live_server, "s.osei")
    page.goto(live_server.url + "/admin/moderation/queue/?tab=flagged")
    counts = {
        tab: page.locator(f".mq-tab[data-tab={tab}] .mq-count").text_content()
        for tab in ("pending", "flagged", "reported", "watch", "decided")
    }
    assert counts == {
        "pending": "1",
        "flagged": "2",
        "reported": "2",
        "watch": "2",
        "decided": "3",
    }
    first = page.locator(".mq-item").first
    assert "Ridge Runner" in first.locator(".mq-writer").text_content()
    # Why: the model's reason, and the sentence it blames marked in the text.
    assert "abusive" in first.locator(".mq-reasons").text_content().lower()
    assert "brainless idiot" in first.locator(".mq-text mark").first.text_content()
    assert "Night of strikes" in first.locator(".mq-head").text_content()
    assert "Guest." in first.locator(".mq-record").text_content()
    page.screenshot(path=str(artifacts_dir / "moderation-queue.png"), full_page=True)

    # Worth a look: published comments a model doubts, kept with one key.
    page.goto(live_server.url + "/admin/moderation/queue/?tab=watch")
    watched = page.locator(".mq-item")
    assert watched.count() == 2
    assert "Keep" in watched.first.locator("[data-key=a]").text_content()
    # Surest first: the jab its writer posted anyway, then the one-model doubt.
    assert "posted it as it is" in watched.first.locator(".mq-reasons").text_content()
    assert "published" in watched.nth(1).locator(".mq-reasons").text_content()
    page.screenshot(path=str(artifacts_dir / "moderation-watch.png"), full_page=True)
    page.goto(live_server.url + "/admin/moderation/queue/?tab=flagged")

    ridge = Comment.objects.get(guest_name="Ridge Runner")
    page.keyboard.press("a")  # approve the current item
    page.get_by_text("Approved the comment by Ridge Runner.").wait_for()
    ridge.refresh_from_db()
    assert ridge.is_published
    assert page.locator(".mq-tab[data-tab=flagged] .mq-count").text_content() == "1"

    page.keyboard.press("u")  # undo
    page.get_by_text("back in the queue").wait_for()
    ridge.refresh_from_db()
    assert ridge.is_pending

    # j moves to the second item; pick a reason, then r rejects it.
    page.keyboard.press("j")
    second = page.locator(".mq-item").nth(1)
    assert "is-current" in second.get_attribute("class")
    second.locator("select[name=reason]").select_option("abuse")
    second.locator("[data-key=r]").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Removed the comment by Static.").wait_for()
    assert Comment.objects.get(guest_name="Static").is_removed
    assert Review.objects.get(comment__guest_name="Static").note == (
        "Abusive or hateful"
    )

    # Two moderators with the same item open: the first decision wins.
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("chief", "chief@example.test", "x")
    page.goto(live_server.url + "/admin/moderation/queue/?tab=flagged")
    other = browser.new_context()
    chief = other.new_page()
    sign_in_admin(chief, live_server, "chief")
    chief.goto(live_server.url + "/admin/moderation/queue/?tab=flagged")
    chief.locator(".mq-item").first.locator("[data-key=h]").click()
    chief.get_by_text("Shadow-banned Ridge Runner").wait_for()
    other.close()
    page.locator(".mq-item").first.locator("[data-key=a]").click()
    page.get_by_text("chief already decided on this comment").wait_for()
    ridge.refresh_from_db()
    assert ridge.is_shadowed

    # Bulk: select both reported items with x and approve them together.
    page.goto(live_server.url + "/admin/moderation/queue/?tab=reported")
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.get_by_role("button", name="Approve selected").click()
    page.get_by_text("Decided on 2 comments.").wait_for()
    assert Comment.objects.get(guest_name="Wide Awake").is_published
    page.goto(live_server.url + "/admin/moderation/queue/?tab=decided")
    assert page.locator(".mq-item").count() == 7


def test_a_writer_is_asked_to_reconsider_and_posts_anyway(
    page, live_server, demo, artifacts_dir, settings
):
    from dateline.moderation.models import Review

    settings.DATELINE_MODERATION_MIN_SECONDS = 0  # the robot types fast
    text = "Honestly, you are a clueless idiot. The bridge was hit twice."
    page.goto(live_server.url + BEIRUT)
    page.evaluate("window.__stayed = true")
    form = page.locator("#compose-new")
    form.locator("textarea[name=body]").fill(text)
    form.locator("input[name=name]").fill("Second Thoughts")
    form.locator("button[type=submit]").click()
    prompt = page.locator("#compose-new .reconsider")
    prompt.wait_for()
    assert "clueless idiot" in prompt.locator("mark").first.text_content()
    assert page.locator("#compose-new textarea").input_value() == text
    assert not Comment.objects.filter(guest_name="Second Thoughts").exists()
    page.locator("#compose-new").screenshot(path=str(artifacts_dir / "reconsider.png"))

    prompt.get_by_role("button", name="Post as it is").click()
    page.locator("#comment-list .comment-body", has_text="clueless idiot").wait_for()
    assert page.evaluate("window.__stayed") is True  # htmx, no reload
    posted = Comment.objects.get(guest_name="Second Thoughts")
    assert posted.is_published
    assert Review.objects.get(comment=posted).source == Review.Source.WATCH
