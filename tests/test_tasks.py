"""The embedded task backend runs work in a background thread, in order."""

from __future__ import annotations

import threading
import time

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
