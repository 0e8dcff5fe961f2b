"""A Dateline thread on another site's page, in a real browser with
third-party cookies blocked: the publisher's page is served from a second
local origin (``localhost``, another site than ``127.0.0.1``, where
Dateline runs)."""

from __future__ import annotations

import html
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote

import pytest

from dateline.testing.processes import dateline_env, run_dateline, served
from dateline.testing.servers import free_port
from tests.conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.server]


def publisher_page(dateline: str, story: str, title: str, sso: str = "") -> bytes:
    """A publisher's article with the snippet from the README, and counts."""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: sans-serif; max-width: 44rem; margin: 2rem auto">
<h1>{html.escape(title)}</h1>
<p>Our reporter on the ground. <a class="dateline-count" data-url="{story}">Comments</a></p>
<p style="height: 2400px">The long article body.</p>
<div id="dateline-comments" data-url="{story}" data-title="{html.escape(title)}"{f' data-sso="{html.escape(sso)}"' if sso else ""}></div>
<script async src="{dateline}/static/dateline/embed/dateline.js"></script>
<script async src="{dateline}/static/dateline/embed/count.js"></script>
</body></html>""".encode()


def home_page(dateline: str, story: str) -> bytes:
    """The publisher's home page: its stories with their comment counts."""
    other = story.rsplit("/", 1)[0] + "/quiet-story"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>The News</title></head><body>
<ul><li><a href="{story}">Bridge reopens</a> <span class="dateline-count" data-url="{story}?utm_source=home">Comments</span></li>
<li><a href="{other}">A quiet story</a> <span class="dateline-count" data-url="{other}" data-many="{{n}} replies">Comments</span></li></ul>
<script async src="{dateline}/static/dateline/embed/count.js"></script>
</body></html>""".encode()


class Publisher:
    """A second web server: the newsroom's own CMS, as far as a browser knows."""

    def __init__(self, dateline: str, story: str | None = None) -> None:
        self.port = free_port()
        self.origin = f"http://localhost:{self.port}"
        self.dateline = dateline
        # The page the thread belongs to: this site's own, unless another's.
        self.story = story or f"{self.origin}/world/bridge-reopens"
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path, _q, query = self.path.partition("?")
                if path == "/":
                    body = home_page(outer.dateline, outer.story)
                else:
                    # ?sso=: the newsroom's own signed-in reader (single sign-on)
                    sso = parse_qs(query).get("sso", [""])[0]
                    body = publisher_page(
                        outer.dateline, outer.story, "Bridge reopens", sso
                    )
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Publisher:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def dateline(request, tmp_path_factory) -> Iterator[tuple[str, dict]]:
    if request.config.getoption("--db") == "postgres":
        pytest.skip("the same pages on PostgreSQL; tests/test_embed.py runs on both")
    env = dateline_env(tmp_path_factory.mktemp("embed"), drop=("DATABASE_URL",))
    done = run_dateline(["manage.py", "bootstrap"], env)
    assert done.returncode == 0, done.stderr
    with served(env, workers=2) as base:
        yield base, env


@pytest.fixture(scope="module")
def publisher(dateline) -> Iterator[Publisher]:
    base, env = dateline
    with Publisher(base) as site:
        done = run_dateline(["manage.py", "embed_sites", "--add", site.origin], env)
        assert done.returncode == 0, done.stderr
        yield site


@pytest.fixture(scope="module")
def strict_browser(browser, tmp_path_factory) -> Iterator[object]:
    """Chromium with third-party cookies blocked, as Safari does by default
    (a profile of its own, started by the suite's Playwright)."""
    profile = tmp_path_factory.mktemp("profile")
    (profile / "Default").mkdir()
    (profile / "Default" / "Preferences").write_text(
        json.dumps(
            {"profile": {"cookie_controls_mode": 1, "block_third_party_cookies": True}}
        )
    )
    context = browser.browser_type.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        viewport={"width": 1100, "height": 900},
    )
    yield context
    context.close()


def embedded(tab, dateline_base: str):
    """The thread's frame on the publisher's page, once it has loaded."""
    tab.locator("#dateline-comments").scroll_into_view_if_needed()
    tab.wait_for_selector("#dateline-comments iframe")
    frame = tab.frame_locator("#dateline-comments iframe")
    frame.locator("#compose-new").wait_for()
    (inner,) = [
        f for f in tab.frames if f.url.startswith(dateline_base + "/embed/frame/")
    ]
    return frame, inner


def frame_height(tab) -> float:
    return tab.evaluate(
        "document.querySelector('#dateline-comments iframe').getBoundingClientRect().height"
    )


def post(frame, text: str, name: str) -> None:
    form = frame.locator("#compose-new")
    form.locator("textarea[name=body]").fill(text)
    form.locator("input[name=name]").fill(name)
    form.page.wait_for_timeout(3_100)  # a form sent within 3 s is held as a bot's
    form.locator("button[type=submit]").click()
    frame.locator(".comment-body", has_text=text).first.wait_for()


def test_a_thread_on_another_site_with_third_party_cookies_blocked(
    dateline, publisher, strict_browser, artifacts_dir: Path
):
    base, _env = dateline
    tab = strict_browser.new_page()
    tab.set_default_timeout(15_000)
    asked: list[str] = []
    tab.on("request", lambda r: asked.append(r.url))
    tab.goto(publisher.story)
    tab.wait_for_timeout(500)
    # Nothing is asked of Dateline before the reader nears the comments
    # but the two small scripts (and the counts).
    early = [u for u in asked if u.startswith(base)]
    assert not [u for u in early if "/embed/frame/" in u], early
    assert all(u.startswith((publisher.origin, base)) for u in asked), asked

    frame, inner = embedded(tab, base)
    tab.wait_for_function(
        "document.querySelector('#dateline-comments iframe').getBoundingClientRect().height > 420"
    )
    content = inner.evaluate("document.documentElement.getBoundingClientRect().height")
    assert abs(frame_height(tab) - content) <= 2

    before = frame_height(tab)
    text = "The ferry queue was two hours long this morning, glad its over"
    post(frame, text, "Ferry Rider")
    assert frame.locator("#no-comments").count() == 0  # "No comments yet" went
    tab.wait_for_function(
        f"document.querySelector('#dateline-comments iframe').getBoundingClientRect().height > {before + 30}"
    )
    tab.evaluate(
        "window.scrollTo(0, document.getElementById('dateline-comments').offsetTop - 120)"
    )
    tab.screenshot(path=str(artifacts_dir / "embed-light.png"))

    # The guest's cookie was kept (partitioned): after a reload, the comment
    # is still theirs to edit, though third-party cookies are blocked.
    tab.reload()
    frame, inner = embedded(tab, base)
    mine = frame.locator(
        ".comment-item", has=frame.locator(".comment-body", has_text=text)
    )
    mine.locator(".comment-actions a", has_text="Edit").wait_for()

    # A reply from the frame.
    mine.locator(".comment-actions a", has_text="Reply").first.click()
    reply_form = frame.locator("form.comment-form[id^=compose-]:not(#compose-new)")
    reply_form.locator("textarea[name=body]").fill(
        "It was three on Sunday, to be fair."
    )
    reply_form.locator("input[name=name]").fill("Other Rider")
    tab.wait_for_timeout(3_100)
    reply_form.locator("button[type=submit]").click()
    frame.locator(".comment-body", has_text="three on Sunday").wait_for()

    # The host switches the theme without a reload.
    tab.evaluate("Dateline.setTheme('dark')")
    inner.wait_for_function("document.documentElement.dataset.theme === 'dark'")
    tab.locator("#dateline-comments").scroll_into_view_if_needed()
    tab.screenshot(path=str(artifacts_dir / "embed-dark.png"))

    # Counts fill in on the publisher's home page (any address of the page).
    tab.goto(publisher.origin + "/")
    tab.locator(".dateline-count", has_text="2 comments").wait_for()
    tab.locator(".dateline-count", has_text="0 replies").wait_for()


def test_only_its_own_frame_is_listened_to(dateline, publisher, strict_browser):
    base, _env = dateline
    tab = strict_browser.new_page()
    tab.set_default_timeout(15_000)
    tab.goto(publisher.story)
    embedded(tab, base)
    tab.wait_for_timeout(500)
    height = frame_height(tab)
    # Another frame of the page, and the page itself, claim a tiny height.
    tab.evaluate(
        """() => {
          const rogue = document.createElement('iframe');
          rogue.srcdoc = "<script>parent.postMessage({dateline: 'frame', type: 'height', height: 7}, '*')</scr" + "ipt>";
          document.body.appendChild(rogue);
          window.postMessage({dateline: 'frame', type: 'height', height: 9}, '*');
        }"""
    )
    tab.wait_for_timeout(800)
    assert frame_height(tab) == height


def test_a_link_to_a_comment_opens_the_host_page_at_it(
    dateline, publisher, strict_browser
):
    base, _env = dateline
    tab = strict_browser.new_page()
    tab.set_default_timeout(15_000)
    tab.goto(publisher.story)
    frame, _inner = embedded(tab, base)
    post(frame, "Somebody should ask the council about the night ferry", "Asker")
    item = frame.locator(
        ".comment-item", has=frame.locator(".comment-body", has_text="night ferry")
    )
    comment_id = item.first.get_attribute("id")
    tab.goto("about:blank")
    tab.goto(f"{publisher.story}#{comment_id}")
    embedded(tab, base)
    tab.wait_for_function(
        "window.scrollY > document.querySelector('#dateline-comments').offsetTop - 40"
    )


def test_a_site_not_on_the_list_cannot_frame_the_thread(
    dateline, publisher, strict_browser
):
    base, _env = dateline
    with Publisher(base, publisher.story) as elsewhere:  # same story, another origin
        tab = strict_browser.new_page()
        tab.set_default_timeout(15_000)
        refused: list[str] = []
        tab.on("console", lambda m: refused.append(m.text))
        tab.goto(elsewhere.origin + "/world/bridge-reopens")
        tab.locator("#dateline-comments").scroll_into_view_if_needed()
        tab.wait_for_selector("#dateline-comments iframe")
        tab.wait_for_timeout(1_500)
        framed = [f for f in tab.frames if f.url.startswith(base)]
        shown = [f for f in framed if f.locator("#compose-new").count()]
        assert not shown
        assert any("frame-ancestors" in line for line in refused), refused


MEMBER = (
    "from django.contrib.auth import get_user_model\n"
    "from allauth.account.models import EmailAddress\n"
    "u = get_user_model().objects.create_user("
    "'ferrywatcher', 'fw@example.org', 'tern-harbour-9')\n"
    "EmailAddress.objects.create(user=u, email=u.email, verified=True, primary=True)\n"
)


def test_a_reader_signs_in_through_a_popup_and_votes(
    dateline, publisher, strict_browser, artifacts_dir: Path
):
    base, env = dateline
    done = run_dateline(["manage.py", "shell", "-c", MEMBER], env)
    assert done.returncode == 0, done.stderr
    tab = strict_browser.new_page()
    tab.set_default_timeout(15_000)
    tab.goto(publisher.story)
    frame, _inner = embedded(tab, base)
    post(frame, "Does the night ferry still stop at the island?", "Islander")
    theirs = frame.locator(
        ".comment-item",
        has=frame.locator(".comment-body", has_text="night ferry still"),
    ).first
    comment_id = theirs.get_attribute("id")

    with tab.expect_popup() as opened:
        frame.locator(".guest-fields a", has_text="sign in").first.click()
    popup = opened.value
    assert popup.url.startswith(base + "/embed/signin/")
    popup.locator("input[name=login]").fill("ferrywatcher")
    popup.locator("input[name=password]").fill("tern-harbour-9")
    popup.locator("button[type=submit]").click()
    popup.wait_for_event("close")

    # The frame knows the member now, though it got no cookie of the site's.
    frame.locator(".embed-own-page", has_text="Signed in as ferrywatcher").wait_for()
    votes = frame.locator(f"#{comment_id} .vote-up").first
    votes.click()
    frame.locator(f"#{comment_id} .vote-up[aria-pressed=true]").first.wait_for()
    form = frame.locator("#compose-new")
    assert form.locator("input[name=name]").count() == 0  # a member, not a guest
    form.locator("textarea[name=body]").fill("It does, twice a night since May.")
    tab.wait_for_timeout(3_100)
    form.locator("button[type=submit]").click()
    mine = frame.locator(
        ".comment-item", has=frame.locator(".comment-body", has_text="twice a night")
    ).first
    mine.locator(".comment-author", has_text="ferrywatcher").wait_for()
    tab.evaluate(
        "window.scrollTo(0, document.getElementById('dateline-comments').offsetTop)"
    )
    tab.screenshot(path=str(artifacts_dir / "embed-signed-in.png"))

    frame.locator("[data-embed-signout]").click()
    frame.locator("#compose-new input[name=name]").wait_for()


def test_live_updates_reach_the_embed(dateline, publisher, strict_browser):
    import urllib.request

    base, _env = dateline
    tab = strict_browser.new_page()
    tab.set_default_timeout(15_000)
    tab.goto(publisher.story)
    frame, inner = embedded(tab, base)
    inner.wait_for_function(
        "document.getElementById('discussion').dataset.liveState === 'connected'"
    )
    thread_id = inner.evaluate(
        "document.querySelector('#compose-new').action.match(/threads\\/(\\d+)/)[1]"
    )
    # Another reader posts through the JSON API (a program: no browser headers).
    body = json.dumps(
        {"body": "Just crossed: the new lane markings are clear.", "name": "Cyclist"}
    ).encode()
    request = urllib.request.Request(
        f"{base}/api/threads/{thread_id}/comments",
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 201
    pill = frame.locator("#live-new")
    pill.wait_for(state="visible", timeout=5_000)
    pill.click()
    frame.locator(".comment-body", has_text="new lane markings").wait_for()


def test_the_newsrooms_own_reader_is_signed_in_by_its_token(
    dateline, publisher, strict_browser
):
    import re
    import time

    from dateline.embed import sso

    base, env = dateline
    done = run_dateline(["manage.py", "embed_sites", "--sso", publisher.origin], env)
    assert done.returncode == 0, done.stderr
    secret = re.search(r"secret: (\S+)", done.stdout).group(1)
    token = sso.sign(
        secret, {"id": "cms-4411", "name": "Mona Dahl", "exp": int(time.time()) + 300}
    )
    tab = strict_browser.new_page()
    tab.set_default_timeout(15_000)
    tab.goto(f"{publisher.story}?sso={quote(token)}")
    frame, _inner = embedded(tab, base)
    frame.locator(".embed-own-page", has_text="Signed in as Mona Dahl").wait_for()
    assert frame.locator("#compose-new input[name=name]").count() == 0
