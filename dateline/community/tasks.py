"""Background work of the community app, enqueued after a discussion commit."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
import time
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django_tasks import task

_batch = threading.local()
log = logging.getLogger(__name__)
TURN_PREFIX = "dateline:standings-turn:"

# Members whose refresh is queued in this process and has not started yet.
# A refresh reads the history when it starts, so a further event for one of
# them needs no refresh of its own: a burst of votes on one member's comment
# costs one refresh, not one each. Only for backends that run tasks in this
# process; a worker elsewhere could not tell us when it starts.
_queued: set[int] = set()
_queued_lock = threading.Lock()
# When each member's last refresh here started (time.monotonic()). A member
# refreshed less than DATELINE_STANDINGS_REFRESH_MS ago waits until the time
# is up: under a storm of votes on their comments they are refreshed every
# ten seconds, not once per vote (each refresh reads their whole history:
# about 10 ms for an active member, measured under `BENCH_SCENARIO=storm`).
_started: dict[int, float] = {}
KEEP_MEMBERS = 10_000  # members _started and _deferred remember, at most


def _every() -> float:
    return int(getattr(settings, "DATELINE_STANDINGS_REFRESH_MS", 10_000)) / 1000


@task()
def refresh_standings(member_ids: list[int]) -> None:
    from dateline.community import actions

    with _queued_lock:
        _queued.difference_update(member_ids)
        now = time.monotonic()
        if len(_started) > KEEP_MEMBERS:
            _started.clear()  # forgetting only lets a refresh come sooner
        _started.update(dict.fromkeys(member_ids, now))
    actions.standings_refresh(member_ids=member_ids)


def _runs_here() -> bool:
    from dateline.core.tasks import ThreadBackend

    return isinstance(refresh_standings.get_backend(), ThreadBackend)


def _send(ids: list[int]) -> None:
    refresh_standings.enqueue(ids)


# With a worker elsewhere: members this process has queued a deferred
# refresh for, and when it will run (time.time()).
_deferred: dict[int, float] = {}


def _send_deferred(ids: list[int]) -> None:
    """For a worker elsewhere: one refresh per member per interval, run when
    the interval is up, so it reads every change made meanwhile; one for all
    the processes sharing the cache, mostly (``_first_in_turn``)."""
    every = _every()
    if every <= 0:
        _send(ids)
        return
    now = time.time()
    with _queued_lock:
        if len(_deferred) > KEEP_MEMBERS:
            _deferred.clear()
        ids = [pk for pk in ids if _deferred.get(pk, 0.0) <= now]
    marked = _first_in_turn(ids, now, every)
    with _queued_lock:
        # Held back by another process's mark: covered until the turn ends.
        _deferred.update(dict.fromkeys(ids, (now // every + 1) * every))
        _deferred.update(dict.fromkeys(marked, now + every))
    ids = marked
    if ids:
        later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=every)
        refresh_standings.using(run_after=later).enqueue(ids)


def _first_in_turn(ids: list[int], now: float, every: float) -> list[int]:
    """Those of ``ids`` no other process has deferred a refresh for in this
    turn (``every`` seconds, counted from the epoch), marked in the shared
    cache. A change here that another process's mark holds back is still
    read: that refresh runs ``every`` after the mark, so after the turn
    ends, and so after this change; a change after the turn ends marks the
    next one. Without it each instance queued its own refresh of every
    member (the worker's main load in a storm, with two instances)."""
    turn = int(now // every)
    marked = []
    for pk in ids:
        key = f"{TURN_PREFIX}{pk}:{turn}"
        try:
            # Not added and not there: the cache is away (production's
            # answers False then), so refresh, as a lone process would.
            if cache.add(key, 1, timeout=int(every) + 1) or cache.get(key) is None:
                marked.append(pk)
        except Exception:
            log.warning("could not mark the standings' refresh turn", exc_info=True)
            marked.append(pk)
    return marked


def _enqueue(ids: list[int]) -> None:
    if not _runs_here():
        if refresh_standings.get_backend().supports_defer:
            _send_deferred(ids)
        else:
            _send(ids)
        return
    now = time.monotonic()
    with _queued_lock:
        ids = [pk for pk in ids if pk not in _queued]
        _queued.update(ids)
        due = max((_started.get(pk, -1e9) + _every() for pk in ids), default=now)
    if not ids:
        return
    if due > now:
        timer = threading.Timer(due - now, _send, args=(ids,))
        timer.daemon = True
        timer.start()
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
