"""A page cache for anonymous readers that a new comment, edit or vote retires.

Keys include the thread's ``version`` (read from the database on every
request, so every process sees a change at once, whatever the cache backend)
and the article's publication time. A cached page carries a placeholder where
the CSRF token goes; each response gets the reader's own token. Pages and
payloads are kept compressed (``core/compression.py``), so a hit does no
compression work whichever coding the reader accepts.

Changes elsewhere on the site (navigation, other articles) reach a cached
article page within ``DATELINE_PAGE_CACHE_SECONDS``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Exists
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers

from dateline.cdn import conf as cdn_conf
from dateline.cdn import headers as cdn_headers
from dateline.core import compression
from dateline.ops import metrics

CSRF_PLACEHOLDER = "__dateline_csrf_placeholder__"
PREFIX = "dateline:page:3:"  # 3: pages are kept packed (compression.Packed)
Cached = tuple[compression.Packed, str, str]  # page, content type, ETag


def seconds() -> int:
    return int(getattr(settings, "DATELINE_PAGE_CACHE_SECONDS", 300))


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
    article_id: int,
    last_published_at: dt.datetime | None,
    thread_version: int,
    full_path: str,
) -> str:
    return key(
        "article",
        article_id,
        last_published_at.timestamp() if last_published_at else 0,
        thread_version,
        full_path,
    )


def _route_key(request: HttpRequest) -> str:
    return key("route", request.get_host(), request.get_full_path())


def _encoded(
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
        out, coding = _encoded(request, packed, b"", content_type)
        out["X-Dateline-Cache"] = source
        tag = compression.encoded_etag(tag, coding)
        return cdn_headers.shared(request, out, keys=keys, tag=tag)
    out, _ = _encoded(request, packed, get_token(request).encode(), content_type)
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
    cache_key: str,
    render: Callable[[], HttpResponseBase],
    keys: list[str],
) -> tuple[HttpResponseBase, Cached | None]:
    """The page, from the cache or rendered into it, and what was cached."""
    cached = cache.get(cache_key)
    if cached is not None:
        return _html_response(request, cached, "hit", keys), cached
    response = render()
    if response.status_code != 200 or not isinstance(response, TemplateResponse):
        return response, None
    response.context_data = {
        **(response.context_data or {}),
        "csrf_token": CSRF_PLACEHOLDER,
    }
    response.render()
    content = response.content
    packed = compression.pack(content, CSRF_PLACEHOLDER.encode())
    cached = (packed, response["Content-Type"], cdn_headers.etag(content))
    cache.set(cache_key, cached, seconds())
    return _html_response(request, cached, "miss", keys), cached


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
    full_path = request.get_full_path()
    response, cached = _serve_html(
        request,
        article_key(article.pk, article.last_published_at, thread.version, full_path),
        render,
        _keys(article.pk, thread.pk),
    )
    if response.status_code == 200 and cached is not None:
        route = {
            "article": article.pk,
            "thread": thread.pk,
            "url_path": article.url_path,
            "tree_path": article.path,
        }
        cache.set(_route_key(request), route, seconds())
        _offer_to_front(route, cached, (thread.version, article.last_published_at))
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


def _offer_to_front(
    route: dict[str, Any],
    cached: Cached,
    shown: tuple[int, dt.datetime | None],
) -> None:
    """Hand the page to ``front.py``, with the query that says it is current.

    ``shown`` is the version and publication time the page was cached
    under: the front keeps it only if they are still the current ones (read
    after the row it will compare with, so a change in between is seen).
    """
    from dateline.discussion import front

    if not front.listening():
        return
    sql, params = _current(route)[:1].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    # On the primary, as the front's own query (not a lagging replica's).
    if row is None or _current(route).using(DEFAULT_DB_ALIAS).first() != shown:
        return
    front.offer(
        front.Offer(
            packed=cached[0],
            sql=sql,
            driver_sql=front.driver_sql(sql),
            params=tuple(params),
            stamp=tuple(row),
            etag=cached[2],
        )
    )


def serve_known_article(request: HttpRequest) -> HttpResponseBase | None:
    """The cached page for a URL that showed an article, if still current.

    One query checks what Wagtail's routing would: the page is still live at
    the same URL and neither it nor an ancestor has gained a view
    restriction. It also reads the thread's version and the publication
    time, which are part of the page's key.
    """
    route = cache.get(_route_key(request))
    if route is None:
        return None
    current = _current(route).first()
    if current is None:
        return None
    version, last_published_at = current
    cached = cache.get(
        article_key(
            route["article"], last_published_at, version, request.get_full_path()
        )
    )
    if cached is None:
        return None
    _offer_to_front(route, cached, current)
    return _html_response(
        request, cached, "hit", _keys(route["article"], route["thread"])
    )


def serve_bytes(
    request: HttpRequest,
    cache_key: str,
    build: Callable[[], bytes],
    *,
    content_type: str,
    keys: list[str],
) -> HttpResponseBase:
    """A response whose body is cached as is (API payloads for anonymous readers)."""
    cached = cache.get(cache_key)
    source = "hit"
    if cached is None:
        content = build()
        cached = (compression.pack(content), cdn_headers.etag(content))
        cache.set(cache_key, cached, seconds())
        source = "miss"
    packed, tag = cached
    metrics.page_cache(source)
    out, coding = _encoded(request, packed, b"", content_type)
    out["X-Dateline-Cache"] = source
    patch_vary_headers(out, ["Cookie"])
    if cdn_conf.enabled():  # no token in it: shared whatever the cookies
        tag = compression.encoded_etag(tag, coding)
        return cdn_headers.shared(request, out, keys=keys, tag=tag)
    return out
