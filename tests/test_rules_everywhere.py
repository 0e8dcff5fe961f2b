"""A moderator's ban or banned phrase reaches every process at once.

Two separate servers share one site (on the embedded default each has a
cache of its own), and the change is made by a third process, a management
command, as a moderator's script or another host would. Every post after
the change, on either server, is refused.

Runs on SQLite, and with ``--db=postgres`` on the throwaway PostgreSQL.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from dateline.testing.processes import (
    dateline_env,
    manage_shell,
    run_dateline,
    served,
)
from dateline.testing.servers import free_port

pytestmark = pytest.mark.server

EMAIL = "persistent.troll@example.org"


@pytest.fixture
def site_env(request, tmp_path) -> dict[str, str]:
    env = dateline_env(tmp_path, drop=("DATABASE_URL",))
    if request.config.getoption("--db") == "postgres":
        server = request.getfixturevalue("postgres_server")
        env["DATABASE_URL"] = server.create_database(f"rules_{free_port()}")
    # Plain limits, so only the ban or the phrase can refuse these posts.
    env["DATELINE_MODERATION_SCORERS"] = (
        "dateline.moderation.scorers.BannedPhraseScorer"
    )
    done = run_dateline(["manage.py", "bootstrap"], env)
    assert done.returncode == 0, done.stderr
    return env


def _post(base: str, thread: int, body: str, n: int) -> tuple[int, str]:
    request = urllib.request.Request(
        f"{base}/api/threads/{thread}/comments",
        data=json.dumps({"body": body, "name": "Sam", "email": EMAIL}).encode(),
        headers={
            "Content-Type": "application/json",
            "X-Forwarded-For": f"10.9.{n // 250}.{n % 250 + 1}",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())["comment"]["status"]
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())["code"]


def test_a_ban_and_a_phrase_made_elsewhere_reach_both_servers(site_env):
    thread = int(
        manage_shell(
            site_env,
            "from dateline.discussion.models import Thread;"
            "print(Thread.objects.filter(article__isnull=False).first().pk)",
        )
    )
    with served(site_env) as one, served(site_env) as two:
        servers = (one, two)
        # Each server loads the rules once, before the change.
        for i, base in enumerate(servers):
            assert _post(base, thread, f"First thought number {i}.", i) == (
                201,
                "published",
            )
        manage_shell(
            site_env,
            "from dateline.moderation.models import BannedPhrase;"
            "BannedPhrase.objects.create(phrase='ferry scam', action='reject')",
        )
        phrase = [
            _post(b, thread, "It is a ferry scam.", 10 + i)
            for i, b in enumerate(servers * 5)
        ]
        assert phrase == [(422, "rejected")] * 10
        manage_shell(
            site_env,
            "from dateline.moderation.models import Sanction;"
            f"Sanction.objects.create(kind='ban', email='{EMAIL}')",
        )
        banned = [
            _post(b, thread, "Still here, still posting.", 20 + i)
            for i, b in enumerate(servers * 5)
        ]
        assert banned == [(403, "banned")] * 10
        # Lifting it reaches both as well.
        manage_shell(
            site_env,
            "from django.utils import timezone;"
            "from dateline.moderation.models import Sanction;"
            "s = Sanction.objects.get(email__iexact='" + EMAIL + "');"
            "s.lifted_at = timezone.now(); s.save()",
        )
        lifted = [
            _post(b, thread, f"Back again, post {i}.", 40 + i)
            for i, b in enumerate(servers)
        ]
        assert lifted == [(201, "published")] * 2
