"""The production topology, as ``make run-prod`` starts it, with real servers.

PostgreSQL, Redis, the task worker, two app instances started with the
command lines of ``deploy/systemd/`` and nginx configured by
``deploy/nginx/dateline.conf``: what the README tells a site owner to run,
checked here so it cannot rot.

The stack brings its own PostgreSQL, so the ``--db=postgres`` pass of
``make test`` leaves it to the default pass.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from dateline import stack as prod
from dateline.testing.servers import ServerUnavailable

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def stack(request) -> Iterator[prod.Stack]:
    if request.config.getoption("--db") == "postgres":
        pytest.skip("the stack starts its own PostgreSQL; the default pass runs it")
    # Not under pytest's own temporary folder: nginx's workers (another
    # user when started as root) must be able to read the static files.
    folder = Path(tempfile.mkdtemp(prefix="dateline-prod-"))
    folder.chmod(0o755)
    try:
        with prod.running(folder, archive=False) as running:
            yield running
    except ServerUnavailable as exc:
        message = f"NGINX NOT AVAILABLE, TESTS SKIPPED: {exc}"
        if os.environ.get("DATELINE_REQUIRE_NGINX", "") not in {"", "0"}:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _post(base: str, path: str, payload: dict, client: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        base + path,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "X-Forwarded-For": client},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _first_thread(base: str) -> int:
    status, _, body = _get(base + "/api/threads/1/comments")
    assert status == 200, body[:300]
    return int(json.loads(body)["thread"]["id"])


def test_the_example_files_are_what_the_stack_runs(stack):
    web = prod.unit_command("dateline-web@.service", "8123")
    assert web[1:5] == ["-m", "dateline", "serve", "--host"]
    assert "8123" in web
    assert prod.unit_command("dateline-worker.service")[1:] == ["manage.py", "worker"]
    # Every variable of the example environment file is one the stack sets.
    missing = [name for name in prod.env_file_names() if name not in stack.env]
    assert missing == []
    assert len(stack.instances) == 2


def test_nginx_serves_pages_from_the_app_and_static_files_from_disk(stack):
    status, headers, body = _get(stack.url + "/")
    assert status == 200
    assert headers["Server"].startswith("nginx")
    assert b"Night of strikes" in body

    css = "/static/dateline/css/site.css"
    status, headers, body = _get(stack.url + css, **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers.get("Content-Encoding") == "gzip"  # collectstatic's .gz copy
    assert b"{" in gzip.decompress(body)
    # ...and not from the app: nginx's own ETag, no app security headers.
    assert "content-security-policy" not in {k.lower() for k in headers}


def test_requests_through_nginx_reach_both_instances(stack):
    for _ in range(12):
        assert _get(stack.url + "/api/form-token")[0] == 200
    log = (stack.folder / "nginx" / "access.log").read_text()
    lines = [line for line in log.splitlines() if "/api/form-token" in line]
    for base in stack.instances:
        address = base.removeprefix("http://")
        assert any(line.split()[-2] == address for line in lines), (address, lines[-4:])


def test_a_comment_posted_on_one_instance_is_read_at_once_on_the_other(stack):
    first, second = stack.instances
    thread = _first_thread(stack.url)
    # The thread page through nginx is cached (in Redis) before the post.
    assert _get(stack.url + "/api/threads/1/comments")[0] == 200
    text = "Posted on the first instance; the second one should show it at once."
    status, answer = _post(
        first,
        f"/api/threads/{thread}/comments",
        {"body": text, "name": "Two hosts"},
        "10.77.1.2",
    )
    assert status == 201, answer
    comment = answer["comment"]["id"]

    status, _, body = _get(f"{second}/api/comments/{comment}")
    assert status == 200
    assert json.loads(body)["body_html"].startswith("<p>Posted on the first")
    # The page cache in Redis was retired for every instance.
    for base in (second, stack.url):
        status, _, body = _get(f"{base}/api/threads/{thread}/comments?sort=newest")
        assert status == 200
        assert comment in [c["id"] for c in json.loads(body)["comments"]]


def test_the_worker_runs_what_the_instances_queue(stack):
    # A member's comment queues the refresh of their standing (reputation)
    # in the database; only the worker process runs it.
    stack.manage(
        "shell",
        "--verbosity=0",
        "-c",
        "from django.contrib.auth import get_user_model\n"
        "from dateline.discussion import actions\n"
        "from dateline.discussion.models import Thread\n"
        "member = get_user_model().objects.create_user('queued', 'q@example.org', 'pw-x-123456')\n"
        "actions.comment_post(actor=member, thread=Thread.objects.get(pk=1), "
        "body='A member writes; the worker counts it.', moderate=False)\n",
    )
    deadline = time.monotonic() + 60
    points = ""
    while time.monotonic() < deadline:
        points = stack.manage(
            "shell",
            "--verbosity=0",
            "-c",
            "from dateline.community.models import Standing\n"
            "row = Standing.objects.filter(member__username='queued').first()\n"
            "print(row.points if row else '')\n",
        ).strip()
        if points:
            break
        time.sleep(1)
    assert points and int(points) > 0, "the worker did not refresh the standing"


def test_health_and_readiness_through_nginx(stack):
    status, _, body = _get(stack.url + "/healthz")
    assert (status, body) == (200, b"ok\n")
    status, _, body = _get(stack.url + "/readyz")
    checks = json.loads(body)["checks"]
    assert status == 200, checks
    assert set(checks) == {"database", "migrations", "cache", "worker"}
    assert checks["database"]["detail"] == "postgresql"
    assert checks["cache"]["detail"] == "ResilientRedisCache"


def test_the_rate_limit_counts_one_client_across_both_instances(stack):
    first, second = stack.instances
    thread = _first_thread(stack.url)
    answers = []
    for n in range(14):  # new guests, one address, alternating instances
        status, _ = _post(
            (first, second)[n % 2],
            f"/api/threads/{thread}/comments",
            {"body": f"Alternating post number {n} about the ferry.", "name": f"R{n}"},
            "10.88.7.7",
        )
        answers.append(status)
    # 10 a minute from one address (moderation/conf.py), whichever instance.
    assert answers == [201] * 10 + [422] * 4, answers
