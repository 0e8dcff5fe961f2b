"""A cached page's comments rendered once per change (``discussion/fragments.py``).

The proof is the page itself: after each kind of change, the page built
with the comments kept from earlier builds is the page built from nothing.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import caches
from django.test import Client

from dateline.community import actions as community
from dateline.discussion import actions, fragments
from dateline.discussion.models import Comment
from tests.posting import guest_post
from tests.test_front import ARTICLE

pytestmark = pytest.mark.django_db


def _cached_page() -> str:
    """The article as the page cache builds it for anonymous readers, with
    the comments this process kept."""
    caches["pages"].clear()
    answer = Client().get(ARTICLE)
    assert answer.status_code == 200
    assert answer.headers["X-Dateline-Cache"] == "miss"
    # Each reader's own token, and the signed time the form was sent.
    page = re.sub(r'value="[A-Za-z0-9]{64}"', 'value=""', answer.content.decode())
    return re.sub(r'name="started" value="[^"]*"', 'name="started"', page)


def _from_nothing() -> str:
    fragments.clear()
    return _cached_page()


@pytest.fixture
def comments(thread, a_member, another_member, a_moderator):
    first = actions.comment_post(
        actor=a_member, thread=thread, body="The new timetable skips my stop."
    )
    reply = actions.comment_post(
        actor=another_member, thread=thread, body="Mine too, since May.", parent=first
    )
    guest = guest_post(thread, "Does the night bus still run on Sundays?")
    return {"first": first, "reply": reply, "guest": guest, "moderator": a_moderator}


def test_every_change_shows_as_it_would_on_a_page_built_from_nothing(
    thread, a_member, another_member, comments
):
    _from_nothing()
    kept = len(fragments._kept)
    assert kept == 3  # one per comment, replies included
    assert _cached_page() == _from_nothing()  # unchanged: all from what was kept

    first, reply, guest = comments["first"], comments["reply"], comments["guest"]
    changes = [
        lambda: actions.comment_vote(actor=another_member, comment=first, value=1),
        lambda: actions.comment_vote(actor=a_member, comment=reply, value=-1),
        lambda: actions.comment_edit(
            actor=a_member, comment=first, body="The new timetable skips my stop!"
        ),
        lambda: actions.comment_post(
            actor=a_member, thread=thread, body="Since May? Odd.", parent=reply
        ),
        lambda: community.badge_grant(
            actor=comments["moderator"],
            member=another_member,
            badge="civil",
            level=1,
            reason="Calm answers",
        ),
        lambda: actions.comment_delete(actor=None, comment=guest, guest_key="k1"),
        lambda: _rename(a_member, "Noor H."),
    ]
    for change in changes:
        # Warm with the page before the change, then change it.
        _from_nothing()
        change()
        warm = _cached_page()
        assert warm == _from_nothing()


def _rename(member, first_name):
    member.first_name, member.last_name = first_name, ""
    member.save(update_fields=["first_name", "last_name"])


def test_a_vote_renders_again_only_the_comment_and_those_above_it(
    thread, another_member, comments
):
    page = _from_nothing()
    before = set(fragments._kept)
    actions.comment_vote(actor=another_member, comment=comments["first"], value=1)
    page = _cached_page()
    # The reply (under the voted comment) and the guest's came from memory;
    # the voted one was rendered again.
    assert len(set(fragments._kept) - before) == 1
    first = Comment.objects.get(pk=comments["first"].pk)
    assert first.score == 1
    assert re.search(
        rf'id="votes-{first.pk}".*?<span class="score">1</span>', page, re.S
    )


def test_signed_in_readers_pages_are_rendered_whole(client, a_member, comments):
    client.force_login(a_member)
    fragments.clear()
    assert client.get(ARTICLE).status_code == 200
    assert fragments._kept == {}
