"""``/healthz`` (the process answers) and ``/readyz`` (it can serve).

For load balancers and orchestrators: neither is cached, neither needs a
session, and ``/readyz`` says in JSON which dependency is missing.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from dateline.ops import selectors


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    checks = selectors.readiness()
    ready = all(check.ok for check in checks)
    return JsonResponse(
        {
            "ready": ready,
            "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks},
        },
        status=200 if ready else 503,
    )
