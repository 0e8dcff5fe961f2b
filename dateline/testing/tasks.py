"""A task for the failure tests: a reputation refresh a worker can be killed in.

It refreshes the members' standings (committed), then, the first time only
(``marker`` does not exist yet), writes ``marker`` and sleeps, so a test can
kill the worker in the middle of the task, after its effects, as a crash
would, and check that running it again does not double them.
"""

from __future__ import annotations

import time
from pathlib import Path

from django_tasks import task


@task()
def refresh_then_hang(member_ids: list[int], marker: str) -> None:
    from dateline.community import actions

    actions.standings_refresh(member_ids=member_ids)
    path = Path(marker)
    if not path.exists():
        path.write_text("first run")
        time.sleep(300)
