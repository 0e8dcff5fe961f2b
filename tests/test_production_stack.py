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
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from email.message import Message
from pathlib import Path

import brotli
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
        with prod.running(folder, varnish=True) as running:
            yield running
    except ServerUnavailable as exc:
        message = f"NGINX NOT AVAILABLE, TESTS SKIPPED: {exc}"
        if os.environ.get("DATELINE_REQUIRE_NGINX", "") not in {"", "0"}:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _get(url: str, **headers: str) -> tuple[int, Message, bytes]:
    """Status, headers (looked up in any case) and body."""
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


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
        body = error.read()
        try:
            return error.code, json.loads(body)
        except ValueError:  # nginx's own error page
            return error.code, {"code": "not_json", "body": body[:200].decode()}


def _access_log(stack: prod.Stack, wanted: Callable[[str], bool]) -> bool:
    """Whether nginx's access log gets a line ``wanted`` within five seconds.

    nginx writes the line after it has sent the answer, so a client can
    read the answer before the line is there.
    """
    deadline = time.monotonic() + 5
    while True:
        log = (stack.folder / "nginx" / "access.log").read_text()
        if any(wanted(line) for line in log.splitlines()):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)


def _first_thread(base: str) -> int:
    status, _, body = _get(base + "/api/threads/1/comments")
    assert status == 200, body[:300]
    return int(json.loads(body)["thread"]["id"])


def test_the_example_files_are_what_the_stack_runs(stack):
    web = prod.unit_command("dateline-web@.service", "8123")
    assert web[1:5] == ["-m", "dateline", "serve", "--host"]
    assert "8123" in web
    assert prod.unit_command("dateline-worker.service")[1:] == ["manage.py", "worker"]
    live = prod.unit_command("dateline-live@.service", "8124")
    assert live[1:4] == ["-m", "dateline", "live"] and "8124" in live
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
    assert headers["Content-Security-Policy"] is None


def test_requests_through_nginx_reach_both_instances(stack):
    for _ in range(12):
        assert _get(stack.url + "/api/form-token")[0] == 200
    for base in stack.instances:
        address = base.removeprefix("http://")
        assert _access_log(
            stack,
            lambda line, address=address: (
                "/api/form-token" in line and line.split()[-2] == address
            ),
        ), address


def test_nginx_and_the_app_log_the_same_request_id(stack):
    status, headers, _ = _get(stack.url + "/healthz")
    assert status == 200
    request_id = headers["X-Request-ID"]
    assert request_id and len(request_id) == 32  # nginx's $request_id
    assert _access_log(stack, lambda line: line.endswith(request_id))


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


def _open_stream(base: str, thread: int) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    stream = socket.create_connection((host, int(port)), timeout=10)
    stream.sendall(
        f"GET /live/threads/{thread}/ HTTP/1.1\r\nHost: {host}\r\n"
        "Accept: text/event-stream\r\n\r\n".encode()
    )
    return stream


def _read_until(stream: socket.socket, wanted: bytes, seconds: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + seconds
    while wanted not in seen:
        stream.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            chunk = stream.recv(65536)
        except TimeoutError:
            break
        if not chunk:
            break
        seen += chunk
    return seen


def test_a_comment_posted_on_an_instance_reaches_a_live_reader_through_nginx(stack):
    """The reader's stream goes through nginx to the live stream server
    (its own process, one event loop); the comment is posted on an app
    instance, and its event crosses through Redis pub/sub."""
    first, _second = stack.instances
    thread = _first_thread(stack.url)
    status, _ = _post(
        first,
        f"/api/threads/{thread}/comments",
        {"body": "Warming the thread up for its readers.", "name": "Live"},
        "10.77.3.1",
    )
    assert status == 201
    stream = _open_stream(stack.url, thread)
    try:
        opened = _read_until(stream, b": live", 10)
        assert b"200 OK" in opened and b"text/event-stream" in opened, opened
        # The app instances only answer a poll (what was missed, then the
        # end): an event on this same connection later is the live server's.
        text = "Posted on one instance, read live through the front door."
        started = time.monotonic()
        status, answer = _post(
            first,
            f"/api/threads/{thread}/comments",
            {"body": text, "name": "Live"},
            "10.77.3.2",
        )
        assert status == 201, answer
        wanted = f'"id":{answer["comment"]["id"]}'.encode()
        seen = _read_until(stream, wanted, 5)
        took = time.monotonic() - started
        assert wanted in seen and b"event: comment" in seen, seen[-500:]
        assert took < 2, took
    finally:
        stream.close()


def test_varnish_keeps_pages_for_repeat_readers_and_shows_a_new_comment_at_once(
    stack,
):
    cache = stack.varnish_url
    api = "/api/threads/1/comments"
    status, _, body = _get(cache + api)
    assert status == 200
    thread = json.loads(body)["thread"]
    page = thread["url"]
    _get(cache + page)  # the first reader fills the cache
    status, headers, before = _get(cache + page)
    assert status == 200
    assert headers["X-Cache"] == "hit"
    assert "s-maxage=300" in headers["Cache-Control"]
    assert headers["Set-Cookie"] is None
    # The same bytes for every reader: no token in the page.
    assert b'name="csrfmiddlewaretoken" value=""' in before
    status, _, _ = _get(cache + page, **{"If-None-Match": headers["ETag"]})
    assert status == 304
    status, headers, _ = _get(cache + api)
    assert headers["X-Cache"] == "hit"

    text = "Seen through Varnish at once, though its copy was five minutes good."
    status, answer = _post(
        cache,
        f"/api/threads/{thread['id']}/comments",
        {"body": text, "name": "Varnish reader"},
        "10.77.9.9",
    )
    assert status == 201, answer
    assert answer["comment"]["status"] == "published"
    # The instance that took the comment purged its keys before answering.
    status, headers, after = _get(cache + page)
    assert headers["X-Cache"] == "miss"
    assert text.encode() in after
    status, headers, again = _get(cache + page)
    assert headers["X-Cache"] == "hit"
    assert text.encode() in again
    status, headers, body = _get(cache + api)
    assert headers["X-Cache"] == "miss"
    assert json.loads(body)["thread"]["comment_count"] == thread["comment_count"] + 1


def test_each_instance_answers_prometheus_with_every_workers_counts(stack):
    first = stack.instances[0]
    for _ in range(3):
        assert _get(first + "/healthz")[0] == 200
    status, _, body = _get(first + "/metrics")
    assert status == 200, body[:300]
    text = body.decode()
    assert (
        'dateline_http_requests_total{method="GET",route="/healthz",status="200"}'
        in (text)
    )
    assert "dateline_moderation_queue" in text
    assert "dateline_db_pool_connections" in text
    # From another network, through nginx's X-Forwarded-For: refused.
    status, _, _ = _get(stack.url + "/metrics", **{"X-Forwarded-For": "203.0.113.5"})
    assert status == 403


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
    # Each instance says no until its moderation model is in (built into
    # its data folder on first use: tens of seconds on a fresh one).
    deadline = time.monotonic() + 180
    while True:
        status, _, body = _get(stack.url + "/readyz")
        checks = json.loads(body)["checks"]
        if status == 200 or time.monotonic() > deadline:
            break
        assert checks["moderation_model"]["detail"] == "loading", checks
        time.sleep(0.5)
    assert status == 200, checks
    assert set(checks) == {
        "database",
        "migrations",
        "cache",
        "worker",
        "moderation_model",
    }
    assert checks["moderation_model"]["detail"] == "loaded"
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


def test_a_database_outage_is_a_clear_503_and_the_instances_recover(stack):
    thread = _first_thread(stack.url)
    stack.postgres.pause()
    try:
        status, headers, body = _get(f"{stack.instances[0]}/api/comments/1")
        assert status == 503, body[:300]
        assert headers["Retry-After"] == "5"
        assert json.loads(body)["code"] == "unavailable"
        status, answer = _post(
            stack.instances[1],
            f"/api/threads/{thread}/comments",
            {"body": "Written while the database was down.", "name": "Patient"},
            "10.66.1.1",
        )
        assert (status, answer["code"]) == (503, "unavailable")
        status, headers, body = _get(f"{stack.instances[1]}/search/?q=ferry")
        assert status == 503
        assert b"Back in a moment" in body
    finally:
        stack.postgres.resume()
    # The same processes, no restart: they reconnect on their own (the
    # connection pool retries with a growing delay, so allow it some time).
    assert all(p.poll() is None for p in stack.processes.values())
    deadline = time.monotonic() + 60
    for base in stack.instances:
        while True:
            status, _, body = _get(f"{base}/api/threads/{thread}/comments")
            if status == 200:
                break
            assert status == 503, body[:300]
            assert time.monotonic() < deadline, "an instance did not reconnect"
            time.sleep(0.5)
    status, answer = _post(
        stack.url,
        f"/api/threads/{thread}/comments",
        {"body": "Written once the database was back.", "name": "Patient"},
        "10.66.1.2",
    )
    assert status == 201, answer


def test_with_redis_stopped_pages_and_posts_work_and_it_recovers(stack):
    thread = _first_thread(stack.url)
    article = "/conflict/night-of-strikes-leaves-southern-suburbs-dark/"
    stack.redis.process.terminate()
    stack.redis.process.wait(timeout=10)
    try:
        for n in range(3):
            status, _, body = _get(stack.url + article)
            assert status == 200, body[:300]
            status, answer = _post(
                stack.instances[n % 2],
                f"/api/threads/{thread}/comments",
                {"body": f"Posted without a cache, number {n}.", "name": "No cache"},
                f"10.55.{n}.1",
            )
            assert status == 201, answer
        status, _, body = _get(stack.url + "/readyz")
        assert status == 503
        assert json.loads(body)["checks"]["cache"]["ok"] is False
    finally:
        stack.redis.start()  # the same port and folder: Redis is back
    deadline = time.monotonic() + 15
    while _get(stack.url + "/readyz")[0] != 200:
        assert time.monotonic() < deadline, "the instances did not use Redis again"
        time.sleep(0.5)
    status, _, body = _get(f"{stack.url}/api/threads/{thread}/comments?sort=newest")
    assert status == 200
    newest = json.loads(body)["comments"][0]["body_html"]
    assert "Posted without a cache, number 2." in newest


def _shell(stack: prod.Stack, code: str) -> str:
    return stack.manage("shell", "--verbosity=0", "-c", code).strip()


def test_a_worker_killed_mid_task_leaves_it_to_another_that_does_not_double_it(
    stack, tmp_path
):
    marker = tmp_path / "first-run"
    counts = (
        "from dateline.community.models import BadgeGrant, LedgerEntry\n"
        "print(LedgerEntry.objects.filter(member__username='crash').count(),"
        " BadgeGrant.objects.filter(member__username='crash').count())\n"
    )
    _shell(
        stack,
        "from django.contrib.auth import get_user_model\n"
        "from dateline.discussion import actions\n"
        "from dateline.discussion.models import Thread\n"
        "from dateline.testing.tasks import refresh_then_hang\n"
        "m = get_user_model().objects.create_user('crash', 'c@example.org', 'pw-c-98765')\n"
        "actions.comment_post(actor=m, thread=Thread.objects.get(pk=1), "
        "body='One comment, one ledger entry, one badge.', moderate=False)\n"
        f"refresh_then_hang.enqueue([m.pk], {str(marker)!r})\n",
    )
    deadline = time.monotonic() + 60
    while not marker.exists():  # the worker is inside the task, effects done
        assert time.monotonic() < deadline, "the worker never started the task"
        time.sleep(0.2)
    after_first = _shell(stack, counts)
    assert after_first != "0 0"
    os.killpg(stack.processes["worker"].pid, signal.SIGKILL)
    stack.processes["worker"].wait(timeout=10)

    # A new worker that counts a silent one as dead after 10 s.
    stack.env["DATELINE_WORKER_HEARTBEAT_MAX_AGE"] = "10"
    log = (stack.folder / "logs" / "worker2.log").open("ab")
    stack.processes["worker"] = subprocess.Popen(
        prod.unit_command("dateline-worker.service"),
        cwd=prod.ROOT,
        env=stack.env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    status = ""
    deadline = time.monotonic() + 90
    while status != "SUCCESSFUL":
        assert time.monotonic() < deadline, f"the task was not run again ({status})"
        time.sleep(1)
        status = _shell(
            stack,
            "from django_tasks_db.models import DBTaskResult\n"
            "print(DBTaskResult.objects.get(task_path__endswith='refresh_then_hang')"
            ".status)\n",
        )
    assert _shell(stack, counts) == after_first  # run twice, counted once


def _article(stack: prod.Stack) -> str:
    _, _, body = _get(stack.url + "/api/threads/1/comments")
    return json.loads(body)["thread"]["url"]


def test_pages_come_compressed_through_nginx_and_varnish(stack):
    page = _article(stack)
    status, headers, body = _get(stack.url + page, **{"Accept-Encoding": "br, gzip"})
    assert (status, headers["Content-Encoding"]) == (200, "br")
    assert brotli.decompress(body).rstrip().endswith(b"</html>")
    # Varnish asks the instances for gzip, keeps that, and unpacks it for a
    # client that takes none.
    for _ in range(2):
        status, headers, body = _get(
            stack.varnish_url + page, **{"Accept-Encoding": "gzip"}
        )
        assert (status, headers["Content-Encoding"]) == (200, "gzip")
        assert gzip.decompress(body).rstrip().endswith(b"</html>")
    status, headers, plain = _get(stack.varnish_url + page)
    assert (status, headers["Content-Encoding"]) == (200, None)
    assert plain.rstrip().endswith(b"</html>")


def test_the_instances_start_again_with_other_settings(stack):
    """What ``BENCH_TOPOLOGY=prod`` does between its phases."""
    page = _article(stack)
    try:
        stack.restart_instances(DATELINE_PAGE_CACHE_SECONDS="0")
        for base in stack.instances:
            for _ in range(2):
                status, headers, _ = _get(base + page)
                assert status == 200
                assert headers["X-Dateline-Cache"] is None  # no page cache
    finally:
        stack.restart_instances()
    for base in stack.instances:
        _get(base + page)
        assert _get(base + page)[1]["X-Dateline-Cache"] in ("hit", "front")


def test_zz_killing_an_instance_while_posting_loses_no_acknowledged_comment(stack):
    """Last in the file: it leaves the first instance dead."""
    thread = _first_thread(stack.url)
    victim = stack.processes["web1"]
    created: list[int] = []
    answers: list[tuple[float, int]] = []
    lock = threading.Lock()
    start = time.monotonic()
    stop_at = start + 6

    crashed: list[BaseException] = []

    def poster(number: int) -> None:
        try:
            post_until_stop(number)
        except BaseException as exc:  # the test must see it, not a thread warning
            crashed.append(exc)
            raise

    def post_until_stop(number: int) -> None:
        n = 0
        while time.monotonic() < stop_at:
            n += 1
            status, answer = _post(
                stack.url,
                f"/api/threads/{thread}/comments",
                {"body": f"Storm post {number}-{n} about the harbour.", "name": "K"},
                f"10.{100 + number}.{n % 250}.{n // 250 % 250 + 1}",
            )
            with lock:
                answers.append((time.monotonic() - start, status))
                if status == 201:
                    created.append(answer["comment"]["id"])

    workers = [threading.Thread(target=poster, args=(i,)) for i in range(16)]
    for worker in workers:
        worker.start()
    time.sleep(2)
    os.killpg(victim.pid, signal.SIGKILL)  # Granian and its workers at once
    killed_at = time.monotonic() - start
    for worker in workers:
        worker.join()
    victim.wait(timeout=10)

    assert not crashed, crashed
    statuses = {status for _, status in answers}
    assert statuses <= {201, 502}, statuses  # a POST in flight is never retried
    after = [status for at, status in answers if at > killed_at + 0.5]
    assert after and set(after) == {201}, "nginx kept answering from the other"
    found = stack.manage(
        "shell",
        "--verbosity=0",
        "-c",
        "import sys\n"
        "from dateline.discussion.models import Comment\n"
        f"ids = {sorted(created)!r}\n"
        "print(Comment.objects.filter(pk__in=ids).count())\n",
    ).strip()
    assert int(found) == len(created) > 50
