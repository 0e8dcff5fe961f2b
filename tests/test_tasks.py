"""The embedded task backend runs work in a background thread, in order."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import pytest
from django_tasks import task

from dateline.core.tasks import ThreadBackend

ran: list[tuple[str, str]] = []
gate = threading.Event()
done = threading.Event()


@task()
def remember(label: str) -> None:
    gate.wait(5)
    ran.append((label, threading.current_thread().name))
    if len(ran) == 3:
        done.set()


@pytest.mark.django_db(transaction=True)  # outside a transaction: start at once
def test_tasks_run_after_enqueue_returns_in_order_off_the_request_thread():
    backend = ThreadBackend("test", {"OPTIONS": {}})
    results = [backend.enqueue(remember, [label], {}) for label in "abc"]
    # enqueue returned while the first task is still held at the gate.
    assert ran == []
    assert all(r.status == "READY" or r.status == "RUNNING" for r in results)
    gate.set()
    assert done.wait(5)
    assert [label for label, _thread in ran] == ["a", "b", "c"]
    assert all(name.startswith("tasks") for _label, name in ran)
    deadline = time.monotonic() + 5  # the last status is set just after it returns
    while results[-1].status != "SUCCESSFUL" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert all(r.status == "SUCCESSFUL" for r in results)


noted: list[str] = []
noted_event = threading.Event()


@task()
def note(label: str) -> None:
    noted.append(label)
    noted_event.set()


@pytest.mark.django_db
def test_a_task_enqueued_in_a_transaction_starts_when_it_commits(
    django_capture_on_commit_callbacks,
):
    backend = ThreadBackend("test", {"OPTIONS": {}})
    with django_capture_on_commit_callbacks(execute=False) as commit:
        backend.enqueue(note, ["after commit"], {})
    # Not even handed to the thread yet: a rollback would drop it.
    assert len(commit) == 1 and not noted_event.is_set()
    commit[0]()
    assert noted_event.wait(5)
    assert noted == ["after commit"]


def test_refreshes_queued_in_this_process_are_not_queued_twice(monkeypatch):
    from dateline.community import actions as community
    from dateline.community import tasks

    sent: list[list[int]] = []
    monkeypatch.setattr(tasks, "_runs_here", lambda: True)
    monkeypatch.setattr(tasks, "_send", sent.append)
    monkeypatch.setattr(community, "standings_refresh", lambda member_ids: None)
    monkeypatch.setattr(tasks, "_queued", set())

    tasks._enqueue([1, 2])
    tasks._enqueue([2, 3])
    tasks._enqueue([1])
    assert sent == [[1, 2], [3]]
    tasks.refresh_standings.func([1, 2])  # the refresh starts: 1 and 2 may queue again
    tasks._enqueue([1, 3])
    assert sent == [[1, 2], [3], [1]]


def test_a_member_refreshed_moments_ago_waits_for_the_next_turn(monkeypatch, settings):
    from dateline.community import actions as community
    from dateline.community import tasks

    settings.DATELINE_STANDINGS_REFRESH_MS = 2000
    sent: list[list[int]] = []
    timers: list[tuple[float, list[int]]] = []

    class Timer:
        def __init__(self, delay, function, args):
            timers.append((delay, *args))
            self.daemon = False

        def start(self):
            pass

    now = [100.0]
    monkeypatch.setattr(tasks, "_runs_here", lambda: True)
    monkeypatch.setattr(tasks, "_send", sent.append)
    monkeypatch.setattr(tasks, "threading", SimpleNamespace(Timer=Timer))
    monkeypatch.setattr(tasks, "time", SimpleNamespace(monotonic=lambda: now[0]))
    monkeypatch.setattr(community, "standings_refresh", lambda member_ids: None)
    monkeypatch.setattr(tasks, "_queued", set())
    monkeypatch.setattr(tasks, "_started", {})

    tasks._enqueue([1])  # never refreshed: at once
    assert sent == [[1]]
    tasks.refresh_standings.func([1])
    now[0] += 0.5
    tasks._enqueue([1])  # refreshed 0.5 s ago: in 1.5 s
    tasks._enqueue([1])  # already waiting: nothing more
    assert sent == [[1]]
    assert timers == [(pytest.approx(1.5), [1])]
    now[0] += 5
    tasks.refresh_standings.func([1])  # the timer's turn came
    now[0] += 3
    tasks._enqueue([1])
    assert sent == [[1], [1]]


def test_with_a_worker_elsewhere_every_refresh_is_queued(monkeypatch, settings):
    from dateline.community import tasks

    sent: list[list[int]] = []
    monkeypatch.setattr(tasks, "_runs_here", lambda: False)
    monkeypatch.setattr(tasks, "_send", sent.append)
    tasks._enqueue([1])
    tasks._enqueue([1])
    assert sent == [[1], [1]]


def test_with_a_worker_elsewhere_a_member_gets_one_deferred_refresh_per_turn(
    monkeypatch, settings
):
    from django_tasks import default_task_backend

    from dateline.community import tasks

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    settings.DATELINE_STANDINGS_REFRESH_MS = 2000
    monkeypatch.setattr(tasks, "_deferred", {})
    now = [1_000.0]
    monkeypatch.setattr(tasks, "time", SimpleNamespace(time=lambda: now[0]))
    tasks._enqueue([1, 2])
    tasks._enqueue([2])  # covered by the refresh already waiting
    now[0] += 1
    tasks._enqueue([1, 3])  # 1 still covered; 3 is new
    now[0] += 1.5
    tasks._enqueue([1])  # 1's refresh has run (its time is up): another
    queued = [result.args[0] for result in default_task_backend.results]
    assert queued == [[1, 2], [3], [1]]
    assert all(r.task.run_after is not None for r in default_task_backend.results)


def test_instances_sharing_the_cache_queue_one_deferred_refresh_per_turn(
    monkeypatch, settings
):
    """Two web instances, each with its own memory: the second's vote on the
    same member's comment, in the same turn, is read by the first's refresh;
    after the turn, a change is refreshed again."""
    from django_tasks import default_task_backend

    from dateline.community import tasks

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    settings.DATELINE_STANDINGS_REFRESH_MS = 2000
    now = [1_000.1]
    monkeypatch.setattr(tasks, "time", SimpleNamespace(time=lambda: now[0]))
    monkeypatch.setattr(tasks, "_deferred", {})
    tasks._enqueue([1, 2])  # the first instance
    monkeypatch.setattr(tasks, "_deferred", {})  # the second
    now[0] += 1.5  # still the turn of 1000-1002
    tasks._enqueue([1, 3])
    tasks._enqueue([1])  # held back until the turn ends
    now[0] += 0.5  # 1002.1: the first's refresh (due then) has read it all
    tasks._enqueue([1])  # a change after the turn: refreshed again
    queued = [result.args[0] for result in default_task_backend.results]
    assert queued == [[1, 2], [3], [1]]
    # Production's cache answers False to every add while Redis is away:
    # nothing is marked, so each process refreshes its own, as before.
    away = SimpleNamespace(add=lambda *a, **k: False, get=lambda *a, **k: None)
    monkeypatch.setattr(tasks, "cache", away)
    monkeypatch.setattr(tasks, "_deferred", {})
    tasks._enqueue([1, 4])
    assert default_task_backend.results[-1].args[0] == [1, 4]


def test_the_embedded_default_counts_as_running_here(settings):
    from dateline.community import tasks

    settings.TASKS = {"default": {"BACKEND": "dateline.core.tasks.ThreadBackend"}}
    assert tasks._runs_here()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert not tasks._runs_here()


@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_while_the_process_stops_is_dropped_with_a_warning(caplog):
    backend = ThreadBackend("test", {"OPTIONS": {}})
    backend._executor.shutdown()  # as at the interpreter's exit
    with caplog.at_level("WARNING", logger="dateline.core.tasks"):
        result = backend.enqueue(note, ["too late"], {})
    assert result.status == "READY"
    assert "not run: this process is stopping" in caplog.text
    assert "too late" not in noted


@pytest.mark.django_db
def test_an_audit_entry_or_a_badge_grant_queues_no_reference_index_update(
    settings, a_member
):
    """Wagtail indexes what its admin's viewsets list, in a background task
    per save; the audit log and badges held are records with nothing to
    show as usage, and a flagged comment writes an audit entry."""
    from django.urls import reverse
    from django.utils import timezone
    from django_tasks import default_task_backend

    from dateline.community.models import BadgeGrant
    from dateline.core import audit

    reverse("wagtailadmin_home")  # the admin's viewsets have registered
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    audit.record(actor=None, action="moderation.flag", target=a_member)
    BadgeGrant.objects.create(
        member=a_member, badge="first-comment", level=1, granted_at=timezone.now()
    )
    queued = [result.task.module_path for result in default_task_backend.results]
    assert not [path for path in queued if "reference_index" in path]
