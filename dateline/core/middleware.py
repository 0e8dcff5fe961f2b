"""Who is asking: the client's address and scheme behind reverse proxies.

The server hands Django the address of whoever opened the connection. Behind
a reverse proxy that is the proxy, and the client is in ``X-Forwarded-For``,
a header anyone can also send themselves. So the header is read only when
the connection comes from a trusted proxy (``DATELINE_TRUSTED_PROXIES``), and
from the right: each trusted proxy appends the address it saw, so the first
address from the right that is not a trusted proxy is the client. Whatever a
client wrote further left is ignored; a spoofed header cannot dodge a ban or
a rate limit.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseBase,
)

from dateline.config import IPNetwork


def own_origin(request: HttpRequest) -> str | None:
    """``scheme://host[:port]`` of the site as this request reached it (what a
    browser sends as ``Origin`` from the site's own pages); None when the
    host is not one the site answers to (Django answers 400 further on)."""
    try:
        return f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:
        return None


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_address(
    peer: str, forwarded_for: str, proxies: Iterable[IPNetwork]
) -> tuple[str, bool]:
    """The client's address, and whether the peer was a trusted proxy."""
    proxies = tuple(proxies)

    def trusted(text: str) -> bool:
        address = _address(text)
        return address is not None and any(address in net for net in proxies)

    if not trusted(peer):
        return peer, False
    client = peer
    for hop in reversed([h for h in forwarded_for.split(",") if h.strip()]):
        if _address(hop) is None:
            break  # garbage in the chain: the last proxy we trust is all we know
        client = hop.strip()
        if not trusted(client):
            break
    return client, True


class ForwardedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.proxies = settings.DATELINE_TRUSTED_PROXIES

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        client, via_proxy = client_address(
            meta.get("REMOTE_ADDR", ""),
            meta.get("HTTP_X_FORWARDED_FOR", ""),
            self.proxies,
        )
        if via_proxy:
            meta["REMOTE_ADDR"] = client
            scheme = meta.get("HTTP_X_FORWARDED_PROTO", "").strip().lower()
            if scheme in {"http", "https"}:
                meta["wsgi.url_scheme"] = scheme
        return self.get_response(request)


class NulInUrlMiddleware:
    """A NUL byte in the path or query string is a 400, whatever route it is.

    No real link holds one, and PostgreSQL refuses it in any text it is
    compared with, so a ``/members/a%00b/`` or ``?sort=%00`` would reach the
    database and fail there (a 500) instead of being turned away here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            return HttpResponseBadRequest(
                "A web address cannot contain a NUL character.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class DocumentCSPMiddleware(CSPMiddleware):
    """django-csp's policy on every answer but JSON: a policy governs what a
    page loads and runs, and a JSON answer (sent with ``nosniff``) is never
    a page. Building it took about 5% of a comment POST's time."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        return super().process_response(request, response)
