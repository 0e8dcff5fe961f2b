"""``/metrics``: off by default, then for the token or the allowed networks."""

from __future__ import annotations

import ipaddress

import pytest
from prometheus_client.parser import text_string_to_metric_families

from dateline.discussion import actions

pytestmark = pytest.mark.django_db

TOKEN = "a-long-random-metrics-token"


@pytest.fixture
def metrics_on(settings):
    settings.DATELINE_METRICS_TOKEN = TOKEN
    settings.DATELINE_METRICS_NETWORKS = ()


def _scrape(client) -> dict[tuple[str, tuple], float]:
    answer = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/plain; version=0.0.4")
    found = {}
    for family in text_string_to_metric_families(answer.content.decode()):
        for sample in family.samples:
            found[sample.name, tuple(sorted(sample.labels.items()))] = sample.value
    return found


def test_metrics_are_off_unless_a_token_or_a_network_is_set(client):
    assert client.get("/metrics").status_code == 404


def test_metrics_need_the_token(metrics_on, client):
    assert client.get("/metrics").status_code == 403
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer guessed")
    assert wrong.status_code == 403
    assert wrong["WWW-Authenticate"].startswith("Bearer")


def test_or_come_from_an_allowed_network(settings, client):
    settings.DATELINE_METRICS_NETWORKS = (ipaddress.ip_network("127.0.0.0/8"),)
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403


def test_requests_comments_and_decisions_are_counted(
    metrics_on, client, thread, django_capture_on_commit_callbacks
):
    route = "/api/threads/<thread_id>/comments"
    key = (
        "dateline_http_requests_total",
        (("method", "GET"), ("route", route), ("status", "200")),
    )
    posted = ("dateline_comments_posted_total", (("decision", "approve"),))
    decided = ("dateline_moderation_decisions_total", (("decision", "approve"),))
    before = _scrape(client)
    client.get(f"/api/threads/{thread.pk}/comments")
    client.get(f"/api/threads/{thread.pk}/comments")
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            f"/api/threads/{thread.pk}/comments",
            {"body": "Counted, I hope. The ferry was on time today.", "name": "Rafi"},
            content_type="application/json",
        )
    assert answer.status_code == 201, answer.content
    after = _scrape(client)
    assert after[key] - before.get(key, 0) == 2
    assert after[posted] - before.get(posted, 0) == 1
    assert after[decided] - before.get(decided, 0) == 1
    latency = ("dateline_http_request_duration_seconds_count", (("route", route),))
    assert after[latency] - before.get(latency, 0) >= 2
    lookups = ("dateline_page_cache_lookups_total", (("result", "hit"),))
    assert after[lookups] - before.get(lookups, 0) == 1  # the second GET


def test_the_queue_and_the_waiting_tasks_are_read_when_asked(
    metrics_on, client, thread, settings
):
    settings.DATELINE_MODERATION_MODE = "pre_all"
    actions.comment_post(
        actor=None,
        thread=thread,
        body="Held for a moderator, as every comment here.",
        guest=actions.GuestIdentity(name="Rafi", key="k1"),
    )
    found = _scrape(client)
    assert found["dateline_moderation_queue", (("source", "policy"),)] == 1
    assert ("dateline_tasks_waiting", ()) in found
    assert ("dateline_task_lag_seconds", ()) in found


def test_article_pages_are_counted_by_how_they_were_reached(metrics_on, client, thread):
    """Wagtail's walk down the tree counts as ``page``; what the page cache
    answered or built before the URL was resolved, as the page cache's."""

    def counted(route: str) -> float:
        labels = (("method", "GET"), ("route", route), ("status", "200"))
        return _scrape(client).get(("dateline_http_requests_total", labels), 0)

    client.get("/world/bridge-reopens/")  # the route is not known yet
    client.get("/world/bridge-reopens/")  # a hit
    actions.comment_post(
        actor=None,
        thread=thread,
        body="retires the page, which is built again",
        guest=actions.GuestIdentity(name="Rafi", key="k2"),
    )
    client.get("/world/bridge-reopens/")
    assert counted("page") == 1
    assert counted("article (page cache)") == 2
    assert counted("unmatched") == 0
