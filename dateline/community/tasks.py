"""Background work of the community app, enqueued after a discussion commit."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator

from django.db import transaction
from django_tasks import task

_batch = threading.local()


@task()
def refresh_standings(member_ids: list[int]) -> None:
    from dateline.community import actions

    actions.standings_refresh(member_ids=member_ids)


def members_changed(member_ids: Iterable[int | None]) -> None:
    """Bring these members' ledger, rank and badges up to date after commit."""
    ids = sorted({pk for pk in member_ids if pk})
    if not ids:
        return
    pending = getattr(_batch, "pending", None)
    if pending is not None:
        pending.update(ids)
        return
    transaction.on_commit(lambda: refresh_standings.enqueue(ids))


@contextlib.contextmanager
def batched() -> Iterator[set[int]]:
    """Collect changed members and refresh each once at the end (importers, demo)."""
    outer = getattr(_batch, "pending", None)
    if outer is not None:
        yield outer
        return
    pending: set[int] = set()
    _batch.pending = pending
    try:
        yield pending
    finally:
        _batch.pending = None
    if pending:
        from dateline.community import actions

        actions.standings_refresh(member_ids=sorted(pending))
