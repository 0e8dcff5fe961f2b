"""Fixtures every Dateline test can use.

``pytest`` runs on the embedded default (SQLite); ``pytest --db=postgres``
runs the same tests on a throwaway PostgreSQL server started from the
machine's binaries. What cannot run here (no PostgreSQL, Redis or Chromium
installed) is skipped with a loud reason, or fails when the matching
DATELINE_REQUIRE_* variable is set, as CI does.
"""

from __future__ import annotations

import email
import os
from collections.abc import Iterator
from email import policy
from pathlib import Path
from typing import Any

import pytest

from dateline.testing import pytest_plugin
from dateline.testing.servers import (
    ServerUnavailable,
    ThrowawayMariaDB,
    ThrowawayPostgres,
    ThrowawayRedis,
)

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"


def _pages_in_memory() -> None:
    """This test process keeps its pages in its own memory.

    On the embedded default the ``pages`` cache is files in the data folder,
    shared by the server's processes; ``make test`` runs the SQLite and the
    PostgreSQL passes at once in the same folder, and their pages (the same
    ids, other content) would meet there. Servers the tests start have data
    folders of their own and keep the files. Before anything asks for the
    cache: the handler reads this dict when it first does.
    """
    from django.conf import settings

    memory = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "dateline-pages",
    }
    settings.CACHES["pages"] = settings.CACHES["template_fragments"] = memory


_pages_in_memory()


def _required(what: str) -> bool:
    return os.environ.get(f"DATELINE_REQUIRE_{what}", "") not in {"", "0"}


def _unavailable(what: str, reason: str) -> None:
    message = f"{what} NOT AVAILABLE, TESTS SKIPPED: {reason}"
    if _required(what.upper()):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_server(request: pytest.FixtureRequest) -> Iterator[ThrowawayPostgres]:
    """The suite's server under ``--db=postgres``, else a server of its own."""
    shared = pytest_plugin.postgres_server()
    if shared is not None:
        yield shared
        return
    try:
        server = ThrowawayPostgres()
    except ServerUnavailable as exc:
        _unavailable("PostgreSQL", str(exc))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def mariadb_server() -> Iterator[ThrowawayMariaDB]:
    """A MariaDB server for the WordPress database source (Debian's package)."""
    try:
        server = ThrowawayMariaDB()
    except ServerUnavailable as exc:
        _unavailable("MariaDB", str(exc))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    try:
        server = ThrowawayRedis()
    except ServerUnavailable as exc:
        _unavailable("Redis", str(exc))
    url = server.start()
    yield url
    server.stop()


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Every test starts with empty caches (Wagtail caches image renditions;
    the page cache keeps pages)."""
    from django.core.cache import caches

    for alias in ("default", "pages"):
        caches[alias].clear()
    yield
    for alias in ("default", "pages"):
        caches[alias].clear()


# A change shows on the next anonymous request, with no stale window (most
# tests read right after they write); tests of the window set their own.
# Also for the servers tests start, which inherit the environment.
# The same for members' standings: refreshed after every change.
os.environ["DATELINE_PAGE_STALE_MS"] = "0"
os.environ["DATELINE_FRONT_CHECK_MS"] = "0"
os.environ["DATELINE_STANDINGS_REFRESH_MS"] = "0"


@pytest.fixture(autouse=True)
def _no_stale_window(request: pytest.FixtureRequest) -> None:
    settings = request.getfixturevalue("settings")
    settings.DATELINE_PAGE_STALE_MS = 0
    settings.DATELINE_FRONT_CHECK_MS = 0
    settings.DATELINE_STANDINGS_REFRESH_MS = 0
    # Vote counts for live pages go out with the commit, not from a timer
    # thread that would outlive the test's database.
    settings.DATELINE_LIVE_VOTES_SECONDS = 0
    settings.DATELINE_LIVE_FLUSH_MS = 0


@pytest.fixture(autouse=True)
def _moderation(request: pytest.FixtureRequest) -> None:
    """Posting in tests skips the scorers unless a test is marked ``moderation``.

    Most tests post the same short text many times from one account, which
    the duplicate and rate scorers would rightly turn down.
    """
    if request.node.get_closest_marker("moderation") is None:
        settings = request.getfixturevalue("settings")
        settings.DATELINE_MODERATION_SCORERS = []


@pytest.fixture
def data_dir(tmp_path: Path, settings: Any) -> Path:
    """A private data folder (media, outbox) for one test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_FILE_PATH = str(tmp_path / "outbox")
    return tmp_path


@pytest.fixture
def site(db: None, settings: Any, tmp_path: Path) -> Any:
    """An empty newsroom: the default site with its home page and nothing else."""
    settings.MEDIA_ROOT = tmp_path / "media"
    from dateline.newsroom import actions

    return actions.home_page_ensure(title="Dateline", tagline="Test site")


@pytest.fixture
def demo(db: None, settings: Any, tmp_path: Path) -> dict[str, Any]:
    """The demo newsroom, written by its script, without the back catalogue.

    ``make run`` restores the export the script wrote, archive included
    (``tests/test_demo.py`` and ``tests/test_demo_archive.py`` check that
    one); writing the archive's two years of discussion takes a minute.
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    from django.test import TestCase

    from dateline.community import tasks as community_tasks
    from demo.loader import load_demo

    # The test's transaction never commits: what the load's commit sets off
    # (its events, then one refresh of the members it touched) runs here.
    with community_tasks.batched(), TestCase.captureOnCommitCallbacks(execute=True):
        return load_demo(archive=False)


# --- browser ---------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        _unavailable(
            "Browser", f"{CHROMIUM} not found; install Debian's 'chromium' package"
        )
    # Playwright's sync API runs an event loop in this thread; the test's own
    # ORM calls are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


@pytest.fixture
def artifacts_dir() -> Path:
    path = ARTIFACTS / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- discussion personas -----------------------------------------------------


@pytest.fixture
def postgres_only() -> None:
    """Concurrency is checked on PostgreSQL; SQLite serialises its writers."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("concurrency is checked on PostgreSQL (make test runs it)")


@pytest.fixture
def no_badges(db: None) -> None:
    """Badges switched off: a test sees only the points of its own events."""
    from dateline.community.actions import badge_settings
    from dateline.community.models import BadgeSetting

    badge_settings()
    BadgeSetting.objects.update(enabled=False)


@pytest.fixture
def live(django_capture_on_commit_callbacks: Any) -> Any:
    """Call an action and run what it schedules after commit, as a commit would.

    Tests run inside a transaction that never commits, so without this the
    community refresh an action schedules would never run.
    """

    def run(fn: Any, *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def _user(username: str, **extra: Any) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(
        username=username,
        email=f"{username}@example.test",
        password="pw-for-tests-9",
        **extra,
    )


@pytest.fixture
def a_member(db: None) -> Any:
    return _user("reader_one", first_name="Noor", last_name="Haddad")


@pytest.fixture
def another_member(db: None) -> Any:
    return _user("reader_two")


@pytest.fixture
def a_moderator(db: None) -> Any:
    from django.contrib.auth.models import Group, Permission

    user = _user("mod_one")
    group, _created = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(
        Permission.objects.get(
            codename="change_comment", content_type__app_label="discussion"
        )
    )
    user.groups.add(group)
    return user


@pytest.fixture
def article_author(db: None) -> Any:
    return _user("writer", first_name="Ida", last_name="Marlow")


@pytest.fixture
def article(site: Any, article_author: Any) -> Any:
    """One published article whose author has a reader account."""
    from dateline.newsroom.models import ArticlePage, AuthorPage, SectionPage

    section = SectionPage(title="World", slug="world")
    site.add_child(instance=section)
    author = AuthorPage(
        title="Ida Marlow", slug="ida", short_bio="Reporter.", user=article_author
    )
    site.add_child(instance=author)
    page = ArticlePage(
        title="Bridge reopens",
        slug="bridge-reopens",
        standfirst="Traffic flows again.",
        author=author,
        dateline_place="Oslo, Norway",
        dateline_time_zone="Europe/Oslo",
        body=[("paragraph", "<p>The bridge reopened.</p>")],
    )
    section.add_child(instance=page)
    return page


@pytest.fixture
def thread(article: Any) -> Any:
    from dateline.discussion import actions

    return actions.thread_ensure(article=article)


# --- mail ---------------------------------------------------------------------


class Inbox:
    """What the test SMTP server received: (recipients, message) pairs."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Any]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"

    def text(self, n: int = -1) -> str:
        return self.messages[n][1].get_body(("plain",)).get_content()


@pytest.fixture
def smtp(settings: Any) -> Iterator[Any]:
    """A real SMTP server (aiosmtpd) on a loopback port; its inbox."""
    from aiosmtpd.controller import Controller

    from dateline.testing.servers import free_port

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


# --- files written by other projects ------------------------------------------------

# ``../shared`` beside the repository (DATELINE_SHARED_DIR elsewhere): read at
# test time, never copied here.
SHARED = Path(os.environ.get("DATELINE_SHARED_DIR") or ROOT.parent / "shared")


def import_fixture(name: str) -> Path:
    """A real export file from ``../shared/fixtures/import/``."""
    path = SHARED / "fixtures" / "import" / name
    assert path.is_file(), (
        f"{path} is missing: the importers' tests read the real export files in "
        "../shared/fixtures/import/ (set DATELINE_SHARED_DIR if it is elsewhere)"
    )
    return path
