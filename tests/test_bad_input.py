"""Hostile and broken input gets a clear refusal, never a 500, and loses nothing.

Runs on SQLite and, under ``make test``, again on PostgreSQL, where a NUL
byte in a text column is an error of its own.
"""

from __future__ import annotations

import json

import pytest

from dateline.discussion import actions, views
from dateline.discussion.models import Comment, Report

pytestmark = pytest.mark.django_db

ARTICLE = "/world/bridge-reopens/"
HUGE = ["9223372036854775808", "99999999999999999999999999", "-9223372036854775809"]
HOSTILE_QUERIES = [
    '"',
    'bridge "',
    '"bridge',
    '"."',
    '"-"',
    '")("',
    "'",
    "bridge OR",
    "AND",
    "NOT",
    "NEAR(",
    "*",
    "bridge*",
    "(",
    ")",
    "^",
    "-",
    ":",
    "a:b",
    '"a" "b',
    "\\",
    "%",
    "_",
    "bridge\x00",
    "\x00",
    "<script>",
    "\u202e",
    "🙂",
]


def post(thread, body="A fair point about the bridge.", **kw):
    kw.setdefault("guest", actions.GuestIdentity(name="Rafi", key="k1"))
    return actions.comment_post(actor=None, thread=thread, body=body, **kw)


@pytest.mark.parametrize("number", HUGE)
def test_page_and_offset_numbers_past_64_bits(client, thread, number):
    root = post(thread)
    post(thread, parent=root, body="A reply.")
    for url, headers in (
        (f"/api/threads/{thread.pk}/comments?page={number}", {}),
        (f"{ARTICLE}?page={number}", {}),
        (f"/threads/{thread.pk}/comments/?page={number}", {"HX-Request": "true"}),
        (f"/comments/{root.pk}/replies/?offset={number}", {}),
        (f"/comments/{root.pk}/replies/?offset={number}", {"HX-Request": "true"}),
        (f"/comments/{root.pk}/replies/?highlight={number}", {}),
        (f"{ARTICLE}?highlight={number}", {}),
        (f"/search/?q=bridge&page={number}", {}),
        (f"/api/comments/{number}", {}),
        (f"/api/threads/{number}/comments", {}),
    ):
        response = client.get(url, headers=headers)
        assert response.status_code < 500, (url, response.status_code)
        if url.startswith("/api/") and response.status_code >= 400:
            assert set(json.loads(response.content)) >= {"code", "message", "fields"}


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_search_never_fails_on_what_a_reader_types(client, article, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code in (200, 400), response.status_code


def test_a_lone_surrogate_in_json_loses_nothing_else(client, thread):
    raw = b'{"body": "broken \\ud800 text about the bridge", "name": "Api \\udfff"}'
    response = client.post(
        f"/api/threads/{thread.pk}/comments", data=raw, content_type="application/json"
    )
    assert response.status_code == 201, response.content[:300]
    comment = Comment.objects.get()
    assert comment.body == "broken \ufffd text about the bridge"
    assert comment.guest_name == "Api \ufffd"
    assert "\ufffd" in json.loads(response.content)["comment"]["body_html"]


def test_invalid_json_and_wrong_types_are_400s(client, thread):
    url = f"/api/threads/{thread.pk}/comments"
    for raw in (b"{", b"[]", b'"text"', b"null", b'{"body": 5}', b"\xff\xfe"):
        response = client.post(url, data=raw, content_type="application/json")
        assert response.status_code == 400, (raw, response.status_code)
        assert json.loads(response.content)["code"]


NUL = "before\x00after"


def test_a_nul_byte_in_a_comment_is_refused_or_dropped_never_a_500(client, thread):
    url = f"/api/threads/{thread.pk}/comments"
    for payload in (
        {"body": f"The {NUL} bridge.", "name": "Api Guest"},
        {"body": "The bridge.", "name": f"Api {NUL}"},
        {"body": "The bridge.", "name": "Api Guest", "email": f"a{NUL}@example.org"},
    ):
        response = client.post(
            url, json.dumps(payload), content_type="application/json"
        )
        assert response.status_code < 500, (payload, response.content[:300])
    for comment in Comment.objects.all():
        assert "\x00" not in comment.body + comment.guest_name + comment.guest_email


def test_a_nul_byte_in_the_form_keeps_the_writers_text(client, thread):
    response = client.post(
        f"/threads/{thread.pk}/comments/",
        {"body": f"Long careful text about the {NUL} ferry timetable.", "name": "Rafi"},
    )
    assert response.status_code < 500
    page = response.content.decode()
    if response.status_code >= 400:  # refused: the text comes back in the form
        assert "ferry timetable" in page
    else:
        assert Comment.objects.filter(body__contains="ferry timetable").exists()


def test_a_nul_byte_in_a_report_note_and_a_member_url(client, thread):
    comment = post(thread)
    response = client.post(
        f"/api/comments/{comment.pk}/reports",
        json.dumps({"reason": "spam", "note": NUL}),
        content_type="application/json",
        headers={views.GUEST_HEADER[5:].replace("_", "-"): "reporter-key"},
    )
    assert response.status_code < 500
    # (SQLite's LIKE stops at a NUL, so look in Python)
    assert Report.objects.exists()
    assert not any("\x00" in r.note for r in Report.objects.all())
    assert client.get("/members/a%00b/").status_code == 400
    assert client.get("/community/leaderboard/?month=%00").status_code == 400


def test_a_form_body_over_the_limit_says_so_and_where_the_text_is(
    client, thread, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 20_000
    text = "The ferry timetable again. " * 1000
    response = client.post(
        f"/threads/{thread.pk}/comments/", {"body": text, "name": "Rafi"}
    )
    # Never read, so it cannot come back in the form: the page says where it is.
    assert response.status_code == 413
    page = response.content.decode()
    assert "Too large to send" in page and "Back" in page
    assert not Comment.objects.exists()
