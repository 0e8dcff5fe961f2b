"""Stored XSS, checked where it would run: in Chromium.

Hostile text goes in through the actions (as a post from any client would)
as comment bodies, guest names (which also show as the "in reply to" name
of flattened deep replies), report notes and a moderator's view of all of
them in the queue. Every payload tries to set ``window.__xss`` or open a
dialog; the pages are loaded, links hovered and "Read more" opened, and
neither may happen.
"""

from __future__ import annotations

import pytest

from dateline.discussion import actions, conf
from dateline.discussion.models import Thread
from dateline.moderation.models import Review

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BEIRUT = "/conflict/night-of-strikes-leaves-southern-suburbs-dark/"
PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    '"><img src=x onerror=window.__xss=1>',
    "'><svg onload=window.__xss=1>",
    "[click me](javascript:window.__xss=1)",
    '<a href="javascript:window.__xss=1">link</a>',
    "<iframe srcdoc='<script>parent.__xss=1</script>'>",
    "</textarea><script>window.__xss=1</script>",
    "<details open ontoggle=window.__xss=1>",
    "`<img src=x onerror=window.__xss=1>`",
    "{{7*7}} {% debug %} ${window.__xss=1}",
    "<style>*{background:url(javascript:window.__xss=1)}</style>",
]


def _seed(thread: Thread) -> int:
    """Hostile comments, names, a deep branch and reports; the root's id."""
    root = None
    for n, payload in enumerate(PAYLOADS):
        comment = actions.comment_post(
            actor=None,
            thread=thread,
            parent=root,
            body=f"Reply {n}: {payload} " + "more words " * 40,
            guest=actions.GuestIdentity(name=payload[:50], key=f"xss-{n}"),
            moderate=False,
        )
        # a chain deeper than the display depth: names show as "in reply to"
        if n < conf.max_depth() + 3:
            root = comment
        actions.comment_report(
            actor=None,
            comment=comment,
            reason="abuse",
            note=payload,
            guest_key=f"reporter-{n}",
        )
    return Thread.objects.get(pk=thread.pk).pk


def _watch(page) -> list[str]:
    fired: list[str] = []
    page.on("dialog", lambda dialog: (fired.append(dialog.message), dialog.dismiss()))
    return fired


LIVE_MARKUP = """() => {
  const all = [...document.querySelectorAll('*')];
  return {
    handlers: all.filter(e => [...e.attributes].some(a => a.name.startsWith('on')))
                 .map(e => e.outerHTML.slice(0, 120)),
    jsLinks: [...document.querySelectorAll('[href],[src],[action],[formaction]')]
      .filter(e => /^\\s*(javascript|data|vbscript):/i.test(
        e.getAttribute('href') || e.getAttribute('src') ||
        e.getAttribute('action') || e.getAttribute('formaction') || ''))
      .map(e => e.outerHTML.slice(0, 120)),
    frames: document.querySelectorAll('iframe[srcdoc]').length,
  };
}"""


def _assert_clean(page, fired: list[str], where: str) -> None:
    found = page.evaluate(LIVE_MARKUP)
    assert found == {"handlers": [], "jsLinks": [], "frames": 0}, (where, found)
    assert page.evaluate("window.__xss === undefined"), where
    assert page.evaluate("parent.__xss === undefined"), where
    assert fired == [], where


def test_hostile_text_never_runs_for_readers_or_moderators(
    page, browser, live_server, demo, artifacts_dir
):
    from tests.browser.test_moderation import sign_in_admin

    thread = Thread.objects.get(
        article__url_path__endswith="night-of-strikes-leaves-southern-suburbs-dark/"
    )
    _seed(thread)
    assert Review.objects.filter(comment__thread=thread).count() >= len(PAYLOADS)
    fired = _watch(page)

    page.goto(live_server.url + BEIRUT)
    assert "Reply 0" in page.content()
    _assert_clean(page, fired, "article page")
    opened = 0
    for _ in range(3):  # each click swaps the whole text in
        more = page.locator("a.read-more").first
        if not more.count():
            break
        more.click()
        page.wait_for_timeout(300)
        opened += 1
    assert opened
    _assert_clean(page, fired, "read more")
    page.screenshot(path=str(artifacts_dir / "xss-thread.png"), full_page=True)

    # The branch page, where deep replies name whom they answer.
    branch = page.locator("a[href*='/replies/']").first
    if branch.count():
        branch.click()
        page.wait_for_load_state()
        _assert_clean(page, fired, "branch page")

    sign_in_admin(page, live_server, "s.osei")
    for tab in ("reported", "pending", "flagged", "watch", "decided"):
        page.goto(f"{live_server.url}/admin/moderation/queue/?tab={tab}")
        _assert_clean(page, fired, f"queue {tab}")
    page.goto(f"{live_server.url}/admin/moderation/queue/?tab=reported")
    assert page.locator(".mq-item").count() > 0
    assert "onerror" in page.content()  # the payloads are there, as text
    page.screenshot(path=str(artifacts_dir / "xss-queue.png"), full_page=True)
