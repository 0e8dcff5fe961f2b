"""What the JSON API accepts as a write, and how it says no.

A page on another site can make its visitors' browsers POST with
``mode: 'no-cors'`` and ``Content-Type: text/plain`` (no preflight, no
cookies): such a post once came out 201. Programs (no Origin header) and
pages on an allowed origin must keep working.
"""

from __future__ import annotations

import json

import pytest

from dateline.discussion.models import Comment

pytestmark = pytest.mark.django_db

BODY = json.dumps({"body": "The ferry timetable changed again.", "name": "Api Guest"})


def _post(client, thread, body=BODY, content_type="application/json", **headers):
    return client.post(
        f"/api/threads/{thread.pk}/comments",
        data=body,
        content_type=content_type,
        headers=headers,
    )


def _refused(response, status, code):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    payload = json.loads(response.content)
    assert payload["code"] == code
    assert payload["message"] and payload["fields"] == {}


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded"],
)
def test_a_no_cors_post_from_another_site_is_refused(client, thread, content_type):
    response = _post(
        client,
        thread,
        content_type=content_type,
        Origin="https://evil.example",
        **{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"},
    )
    _refused(response, 403, "cross_origin")
    assert not Comment.objects.exists()


@pytest.mark.parametrize("content_type", ["text/plain", "multipart/form-data; b=x"])
def test_a_json_body_must_say_it_is_json(client, thread, content_type):
    _refused(
        _post(client, thread, content_type=content_type), 415, "unsupported_media_type"
    )
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "null"},  # sandboxed frame, file:// page
        {"Origin": "http://testserver.evil.example"},
        {"Origin": "https://testserver"},  # the scheme is part of the origin
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},  # a sibling subdomain
    ],
)
def test_cross_site_json_writes_are_refused_without_cookies(client, thread, headers):
    _refused(_post(client, thread, **headers), 403, "cross_origin")
    # and on every write route, not only posting
    comment_url = "/api/comments/1"
    assert client.delete(comment_url, headers=headers).status_code == 403
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {},  # a program: no browser headers at all
        {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
        {"Origin": "https://partner.example"},  # listed in CSRF_TRUSTED_ORIGINS
        {"Origin": "https://news.trusted.example"},  # a trusted wildcard
    ],
)
def test_programs_and_allowed_origins_still_post(client, thread, settings, headers):
    settings.CSRF_TRUSTED_ORIGINS = [
        "https://partner.example",
        "https://*.trusted.example",
    ]
    response = _post(
        client, thread, content_type="application/json; charset=utf-8", **headers
    )
    assert response.status_code == 201, response.content[:300]


def test_reads_from_anywhere_are_unaffected(client, thread):
    response = client.get(
        f"/api/threads/{thread.pk}/comments", headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 200


def test_an_oversized_body_gets_a_json_answer(client, thread, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"body": "word " * 5000, "name": "Api Guest"})
    _refused(_post(client, thread, body=body), 413, "too_large")


def test_a_crash_in_the_api_is_answered_as_json(client, thread, monkeypatch):
    from dateline.discussion import selectors

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(selectors, "thread_page_for_reader", broken)
    response = client.get(f"/api/threads/{thread.pk}/comments")
    assert response.status_code == 500
    payload = json.loads(response.content)
    assert payload["code"] == "server_error"
    assert "disk on fire" not in response.content.decode()
