"""Helpers for the concurrency tests (PostgreSQL only)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import connections


def in_parallel(jobs: list[Callable[[], Any]], workers: int = 8) -> list[Any]:
    """Run the jobs on ``workers`` threads at once, each with its own connection."""

    def run(job: Callable[[], Any]) -> Any:
        try:
            return job()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, jobs))
