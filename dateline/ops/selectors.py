"""Is this instance ready to serve? One check per dependency, each with a reason."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q
from django.utils import timezone

from dateline.ops import conf
from dateline.ops.models import WorkerHeartbeat


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


_migrated = False


def database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return Check("database", False, f"unreachable: {exc}".strip()[:200])
    return Check("database", True, connection.vendor)


def migrations() -> Check:
    """Every migration applied (asked until the answer is yes once)."""
    global _migrated
    if not _migrated:
        try:
            executor = MigrationExecutor(connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except DatabaseError as exc:
            return Check("migrations", False, f"unknown: {exc}".strip()[:200])
        if plan:
            return Check("migrations", False, f"{len(plan)} not applied")
        _migrated = True
    return Check("migrations", True, "applied")


def cache_check() -> Check:
    key = f"dateline:readyz:{secrets.token_hex(4)}"
    try:
        ping = getattr(cache, "ping", None)
        if ping is not None:
            ping()  # the resilient Redis cache answers misses while Redis is away
        cache.set(key, 1, timeout=5)
        found = cache.get(key)
        cache.delete(key)
    except Exception as exc:  # any backend's failure is the answer
        return Check("cache", False, f"unreachable: {exc}".strip()[:200])
    if found != 1:
        return Check("cache", False, "a value set was not read back")
    backend = settings.CACHES["default"]["BACKEND"]
    return Check("cache", True, backend.rsplit(".", 1)[-1])


def worker() -> Check | None:
    """A worker's heartbeat, when tasks wait in the database for one."""
    backend = settings.TASKS["default"]["BACKEND"]
    if not backend.startswith("django_tasks_db."):
        return None  # tasks run in the web process itself
    since = timezone.now() - dt.timedelta(seconds=conf.heartbeat_max_age())
    try:
        latest = (
            WorkerHeartbeat.objects.order_by("-seen_at")
            .values_list("seen_at", flat=True)
            .first()
        )
    except DatabaseError as exc:
        return Check("worker", False, f"unknown: {exc}".strip()[:200])
    if latest is None:
        return Check("worker", False, "no worker has started (manage.py worker)")
    if latest < since:
        age = int((timezone.now() - latest).total_seconds())
        return Check("worker", False, f"last heartbeat {age} s ago")
    return Check("worker", True, "heartbeat recent")


_also: list[tuple[str, Callable[[], tuple[bool, str] | None]]] = []


def also_check(name: str, check: Callable[[], tuple[bool, str] | None]) -> None:
    """Another app's readiness check, registered from its ``ready()``: it
    answers (ok, detail), or None when it does not apply."""
    _also.append((name, check))


def readiness() -> list[Check]:
    checks = [database()]
    if checks[0].ok:
        checks.append(migrations())
    checks.append(cache_check())
    if checks[0].ok:
        found = worker()
        if found is not None:
            checks.append(found)
    for name, check in _also:
        answer = check()
        if answer is not None:
            checks.append(Check(name, *answer))
    return checks


def _waiting() -> Any:
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status=TaskResultStatus.READY)


def tasks_waiting() -> float:
    if "django_tasks_db" not in settings.INSTALLED_APPS:
        return 0.0
    return float(_waiting().count())


def task_lag_seconds() -> float:
    """Seconds since the oldest waiting task could have run (0: none waits)."""
    if "django_tasks_db" not in settings.INSTALLED_APPS:
        return 0.0
    now = timezone.now()
    oldest = (
        _waiting()
        .filter(Q(run_after__isnull=True) | Q(run_after__lte=now))
        .order_by("enqueued_at")
        .values_list("enqueued_at", flat=True)
        .first()
    )
    return max(0.0, (now - oldest).total_seconds()) if oldest else 0.0
