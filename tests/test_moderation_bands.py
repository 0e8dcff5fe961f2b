"""The decision bands: published and flagged, asked to reconsider, per article."""

from __future__ import annotations

import time

import pytest
from bs4 import BeautifulSoup
from django.core import signing

from dateline.core.errors import Reconsider
from dateline.discussion import actions
from dateline.discussion.models import Comment, Thread
from dateline.discussion.views import FORM_SALT
from dateline.moderation import queue
from dateline.moderation.models import Review
from dateline.moderation.scoring import Bands
from tests.posting import api_post

pytestmark = [pytest.mark.django_db, pytest.mark.moderation]

# Sure to reach every band set at 0 and none set at 1: a plain insult.
RUDE = "Honestly, you are a clueless idiot. The bridge opened in May."


def bands(thread, **values):
    Thread.objects.filter(pk=thread.pk).update(**values)
    thread.refresh_from_db()
    return thread


def test_a_thread_sets_its_own_bands_and_the_site_fills_the_rest(settings, thread):
    settings.DATELINE_MODERATION_HOLD_AT = 0.8
    bands(thread, flag_at=0.2)
    found = Bands.of(thread)
    assert found.flag_at == 0.2
    assert found.hold_at == 0.8
    assert found.reject_at == Bands.site().reject_at


def test_a_flagged_comment_is_published_and_worth_a_look(thread, a_member):
    bands(thread, flag_at=0.0, reconsider_at=1.0, hold_at=1.0, reject_at=1.0)
    comment = actions.comment_post(
        actor=a_member, thread=thread, body="The bridge looks fine to me."
    )
    assert comment.is_published
    review = Review.objects.get(comment=comment)
    assert review.source == Review.Source.WATCH
    assert review.state == Review.State.PENDING
    assert queue.counts()[queue.WATCH] == 1
    assert [i.review.pk for i in queue.items(queue.WATCH)] == [review.pk]
    assert Thread.objects.get(pk=thread.pk).comment_count == 1


def test_reconsider_saves_nothing_until_the_writer_posts_anyway(client, thread):
    bands(thread, reconsider_at=0.0, hold_at=1.0, reject_at=1.0)
    asked = api_post(client, thread, RUDE)
    assert asked.status_code == 409
    error = asked.json()
    assert error["code"] == "reconsider"
    spans = error["reasons"][0]["spans"]
    assert spans and all(0 <= a < b <= len(RUDE) for a, b in spans)
    assert "idiot" in "".join(RUDE[a:b] for a, b in spans)
    assert Comment.objects.count() == 0

    posted = api_post(client, thread, RUDE, confirm=True)
    assert posted.status_code == 201
    comment = Comment.objects.get()
    assert comment.is_published
    review = Review.objects.get(comment=comment)
    assert review.source == Review.Source.WATCH
    # The moderator reads what happened, with the passage still marked.
    assert "posted it as it is" in review.reasons[0]["message"]
    assert review.reasons[0]["spans"] == spans


def test_posted_anyway_is_held_when_the_site_says_so(settings, thread, a_member):
    settings.DATELINE_MODERATION_RECONSIDERED = "hold"
    bands(thread, reconsider_at=0.0, hold_at=1.0, reject_at=1.0)
    with pytest.raises(Reconsider):
        actions.comment_post(actor=a_member, thread=thread, body=RUDE)
    from dateline.moderation.screening import Signals

    comment = actions.comment_post(
        actor=a_member, thread=thread, body=RUDE, signals=Signals(confirmed=True)
    )
    assert comment.is_pending
    assert "moderator" in comment.held_because


def test_the_form_asks_again_without_javascript_and_keeps_the_text(client, thread):
    bands(thread, reconsider_at=0.0, hold_at=1.0, reject_at=1.0)
    started = signing.dumps(time.time() - 60, salt=FORM_SALT)
    form = {"body": RUDE, "name": "Dana", "started": started}
    asked = client.post(f"/threads/{thread.pk}/comments/", form)
    assert asked.status_code == 409
    page = BeautifulSoup(asked.content, "html.parser")
    prompt = page.select_one(".reconsider")
    assert prompt is not None and "idiot" in prompt.select_one("mark").text
    assert page.select_one("textarea[name=body]").text == RUDE
    # The second round trip keeps when the form was first shown.
    assert page.select_one("input[name=started]")["value"] == started
    button = prompt.select_one("button[name=confirm]")
    assert button["value"] == "1"
    assert Comment.objects.count() == 0

    posted = client.post(f"/threads/{thread.pk}/comments/", {**form, "confirm": "1"})
    assert posted.status_code == 302
    comment = Comment.objects.get()
    assert comment.is_published  # not held as too fast: the clock kept running
    assert Review.objects.get(comment=comment).source == Review.Source.WATCH


def test_the_htmx_form_is_swapped_for_the_prompt(client, thread):
    bands(thread, reconsider_at=0.0, hold_at=1.0, reject_at=1.0)
    asked = client.post(
        f"/threads/{thread.pk}/comments/",
        {"body": RUDE, "name": "Dana"},
        HTTP_HX_REQUEST="true",
    )
    assert asked.status_code == 409
    assert asked["HX-Retarget"] == "#compose-new"
    assert b"Post as it is" in asked.content


def test_an_edit_that_would_be_flagged_is_saved_and_flagged(thread, a_member):
    comment = actions.comment_post(
        actor=a_member, thread=thread, body="The bridge opened in May."
    )
    bands(thread, flag_at=0.0, reconsider_at=1.0, hold_at=1.0, reject_at=1.0)
    edited = actions.comment_edit(
        actor=a_member, comment=comment, body="The bridge opened in late May."
    )
    assert edited.is_published and "late May" in edited.body
    assert Review.objects.get(comment=comment).source == Review.Source.WATCH


def test_a_report_moves_a_flagged_comment_to_the_reported_tab(
    thread, a_member, another_member
):
    bands(thread, flag_at=0.0, reconsider_at=1.0, hold_at=1.0, reject_at=1.0)
    comment = actions.comment_post(
        actor=a_member, thread=thread, body="The bridge looks fine to me."
    )
    assert queue.counts()[queue.WATCH] == 1
    actions.comment_report(actor=another_member, comment=comment, reason="spam")
    counts = queue.counts()
    assert counts[queue.WATCH] == 0 and counts[queue.REPORTED] == 1
    review = Review.objects.get(comment=comment)
    assert review.reasons[0]["code"] == "toxicity"  # the model's reason stays


def test_worth_a_look_lists_the_surest_first(thread, a_member, another_member):
    bands(thread, flag_at=0.0, reconsider_at=1.0, hold_at=1.0, reject_at=1.0)
    mild = actions.comment_post(
        actor=a_member, thread=thread, body="The bridge looks fine to me."
    )
    rude = actions.comment_post(
        actor=another_member, thread=thread, body="You are a clueless idiot, frankly."
    )
    listed = [item.review.comment_id for item in queue.items(queue.WATCH)]
    assert listed == [rude.pk, mild.pk]  # newer, but surer


def test_an_edit_flagged_again_keeps_a_reported_comment_in_reported(
    thread, a_member, another_member
):
    comment = actions.comment_post(
        actor=a_member, thread=thread, body="The bridge opened in May."
    )
    actions.comment_report(actor=another_member, comment=comment, reason="spam")
    bands(thread, flag_at=0.0, reconsider_at=1.0, hold_at=1.0, reject_at=1.0)
    actions.comment_edit(
        actor=a_member, comment=comment, body="The bridge opened in late May."
    )
    assert Review.objects.get(comment=comment).source == Review.Source.REPORTS


def test_a_policy_hold_with_a_flag_stays_in_pending(thread, a_member):
    from dateline.moderation import policies

    Thread.objects.filter(pk=thread.pk).update(moderation_mode=policies.PRE_ALL)
    bands(thread, flag_at=0.0, reconsider_at=1.0, hold_at=1.0, reject_at=1.0)
    comment = actions.comment_post(
        actor=a_member, thread=thread, body="The bridge looks fine to me."
    )
    assert comment.is_pending
    assert Review.objects.get(comment=comment).source == Review.Source.POLICY
