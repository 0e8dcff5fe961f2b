"""Background work of the community app, enqueued after a discussion commit."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator

from django.db import transaction
from django_tasks import task

_batch = threading.local()

# Members whose refresh is queued in this process and has not started yet.
# A refresh reads the history when it starts, so a further event for one of
# them needs no refresh of its own: a burst of votes on one member's comment
# costs one refresh, not one each. Only for backends that run tasks in this
# process; a worker elsewhere could not tell us when it starts.
_queued: set[int] = set()
_queued_lock = threading.Lock()


@task()
def refresh_standings(member_ids: list[int]) -> None:
    from dateline.community import actions

    with _queued_lock:
        _queued.difference_update(member_ids)
    actions.standings_refresh(member_ids=member_ids)


def _runs_here() -> bool:
    from dateline.core.tasks import ThreadBackend

    return isinstance(refresh_standings.get_backend(), ThreadBackend)


def _send(ids: list[int]) -> None:
    refresh_standings.enqueue(ids)


def _enqueue(ids: list[int]) -> None:
    if _runs_here():
        with _queued_lock:
            ids = [pk for pk in ids if pk not in _queued]
            _queued.update(ids)
        if not ids:
            return
    _send(ids)


def members_changed(member_ids: Iterable[int | None]) -> None:
    """Bring these members' ledger, rank and badges up to date after commit."""
    ids = sorted({pk for pk in member_ids if pk})
    if not ids:
        return
    pending = getattr(_batch, "pending", None)
    if pending is not None:
        pending.update(ids)
        return
    transaction.on_commit(lambda: _enqueue(ids))


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
