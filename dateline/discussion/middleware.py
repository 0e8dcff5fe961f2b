"""Cached article pages before Wagtail routing; what the API lets write."""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.http import is_same_domain
from django.utils.translation import gettext as _

from dateline.core.middleware import own_origin
from dateline.discussion import pagecache
from dateline.discussion.views import GUEST_COOKIE

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


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


def _json_refusal(status: int, code: str, message: str) -> HttpResponse:
    body = {"code": code, "message": message, "fields": {}}
    return HttpResponse(
        json.dumps(body), status=status, content_type="application/json"
    )


def origin_allowed(request: HttpRequest, origin: str) -> bool:
    """The site itself, or an origin in ``CSRF_TRUSTED_ORIGINS`` (wildcards too)."""
    if origin == "null":  # sandboxed frames, local files: never trusted
        return False
    own = own_origin(request)
    if own is None:
        return False
    if origin == own or origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    asked = urlsplit(origin)
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        if "://*." not in trusted:
            continue
        scheme, pattern = trusted.split("://", 1)
        if asked.scheme == scheme and is_same_domain(asked.netloc, pattern[1:]):
            return True
    return False


class ApiWriteGuardMiddleware:
    """Writes to the JSON API come as JSON, from this site or a program.

    A web page elsewhere can make its visitors' browsers send a POST with
    ``mode: 'no-cors'`` and a "simple" content type (``text/plain``, form
    encodings), without a CORS preflight and without cookies, which the
    cookie-only CSRF check let through. So, for every write under /api/:

    - a body must be ``application/json`` (or ``+json``), else 415;
    - a request a browser marks as coming from another site (``Origin``
      not this site nor in ``CSRF_TRUSTED_ORIGINS``, or ``Sec-Fetch-Site``
      ``cross-site``/``same-site`` without such an origin) is refused, 403;
    - a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is refused, 413, as JSON.

    Programs (no ``Origin``, no ``Sec-Fetch-*`` headers) and pages on an
    allowed origin keep working. Runs before the session and CSRF
    middleware, so a refused request reads nothing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response
        self.prefix = ""

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method in SAFE_METHODS:
            return self.get_response(request)
        if not self.prefix:  # "/api/" unless the site moved it
            self.prefix = reverse("api:openapi-json").rsplit("/", 1)[0] + "/"
        if not request.path.startswith(self.prefix):
            return self.get_response(request)
        refusal = self.refusal(request)
        return refusal if refusal is not None else self.get_response(request)

    def refusal(self, request: HttpRequest) -> HttpResponse | None:
        origin = request.headers.get("Origin")
        site = request.headers.get("Sec-Fetch-Site", "")
        if origin is not None:
            if not origin_allowed(request, origin):
                return _json_refusal(
                    403,
                    "cross_origin",
                    _("Writes from another site are not accepted (origin %(o)s).")
                    % {"o": origin[:200]},
                )
        elif site in ("cross-site", "same-site"):
            return _json_refusal(
                403, "cross_origin", _("Writes from another site are not accepted.")
            )
        length = _int(request.META.get("CONTENT_LENGTH"))
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        if length or chunked:
            kind = request.content_type or ""
            if kind != "application/json" and not kind.endswith("+json"):
                return _json_refusal(
                    415,
                    "unsupported_media_type",
                    _("Send the body as JSON, with Content-Type: application/json."),
                )
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            return _json_refusal(
                413,
                "too_large",
                _("The request is larger than %(n)s bytes.") % {"n": limit},
            )
        return None


def _int(text: str | None) -> int:
    try:
        return max(0, int(text or 0))
    except ValueError:
        return 0
