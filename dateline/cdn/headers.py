"""What a response tells the caches between the site and the reader."""

from __future__ import annotations

import hashlib

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import get_conditional_response, patch_vary_headers

from dateline.cdn import conf


def etag(content: bytes) -> str:
    """A strong validator: the same bytes, the same tag."""
    return '"' + hashlib.blake2b(content, digest_size=16).hexdigest() + '"'


def thread_key(thread_id: int) -> str:
    return f"thread-{thread_id}"


def article_key(article_id: int) -> str:
    return f"article-{article_id}"


def shared(
    request: HttpRequest, response: HttpResponse, *, keys: list[str], tag: str
) -> HttpResponse:
    """Mark ``response`` as one a shared cache may keep, purged by ``keys``.

    Browsers revalidate every time (``max-age=0``) and get a 304 when the
    ``ETag`` still matches; a shared cache keeps the page for ``s-maxage``
    and may serve it ``stale-while-revalidate`` longer while it asks again.
    ``Surrogate-Key`` names the keys for CDNs (Fastly's name), ``xkey`` for
    Varnish; a comment, edit, vote or moderation decision purges them
    (``actions.py``).
    """
    response["Cache-Control"] = (
        f"public, max-age=0, s-maxage={conf.max_age()}, "
        f"stale-while-revalidate={conf.stale_seconds()}"
    )
    response["ETag"] = tag
    response["Surrogate-Key"] = " ".join(keys)
    response["xkey"] = " ".join(keys)
    patch_vary_headers(response, ["Cookie"])
    answer = get_conditional_response(request, etag=tag, response=response)
    return response if answer is None else answer


def private(response: HttpResponseBase) -> HttpResponseBase:
    """A page made for one reader (it carries their CSRF token): said so
    when shared caches are in use, else left as it is."""
    if conf.enabled():
        response["Cache-Control"] = "private, no-cache"
    return response
