"""The client's address and scheme come from proxy headers only via trusted proxies."""

from __future__ import annotations

import ipaddress

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from dateline import config
from dateline.core.middleware import ForwardedMiddleware, client_address

PROXIES = (
    ipaddress.ip_network("127.0.0.1"),
    ipaddress.ip_network("10.0.0.0/8"),
)


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        # Straight from the internet: the header is the client's own word.
        ("203.0.113.9", "198.51.100.1", ("203.0.113.9", False)),
        # One proxy: it appended the address it saw.
        ("127.0.0.1", "203.0.113.9", ("203.0.113.9", True)),
        # A spoofed left part is skipped: the proxy's entry is on the right.
        ("127.0.0.1", "6.6.6.6, 203.0.113.9", ("203.0.113.9", True)),
        # Two trusted proxies in a row.
        ("127.0.0.1", "6.6.6.6, 203.0.113.9, 10.1.2.3", ("203.0.113.9", True)),
        # Every hop trusted: the leftmost is as far as we can see.
        ("127.0.0.1", "10.0.0.5, 10.1.2.3", ("10.0.0.5", True)),
        # Garbage stops the walk at the last address a trusted proxy gave.
        ("127.0.0.1", "203.0.113.9, not-an-ip, 10.1.2.3", ("10.1.2.3", True)),
        # A trusted proxy that sent no header is itself the client.
        ("127.0.0.1", "", ("127.0.0.1", True)),
        ("2001:db8::1", "203.0.113.9", ("2001:db8::1", False)),
    ],
)
def test_client_address(peer, forwarded, expected):
    assert client_address(peer, forwarded, PROXIES) == expected


def _through_middleware(settings, **meta):
    settings.DATELINE_TRUSTED_PROXIES = PROXIES
    seen = {}

    def view(request):
        seen["address"] = request.META["REMOTE_ADDR"]
        seen["secure"] = request.is_secure()
        return HttpResponse()

    ForwardedMiddleware(view)(RequestFactory().get("/", **meta))
    return seen


def test_middleware_believes_a_trusted_proxy(settings):
    seen = _through_middleware(
        settings,
        REMOTE_ADDR="10.9.9.9",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",
        HTTP_X_FORWARDED_PROTO="https",
    )
    assert seen == {"address": "203.0.113.9", "secure": True}


def test_middleware_ignores_headers_from_anyone_else(settings):
    seen = _through_middleware(
        settings,
        REMOTE_ADDR="198.51.100.7",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
        HTTP_X_FORWARDED_PROTO="https",
    )
    assert seen == {"address": "198.51.100.7", "secure": False}


def test_malformed_proxy_list_is_one_clear_error(monkeypatch):
    monkeypatch.setenv("DATELINE_TRUSTED_PROXIES", "10.0.0.0/8, proxy.local")
    with pytest.raises(config.ConfigError, match="DATELINE_TRUSTED_PROXIES must list"):
        config.networks("DATELINE_TRUSTED_PROXIES", [])
    monkeypatch.setenv("DATELINE_TRUSTED_PROXIES", "10.0.0.0/8, ::1")
    assert len(config.networks("DATELINE_TRUSTED_PROXIES", [])) == 2
