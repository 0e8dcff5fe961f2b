"""Prometheus metrics at ``/metrics``: off unless a token or a network is set.

Counters and histograms are kept by ``prometheus_client``. The web server's
worker processes each keep their own, in files under
``PROMETHEUS_MULTIPROC_DIR`` (``python -m dateline serve`` makes a fresh one
per server), and ``/metrics`` adds them up. Gauges that describe the whole
site (the moderation queue, waiting tasks) are read from the database when
Prometheus asks; apps register them with :func:`at_scrape`.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import secrets
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector

from dateline.core.events import CommentPosted

log = logging.getLogger(__name__)

REQUESTS = Counter(
    "dateline_http_requests",
    "Requests answered, by route, method and status.",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "dateline_http_request_duration_seconds",
    "Time to answer, by route.",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
COMMENTS = Counter(
    "dateline_comments_posted",
    "Comments posted, by what moderation decided (approve, flag, hold, ...).",
    ["decision"],
)
DECISIONS = Counter(
    "dateline_moderation_decisions",
    "Screened comments and edits, by decision (approve, flag, reconsider, "
    "hold, reject).",
    ["decision"],
)
PAGE_CACHE = Counter(
    "dateline_page_cache_lookups",
    "Anonymous pages and payloads looked up in the page cache, by result.",
    ["result"],
)

Reading = Callable[[], float | dict[str, float]]
_at_scrape: dict[str, tuple[str, str, Reading]] = {}


def at_scrape(name: str, documentation: str, read: Reading, label: str = "") -> None:
    """A gauge read when Prometheus asks: a number, or numbers by ``label``."""
    _at_scrape[name] = (documentation, label, read)


class _ScrapeCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        for name, (documentation, label, read) in _at_scrape.items():
            try:
                value = read()
            except Exception:  # one broken gauge must not hide the rest
                log.exception("metric %s could not be read", name)
                continue
            if isinstance(value, dict):
                family = GaugeMetricFamily(name, documentation, labels=[label])
                for key, number in sorted(value.items()):
                    family.add_metric([key], number)
            else:
                family = GaugeMetricFamily(name, documentation, value=value)
            yield family


def enabled() -> bool:
    return bool(settings.DATELINE_METRICS_TOKEN or settings.DATELINE_METRICS_NETWORKS)


def allowed(request: HttpRequest) -> bool:
    """The request carries the token, or comes from an allowed network."""
    token = settings.DATELINE_METRICS_TOKEN
    sent = request.headers.get("Authorization", "")
    if token and secrets.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    try:
        client = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(client in network for network in settings.DATELINE_METRICS_NETWORKS)


def exposition() -> bytes:
    """Every metric, in Prometheus' text format."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=folder)
    else:
        registry = REGISTRY
    registry_copy = CollectorRegistry()
    registry_copy.register(_ScrapeCollector())
    return generate_latest(registry) + generate_latest(registry_copy)


def _route(request: HttpRequest, response: HttpResponseBase) -> str:
    """The URL pattern, not the URL: a bounded set of label values."""
    if response.get("X-Dateline-Cache") and not getattr(
        request, "resolver_match", None
    ):  # answered, or built, before the URL was resolved
        return "article (page cache)"
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    if match.url_name == "wagtail_serve":
        return "page"
    return "/" + (match.route or match.view_name or "unknown").lstrip("^")


class MetricsMiddleware:
    """Counts every answer and times it, by route (only when metrics are on)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response
        self.on = enabled()

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not self.on:
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        route = _route(request, response)
        REQUESTS.labels(route, request.method or "", str(response.status_code)).inc()
        LATENCY.labels(route).observe(time.perf_counter() - started)
        return response


def comment_posted(event: CommentPosted) -> None:
    COMMENTS.labels(event.decision).inc()


def moderation_decision(decision: str) -> None:
    DECISIONS.labels(decision).inc()


def page_cache(result: str) -> None:
    PAGE_CACHE.labels(result).inc()


def pool_use() -> dict[str, float]:
    """This process's PostgreSQL pool: connections in use and idle."""
    from django.db import connection

    pool: Any = getattr(connection, "pool", None)
    if pool is None:
        return {}
    stats = pool.get_stats()
    size = float(stats.get("pool_size", 0))
    idle = float(stats.get("pool_available", 0))
    return {"in_use": size - idle, "idle": idle, "max": float(pool.max_size)}
