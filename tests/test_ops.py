"""``/healthz``, ``/readyz`` and the worker's heartbeat."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.core.management import call_command
from django.utils import timezone

from dateline.ops import actions
from dateline.ops.models import WorkerHeartbeat
from dateline.testing.servers import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_healthz_answers_without_asking_anything(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_readyz_says_ready_when_the_database_and_cache_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["ready"] is True
    assert set(body["checks"]) == {"database", "migrations", "cache"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_names_the_cache_it_cannot_reach(client, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "dateline.core.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens
        },
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["cache"]["ok"] is False
    assert "unreachable" in checks["cache"]["detail"]
    assert checks["database"]["ok"] is True


def test_with_a_task_queue_readyz_wants_a_recent_worker_heartbeat(
    client, database_tasks
):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "no worker" in response.json()["checks"]["worker"]["detail"]

    actions.heartbeat("host-a:1", timezone.now())
    assert client.get("/readyz").status_code == 200

    WorkerHeartbeat.objects.update(seen_at=timezone.now() - dt.timedelta(minutes=5))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "last heartbeat 300 s ago" in response.json()["checks"]["worker"]["detail"]


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_runs_tasks_and_leaves_no_heartbeat_behind(
    database_tasks, thread, a_member
):
    from django_tasks_db.models import DBTaskResult

    from dateline.discussion import actions as discussion

    discussion.comment_post(actor=a_member, thread=thread, body="For the worker.")
    # The standings refresh, and the hourly pruning if this post is the first.
    queued = DBTaskResult.objects.filter(task_path__startswith="dateline.")
    assert set(queued.values_list("status", flat=True)) == {"READY"}
    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)
    assert set(queued.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert not WorkerHeartbeat.objects.exists()  # it said goodbye on the way out


def test_the_redis_cache_keeps_one_client_for_all_its_calls():
    import threading

    from dateline.core.cache import ResilientRedisCache
    from dateline.testing.servers import ServerUnavailable, ThrowawayRedis

    try:
        redis = ThrowawayRedis()
    except ServerUnavailable as exc:
        pytest.skip(f"REDIS NOT AVAILABLE: {exc}")
    url = redis.start()
    try:
        cache = ResilientRedisCache(url, {})
        first = cache._cache.get_client(write=True)
        assert cache._cache.get_client("any key", write=True) is first
        found: list[object] = []

        def from_a_thread(n: int) -> None:
            cache.set(f"k{n}", n)
            found.append(cache.get(f"k{n}"))

        threads = [threading.Thread(target=from_a_thread, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(found) == list(range(8))  # type: ignore[type-var]
        assert cache._cache.get_client(write=True) is first
    finally:
        redis.stop()


def test_while_redis_is_away_pages_and_posts_work_and_it_recovers(
    settings, client, thread, monkeypatch
):
    from django.core.cache import caches

    from dateline.core import cache as resilient
    from dateline.testing.servers import ServerUnavailable, ThrowawayRedis

    try:
        redis = ThrowawayRedis()
    except ServerUnavailable as exc:
        pytest.skip(f"REDIS NOT AVAILABLE: {exc}")
    url = redis.start()
    monkeypatch.setattr(resilient, "RETRY_SECONDS", 0.2)
    on_redis = {"BACKEND": "dateline.core.cache.ResilientRedisCache", "LOCATION": url}
    # As the settings have them with REDIS_URL: pages in Redis too.
    settings.CACHES = {
        "default": on_redis,
        "pages": on_redis,
        "template_fragments": on_redis,
    }
    cache = caches["default"]
    try:
        cache.set("k", "v")
        assert cache.get("k") == "v"
        article = thread.article.url
        assert client.get(article).status_code == 200
        redis.stop()

        assert cache.get("k", "missing") == "missing"
        assert cache.add("k2", 1) is False
        assert client.get(article).status_code == 200
        assert client.get("/readyz").status_code == 503
        response = client.post(
            f"/api/threads/{thread.pk}/comments",
            {"body": "Posted while the cache was away.", "name": "Calm reader"},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content

        again = ThrowawayRedis()
        again.port = redis.port  # the same address, as a restarted Redis
        again.start()
        try:
            time.sleep(0.3)
            cache.set("k", "back")
            assert cache.get("k") == "back"
            assert client.get("/readyz").status_code == 200
        finally:
            again.stop()
    finally:
        redis.stop()


def test_each_response_carries_the_request_id_nginx_gave_or_a_new_one(client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="nginx-abc123")["X-Request-ID"] == (
        "nginx-abc123"
    )
    made = client.get("/healthz")["X-Request-ID"]
    assert len(made) == 32
    forged = client.get("/healthz", HTTP_X_REQUEST_ID='x" injected\nline')
    assert forged["X-Request-ID"] not in {"", 'x" injected\nline'}


def test_json_logs_are_one_object_per_line_with_the_request_id(client):
    import io
    import json
    import logging

    from dateline.ops import logs

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.RequestIdFilter())
    handler.setFormatter(logs.JsonFormatter())
    access = logging.getLogger("dateline.access")
    access.addHandler(handler)
    level = access.level
    access.setLevel(logging.INFO)
    try:
        client.get("/healthz", HTTP_X_REQUEST_ID="req-42")
    finally:
        access.removeHandler(handler)
        access.setLevel(level)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["request_id"] == "req-42"
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/healthz", 200)
    assert entry["level"] == "info"
    assert isinstance(entry["ms"], float)


def test_the_log_format_setting_is_checked(monkeypatch):
    from dateline import config
    from dateline.ops import logs

    assert logs.logging_config("json", "INFO")["formatters"]["default"] == {
        "()": "dateline.ops.logs.JsonFormatter"
    }
    monkeypatch.setenv("DATELINE_LOG_FORMAT", "xml")
    with pytest.raises(config.ConfigError, match="DATELINE_LOG_FORMAT"):
        config.env_choice("DATELINE_LOG_FORMAT", "text", ["text", "json"])


def test_a_task_claimed_by_a_worker_that_stopped_beating_runs_again(
    database_tasks, a_member
):
    from django_tasks_db.models import DBTaskResult

    from dateline.community.tasks import refresh_standings

    long_ago = timezone.now() - dt.timedelta(minutes=5)
    for _ in range(3):
        refresh_standings.enqueue([a_member.pk])
    ours = DBTaskResult.objects.filter(task_path__endswith="refresh_standings")
    dead, alive, fresh = ours.order_by("enqueued_at")
    actions.heartbeat("alive-1", timezone.now())
    actions.heartbeat("dead-1", long_ago)
    WorkerHeartbeat.objects.filter(worker="dead-1").update(seen_at=long_ago)
    DBTaskResult.objects.filter(pk=dead.pk).update(
        status="RUNNING", started_at=long_ago, worker_ids=["dead-1"]
    )
    DBTaskResult.objects.filter(pk=alive.pk).update(
        status="RUNNING", started_at=long_ago, worker_ids=["alive-1"]
    )
    DBTaskResult.objects.filter(pk=fresh.pk).update(
        status="RUNNING", started_at=timezone.now(), worker_ids=["gone-1"]
    )

    assert actions.requeue_abandoned(60) == 1
    statuses = dict(ours.values_list("pk", "status"))
    assert statuses == {dead.pk: "READY", alive.pk: "RUNNING", fresh.pk: "RUNNING"}


def test_readyz_waits_for_the_moderation_model_of_its_process(
    client, settings, monkeypatch, caplog
):
    from dateline.moderation import scoring, toxicity

    settings.DATELINE_MODERATION_SCORERS = list(scoring.DEFAULT_SCORERS)
    # A process that has not loaded its model yet, nor started to.
    monkeypatch.setattr(toxicity, "_started", False)
    monkeypatch.setattr(toxicity, "_loaded", threading.Event())
    started: list = []
    monkeypatch.setattr(toxicity, "_in_background", started.append)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["moderation_model"] == {
        "ok": False,
        "detail": "loading",
    }
    assert started == [toxicity._warm]  # asked to start
    # A probe's "not yet" is a warning, not a server error in the logs.
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    assert "not ready: moderation_model (loading)" in caplog.text
    client.get("/readyz")
    assert len(started) == 1  # once

    monkeypatch.setattr(toxicity.gc, "freeze", lambda: started.append("frozen"))
    toxicity._warm()  # what the thread does: loads, then keeps what it loaded
    assert started[-1] == "frozen"
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["moderation_model"]["detail"] == "loaded"

    settings.DATELINE_MODERATION_SCORERS = []
    assert "moderation_model" not in client.get("/readyz").json()["checks"]
