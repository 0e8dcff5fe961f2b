"""Readers take part in a discussion in a real browser, with and without JavaScript."""

from __future__ import annotations

import re

import pytest

from dateline.discussion.models import Comment

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BEIRUT = "/conflict/night-of-strikes-leaves-southern-suburbs-dark/"


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def sign_in(page, live_server, username="browser_reader"):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(
        username, email=f"{username}@example.test", password="a-long-Passphrase-42"
    )
    EmailAddress.objects.create(
        user=user, email=user.email, verified=True, primary=True
    )
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", "a-long-Passphrase-42")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(live_server.url + "/")
    return user


def test_guest_posts_and_replies_without_a_reload(page, live_server, demo):
    page.goto(live_server.url + BEIRUT)
    page.evaluate("window.__stayed = true")
    form = page.locator("#compose-new")
    form.locator("textarea[name=body]").fill("Posted from a real browser, *quickly*.")
    form.locator("input[name=name]").fill("Browser Guest")
    form.locator("button[type=submit]").click()
    new = page.locator("#comment-list > li.comment-item").first
    new.locator("em", has_text="quickly").wait_for()
    assert new.locator(".comment-author").first.text_content() == "Browser Guest"
    assert new.locator(".role").first.text_content() == "Guest"
    assert page.locator("#discussion-live").text_content() == "Your comment was posted."
    assert page.locator("#compose-new textarea").input_value() == ""
    assert page.evaluate("window.__stayed") is True  # no navigation happened

    target = Comment.objects.get(body__startswith="We lost power")
    page.locator(
        f"#comment-{target.pk} > article > .comment-actions a", has_text="Reply"
    ).click()
    reply_form = page.locator(f"#compose-{target.pk}")
    reply_form.locator("textarea").fill("Replying in place.")
    reply_form.locator("input[name=name]").fill("Browser Guest")
    reply_form.locator("button[type=submit]").click()
    slot = page.locator(f"#comment-{target.pk}-slot")
    slot.locator(".comment-body", has_text="Replying in place.").wait_for()
    assert page.locator("#discussion-live").text_content() == (
        "Your reply to Rafi was posted."
    )
    assert page.evaluate("window.__stayed") is True
    reply = Comment.objects.get(body="Replying in place.")
    assert reply.parent_id == target.pk


def test_failed_post_keeps_the_text_in_the_browser(page, live_server, demo):
    page.goto(live_server.url + BEIRUT)
    form = page.locator("#compose-new")
    form.locator("textarea[name=body]").fill("Words I do not want to lose.")
    # no name: the browser's own check would stop us, so remove it first
    page.evaluate(
        "document.querySelector('#compose-new input[name=name]').required = false"
    )
    form.locator("button[type=submit]").click()
    error = page.locator("#compose-new .form-error")
    error.wait_for()
    assert "name" in error.text_content().lower()
    assert page.locator("#compose-new textarea").input_value() == (
        "Words I do not want to lose."
    )


def test_a_post_too_large_to_read_keeps_the_text_and_says_why(
    page, live_server, demo, settings, artifacts_dir
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 20_000  # the live server shares it
    text = "A pasted report that went on and on. " * 800
    page.goto(live_server.url + BEIRUT)
    form = page.locator("#compose-new")
    form.locator("textarea[name=body]").fill(text)
    form.locator("input[name=name]").fill("Long Paster")
    form.locator("button[type=submit]").click()
    error = page.locator(".form-error[role=alert]").first
    error.wait_for()
    assert "larger than the site accepts" in error.text_content()
    assert page.locator("#compose-new textarea").input_value() == text
    page.locator("#discussion").screenshot(path=str(artifacts_dir / "too-large.png"))


def test_read_more_expands_in_place(page, live_server, demo, artifacts_dir):
    page.goto(live_server.url + BEIRUT)
    long = Comment.objects.get(body__startswith="A few things from the map")
    body = page.locator(f"#comment-{long.pk}-body")
    assert "I would love a follow-up" not in body.text_content()
    page.locator(f"#comment-{long.pk}-body a.read-more").click()
    page.locator(
        f"#comment-{long.pk}-body", has_text="I would love a follow-up"
    ).wait_for()
    assert page.locator(f"#comment-{long.pk}-body a.read-more").count() == 0
    assert page.url == live_server.url + BEIRUT
    page.locator("#comments").screenshot(path=str(artifacts_dir / "comments.png"))


def test_member_votes_and_changes_the_vote(page, live_server, demo):
    sign_in(page, live_server)
    page.goto(live_server.url + BEIRUT)
    target = Comment.objects.get(body__startswith="Both sides blaming")
    votes = page.locator(f"#votes-{target.pk}")
    before = int(votes.locator(".score").text_content())
    votes.locator("button.vote-up").click()
    page.locator(f"#votes-{target.pk} .vote-up[aria-pressed=true]").wait_for()
    assert int(page.locator(f"#votes-{target.pk} .score").text_content()) == before + 1
    page.locator(f"#votes-{target.pk} button.vote-down").click()
    page.locator(f"#votes-{target.pk} .vote-down[aria-pressed=true]").wait_for()
    assert int(page.locator(f"#votes-{target.pk} .score").text_content()) == before - 1
    target.refresh_from_db()
    assert target.score == before - 1


def test_without_javascript_post_reply_and_read_more_work(
    no_js_page, live_server, demo
):
    page = no_js_page
    page.goto(live_server.url + BEIRUT)
    form = page.locator("#compose-new")
    form.locator("textarea[name=body]").fill("Plain HTML still works.")
    form.locator("input[name=name]").fill("No Script")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"highlight=\d+#comment-\d+$"))
    posted = Comment.objects.get(body="Plain HTML still works.")
    assert page.locator(f"#comment-{posted.pk} .is-highlighted").count() == 1

    target = Comment.objects.get(body__startswith="Does anyone know")
    page.locator(
        f"#comment-{target.pk} > article > .comment-actions a", has_text="Reply"
    ).click()
    page.wait_for_url(re.compile(rf"/comments/{target.pk}/reply/$"))
    page.fill("textarea[name=body]", "A reply without script.")
    page.fill("input[name=name]", "No Script")
    page.locator("form.comment-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"#comment-\d+$"))
    reply = Comment.objects.get(body="A reply without script.")
    assert reply.parent_id == target.pk
    assert page.locator(f"#comment-{reply.pk} .is-highlighted").count() == 1

    long = Comment.objects.get(body__startswith="A few things from the map")
    page.goto(live_server.url + BEIRUT)
    page.locator(f"#comment-{long.pk}-body a.read-more").click()
    page.wait_for_url(re.compile(rf"#comment-{long.pk}$"))
    assert (
        "I would love a follow-up"
        in page.locator(f"#comment-{long.pk}-body").text_content()
    )


def test_the_keyboard_stays_where_the_reader_is(page, live_server, demo):
    """After a vote, a post or a reply the focus is on what changed, not on
    the page's body; a reply form closes with Cancel or Escape."""
    sign_in(page, live_server)
    page.goto(live_server.url + BEIRUT)
    focused = "document.activeElement"
    target = Comment.objects.get(body__startswith="Both sides blaming")
    page.locator(f"#votes-{target.pk} button.vote-up").focus()
    page.keyboard.press("Enter")
    page.locator(f"#votes-{target.pk} .vote-up[aria-pressed=true]").wait_for()
    assert page.evaluate(f"{focused}.matches('#votes-{target.pk} .vote-up')")

    reply = page.locator(
        f"#comment-{target.pk} > article > .comment-actions a", has_text="Reply"
    )
    reply.click()
    form = page.locator(f"#compose-{target.pk}")
    form.locator("textarea").wait_for()
    assert page.evaluate(f"{focused}.name") == "body"
    page.keyboard.press("Escape")
    form.wait_for(state="detached")
    assert page.evaluate(f"{focused}.textContent") == "Reply"
    reply.click()
    form.locator("button", has_text="Cancel").click()
    form.wait_for(state="detached")
    assert page.evaluate(f"{focused}.textContent") == "Reply"

    compose = page.locator("#compose-new")
    compose.locator("textarea").fill("Focus lands on what I just wrote.")
    compose.locator("button[type=submit]").click()
    page.locator(".comment-body", has_text="Focus lands on what I").wait_for()
    page.wait_for_function("document.activeElement.closest('li.comment-item') !== null")
    assert "Focus lands on what I" in page.evaluate(
        f"{focused}.closest('li.comment-item').textContent"
    )


def test_load_more_keeps_the_readers_place_in_the_address(
    page, live_server, demo, settings
):
    """After "Load more" the focus is on the first comment that came and the
    address names its page and the comment; a reload opens there."""
    settings.DATELINE_COMMENTS_PAGE_SIZE = 3
    page.goto(live_server.url + BEIRUT)
    shown = page.locator("#comment-list > li.comment-item").count()
    assert shown == 3
    page.locator("li.load-more a").click()
    page.wait_for_function(
        "n => document.querySelectorAll('#comment-list > li.comment-item').length > n",
        arg=shown,
    )
    first_new = page.locator("#comment-list > li.comment-item").nth(shown)
    new_id = first_new.get_attribute("id")
    page.wait_for_function(
        "id => document.activeElement.closest('li.comment-item')?.id === id",
        arg=new_id,
    )
    assert page.url.endswith(f"page=2#{new_id}")
    page.reload()
    assert page.locator(f"#{new_id}").is_visible()
    assert page.evaluate(
        "id => { const r = document.getElementById(id).getBoundingClientRect();"
        " return r.top >= 0 && r.top < window.innerHeight; }",
        new_id,
    )


def test_writing_tools_format_preview_count_and_keep_a_draft(
    page, live_server, demo, settings
):
    """Bold from the toolbar, a preview rendered by the site, the count
    against the limit, and the text back after the tab was closed."""
    settings.DATELINE_COMMENTS_MAX_LENGTH = 120
    page.goto(live_server.url + BEIRUT)
    form = page.locator("#compose-new")
    field = form.locator("textarea[name=body]")
    counter = form.locator(".char-count")
    assert counter.text_content() == "0 / 120"

    field.fill("the depot burned all night")
    field.evaluate("el => el.setSelectionRange(4, 9)")  # "depot"
    form.locator("md-bold").click()
    assert field.input_value() == "the **depot** burned all night"
    assert counter.text_content() == "30 / 120"

    form.locator("button[data-preview]").click()
    preview = form.locator(".comment-preview")
    preview.locator("strong", has_text="depot").wait_for()
    assert field.is_hidden()
    form.locator("button[data-preview]").click()
    assert field.is_visible() and preview.is_hidden()

    field.fill("x" * 130)
    page.wait_for_function(
        "() => document.querySelector('#compose-new .char-count.is-over')"
    )
    assert "over the limit" in page.locator("#discussion-live").text_content()
    form.locator("button[data-preview]").click()
    form.locator(".comment-preview .form-error").wait_for()
    assert "at most 120 characters" in preview.text_content()
    form.locator("button[data-preview]").click()

    # The reader closes the tab mid-sentence and comes back later.
    field.fill("Half a thought about the generators, to finish later")
    page.goto(live_server.url + "/")
    page.goto(live_server.url + BEIRUT)
    field = page.locator("#compose-new textarea[name=body]")
    assert field.input_value() == "Half a thought about the generators, to finish later"
    assert page.locator("#compose-new .draft-note").is_visible()

    # Posted: the draft is gone.
    page.locator("#compose-new input[name=name]").fill("Drafting Guest")
    page.locator("#compose-new button[type=submit]").click()
    page.locator(".comment-body", has_text="Half a thought").wait_for()
    page.reload()
    assert page.locator("#compose-new textarea[name=body]").input_value() == ""
