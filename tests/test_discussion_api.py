"""The JSON API under /api/, used the way a client would."""

from __future__ import annotations

import json

import pytest

from dateline.discussion import actions, conf
from dateline.discussion.models import Comment
from tests.posting import api_post

pytestmark = pytest.mark.django_db


def post(thread, actor=None, body="A fair point about the bridge.", **kw):
    if actor is None and "guest" not in kw:
        kw["guest"] = actions.GuestIdentity(name="Rafi", key="k1")
    return actions.comment_post(actor=actor, thread=thread, body=body, **kw)


def call(client, method, url, data=None, **headers):
    return getattr(client, method)(
        url,
        data=json.dumps(data) if data is not None else None,
        content_type="application/json",
        headers=headers,
    )


def test_openapi_schema_lists_every_route(client):
    schema = client.get("/api/openapi.json").json()
    paths = schema["paths"]
    assert set(paths["/api/threads/{thread_id}/comments"]) == {"get", "post"}
    assert set(paths["/api/comments/{comment_id}"]) == {"get", "patch", "delete"}
    assert "put" in paths["/api/comments/{comment_id}/vote"]
    assert "post" in paths["/api/comments/{comment_id}/reports"]


def test_thread_page_nests_replies_and_pages_top_level(client, thread, settings):
    settings.DATELINE_COMMENTS_PAGE_SIZE = 2
    tops = [post(thread, body=f"Top {n}") for n in range(3)]
    reply = post(thread, parent=tops[0], body="Reply to the first")
    data = client.get(f"/api/threads/{thread.pk}/comments?sort=oldest").json()
    assert data["thread"]["comment_count"] == 4
    assert (data["page"], data["num_pages"], data["sort"]) == (1, 2, "oldest")
    assert [c["id"] for c in data["comments"]] == [tops[0].pk, tops[1].pk]
    assert data["comments"][0]["replies"][0]["id"] == reply.pk
    assert data["comments"][0]["author"] == {
        "name": "Rafi",
        "role": "Guest",
        "role_key": "guest",
        "rank": None,
        "badges": [],
    }
    second = client.get(f"/api/threads/{thread.pk}/comments?sort=oldest&page=2")
    assert [c["id"] for c in second.json()["comments"]] == [tops[2].pk]


def test_guest_posts_gets_a_key_then_edits_and_deletes_with_it(client, thread):
    created = call(
        client,
        "post",
        f"/api/threads/{thread.pk}/comments",
        {"body": "Hello from the API", "name": "Api Guest", "email": "g@example.test"},
    )
    assert created.status_code == 201
    body = created.json()
    key = body["guest_key"]
    assert key and "g@example.test" not in created.content.decode()
    comment_id = body["comment"]["id"]
    client.cookies.clear()  # an API client without cookies uses the header
    edited = call(
        client,
        "patch",
        f"/api/comments/{comment_id}",
        {"body": "Hello, edited"},
        **{"X-Dateline-Guest-Key": key},
    )
    assert edited.status_code == 200
    assert edited.json()["body_html"] == "<p>Hello, edited</p>"
    refused = call(
        client,
        "patch",
        f"/api/comments/{comment_id}",
        {"body": "Not mine"},
        **{"X-Dateline-Guest-Key": "someone-else"},
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_writer"
    deleted = call(
        client,
        "delete",
        f"/api/comments/{comment_id}",
        **{"X-Dateline-Guest-Key": key},
    )
    assert deleted.json()["deleted"] is True


def test_errors_are_json_with_a_stable_code(client, thread):
    empty = call(client, "post", f"/api/threads/{thread.pk}/comments", {"body": ""})
    assert empty.status_code == 400
    assert empty.json()["code"] == "empty"
    assert empty.json()["fields"]["body"]
    missing = client.get("/api/comments/999999")
    assert missing.status_code == 404
    assert missing.json()["code"] == "comment_not_found"
    malformed = call(client, "post", f"/api/threads/{thread.pk}/comments", {"x": 1})
    assert malformed.status_code == 400
    assert malformed.json()["code"] == "invalid"
    assert "body" in malformed.json()["fields"]
    no_thread = client.get("/api/threads/424242/comments")
    assert no_thread.json()["code"] == "thread_not_found"


def test_votes_need_a_member_and_are_reported_back(
    client, thread, a_member, another_member
):
    comment = post(thread, a_member)
    anonymous = call(client, "put", f"/api/comments/{comment.pk}/vote", {"value": 1})
    assert anonymous.status_code == 403
    assert anonymous.json()["code"] == "login_required"
    client.force_login(another_member)
    # a signed-in browser must send the CSRF token
    client.handler.enforce_csrf_checks = True
    no_token = call(client, "put", f"/api/comments/{comment.pk}/vote", {"value": 1})
    assert no_token.json()["code"] == "csrf_failed"
    client.handler.enforce_csrf_checks = False
    voted = call(client, "put", f"/api/comments/{comment.pk}/vote", {"value": 1})
    assert (voted.json()["score"], voted.json()["my_vote"]) == (1, 1)
    bad = call(client, "put", f"/api/comments/{comment.pk}/vote", {"value": 5})
    assert bad.json()["code"] == "invalid"


def test_a_votes_answer_does_not_read_again_what_it_knows(
    client, thread, a_member, another_member
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    comment = post(thread, a_member)
    client.force_login(another_member)
    call(client, "put", f"/api/comments/{comment.pk}/vote", {"value": 1})
    with CaptureQueriesContext(connection) as done:
        voted = call(client, "put", f"/api/comments/{comment.pk}/vote", {"value": -1})
    answer = voted.json()
    assert (answer["score"], answer["my_vote"]) == (-1, -1)
    assert answer["author"]["name"] == "Noor Haddad"
    reads = [q["sql"] for q in done.captured_queries if q["sql"].startswith("SELECT")]
    # The voter's own row (the session's), and the writer's with the comment.
    assert sum('FROM "auth_user" WHERE' in q for q in reads) == 1
    # The vote is read once, to change it, not again for the answer.
    assert sum('FROM "discussion_vote"' in q for q in reads) == 1


def test_a_votes_answer_names_the_writers_role_without_what_it_does_not_show(
    client, thread, a_member, article_author, a_moderator
):
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # The article's author is labelled Author even as a moderator too.
    article_author.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(a_member)
    roles = {}
    for writer in (article_author, a_moderator):
        comment = post(thread, writer)
        with CaptureQueriesContext(connection) as done:
            voted = call(
                client, "put", f"/api/comments/{comment.pk}/vote", {"value": 1}
            )
        roles[writer.username] = voted.json()["author"]["role_key"]
        reads = [q["sql"] for q in done.captured_queries]
        # Role and authorship in one read; no picture or mutes: the API
        # shows neither.
        assert sum("newsroom_articlepage" in q for q in reads) == 1
        assert not [q for q in reads if "memberpicture" in q or "notify_mute" in q]
    assert roles == {"writer": "author", "mod_one": "moderator"}
    listed = client.get(f"/api/threads/{thread.pk}/comments").json()["comments"]
    assert {c["author"]["name"]: c["author"]["role"] for c in listed} == {
        "Ida Marlow": "Author",
        "mod_one": "Moderator",
    }


def test_report_through_the_api(client, thread, a_member, another_member):
    comment = post(thread, a_member)
    client.force_login(another_member)
    response = call(
        client,
        "post",
        f"/api/comments/{comment.pk}/reports",
        {"reason": "threat", "note": "Read the last line."},
    )
    assert response.status_code == 201
    assert comment.reports.get().reason == "threat"
    wrong = call(client, "post", f"/api/comments/{comment.pk}/reports", {"reason": "x"})
    assert wrong.json()["code"] == "invalid"


def test_posting_to_a_closed_thread_is_a_conflict(client, thread, a_moderator):
    actions.thread_close(actor=a_moderator, thread=thread)
    response = call(
        client,
        "post",
        f"/api/threads/{thread.pk}/comments",
        {"body": "Anyone here?", "name": "Late"},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "thread_closed"
    assert Comment.objects.count() == 0


def test_anonymous_thread_payload_is_cached_until_the_thread_changes(
    client, thread, a_member
):
    post(thread, a_member, body="One")
    url = f"/api/threads/{thread.pk}/comments"
    assert client.get(url)["X-Dateline-Cache"] == "miss"
    assert client.get(url)["X-Dateline-Cache"] == "hit"
    post(thread, a_member, body="Two")
    fresh = client.get(url)
    assert fresh["X-Dateline-Cache"] == "miss"
    assert fresh.json()["thread"]["comment_count"] == 2


def test_thread_payload_query_count_is_constant(
    client, thread, a_member, django_assert_max_num_queries, settings
):
    settings.DATELINE_PAGE_CACHE_SECONDS = 0
    url = f"/api/threads/{thread.pk}/comments"
    for n in range(3):
        post(thread, parent=post(thread, a_member, body=f"Top {n}"))
    with django_assert_max_num_queries(10) as small:
        client.get(url)
    for n in range(60):
        post(thread, parent=post(thread, a_member, body=f"More {n}"))
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_the_schema_states_the_limits_the_server_enforces(client, thread, settings):
    settings.DATELINE_COMMENTS_MAX_LENGTH = 300
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    body = schemas["PostIn"]["properties"]["body"]
    assert body["maxLength"] == 300
    assert body["minLength"] == conf.min_length()
    assert schemas["PostIn"]["properties"]["name"]["maxLength"] == (
        conf.name_max_length()
    )
    assert schemas["ReportIn"]["properties"]["note"]["maxLength"] == 1000
    url = f"/api/threads/{thread.pk}/comments"
    for text, status in (("", 400), ("x" * 301, 400), ("A fair point. " * 21, 201)):
        response = call(client, "post", url, {"body": text, "name": "Api Guest"})
        assert response.status_code == status, (len(text), response.content[:200])


def test_thread_pages_are_the_bytes_their_schema_gives(demo):
    """``api.schema_json`` skips validating what the API built; for every demo
    thread and kinds of reader, the bytes are those of the schema's dump."""
    from django.contrib.auth import get_user_model
    from django.utils import translation

    from dateline.discussion import api, selectors
    from dateline.discussion.models import Thread

    members = list(get_user_model().objects.filter(comments__isnull=False)[:3])
    guest = Comment.objects.exclude(guest_key_hash="").first()
    viewers = [selectors.Viewer()] + [selectors.Viewer(user=m) for m in members]
    viewers.append(selectors.Viewer(guest_key_hash=guest.guest_key_hash))
    checked = 0
    for thread in Thread.objects.all():
        for viewer in viewers:
            for sort in ("best", "newest"):
                data = selectors.thread_page_for_reader(
                    thread,
                    viewer=viewer,
                    sort=sort,
                )
                payload = {
                    "thread": api._thread_out(thread),
                    "sort": data.sort,
                    "page": data.page,
                    "num_pages": data.num_pages,
                    "page_size": data.page_size,
                    "comments": [api._node_out(n) for n in data.nodes],
                }
                with translation.override("fr"):  # lazy labels, translated
                    want = api.ThreadPageOut.model_validate(payload).model_dump_json()
                    assert api.schema_json(payload) == want.encode()
                checked += len(data.nodes)
    assert checked > 100


def test_comment_answers_are_what_their_schema_dumps(client, thread, a_member):
    """Posting, reading, voting on and deleting a comment answer the bytes the
    response schema gives for them, written without validating them again."""
    from dateline.discussion import api

    def same(answer, schema):
        assert answer["Content-Type"] == "application/json"
        dumped = schema.model_validate_json(answer.content).model_dump_json()
        assert answer.content == dumped.encode()
        return answer.json()

    posted = api_post(client, thread, "Ferry times *again*? Third week now.")
    assert posted.status_code == 201
    data = same(posted, api.CommentPosted)
    assert data["guest_key"] and data["comment"]["author"]["role"] == "Guest"
    key = data["guest_key"]
    comment_id = data["comment"]["id"]
    same(client.get(f"/api/comments/{comment_id}"), api.CommentOut)
    client.force_login(a_member)
    voted = call(client, "put", f"/api/comments/{comment_id}/vote", {"value": 1})
    assert same(voted, api.CommentOut)["my_vote"] == 1
    client.logout()
    gone = call(
        client, "delete", f"/api/comments/{comment_id}", **{"X-Dateline-Guest-Key": key}
    )
    assert same(gone, api.CommentOut)["deleted"] is True


def test_the_openapi_schema_is_built_once(client, monkeypatch):
    """Built on every request it cost 180 ms of CPU, for anyone who asked."""
    import ninja.main

    from dateline.discussion.api import api

    built = []
    real = ninja.main.get_schema
    monkeypatch.setattr(
        ninja.main, "get_schema", lambda **kw: built.append(1) or real(**kw)
    )
    monkeypatch.setattr(api, "_built", {})
    first = client.get("/api/openapi.json").json()
    again = client.get("/api/openapi.json").json()
    assert first == again
    assert "/api/threads/{thread_id}/comments" in again["paths"]
    assert built == [1]
