"""Reads from a real PostgreSQL streaming replica; writers stay on the primary.

A throwaway primary, a hot standby made from it with ``pg_basebackup``, and
``python -m dateline serve`` given both URLs. Replaying on the standby is
paused on purpose, so what a request read shows where it read it from.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import psycopg
import pytest

from dateline.testing.processes import dateline_env, run_dateline, served
from dateline.testing.servers import ServerUnavailable, ThrowawayPostgres

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def databases(request) -> Iterator[tuple[ThrowawayPostgres, ThrowawayPostgres]]:
    if request.config.getoption("--db") == "postgres":
        pytest.skip("starts its own primary and replica; the default pass runs it")
    try:
        primary = ThrowawayPostgres()
    except ServerUnavailable as exc:
        message = f"PostgreSQL NOT AVAILABLE, TESTS SKIPPED: {exc}"
        if os.environ.get("DATELINE_REQUIRE_POSTGRESQL", "") not in {"", "0"}:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    primary.start()
    try:
        primary.create_database("site")
        replica = primary.start_replica()
        try:
            yield primary, replica
        finally:
            replica.stop()
    finally:
        primary.stop()


def _call(url: str, body: dict | None = None, **headers: str):
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read() or b"{}")


def _replay(replica: ThrowawayPostgres, action: str) -> None:
    with psycopg.connect(replica.url("site"), autocommit=True) as conn:
        conn.execute(f"SELECT pg_wal_replay_{action}()")


def test_readers_read_the_replica_and_a_writer_sees_their_comment_at_once(
    databases, tmp_path
):
    primary, replica = databases
    env = dateline_env(
        tmp_path,
        DATABASE_URL=primary.url("site"),
        DATABASE_REPLICA_URL=replica.url("site"),
        DATELINE_PAGE_CACHE_SECONDS="0",
    )
    done = run_dateline(["manage.py", "bootstrap"], env)
    assert done.returncode == 0, done.stderr[-2000:]
    with served(env) as base:
        status, _, page = _call(base + "/api/threads/1/comments")
        assert status == 200
        count = page["thread"]["comment_count"]

        _replay(replica, "pause")
        try:
            status, headers, answer = _call(
                base + "/api/threads/1/comments",
                {"body": "Posted while the replica is behind.", "name": "Primary"},
            )
            assert status == 201, answer
            comment = answer["comment"]["id"]
            pin = headers["Set-Cookie"].split(";")[0]
            assert pin == "dateline_primary=1"
            # A reader reads the replica, which has not seen it yet ...
            status, _, _ = _call(f"{base}/api/comments/{comment}")
            assert status == 404
            status, _, page = _call(base + "/api/threads/1/comments")
            assert page["thread"]["comment_count"] == count
            # ... and the writer, pinned to the primary, sees it at once.
            status, _, mine = _call(f"{base}/api/comments/{comment}", Cookie=pin)
            assert status == 200
            assert mine["body_html"].startswith("<p>Posted while the replica")
        finally:
            _replay(replica, "resume")
        deadline = time.monotonic() + 30
        while _call(f"{base}/api/comments/{comment}")[0] != 200:
            assert time.monotonic() < deadline, "the replica did not catch up"
            time.sleep(0.2)
