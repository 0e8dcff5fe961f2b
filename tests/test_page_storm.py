"""Pages under a storm of changes: built once per change and at most once per
stale window, by one request at a time (``discussion/pagecache.py``), and
answered stale by the front meanwhile (``discussion/front.py``).

The clock is the modules' own ``time``, replaced here, so nothing waits.
"""

from __future__ import annotations

import threading
import time as real_time

import pytest
from django.core.wsgi import get_wsgi_application
from django.test import Client

from dateline.discussion import front, pagecache
from tests.posting import guest_post
from tests.test_front import ARTICLE, PLACEHOLDER, app, call  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


class Clock:
    """``time`` as pagecache and front use it, moved by hand."""

    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return real_time.monotonic()

    def perf_counter(self) -> float:
        return real_time.perf_counter()

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        real_time.sleep(seconds)


@pytest.fixture
def clock(monkeypatch, settings):
    settings.DATELINE_PAGE_STALE_MS = 500
    found = Clock()
    monkeypatch.setattr(pagecache, "time", found)
    monkeypatch.setattr(front, "time", found)
    return found


def counting(builds: list[int], value: str = "page"):
    def build():
        builds.append(1)
        return f"{value} {len(builds)}", "answer"

    return build


def test_a_change_is_built_at_once_after_a_quiet_spell_and_batched_in_a_storm(clock):
    builds: list[int] = []
    build = counting(builds)
    entry, source, answer = pagecache.through("family", 1, build)
    assert (entry[2], source, answer) == ("page 1", "miss", "answer")
    assert pagecache.through("family", 1, build)[1] == "hit"
    # A comment 0.1 s after the build: readers get the page before it.
    clock.now += 0.1
    entry, source, _ = pagecache.through("family", 2, build)
    assert (entry[0], entry[2], source) == (1, "page 1", "stale")
    clock.now += 0.3
    assert pagecache.through("family", 3, build)[1] == "stale"
    assert len(builds) == 1
    # The window has passed: the next reader builds the latest version.
    clock.now += 0.2
    entry, source, _ = pagecache.through("family", 3, build)
    assert (entry[0], entry[2], source) == (3, "page 2", "miss")
    assert pagecache.through("family", 2, build)[1] == "hit"  # a later one will do
    # Quiet for a while, then one comment: shown to the next reader.
    clock.now += 30
    entry, source, _ = pagecache.through("family", 4, build)
    assert (entry[0], source) == (4, "miss")
    assert len(builds) == 3


def test_with_no_window_every_change_is_built_for_the_next_reader(settings):
    settings.DATELINE_PAGE_STALE_MS = 0
    builds: list[int] = []
    for version in (1, 2, 3):
        assert pagecache.through("family", version, counting(builds))[1] == "miss"
    assert len(builds) == 3


def test_readers_arriving_together_wait_for_one_build(clock):
    builds: list[int] = []
    started = threading.Event()

    def slow():
        builds.append(1)
        started.set()
        real_time.sleep(0.3)
        return "the page", None

    found: list[tuple] = []

    def reader():
        entry, source, _ = pagecache.through("family", 1, slow)
        found.append((entry[2], source))

    first = threading.Thread(target=reader)
    first.start()
    started.wait(5)
    others = [threading.Thread(target=reader) for _ in range(6)]
    for thread in others:
        thread.start()
    for thread in [first, *others]:
        thread.join(10)
    assert len(builds) == 1
    assert sorted(found) == [("the page", "hit")] * 6 + [("the page", "miss")]


def test_while_one_request_builds_the_others_get_the_version_before(clock):
    pagecache.through("family", 1, counting([]))
    clock.now += 5  # past the window
    building = threading.Event()
    release = threading.Event()

    def slow():
        building.set()
        release.wait(5)
        return "page 2", None

    builder = threading.Thread(target=pagecache.through, args=("family", 2, slow))
    builder.start()
    building.wait(5)
    entry, source, _ = pagecache.through("family", 2, counting([]))
    assert (entry[2], source) == ("page 1", "stale")
    release.set()
    builder.join(5)
    entry, source, _ = pagecache.through("family", 2, counting([]))
    assert (entry[2], source) == ("page 2", "hit")


def test_with_the_cache_away_readers_build_without_waiting(clock, monkeypatch):
    # A cache that cannot be reached answers every call as a miss: the lock
    # is refused, yet nobody holds it (dateline/core/cache.py).
    monkeypatch.setattr(pagecache.cache, "add", lambda *args, **kwargs: False)
    monkeypatch.setattr(pagecache.cache, "get", lambda *args, **kwargs: None)
    builds: list[int] = []
    for _ in range(3):
        assert pagecache.through("family", 1, counting(builds))[1] == "miss"
    assert builds == [1, 1, 1]
    assert clock.slept == []  # nobody waited for a build nobody was making


def test_a_build_that_fails_leaves_the_next_reader_free_to_build(clock):
    def broken():
        raise RuntimeError("template error")

    with pytest.raises(RuntimeError):
        pagecache.through("family", 1, broken)
    builds: list[int] = []
    assert pagecache.through("family", 1, counting(builds))[1] == "miss"
    assert builds == [1]


def test_the_front_answers_stale_within_the_window_then_fetches_the_new_page(
    app,  # noqa: F811 - the fixture
    thread,
    clock,
):
    call(app)
    assert call(app)[1]["x-dateline-cache"] == ["front"]
    guest_post(thread, "Something new under the article.")
    clock.now += 0.1
    _, headers, body = call(app)
    assert headers["x-dateline-cache"] == ["front-stale"]
    assert b"Something new under the article." not in body
    clock.now += 1
    _, headers, body = call(app)
    assert headers["x-dateline-cache"] == ["miss"]
    assert b"Something new under the article." in body
    assert call(app)[1]["x-dateline-cache"] == ["front"]


def through_django(door: front.Front) -> list[str]:
    """The paths the front sends on to Django from now on."""
    paths: list[str] = []
    django = door.app

    def counted(environ, start_response):
        paths.append(environ["PATH_INFO"])
        return django(environ, start_response)

    door.app = counted
    return paths


def test_while_another_process_builds_the_front_asks_again_a_little_later(
    app,  # noqa: F811 - the fixture
    thread,
    article,
    clock,
):
    call(app)
    guest_post(thread, "A comment another process is building the page for.")
    clock.now += 1
    article.refresh_from_db()
    family = pagecache.article_key(article.pk, article.last_published_at, ARTICLE)
    assert pagecache.cache.add(pagecache.building_key(family), 1)  # the other process
    django = through_django(app)
    # The shared cache says another process is building it: the page
    # before, without going through Django, ...
    assert call(app)[1]["x-dateline-cache"] == ["front-stale"]
    pagecache.cache.delete(pagecache.building_key(family))
    # ... and the next readers too, until the front asks again a little later.
    clock.now += front.RETRY_SECONDS / 2
    assert call(app)[1]["x-dateline-cache"] == ["front-stale"]
    assert django == []
    clock.now += front.RETRY_SECONDS
    _, headers, body = call(app)
    assert headers["x-dateline-cache"] == ["miss"]
    assert b"A comment another process is building the page for." in body
    assert django == [ARTICLE]


def built_by_another_process(
    app: front.Front,  # noqa: F811 - the fixture's value
    thread,
    clock,
    kind: str,
    text: str,
) -> tuple[str, front.Front]:
    """The page at ``kind``'s path, kept by ``app``'s front, then ``text``
    posted and, past the window, the page built again by another process
    into the cache the processes share: the path and that process's front."""
    path = ARTICLE if kind == "article" else f"/api/threads/{thread.pk}/comments"
    call(app, path)
    guest_post(thread, text)
    clock.now += 1
    other = front.Front(get_wsgi_application())
    assert call(other, path)[1]["x-dateline-cache"] == ["miss"]
    return path, other


@pytest.mark.parametrize("kind", ["article", "json"])
def test_the_front_takes_the_page_another_process_built(
    app,  # noqa: F811 - the fixture
    thread,
    clock,
    kind,
):
    path, _ = built_by_another_process(
        app, thread, clock, kind, "A comment another process built the page for."
    )
    django = through_django(app)
    _, headers, body = call(app, path)
    assert headers["x-dateline-cache"] == ["front"]
    assert b"A comment another process built the page for." in body
    assert PLACEHOLDER not in body
    assert django == []
    assert call(app, path)[1]["x-dateline-cache"] == ["front"]


@pytest.mark.parametrize("kind", ["article", "json"])
def test_the_process_that_built_a_page_looks_for_its_successor_first(
    app,  # noqa: F811 - the fixture
    thread,
    clock,
    kind,
):
    path, other = built_by_another_process(
        app, thread, clock, kind, "A comment the other process builds the page for."
    )
    assert call(app, path)[1]["x-dateline-cache"] == ["front"]  # taken from it
    guest_post(thread, "The next comment, once both windows have passed.")
    clock.now += pagecache.stale_seconds() + front.RETRY_SECONDS / 2
    django = through_django(app)
    # The page's builder goes for its successor at once ...
    _, headers, body = call(other, path)
    assert headers["x-dateline-cache"] == ["miss"]
    assert b"The next comment, once both windows have passed." in body
    # ... while the process that took the page keeps it a little longer,
    # without Django ...
    assert call(app, path)[1]["x-dateline-cache"] == ["front-stale"]
    assert django == []
    # ... and then finds the builder's successor in the shared cache.
    clock.now += front.RETRY_SECONDS
    _, headers, body = call(app, path)
    assert headers["x-dateline-cache"] == ["front"]
    assert b"The next comment, once both windows have passed." in body
    assert django == []


def test_a_successor_built_too_long_ago_is_built_again(
    app,  # noqa: F811 - the fixture
    thread,
    clock,
):
    call(app)
    guest_post(thread, "The first comment since the front kept the page.")
    clock.now += 1
    other = front.Front(get_wsgi_application())
    assert call(other)[1]["x-dateline-cache"] == ["miss"]
    guest_post(thread, "A second one, after the other process built it.")
    clock.now += 1
    django = through_django(app)
    _, headers, body = call(app)
    assert headers["x-dateline-cache"] == ["miss"]
    assert b"A second one, after the other process built it." in body
    assert django == [ARTICLE]


def test_an_unpublished_article_is_never_answered_stale(
    app,  # noqa: F811 - the fixture
    thread,
    article,
    clock,
):
    call(app)
    assert call(app)[1]["x-dateline-cache"] == ["front"]
    guest_post(thread, "A comment, then the article is withdrawn.")
    article.unpublish()
    assert call(app)[0] == 404
    assert Client().get(ARTICLE).status_code == 404


def test_the_thread_json_is_stale_within_the_window_and_current_after(thread, clock):
    url = f"/api/threads/{thread.pk}/comments"
    reader = Client()
    assert reader.get(url).headers["X-Dateline-Cache"] == "miss"
    guest_post(thread, "A reply the JSON shows a moment later.")
    clock.now += 0.2
    answer = reader.get(url)
    assert answer.headers["X-Dateline-Cache"] == "stale"
    assert b"a moment later" not in answer.content
    clock.now += 0.4
    answer = reader.get(url)
    assert answer.headers["X-Dateline-Cache"] == "miss"
    assert b"a moment later" in answer.content


# --- the article's own part, cached apart from its comments ------------------------


def _body_in_db(article, text: str) -> None:
    """The article's body changed under it, its publication time kept."""
    from dateline.newsroom.models import ArticlePage

    page = ArticlePage.objects.get(pk=article.pk)
    page.body = [("paragraph", f"<p>{text}</p>")]
    ArticlePage.objects.filter(pk=article.pk).update(body=page.body)


def test_a_new_comment_rebuilds_the_comments_not_the_article_body(
    thread, article, a_member
):
    reader = Client()
    reader.force_login(a_member)  # past the page cache: the page is built
    assert b"The bridge reopened." in reader.get(ARTICLE).content
    _body_in_db(article, "Text the cached body does not show.")
    guest_post(thread, "A comment that rebuilds the page.")
    page = reader.get(ARTICLE).content
    assert b"A comment that rebuilds the page." in page
    assert b"The bridge reopened." in page  # the body, as cached
    assert b"Text the cached body does not show." not in page


def test_a_republished_article_shows_its_new_body_and_a_preview_its_draft(
    thread, article, a_member
):
    reader = Client()
    reader.force_login(a_member)
    assert b"The bridge reopened." in reader.get(ARTICLE).content
    article.body = [("paragraph", "<p>The bridge closed again at noon.</p>")]
    preview = article.make_preview_request()
    assert b"The bridge closed again at noon." in preview.content
    article.save_revision().publish()
    page = reader.get(ARTICLE).content
    assert b"The bridge closed again at noon." in page
    assert b"The bridge reopened." not in page


def test_with_the_page_cache_off_the_body_is_not_kept(thread, article, settings):
    settings.DATELINE_PAGE_CACHE_SECONDS = 0
    reader = Client()
    assert b"The bridge reopened." in reader.get(ARTICLE).content
    _body_in_db(article, "Shown at once.")
    assert b"Shown at once." in reader.get(ARTICLE).content
