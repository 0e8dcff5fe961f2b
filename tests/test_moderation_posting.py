"""Posting through moderation: rejected, held, then published by an edit."""

from __future__ import annotations

import time

import pytest
from bs4 import BeautifulSoup
from django.core import signing

from dateline.community.models import Standing
from dateline.core.errors import Conflict, Rejected
from dateline.discussion import actions, selectors
from dateline.discussion.models import Comment, Thread
from dateline.discussion.views import FORM_SALT
from dateline.moderation.models import BannedPhrase, Review
from tests.posting import api_post

pytestmark = [pytest.mark.django_db, pytest.mark.moderation]

ARTICLE = "/world/bridge-reopens/"


@pytest.fixture
def numpty(db):
    """A banned word that holds (the toxicity model is tested on its own)."""
    return BannedPhrase.objects.create(phrase="numpty", action="hold")


def page_ids(thread, viewer):
    nodes = selectors.thread_page_for_reader(thread, viewer=viewer).nodes
    return [n.comment.pk for n in nodes]


def test_a_rejected_post_writes_nothing_and_says_why(client, thread):
    BannedPhrase.objects.create(phrase="scumbag", action="reject")
    response = api_post(client, thread, "The mayor is a SCUMBAG.")
    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "rejected"
    assert "scumbag" in error["message"]
    assert error["reasons"][0]["code"] == "banned_phrase"
    assert error["reasons"][0]["spans"] == [[15, 22]]
    assert Comment.objects.count() == 0
    assert Thread.objects.get(pk=thread.pk).comment_count == 0


def test_a_new_guests_history_is_not_looked_up_and_a_known_ones_is(client, thread):
    """A key made for this very post finds no earlier comments, so none are
    looked for (no duplicate check, no per-writer count); the same guest's
    next post, with that key, is checked against what it wrote."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    text = "Same words, posted twice by mistake."
    with CaptureQueriesContext(connection) as queries:
        first = api_post(client, thread, text)
    assert first.status_code == 201, first.content
    key = first.json()["guest_key"]
    by_writer = [q["sql"] for q in queries if "AND guest_key_hash = " in q["sql"]]
    assert by_writer == []
    client.cookies.clear()
    with CaptureQueriesContext(connection) as queries:
        again = api_post(client, thread, text, headers={"X-Dateline-Guest-Key": key})
    assert again.status_code == 422
    assert again.json()["reasons"][0]["code"] == "duplicate"
    assert any("AND guest_key_hash = " in q["sql"] for q in queries)
    other = api_post(
        client, thread, "Different words.", headers={"X-Dateline-Guest-Key": key}
    )
    assert other.status_code == 201
    stored = Comment.objects.get(pk=other.json()["comment"]["id"])
    assert stored.guest_key_hash == actions.guest_key_hash(key)
    assert Comment.objects.get(pk=first.json()["comment"]["id"]).guest_key_hash == (
        stored.guest_key_hash
    )


def test_a_post_reads_the_rules_version_once_and_sees_a_change_on_the_next(
    client, thread
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dateline.moderation import rules
    from dateline.moderation.models import LinkRule

    LinkRule.objects.create(domain="example.net", rule="allow")  # links look too
    with CaptureQueriesContext(connection) as queries:
        response = api_post(
            client, thread, "See https://example.net/ferry for the times."
        )
    assert response.status_code == 201
    reads = [q for q in queries if "rulesversion" in q["sql"].lower()]
    assert len(reads) == 1, [q["sql"] for q in reads]

    BannedPhrase.objects.create(phrase="ferry", action="reject")  # between requests
    assert api_post(client, thread, "The ferry again.").status_code == 422
    # Nothing is kept past the post: code that runs after it reads anew.
    with CaptureQueriesContext(connection) as after:
        rules.current()
    assert [q for q in after if "rulesversion" in q["sql"].lower()]


def test_a_bot_filling_the_honeypot_is_turned_away_and_a_person_keeps_the_text(
    client, thread
):
    form = {"body": "Cheap watches here.", "name": "Bot", "website": "http://x"}
    bot = client.post(f"/threads/{thread.pk}/comments/", form)
    assert bot.status_code == 422
    assert Comment.objects.count() == 0
    started = signing.dumps(0, salt=FORM_SALT)  # a form opened long ago
    person = client.post(
        f"/threads/{thread.pk}/comments/",
        {
            "body": "Watches aside, the bridge matters.",
            "name": "Ana",
            "started": started,
        },
    )
    assert person.status_code == 302
    assert Comment.objects.get().is_published


def test_a_form_sent_within_seconds_of_opening_is_held(client, thread):
    started = signing.dumps(time.time(), salt=FORM_SALT)
    response = client.post(
        f"/threads/{thread.pk}/comments/",
        {"body": "Instant opinion on the bridge.", "name": "Quick", "started": started},
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.is_pending and "second" in comment.held_because


def test_a_held_comment_is_seen_by_its_writer_only(
    client, thread, a_member, another_member, numpty
):
    posted = actions.comment_post(
        actor=a_member, thread=thread, body="What a numpty decision."
    )
    assert posted.is_pending
    assert "numpty" in posted.held_because
    review = Review.objects.get(comment=posted)
    assert review.state == "pending"
    assert review.reasons[0]["spans"] == [[7, 13]]
    assert {s["scorer"] for s in review.scores} >= {"banned_phrases", "toxicity"}
    thread.refresh_from_db()
    assert (thread.comment_count, thread.top_level_count) == (0, 0)

    assert page_ids(thread, selectors.Viewer(user=a_member)) == [posted.pk]
    assert page_ids(thread, selectors.Viewer(user=another_member)) == []
    assert page_ids(thread, selectors.Viewer()) == []
    assert "numpty decision" not in client.get(ARTICLE).content.decode()

    client.force_login(a_member)
    html = BeautifulSoup(client.get(ARTICLE).content, "html.parser")
    mine = html.select_one(f"#comment-{posted.pk}")
    assert "Waiting for review" in mine.select_one(".held-notice").get_text()
    assert mine.select_one("a[href$='/report/']") is None  # nothing to report yet

    with pytest.raises(Conflict):
        actions.comment_vote(actor=another_member, comment=posted, value=1)
    with pytest.raises(Conflict):
        actions.comment_post(
            actor=another_member, thread=thread, body="A reply.", parent=posted
        )


def test_an_edit_that_fixes_a_held_comment_publishes_it(
    live, thread, a_member, another_member, numpty, no_badges
):
    held = live(
        actions.comment_post, actor=a_member, thread=thread, body="What a numpty plan."
    )
    assert not Standing.objects.filter(member=a_member, points__gt=0).exists()
    edited = live(
        actions.comment_edit,
        actor=a_member,
        comment=held,
        body="What a poorly costed plan.",
    )
    assert edited.is_published and edited.held_because == ""
    assert Review.objects.get(comment=held).state == "approved"
    thread.refresh_from_db()
    assert (thread.comment_count, thread.top_level_count) == (1, 1)
    assert page_ids(thread, selectors.Viewer(user=another_member)) == [held.pk]
    assert Standing.objects.get(member=a_member).points == 2  # now it counts


def test_an_edit_still_abusive_stays_held_and_a_published_one_cannot_turn(
    thread, a_member, numpty
):
    held = actions.comment_post(actor=a_member, thread=thread, body="Numpty.")
    again = actions.comment_edit(
        actor=a_member, comment=held, body="Still a numpty, honestly."
    )
    assert again.is_pending and Review.objects.get(comment=held).version == 2
    published = actions.comment_post(
        actor=a_member, thread=thread, body="A fair point on tolls."
    )
    with pytest.raises(Rejected) as refused:
        actions.comment_edit(
            actor=a_member, comment=published, body="A fair point, numpty."
        )
    assert refused.value.reasons[0]["code"] == "banned_phrase"
    published.refresh_from_db()
    assert published.body == "A fair point on tolls." and published.is_published


def test_deleting_a_held_comment_withdraws_it(thread, a_member, numpty):
    held = actions.comment_post(actor=a_member, thread=thread, body="Numpty move.")
    actions.comment_delete(actor=a_member, comment=held)
    assert Review.objects.get(comment=held).state == "withdrawn"
    assert Thread.objects.get(pk=thread.pk).comment_count == 0


@pytest.mark.parametrize(
    ("mode", "member_held", "guest_held"),
    [("post", False, False), ("pre_new", False, True), ("pre_all", True, True)],
)
def test_site_policies(settings, live, thread, a_member, mode, member_held, guest_held):
    live(actions.comment_post, actor=a_member, thread=thread, body="Earlier words.")
    settings.DATELINE_MODERATION_MODE = mode
    member = actions.comment_post(
        actor=a_member, thread=thread, body="A member on the ferry."
    )
    guest = actions.comment_post(
        actor=None,
        thread=thread,
        body="A guest on the ferry.",
        guest=actions.GuestIdentity(name="Visitor", key="guest-key-1"),
    )
    assert member.is_pending == member_held
    assert guest.is_pending == guest_held
    if guest_held:
        assert "moderator" in guest.held_because


def test_slow_mode_asks_to_wait(settings, thread, a_member, another_member):
    settings.DATELINE_MODERATION_SLOW_SECONDS = 120
    actions.comment_post(actor=a_member, thread=thread, body="A first thought.")
    with pytest.raises(Rejected) as waiting:
        actions.comment_post(
            actor=a_member, thread=thread, body="A second thought right away."
        )
    assert waiting.value.reasons[0]["code"] == "slow_mode"
    # Another writer is not slowed by the first one.
    actions.comment_post(actor=another_member, thread=thread, body="My own view.")


def test_an_api_guest_sees_their_held_comment_in_the_thread(client, thread, numpty):
    created = api_post(client, thread, "A numpty idea, this toll.")
    assert created.status_code == 201
    held = created.json()
    assert held["comment"]["status"] == "pending"
    assert "numpty" in held["comment"]["held_because"]
    client.cookies.clear()
    url = f"/api/threads/{thread.pk}/comments"
    assert client.get(url).json()["comments"] == []  # everyone else
    mine = client.get(url, headers={"X-Dateline-Guest-Key": held["guest_key"]}).json()
    assert [c["id"] for c in mine["comments"]] == [held["comment"]["id"]]
    assert client.get(url).json()["comments"] == []  # and the cache is not mixed
