"""A page cache for anonymous readers that a new comment, edit or vote retires.

Keys include the thread's ``version`` (read from the database on every
request, so every process sees a change at once, whatever the cache backend)
and the article's publication time. A cached page carries a placeholder where
the CSRF token goes; each response gets the reader's own token.

Changes elsewhere on the site (navigation, other articles) reach a cached
article page within ``DATELINE_PAGE_CACHE_SECONDS``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers

CSRF_PLACEHOLDER = "__dateline_csrf_placeholder__"
PREFIX = "dateline:page:"


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


def serve_html(
    request: HttpRequest, cache_key: str, render: Callable[[], HttpResponseBase]
) -> HttpResponseBase:
    cached = cache.get(cache_key)
    if cached is None:
        response = render()
        if response.status_code != 200 or not isinstance(response, TemplateResponse):
            return response
        response.context_data = {
            **(response.context_data or {}),
            "csrf_token": CSRF_PLACEHOLDER,
        }
        response.render()
        cached = (response.content, response["Content-Type"])
        cache.set(cache_key, cached, seconds())
        source = "miss"
    else:
        source = "hit"
    content, content_type = cached
    out = HttpResponse(
        content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode()),
        content_type=content_type,
    )
    out["X-Dateline-Cache"] = source
    patch_vary_headers(out, ["Cookie"])
    return out


def serve_bytes(
    cache_key: str, build: Callable[[], bytes], *, content_type: str
) -> HttpResponse:
    """A response whose body is cached as is (API payloads for anonymous readers)."""
    content = cache.get(cache_key)
    source = "hit"
    if content is None:
        content = build()
        cache.set(cache_key, content, seconds())
        source = "miss"
    out = HttpResponse(content, content_type=content_type)
    out["X-Dateline-Cache"] = source
    patch_vary_headers(out, ["Cookie"])
    return out
