"""Live updates in real browsers, against the real server (Granian, two
worker processes: a comment posted through one reaches a reader held by
the other)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dateline.testing.processes import dateline_env, run_dateline, served

pytestmark = [pytest.mark.browser, pytest.mark.server]

BEIRUT = "/conflict/night-of-strikes-leaves-southern-suburbs-dark/"


@pytest.fixture(scope="module", params=["default", "streams"])
def site(request, tmp_path_factory) -> Iterator[str]:
    """The embedded default (pages ask every 1.5 s), and with real streams."""
    more = {"DATELINE_LIVE_STREAMS": "8"} if request.param == "streams" else {}
    env = dateline_env(tmp_path_factory.mktemp("live"), drop=("DATABASE_URL",), **more)
    if request.config.getoption("--db") == "postgres":
        # What differs on PostgreSQL (the event table, the replay) runs in
        # tests/test_live.py on both passes, and the production stack's
        # streams run on PostgreSQL; the pages are the same.
        pytest.skip("the same pages on PostgreSQL; the default pass runs it")
    done = run_dateline(["manage.py", "bootstrap"], env)
    assert done.returncode == 0, done.stderr
    with served(env, workers=2) as base:
        yield base


def reader(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    return context, tab


def post(tab, text, name, parent=None):
    if parent is None:
        form = tab.locator("#compose-new")
    else:
        tab.locator(
            f"#comment-{parent} > article > .comment-actions a", has_text="Reply"
        ).click()
        form = tab.locator(f"#compose-{parent}")
    form.locator("textarea[name=body]").fill(text)
    form.locator("input[name=name]").fill(name)
    # A form sent within 3 s of opening is held as a bot's (moderation).
    tab.wait_for_timeout(3_100)
    form.locator("button[type=submit]").click()
    posted = tab.locator(
        ".comment-item", has=tab.locator(".comment-body", has_text=text)
    )
    posted.first.wait_for()
    return int(posted.first.get_attribute("id").removeprefix("comment-"))


def test_a_reader_sees_new_comments_arrive(browser, site, artifacts_dir, request):
    watcher_context, watcher = reader(browser)
    writer_context, writer = reader(browser)
    try:
        for tab in (watcher, writer):
            tab.goto(site + BEIRUT)
            tab.wait_for_function(
                "document.getElementById('discussion').dataset.liveState === 'connected'"
            )
        watcher.wait_for_timeout(500)  # the stream is open
        top = watcher.evaluate("window.scrollY")
        text = "Power is back on our street since ten, finally"
        post(writer, text, "Street Reader")
        pill = watcher.locator("#live-new")
        pill.wait_for(state="visible", timeout=2_000)
        assert pill.text_content() == "1 new comment"
        assert watcher.evaluate("window.scrollY") == top  # nothing moved
        mode = request.node.callspec.params["site"]
        watcher.screenshot(path=str(artifacts_dir / f"live-new-comment-{mode}.png"))
        pill.click()
        shown = watcher.locator("#comment-list .comment-body", has_text=text)
        shown.wait_for()
        assert pill.is_hidden()

        # The watcher writes; an answer to it appears at once, inline.
        mine = post(watcher, "Anyone else still without water?", "Watcher")
        writer.locator("#live-new").click()  # the writer is shown it live too
        writer.locator(f"#comment-{mine}").wait_for()
        post(writer, "Yes, two streets down from the bakery.", "Street Reader", mine)
        watcher.locator(
            f"#comment-{mine} .comment-body", has_text="two streets down"
        ).wait_for(timeout=2_000)
        assert watcher.locator("#discussion-live").text_content() == (
            "New reply to your comment."
        )
        watcher.screenshot(path=str(artifacts_dir / f"live-reply-{mode}.png"))
    finally:
        watcher_context.close()
        writer_context.close()
