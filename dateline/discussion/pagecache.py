"""A page cache for anonymous readers that a new comment, edit or vote retires.

Each page is kept under a key of what it shows (the article and its
publication time, the URL; a thread's sort and page), with the thread's
``version`` it was built at. The version is read from the database on every
request, so every process sees a change at once, whatever the cache backend.
A cached page carries a placeholder where the CSRF token goes; each response
gets the reader's own token. Pages and payloads are kept compressed
(``core/compression.py``), so a hit does no compression work whichever
coding the reader accepts.

Under a storm of comments and votes the version moves many times a second,
and a page of 200 comments takes tens of milliseconds to build. So a page is
built once per change, by one request at a time, and at most once per
``DATELINE_PAGE_STALE_MS`` (500): meanwhile readers get the version
before, marked ``stale``. The first change after a quiet spell is built at
once; only changes that follow a build within the window wait for the next.
With several processes on a shared cache (Redis), one builds while the
others serve what was there.

Changes elsewhere on the site (navigation, other articles) reach a cached
article page within ``DATELINE_PAGE_CACHE_SECONDS``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Exists
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers
from django.utils.connection import ConnectionProxy

from dateline.cdn import conf as cdn_conf
from dateline.cdn import headers as cdn_headers
from dateline.core import compression, sql
from dateline.ops import metrics

# The ``pages`` cache: files shared by the server's processes, or Redis
# (``config.page_cache``).
cache: Any = ConnectionProxy(caches, "pages")
CSRF_PLACEHOLDER = "__dateline_csrf_placeholder__"
PREFIX = "dateline:page:4:"  # 4: kept with the version they were built at
Cached = tuple[compression.Packed, str, str]  # page, content type, ETag
# What a key holds: the thread version a page was built at, when (time.time()),
# and the page.
Entry = tuple[int, float, Any]
# A builder that died leaves its lock this long at most.
LOCK_SECONDS = 10
# A reader with no earlier version to show waits this long for another
# request's build before building the page itself.
WAIT_SECONDS = 5.0
T = TypeVar("T")


def seconds() -> int:
    return int(getattr(settings, "DATELINE_PAGE_CACHE_SECONDS", 300))


def stale_seconds() -> float:
    return int(getattr(settings, "DATELINE_PAGE_STALE_MS", 500)) / 1000


def through(
    family: str, version: int, build: Callable[[], tuple[Any, T]]
) -> tuple[Entry | None, str, T | None]:
    """The cached page of ``family`` for ``version``, and where it came from.

    ``hit``: built at this version or a later one. ``stale``: built at an
    earlier version, less than ``stale_seconds()`` ago or while another
    request builds it. ``miss``: built here by ``build``, which returns what
    to cache (None when the answer may not be cached) and an answer of its
    own, returned as the third item.
    """
    entry: Entry | None = cache.get(family)
    source = _usable(entry, version)
    if source is not None:
        return entry, source, None
    lock = building_key(family)
    locked = cache.add(lock, 1, LOCK_SECONDS)
    if not locked:
        if entry is not None:
            return entry, "stale", None
        waited = _wait(family, lock)
        if waited is not None:
            return waited, "hit", None
    try:
        value, answer = build()
        if value is None:
            return None, "miss", answer
        built: Entry = (version, time.time(), value)
        latest = cache.get(family)
        if latest is None or latest[0] <= version:  # never over a later build
            cache.set(family, built, seconds())
        return built, "miss", answer
    finally:
        if locked:
            cache.delete(lock)


def building_key(family: str) -> str:
    """The lock a request holds while it builds ``family``'s page."""
    return family + ":building"


def successor(family: str, version: int) -> tuple[Entry | None, bool]:
    """For the front door: ``family``'s entry if it was built at a later
    version than ``version`` (else None), and whether a request somewhere
    is building one now."""
    entry: Entry | None = cache.get(family)
    if entry is not None and entry[0] > version:
        return entry, False
    return None, bool(cache.get(building_key(family)))


def packed_and_etag(entry: Entry) -> tuple[compression.Packed, str]:
    """What an entry keeps for the front: (page, content type, ETag) for an
    article page, (payload, ETag) for a payload."""
    return entry[2][0], entry[2][-1]


def _wait(family: str, lock: str) -> Entry | None:
    """The entry another request is building, once it is there; None as soon
    as nobody holds the lock (the build failed, or the cache is away: a
    cache that cannot be reached refuses the lock without anyone holding it)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if not cache.get(lock):
            return cache.get(family)
        time.sleep(0.01)
        entry: Entry | None = cache.get(family)
        if entry is not None:  # this version, or one before: better than waiting
            return entry
    return None


def _usable(entry: Entry | None, version: int) -> str | None:
    """``hit`` when ``entry`` was built at ``version`` or later, ``stale``
    when earlier but within the stale window, else None."""
    if entry is None:
        return None
    if entry[0] >= version:
        return "hit"
    if time.time() - entry[1] < stale_seconds():
        return "stale"
    return None


def known(family: str, version: int) -> tuple[Entry | None, str]:
    """What ``through`` would answer without building: the entry and
    ``hit`` or ``stale``, or (None, "miss") when this request should build."""
    entry: Entry | None = cache.get(family)
    source = _usable(entry, version)
    if source is None and entry is not None and cache.get(building_key(family)):
        source = "stale"  # another request is building its successor
    if source is None:
        return None, "miss"
    return entry, source


def cacheable(request: HttpRequest, *, guest_cookie: str) -> bool:
    """Only the same-for-everyone view: GET, no session, no guest identity."""
    return (
        seconds() > 0
        and request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and guest_cookie not in request.COOKIES
        and "messages" not in request.COOKIES
        and "HX-Request" not in request.headers
    )


def key(*parts: Any) -> str:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return PREFIX + digest


def article_key(
    article_id: int, last_published_at: dt.datetime | None, full_path: str
) -> str:
    """The key of an article page at a URL; the thread version is in its entry."""
    return key(
        "article",
        article_id,
        last_published_at.timestamp() if last_published_at else 0,
        full_path,
    )


def _route_key(request: HttpRequest) -> str:
    return key("route", request.get_host(), request.get_full_path())


def encoded(
    request: HttpRequest, packed: compression.Packed, token: bytes, content_type: str
) -> tuple[HttpResponse, str]:
    """The packed page with ``token`` in it, in the coding the reader takes."""
    coding = compression.accepted(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    out = HttpResponse(packed.body(coding, token), content_type=content_type)
    if coding:
        out["Content-Encoding"] = coding
    patch_vary_headers(out, ["Accept-Encoding"])
    return out, coding


def _html_response(
    request: HttpRequest, cached: Cached, source: str, keys: list[str]
) -> HttpResponseBase:
    packed, content_type, tag = cached
    metrics.page_cache(source)
    if _shared(request):
        # The same bytes for every reader: no token in the page (the
        # reader's browser asks for one when a form is sent).
        out, coding = encoded(request, packed, b"", content_type)
        out["X-Dateline-Cache"] = source
        tag = compression.encoded_etag(tag, coding)
        return cdn_headers.shared(request, out, keys=keys, tag=tag)
    out, _ = encoded(request, packed, get_token(request).encode(), content_type)
    out["X-Dateline-Cache"] = source
    patch_vary_headers(out, ["Cookie"])
    return cdn_headers.private(out)


def _shared(request: HttpRequest) -> bool:
    """A page a shared cache may keep: the reader has no CSRF cookie either."""
    return cdn_conf.enabled() and settings.CSRF_COOKIE_NAME not in request.COOKIES


def _keys(article_id: int, thread_id: int) -> list[str]:
    return [cdn_headers.article_key(article_id), cdn_headers.thread_key(thread_id)]


def _serve_html(
    request: HttpRequest,
    family: str,
    version: int,
    render: Callable[[], HttpResponseBase],
    keys: list[str],
) -> tuple[HttpResponseBase, Entry | None, str]:
    """The page, from the cache or rendered into it, its entry and where it
    came from (``through``'s source)."""

    def build() -> tuple[Cached | None, HttpResponseBase | None]:
        response = render()
        if response.status_code != 200 or not isinstance(response, TemplateResponse):
            return None, response
        response.context_data = {
            **(response.context_data or {}),
            "csrf_token": CSRF_PLACEHOLDER,
        }
        response.render()
        content = response.content
        packed = compression.pack(content, CSRF_PLACEHOLDER.encode())
        return (packed, response["Content-Type"], cdn_headers.etag(content)), None

    entry, source, own = through(family, version, build)
    if entry is None:
        assert own is not None
        return own, None, source
    return _html_response(request, entry[2], source, keys), entry, source


def serve_article(
    request: HttpRequest,
    article: Any,
    thread: Any,
    render: Callable[[], HttpResponseBase],
) -> HttpResponseBase:
    """An article page for an anonymous reader, rendered at most once per change.

    Also remembers which article and thread the URL showed, so the next
    request for it can be answered by ``serve_known_article`` before Wagtail
    routes it through the page tree.
    """
    family = article_key(article.pk, article.last_published_at, request.get_full_path())
    response, entry, source = _serve_html(
        request,
        family,
        thread.version,
        render,
        _keys(article.pk, thread.pk),
    )
    if response.status_code == 200 and entry is not None:
        route = {
            "article": article.pk,
            "thread": thread.pk,
            "url_path": article.url_path,
            "tree_path": article.path,
            "model": article._meta.label_lower,
        }
        cache.set(_route_key(request), route, seconds())
        _offer_to_front(
            route, family, entry, article.last_published_at, source == "miss"
        )
    return response


def _current(route: dict[str, Any]) -> Any:
    """The thread's version and the article's publication time, while the
    URL still shows that article: live, at the same URL, and neither it nor
    an ancestor restricted (what Wagtail's routing would check)."""
    from wagtail.models import PageViewRestriction

    from dateline.discussion.models import Thread

    tree_path = route["tree_path"]
    ancestors = [tree_path[:end] for end in range(4, len(tree_path) + 1, 4)]
    return (
        Thread.objects.filter(
            pk=route["thread"],
            article_id=route["article"],
            article__live=True,
            article__url_path=route["url_path"],
        )
        .exclude(Exists(PageViewRestriction.objects.filter(page__path__in=ancestors)))
        .values_list("version", "article__last_published_at")
    )


# ``_current``'s SQL by route: the ORM took a millisecond to compile it, and
# a page built ran it three times.
_current_sqls: dict[tuple[Any, ...], tuple[str, tuple[Any, ...]]] = {}
CURRENT_SQLS_MAX = 256


def _current_sql(route: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
    key = (route["thread"], route["article"], route["url_path"], route["tree_path"])
    found = _current_sqls.get(key)
    if found is None:
        text, params = _current(route)[:1].query.sql_with_params()
        found = (text, tuple(params))
        if len(_current_sqls) >= CURRENT_SQLS_MAX:
            _current_sqls.clear()
        _current_sqls[key] = found
    return found


def _row(text: str, params: Any, using: str) -> tuple[Any, ...] | None:
    """The first row of a query, as the driver gives it (what the front
    compares)."""
    with connections[using].cursor() as cursor:
        cursor.execute(text, params)
        row = cursor.fetchone()
    return None if row is None else tuple(row)


def _published(value: Any, db: Any) -> Any:
    """A publication time from the driver as the ORM gives it (SQLite's is text)."""
    if isinstance(value, str):
        value = db.ops.convert_datetimefield_value(value, None, db)
    return value


def _offer_to_front(
    route: dict[str, Any],
    family: str,
    entry: Entry,
    published: dt.datetime | None,
    built_here: bool = False,
) -> None:
    """Hand the page to ``front.py``, with the query that says it is current.

    The front answers with it while that query gives the version and
    publication time it was built at, and within the stale window after
    the version moves (``front.Offer``). ``published`` is the publication
    time the page was built for: a page of another one is not handed over.
    """
    from dateline.discussion import front

    if not front.listening():
        return
    # On the primary, as the front's own query (not a lagging replica's),
    # read after the build: a republication in between is seen.
    text, params = _current_sql(route)
    row = _row(text, params, DEFAULT_DB_ALIAS)
    if row is None or _published(row[1], connection) != published:
        return
    version, built_at, (packed, _type, etag) = entry
    # The publication as the driver gives it.
    _hand_over(
        family,
        packed,
        etag,
        built_at,
        text,
        params,
        (version, row[1]),
        built_here=built_here,
    )


def serve_known_article(request: HttpRequest) -> HttpResponseBase | None:
    """The page for a URL that showed an article: cached, or built without
    Wagtail's walk down the page tree (``_build_known``).

    One query checks what Wagtail's routing would: the page is still live at
    the same URL and neither it nor an ancestor has gained a view
    restriction. It also reads the thread's version and the publication
    time, which are part of the page's key.
    """
    route = cache.get(_route_key(request))
    if route is None:
        return None
    from dateline.discussion.models import Thread

    using = sql.reading(Thread)
    current = _row(*_current_sql(route), using)
    if current is None:
        return None
    version, last_published_at = current[0], _published(current[1], connections[using])
    family = article_key(route["article"], last_published_at, request.get_full_path())
    entry, source = known(family, version)
    if entry is None:
        return _build_known(request, route)
    _offer_to_front(route, family, entry, last_published_at)
    return _html_response(
        request, entry[2], source, _keys(route["article"], route["thread"])
    )


def _build_known(
    request: HttpRequest, route: dict[str, Any]
) -> HttpResponseBase | None:
    """The article's own view, without Wagtail's walk down the page tree
    (a query and a page per level, and the site's: 7 ms of a 55 ms build).

    ``_current`` has just checked what the walk would (the page is live at
    this URL, and neither it nor an ancestor restricted), and the request is
    a GET, which every page allows; so the page serves itself, as Wagtail's
    ``serve`` view would have it do. None (Wagtail routes the request) for a
    route remembered before its model was, or a page gone meanwhile.
    """
    label = route.get("model")
    if not label:
        return None
    try:
        model = apps.get_model(label)
    except LookupError:
        return None
    page = model.objects.filter(pk=route["article"], live=True).first()
    if page is None:
        return None
    response: HttpResponseBase = page.serve(request)
    return response


def serve_bytes(
    request: HttpRequest,
    family: str,
    version: int,
    build: Callable[[], bytes],
    *,
    content_type: str,
    keys: list[str],
    current: tuple[str, list[Any]] | None = None,
) -> HttpResponseBase:
    """A response whose body is cached as is (API payloads for anonymous
    readers): ``family`` says what it shows, ``version`` the thread's.

    ``current``: a query (SQL, parameters) whose one row is the thread's
    version and something else that must stay the same (the article still
    live) for the payload to be current; with it, the payload is handed to
    the front door (``front.py``), which answers the next readers without
    Django while that row is unchanged, as it does article pages.
    """

    def packed() -> tuple[tuple[compression.Packed, str], None]:
        content = build()
        return (compression.pack(content), cdn_headers.etag(content)), None

    entry, source, _ = through(family, version, packed)
    assert entry is not None
    packed_body, tag = entry[2]
    if current is not None:
        _offer_bytes_to_front(family, entry, *current, built_here=source == "miss")
    metrics.page_cache(source)
    out, coding = encoded(request, packed_body, b"", content_type)
    out["X-Dateline-Cache"] = source
    patch_vary_headers(out, ["Cookie"])
    if cdn_conf.enabled():  # no token in it: shared whatever the cookies
        tag = compression.encoded_etag(tag, coding)
        return cdn_headers.shared(request, out, keys=keys, tag=tag)
    return out


def _offer_bytes_to_front(
    family: str, entry: Entry, text: str, params: list[Any], *, built_here: bool
) -> None:
    from dateline.discussion import front

    if not front.listening():
        return
    # On the primary, as the front's own query: not a lagging replica's.
    row = _row(text, params, DEFAULT_DB_ALIAS)
    if row is None:
        return
    version, built_at, (packed, etag) = entry
    _hand_over(
        family,
        packed,
        etag,
        built_at,
        text,
        params,
        (version, row[1]),
        token=False,
        label="thread",
        built_here=built_here,
    )


def _hand_over(
    family: str,
    packed: compression.Packed,
    etag: str,
    built_at: float,
    sql: str,
    params: Any,
    stamp: tuple[Any, ...],
    **kind: Any,
) -> None:
    """Offer the front a page, current while ``sql`` gives ``stamp``."""
    from dateline.discussion import front

    front.offer(
        front.Offer(
            family=family,
            packed=packed,
            sql=sql,
            driver_sql=front.driver_sql(sql),
            params=tuple(params),
            stamp=stamp,
            etag=etag,
            built_at=built_at,
            **kind,
        )
    )
