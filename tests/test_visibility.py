"""Who may read a comment, on every route that shows one.

The visibility matrix: each comment state (published, held for review,
hidden by readers' reports, shadow-banned, deleted, removed) x each viewer
(its writer, another member, an anonymous reader, a moderator) x each route
that shows a comment, HTML pages and fragments and the API. The comment's
text carries a marker; a route shows the marker only to whom it should.

A new route that shows a comment joins ROUTES (or LISTINGS) here.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import signing
from django.test import Client

from dateline.discussion import actions, views
from dateline.discussion.models import Comment

pytestmark = pytest.mark.django_db

ARTICLE = "/world/bridge-reopens/"
MARKER = "zebracrossing"  # one word, so no renderer splits it
STATES = ("published", "pending", "report_hidden", "shadowed", "deleted", "removed")
VIEWERS = ("writer", "member", "anonymous", "moderator")
HTMX = {"HTTP_HX_REQUEST": "true"}

# Routes that load the comment by its id: (url, headers, shows the text,
# loads a placeholder). Found (not 404) for the writer and the moderators
# whatever the state, for everyone when it is published, and as a
# placeholder where that keeps a place in the thread; the text only to
# those who may read it.
ROUTES: dict[str, tuple[str, dict[str, str], bool, bool]] = {
    "body_htmx": ("/comments/{id}/body/", HTMX, True, False),
    "reply_page": ("/comments/{id}/reply/", {}, True, False),
    "reply_htmx": ("/comments/{id}/reply/", HTMX, False, False),
    "edit_page": ("/comments/{id}/edit/", {}, True, False),
    "edit_htmx": ("/comments/{id}/edit/", HTMX, True, False),
    "delete_page": ("/comments/{id}/delete/", {}, True, False),
    "report_page": ("/comments/{id}/report/", {}, True, False),
    "report_htmx": ("/comments/{id}/report/", HTMX, False, False),
    "branch_page": ("/comments/{id}/replies/?offset=0", {}, True, True),
    "branch_htmx": ("/comments/{id}/replies/?offset=0", HTMX, False, True),
    "api_detail": ("/api/comments/{id}", {}, True, True),
}
# Routes that show it as the thread does: text for everyone when
# published, for its writer only otherwise (moderators read held comments
# in the queue, with their reasons).
LISTINGS: dict[str, tuple[str, dict[str, str]]] = {
    "article_page": (ARTICLE, {}),
    "thread_htmx": ("/threads/{thread}/comments/", HTMX),
    "api_thread": ("/api/threads/{thread}/comments", {}),
    "permalink": ("/comments/{id}/", {}),  # to the thread page, highlighted
}
# Routes that show articles, never comments: no comment text, in any state.
ARTICLES_ONLY: dict[str, str] = {
    "rss": "/feeds/rss.xml",
    "atom": "/feeds/atom.xml",
    "search": "/search/?q=repainted+Tuesday",  # words of the comment
    "sitemap": "/sitemap.xml",
}
PLACEHOLDERS = ("pending", "report_hidden", "deleted", "removed")


def _guest_cookie(client: Client, key: str) -> None:
    signer = signing.get_cookie_signer(
        salt=views.GUEST_COOKIE + views.GUEST_COOKIE_SALT
    )
    client.cookies[views.GUEST_COOKIE] = signer.sign(key)


def _into_state(comment: Comment, state: str, writer: Any, moderator: Any) -> None:
    """Put ``comment`` (published) into ``state`` the way the site does."""
    if state == "deleted":
        key = None if writer else "writer-key"
        actions.comment_delete(actor=writer, comment=comment, guest_key=key)
    elif state == "removed":
        actions.comment_delete(actor=moderator, comment=comment)
    elif state == "pending":  # held by moderation: never published
        Comment.objects.filter(pk=comment.pk).update(
            status=Comment.Status.PENDING, published_at=None
        )
    elif state == "report_hidden":  # published once, hidden until a decision
        Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.PENDING)
    elif state == "shadowed":
        Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.SHADOWED)


@pytest.fixture(params=["guest", "member"])
def writer_kind(request: pytest.FixtureRequest) -> str:
    return request.param


def _world(thread: Any, writer_kind: str, a_member: Any) -> dict[str, Any]:
    """The marked top-level comment, with a reply from someone else."""
    writer = a_member if writer_kind == "member" else None
    guest = None if writer else actions.GuestIdentity(name="Rafi", key="writer-key")
    marked = actions.comment_post(
        actor=writer,
        thread=thread,
        body=f"I saw the {MARKER} repainted on Tuesday.",
        guest=guest,
    )
    # a reply, so a hidden comment still holds a place in the tree
    actions.comment_post(
        actor=None,
        thread=thread,
        parent=marked,
        body="Same here.",
        guest=actions.GuestIdentity(name="Ola", key="other-key"),
    )
    return {"marked": marked, "writer": writer}


def _client(viewer: str, writer: Any, members: dict[str, Any]) -> Client:
    client = Client()
    if viewer == "writer":
        if writer is None:
            _guest_cookie(client, "writer-key")
        else:
            client.force_login(writer)
    elif viewer == "member":
        client.force_login(members["member"])
    elif viewer == "moderator":
        client.force_login(members["moderator"])
    return client


def _text(response: Any) -> str:
    return response.content.decode()


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_visibility_matrix(
    thread, writer_kind, a_member, another_member, a_moderator, state, viewer
):
    world = _world(thread, writer_kind, a_member)
    marked, writer = world["marked"], world["writer"]
    _into_state(marked, state, writer, a_moderator)
    client = _client(
        viewer, writer, {"member": another_member, "moderator": a_moderator}
    )
    has_text = state not in ("deleted", "removed")  # their text is gone
    own = viewer == "writer"
    allowed = state == "published" or own or viewer == "moderator"
    lists = has_text and (state == "published" or own)
    placeholder = state in PLACEHOLDERS  # it has a reply
    ids = {"id": marked.pk, "thread": thread.pk}

    seen: dict[str, tuple[bool, bool]] = {}
    expected: dict[str, tuple[bool, bool]] = {}
    for name, (url, headers, shows_text, placeholder_ok) in ROUTES.items():
        response = client.get(url.format(**ids), follow=True, **headers)
        seen[name] = (response.status_code != 404, MARKER in _text(response))
        found = allowed or (placeholder_ok and placeholder)
        expected[name] = (found, found and allowed and has_text and shows_text)
    for name, (url, headers) in LISTINGS.items():
        response = client.get(url.format(**ids), follow=True, **headers)
        seen[name] = (response.status_code != 404, MARKER in _text(response))
        expected[name] = (name != "permalink" or allowed or placeholder, lists)
    for name, url in ARTICLES_ONLY.items():
        response = client.get(url)
        seen[name] = (response.status_code != 404, MARKER in _text(response))
        expected[name] = (True, False)
    assert seen == expected

    detail = client.get(f"/api/comments/{marked.pk}")
    if detail.status_code == 404:
        assert json.loads(detail.content)["code"] == "comment_not_found"
    elif state == "shadowed" and own:  # the writer must not notice
        assert json.loads(detail.content)["status"] == "published"


@pytest.mark.parametrize("state", ("pending", "report_hidden", "shadowed"))
def test_hidden_comments_cannot_be_acted_on_by_others(
    thread, a_member, another_member, state
):
    world = _world(thread, "member", a_member)
    marked = world["marked"]
    _into_state(marked, state, a_member, None)
    client = Client()
    client.force_login(another_member)
    for url, data in (
        (f"/comments/{marked.pk}/vote/", {"value": "1"}),
        (f"/comments/{marked.pk}/report/", {"reason": "spam"}),
        (f"/comments/{marked.pk}/edit/", {"body": "changed"}),
        (f"/comments/{marked.pk}/delete/", {}),
    ):
        response = client.post(url, data)
        assert response.status_code == 404, url
        assert MARKER not in _text(response)
    for method, url, body in (
        ("put", f"/api/comments/{marked.pk}/vote", {"value": 1}),
        ("post", f"/api/comments/{marked.pk}/reports", {"reason": "spam"}),
        (
            "post",
            f"/api/threads/{thread.pk}/comments",
            {"body": "A reply.", "parent_id": marked.pk},
        ),
    ):
        response = getattr(client, method)(
            url, json.dumps(body), content_type="application/json"
        )
        assert response.status_code == 404, url
        assert MARKER not in _text(response)
    marked.refresh_from_db()
    assert marked.upvotes == 0 and marked.body.endswith("Tuesday.")


def test_comments_of_an_unpublished_article_are_not_found(thread, a_moderator):
    world = _world(thread, "guest", None)
    thread.article.unpublish()
    url = f"/api/comments/{world['marked'].pk}"
    assert Client().get(url).status_code == 404
    moderator = Client()
    moderator.force_login(a_moderator)
    assert moderator.get(url).status_code == 200
