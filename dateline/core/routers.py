"""Reads from a PostgreSQL streaming replica, when one is configured.

Only what a reader's GET reads goes to the replica, and only when the
request allows it (:class:`ReplicaMiddleware`): everything else (writes,
the reads inside them, background tasks, commands, migrations) uses the
primary. A browser that has just written (a comment, a vote, signing in)
is pinned to the primary for ``DATELINE_REPLICA_PIN_SECONDS`` by a cookie,
so its next pages show what it wrote even while the replica lags.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase

PIN_COOKIE = "dateline_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_replica_allowed = contextvars.ContextVar("replica_allowed", default=False)


class PrimaryReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str:
        return "replica" if _replica_allowed.get() else "default"

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return "default"

    def allow_relation(self, first: Any, second: Any, **hints: Any) -> bool:
        return True  # one database, two copies

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"


class ReplicaMiddleware:
    """Lets a reader's GET read from the replica, and pins writers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if "replica" not in settings.DATABASES:
            return self.get_response(request)
        reading = request.method in SAFE_METHODS and PIN_COOKIE not in request.COOKIES
        token = _replica_allowed.set(reading)
        try:
            response = self.get_response(request)
        finally:
            _replica_allowed.reset(token)
        if request.method not in SAFE_METHODS and response.status_code < 400:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.DATELINE_REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
