"""Time to submit from browsers through the API, edits of comments held as too
fast, and a moderator's reason reaching the comment's writer."""

from __future__ import annotations

import time

import pytest
from django.core import signing

from dateline.discussion import actions, selectors
from dateline.discussion.models import Comment
from dateline.discussion.views import FORM_SALT
from dateline.moderation import decisions
from dateline.moderation.models import BannedPhrase, Review
from dateline.moderation.screening import Signals
from tests.posting import api_post

pytestmark = [pytest.mark.django_db, pytest.mark.moderation]

TEXT = "The ferry timetable changed again on Monday, check before you travel."


def test_a_browser_api_post_without_a_start_time_is_held_as_too_fast(client, thread):
    page = {"Origin": "http://testserver", "Sec-Fetch-Mode": "cors"}
    response = api_post(client, thread, TEXT, headers=page)
    assert response.status_code == 201
    assert response.json()["comment"]["status"] == "pending"
    assert "second" in Comment.objects.get().held_because


def test_a_browser_api_post_with_the_form_token_is_published(client, thread):
    token = client.get("/api/form-token").json()["started"]
    assert signing.loads(token, salt=FORM_SALT) <= time.time()
    earlier = signing.dumps(time.time() - 30, salt=FORM_SALT)
    page = {"Origin": "http://testserver", "Sec-Fetch-Mode": "cors"}
    response = api_post(client, thread, TEXT, started=earlier, headers=page)
    assert response.json()["comment"]["status"] == "published"


def test_a_server_side_api_client_is_not_timed(client, thread):
    response = api_post(client, thread, TEXT)
    assert response.json()["comment"]["status"] == "published"


def test_an_edit_of_a_comment_held_as_too_fast_is_timed_as_a_new_one(thread, a_member):
    held = actions.comment_post(
        actor=a_member,
        thread=thread,
        body=TEXT,
        signals=Signals(seconds_to_submit=0.5),
    )
    assert held.is_pending
    # An edit that says nothing of its timing (the API, a script) stays held.
    edited = actions.comment_edit(actor=a_member, comment=held, body=TEXT + " Thanks.")
    assert edited.is_pending
    # One written at a person's pace publishes it.
    edited = actions.comment_edit(
        actor=a_member,
        comment=held,
        body=TEXT + " Thanks!",
        signals=Signals(seconds_to_submit=40),
    )
    assert edited.is_published


def test_a_quick_typo_fix_of_a_published_comment_is_not_timed(thread, a_member):
    comment = actions.comment_post(actor=a_member, thread=thread, body=TEXT)
    edited = actions.comment_edit(
        actor=a_member,
        comment=comment,
        body=TEXT.replace("Monday", "Tuesday"),
        signals=Signals(seconds_to_submit=1.0),
    )
    assert edited.is_published and "Tuesday" in edited.body


def test_the_moderators_reason_reaches_the_writer_and_nobody_else(
    client, thread, a_member, another_member, a_moderator
):
    BannedPhrase.objects.create(phrase="numpty", action="hold")
    comment = actions.comment_post(
        actor=a_member, thread=thread, body="The ferry captain is a numpty."
    )
    review = Review.objects.get(comment=comment)
    decisions.decide(
        moderator=a_moderator,
        review_id=review.pk,
        version=review.version,
        action=decisions.REJECT,
        note="Name-calling; argue with the timetable, not the captain.",
    )
    client.force_login(a_member)
    mine = client.get(f"/api/comments/{comment.pk}").json()
    assert mine["status"] == "removed"
    assert mine["held_because"].startswith("Name-calling")
    page = selectors.thread_page_for_reader(
        thread, viewer=selectors.Viewer(user=a_member)
    )
    shown = [n for n in page.nodes if n.comment.pk == comment.pk]
    assert shown and "Name-calling" in shown[0].comment.held_because

    client.force_login(another_member)
    theirs = client.get(f"/api/comments/{comment.pk}")
    assert "Name-calling" not in theirs.content.decode()
    page = selectors.thread_page_for_reader(
        thread, viewer=selectors.Viewer(user=another_member)
    )
    assert comment.pk not in [n.comment.pk for n in page.nodes]
