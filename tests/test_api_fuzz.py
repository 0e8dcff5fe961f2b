"""Schemathesis against the live API: no 5xx, every answer as the schema says.

A real server (``python -m dateline serve``, Granian) on a bootstrapped demo
site, SQLite or (``--db=postgres``) the throwaway PostgreSQL. Schemathesis
reads the server's own ``/api/openapi.json`` and generates requests for
every operation from it: a bounded number per operation, derandomised (the
same cases every run, so CI is repeatable), half of them aimed at the demo's
real thread and comment ids, with a guest key, so the requests reach past
"no such comment" into posting, editing, voting and reporting.

Rate and duplicate limits are off on this server (every case comes from one
address); everything else in moderation, the toxicity model included, runs.
Every check runs but "schema-valid data is accepted": some refusals depend
on who asks and what the text says (a guest must give a name, moderation
rejects abuse), which a schema cannot state; those answers are documented
(400, 403, 409, 422) and their shape is checked.
"""

from __future__ import annotations

import hashlib
import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from dateline.moderation.scoring import DEFAULT_SCORERS
from dateline.testing.processes import (
    dateline_env,
    manage_shell,
    run_dateline,
    served,
)
from dateline.testing.servers import free_port

pytestmark = pytest.mark.server

EXAMPLES = 100  # per operation; 8 operations
GUEST_KEY = "fuzz-guest-key-0123456789"
OFF = ("RateScorer", "DuplicateScorer")
SEEN: dict[str, int] = {"cases": 0}


def _json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def live(request, tmp_path_factory) -> Iterator[dict[str, Any]]:
    env = dateline_env(tmp_path_factory.mktemp("fuzz"), drop=("DATABASE_URL",))
    if request.config.getoption("--db") == "postgres":
        server = request.getfixturevalue("postgres_server")
        env["DATABASE_URL"] = server.create_database(f"fuzz_{free_port()}")
    env["DATELINE_MODERATION_SCORERS"] = ",".join(
        p for p in DEFAULT_SCORERS if not p.endswith(OFF)
    )
    done = run_dateline(["manage.py", "bootstrap"], env)
    assert done.returncode == 0, done.stderr
    with served(env) as base:
        thread = _thread_with_comments(env)
        page = _json(f"{base}/api/threads/{thread}/comments")
        yield {"base": base, "thread": thread, "comment": page["comments"][0]["id"]}


def _thread_with_comments(env: dict[str, str]) -> int:
    code = (
        "from dateline.discussion.models import Thread;"
        "print(Thread.objects.filter(comment_count__gt=0).order_by('pk').first().pk)"
    )
    return int(manage_shell(env, code).splitlines()[-1])


def _aim(case: Any, live: dict[str, Any]) -> None:
    """Half the cases (chosen by their content, so repeatably) at real ids."""
    digest = hashlib.sha256(repr((case.path_parameters, case.body)).encode())
    if digest.digest()[0] % 2:
        return
    params = case.path_parameters or {}
    if "thread_id" in params:
        params["thread_id"] = live["thread"]
    if "comment_id" in params:
        params["comment_id"] = live["comment"]


def test_the_api_never_fails_and_keeps_its_schema(live):
    schema = schemathesis.openapi.from_url(live["base"] + "/api/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            _aim(case, live)
            SEEN["cases"] += 1
            case.call_and_validate(
                base_url=live["base"],
                headers={"X-Dateline-Guest-Key": GUEST_KEY},
                excluded_checks=[schemathesis.checks.positive_data_acceptance],
            )

        run()
    print(f"schemathesis: {SEEN['cases']} cases on {len(operations)} operations")
    # It must have exercised the API, not skipped its way through.
    assert SEEN["cases"] >= 10 * len(operations)
