"""Answer anonymous requests for cached article pages before Wagtail routing."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from dateline.discussion import pagecache
from dateline.discussion.views import GUEST_COOKIE


class CachedArticleMiddleware:
    """A hit costs one query instead of Wagtail's walk down the page tree.

    Sits after the session, CSRF and message middleware (whose cookies decide
    whether a request may be served from the cache) and before those that
    add headers to every response (CSP, frame options), which still run.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if pagecache.cacheable(request, guest_cookie=GUEST_COOKIE):
            response = pagecache.serve_known_article(request)
            if response is not None:
                return response
        return self.get_response(request)
