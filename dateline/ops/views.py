"""``/healthz`` (the process answers) and ``/readyz`` (it can serve).

For load balancers and orchestrators: neither is cached, neither needs a
session, and ``/readyz`` says in JSON which dependency is missing.
"""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from dateline.ops import metrics, selectors

log = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    checks = selectors.readiness()
    ready = all(check.ok for check in checks)
    response = JsonResponse(
        {
            "ready": ready,
            "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks},
        },
        status=200 if ready else 503,
    )
    if not ready:
        # Not an error of this request: a probe asks every few seconds, and
        # a process loading its model says no for a second or two at start.
        failing = ", ".join(f"{c.name} ({c.detail})" for c in checks if not c.ok)
        log.warning("not ready: %s", failing)
        response._has_been_logged = True  # type: ignore[attr-defined]  # by Django
    return response


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus' text format, for the token or the allowed networks only."""
    if not metrics.enabled():
        raise Http404("metrics are off (DATELINE_METRICS_TOKEN / _NETWORKS)")
    if not metrics.allowed(request):
        refused = HttpResponse("not allowed\n", status=403, content_type="text/plain")
        refused["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return refused
    return HttpResponse(
        metrics.exposition(), content_type="text/plain; version=0.0.4; charset=utf-8"
    )
