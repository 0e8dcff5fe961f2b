"""Posting, replying, editing, deleting, voting and reporting through the actions."""

from __future__ import annotations

import datetime as dt

import pytest

from dateline.core.errors import DatelineError
from dateline.discussion import actions
from dateline.discussion.models import (
    Comment,
    CommentRevision,
    Report,
    Thread,
    wilson_lower_bound,
)

pytestmark = pytest.mark.django_db


def guest(name="Rafi", key="browser-key-1", email=""):
    return actions.GuestIdentity(name=name, email=email, key=key)


def post(thread, actor=None, body="A fair point about the bridge.", **kw):
    if actor is None and "guest" not in kw:
        kw["guest"] = guest()
    return actions.comment_post(actor=actor, thread=thread, body=body, **kw)


def fresh(obj):
    obj.refresh_from_db()
    return obj


def test_replies_store_parent_root_depth_and_a_stable_path(thread, a_member):
    top = post(thread, a_member)
    reply = post(thread, parent=top)
    deeper = post(thread, a_member, parent=reply)
    second_reply = post(thread, parent=top)
    assert (reply.root_id, reply.depth) == (top.pk, 1)
    assert (deeper.root_id, deeper.depth, deeper.parent_id) == (top.pk, 2, reply.pk)
    paths_before = {c.pk: c.path for c in Comment.objects.all()}
    post(thread, parent=reply)  # inserting never renumbers anyone else
    assert {
        c.pk: c.path for c in Comment.objects.filter(pk__in=paths_before)
    } == paths_before
    ordered = list(
        Comment.objects.filter(root=top).order_by("path").values_list("pk", flat=True)
    )
    assert ordered[:4] == [top.pk, reply.pk, deeper.pk, ordered[3]]
    assert ordered[-1] == second_reply.pk
    thread = fresh(thread)
    assert (thread.comment_count, thread.top_level_count) == (5, 1)
    top = fresh(top)
    assert (top.reply_count, top.branch_count) == (2, 4)


def test_member_comment_is_rendered_and_keeps_its_source(thread, a_member):
    comment = post(thread, a_member, body="See *this* map: https://maps.example/x")
    assert comment.author == a_member
    assert comment.guest_name == ""
    assert "<em>this</em>" in comment.body_html
    assert 'rel="nofollow ugc noopener"' in comment.body_html
    assert comment.body == "See *this* map: https://maps.example/x"


@pytest.mark.parametrize(
    ("body", "code"),
    [("", "empty"), ("   \n ", "empty"), ("x", "too_short"), ("y" * 5001, "too_long")],
)
def test_bad_bodies_are_refused_with_a_clear_code(thread, a_member, body, code):
    with pytest.raises(DatelineError) as caught:
        post(thread, a_member, body=body)
    assert caught.value.code == code
    assert caught.value.fields["body"]
    assert Comment.objects.count() == 0


def test_too_long_message_says_the_limit_and_the_length(thread, a_member):
    with pytest.raises(DatelineError) as caught:
        post(thread, a_member, body="z" * 5010)
    assert "5000" in caught.value.message
    assert "5010" in caught.value.message


@pytest.mark.parametrize(
    ("identity", "code"),
    [
        (actions.GuestIdentity(name="   "), "name_required"),
        (actions.GuestIdentity(name="n" * 51), "name_too_long"),
        (actions.GuestIdentity(name="Ann", email="not-an-email"), "invalid_email"),
    ],
)
def test_guest_needs_a_name_and_a_valid_email_if_any(thread, identity, code):
    with pytest.raises(DatelineError) as caught:
        actions.comment_post(
            actor=None, thread=thread, body="Hello there", guest=identity
        )
    assert caught.value.code == code


def test_posting_on_a_closed_thread_is_refused(thread, a_member, a_moderator):
    actions.thread_close(actor=a_moderator, thread=thread)
    with pytest.raises(DatelineError) as caught:
        post(thread, a_member)
    assert caught.value.code == "thread_closed"
    assert "closed" in caught.value.message


def test_members_cannot_close_threads(thread, a_member):
    with pytest.raises(DatelineError) as caught:
        actions.thread_close(actor=a_member, thread=thread)
    assert caught.value.status == 403
    assert not fresh(thread).is_closed


def test_reply_must_stay_in_its_thread(thread, article, a_member):
    other = Thread.objects.create(url="https://elsewhere.example/page")
    top = post(other, a_member)
    with pytest.raises(DatelineError) as caught:
        post(thread, a_member, parent=top)
    assert caught.value.code == "wrong_thread"


def test_edit_within_the_window_keeps_the_history(thread, a_member):
    comment = post(thread, a_member, body="First version of my thought.")
    version = fresh(thread).version
    actions.comment_edit(actor=a_member, comment=comment, body="Second, *better*.")
    comment = fresh(comment)
    assert comment.body == "Second, *better*."
    assert "<em>better</em>" in comment.body_html
    assert comment.edited_at is not None
    history = list(CommentRevision.objects.filter(comment=comment))
    assert [r.body for r in history] == ["First version of my thought."]
    assert fresh(thread).version > version


def test_edit_after_the_window_is_refused(thread, a_member, settings):
    settings.DATELINE_COMMENTS_EDIT_WINDOW_MINUTES = 15
    comment = post(thread, a_member)
    Comment.objects.filter(pk=comment.pk).update(
        created_at=comment.created_at - dt.timedelta(minutes=16)
    )
    with pytest.raises(DatelineError) as caught:
        actions.comment_edit(actor=a_member, comment=comment, body="Too late now.")
    assert caught.value.code == "edit_window_closed"
    assert "15 minutes" in caught.value.message
    assert fresh(comment).body == "A fair point about the bridge."


def test_only_the_writer_may_edit(thread, a_member, another_member):
    comment = post(thread, a_member)
    with pytest.raises(DatelineError) as caught:
        actions.comment_edit(actor=another_member, comment=comment, body="Hijacked!")
    assert caught.value.code == "not_writer"


def test_guest_edits_and_deletes_with_the_same_browser_key(thread):
    comment = post(thread, guest=guest(key="k-abc"))
    with pytest.raises(DatelineError):
        actions.comment_edit(
            actor=None, comment=comment, body="Other browser", guest_key="k-xyz"
        )
    actions.comment_edit(
        actor=None, comment=comment, body="Fixed typo", guest_key="k-abc"
    )
    assert fresh(comment).body == "Fixed typo"
    actions.comment_delete(actor=None, comment=comment, guest_key="k-abc")
    assert fresh(comment).is_deleted


def test_guest_email_is_stored_but_the_key_only_as_a_hash(thread):
    comment = post(thread, guest=guest(email="rafi@example.test", key="secret-key"))
    assert comment.guest_email == "rafi@example.test"
    assert "secret-key" not in comment.guest_key_hash
    assert len(comment.guest_key_hash) == 64


def test_delete_keeps_the_tree_and_fixes_the_counters(thread, a_member):
    top = post(thread, a_member)
    reply = post(thread, parent=top)
    lonely = post(thread, a_member)
    actions.comment_delete(actor=a_member, comment=top)
    actions.comment_delete(actor=a_member, comment=lonely)
    top, reply, thread = fresh(top), fresh(reply), fresh(thread)
    assert top.is_deleted and top.body == "" and top.body_html == ""
    assert reply.parent_id == top.pk and not reply.is_deleted
    # the deleted top comment still holds a reply, the lonely one leaves
    assert (thread.comment_count, thread.top_level_count) == (1, 1)
    assert CommentRevision.objects.filter(comment=top).count() == 1


def test_replying_to_a_deleted_comment_is_refused(thread, a_member):
    top = post(thread, a_member)
    actions.comment_delete(actor=a_member, comment=top)
    with pytest.raises(DatelineError) as caught:
        post(thread, parent=top)
    assert caught.value.code == "parent_deleted"


def test_moderator_may_delete_anyones_comment(thread, a_member, a_moderator):
    comment = post(thread, a_member)
    actions.comment_delete(actor=a_moderator, comment=comment)
    assert fresh(comment).is_deleted


def test_votes_can_be_cast_changed_and_withdrawn(thread, a_member, another_member):
    comment = post(thread, a_member)
    actions.comment_vote(actor=another_member, comment=comment, value=1)
    assert (fresh(comment).score, comment.upvotes, comment.downvotes) == (1, 1, 0)
    actions.comment_vote(actor=another_member, comment=comment, value=-1)
    assert (fresh(comment).score, comment.upvotes, comment.downvotes) == (-1, 0, 1)
    actions.comment_vote(actor=another_member, comment=comment, value=-1)
    assert fresh(comment).score == -1  # the same vote twice counts once
    actions.comment_vote(actor=another_member, comment=comment, value=0)
    assert (fresh(comment).score, comment.upvotes, comment.downvotes) == (0, 0, 0)
    assert comment.best == 0.0


def test_a_vote_moves_the_threads_version_and_a_clash_changes_nothing(
    thread, a_member, another_member, monkeypatch
):
    from dateline.core import sql
    from dateline.discussion.models import Vote

    comment = post(thread, a_member)
    before = fresh(thread).version
    actions.comment_vote(actor=another_member, comment=comment, value=1)
    assert fresh(thread).version == before + 1
    # Another request counted this voter's vote between the read and the
    # write (the comment's lock makes it rare): the vote is refused whole.
    read = f"SELECT id, value FROM {sql.table(Vote)}"
    real = sql.one

    def unseen(statement, params=(), using="default"):
        return None if statement.startswith(read) else real(statement, params, using)

    monkeypatch.setattr(sql, "one", unseen)
    with pytest.raises(DatelineError) as clash:
        actions.comment_vote(actor=another_member, comment=comment, value=-1)
    monkeypatch.undo()
    assert clash.value.code == "vote_in_progress"
    assert (fresh(comment).upvotes, comment.downvotes) == (1, 0)
    assert fresh(thread).version == before + 1
    assert Vote.objects.get(comment=comment).value == 1


def test_guests_and_writers_cannot_vote(thread, a_member):
    comment = post(thread, a_member)
    with pytest.raises(DatelineError) as guest_vote:
        actions.comment_vote(actor=None, comment=comment, value=1)
    assert guest_vote.value.code == "login_required"
    with pytest.raises(DatelineError) as own_vote:
        actions.comment_vote(actor=a_member, comment=comment, value=1)
    assert own_vote.value.code == "own_comment"


def test_wilson_bound_ranks_fifty_upvotes_above_one():
    assert wilson_lower_bound(1, 0) < wilson_lower_bound(50, 2)
    assert wilson_lower_bound(0, 0) == 0.0
    assert 0.2 < wilson_lower_bound(1, 0) < 0.21
    assert wilson_lower_bound(10, 0) > wilson_lower_bound(10, 5)


def test_report_is_recorded_once_per_reader(thread, a_member, another_member):
    comment = post(thread, a_member)
    first = actions.comment_report(
        actor=another_member, comment=comment, reason="abuse"
    )
    again = actions.comment_report(actor=another_member, comment=comment, reason="spam")
    assert first.pk == again.pk
    actions.comment_report(actor=None, comment=comment, reason="spam", guest_key="g1")
    assert Report.objects.filter(comment=comment).count() == 2
    with pytest.raises(DatelineError) as caught:
        actions.comment_report(actor=another_member, comment=comment, reason="boring")
    assert caught.value.code == "invalid_reason"
