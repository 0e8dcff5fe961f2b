"""Pages a shared cache keeps carry no CSRF token: forms still work, with
JavaScript (it asks for one) and without (the site asks to send again)."""

from __future__ import annotations

import re

import pytest

from dateline.discussion.models import Comment

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BEIRUT = "/conflict/night-of-strikes-leaves-southern-suburbs-dark/"
EMPTY_TOKEN = "input[name=csrfmiddlewaretoken][form=compose-new][value='']"


@pytest.fixture
def shared_pages(settings):
    settings.DATELINE_CDN_MAX_AGE = 300


def test_a_guest_posts_from_a_shared_page(page, live_server, demo, shared_pages):
    answer = page.goto(live_server.url + BEIRUT)
    assert "s-maxage=300" in answer.headers["cache-control"]
    assert page.locator(EMPTY_TOKEN).count() == 1
    assert page.context.cookies() == []
    form = page.locator("#compose-new")
    form.locator("textarea[name=body]").fill("from a cached page, lol. still works?")
    form.locator("input[name=name]").fill("Cached Reader")
    form.locator("button[type=submit]").click()
    page.locator("#comment-list .comment-body", has_text="still works?").wait_for()
    assert page.locator("#discussion-live").text_content() == "Your comment was posted."
    assert Comment.objects.filter(body__startswith="from a cached page").count() == 1
    assert any(c["name"] == "csrftoken" for c in page.context.cookies())


def test_without_javascript_the_site_asks_to_send_it_again(
    browser, live_server, demo, shared_pages, artifacts_dir
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(live_server.url + BEIRUT)
        form = page.locator("#compose-new")
        form.locator("textarea[name=body]").fill("No script here, and a cached page.")
        form.locator("input[name=name]").fill("Plain Reader")
        form.locator("button[type=submit]").click()
        page.locator("h1", has_text="One more click").wait_for()
        assert page.locator("textarea[name=body]").input_value() == (
            "No script here, and a cached page."
        )
        page.screenshot(path=str(artifacts_dir / "send-again.png"), full_page=True)
        page.locator("button[type=submit]", has_text="Send again").click()
        page.wait_for_url(re.compile(r"highlight=\d+#comment-\d+$"))
        posted = Comment.objects.get(body="No script here, and a cached page.")
        assert posted.guest_name == "Plain Reader"
    finally:
        context.close()
