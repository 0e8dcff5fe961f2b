"""The events actions emit after they commit, and who hears them."""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import pytest
from django.db import transaction

from dateline.core import events
from dateline.discussion import actions

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def _post(thread, who, body="The night ferry was cancelled again.", **kw):
    return actions.comment_post(actor=who, thread=thread, body=body, **kw)


def test_an_event_arrives_after_the_commit_and_never_after_a_rollback(
    thread, a_member, django_capture_on_commit_callbacks
):
    with events.recorded() as seen:
        with django_capture_on_commit_callbacks(execute=False) as pending:
            comment = _post(thread, a_member, moderate=False)
        assert seen == []  # not committed yet
        for callback in pending:
            callback()
        with (
            django_capture_on_commit_callbacks(execute=True) as after,
            pytest.raises(RuntimeError),
            transaction.atomic(),
        ):
            _post(thread, a_member, body="rolled back, this one", moderate=False)
            raise RuntimeError("undo")
        assert after == []
    assert seen == [
        events.ThreadChanged(thread.pk),
        events.CommentPosted(comment.pk, thread.pk, a_member.pk, decision="none"),
        events.CommentPublished(comment.pk, thread.pk, a_member.pk),
    ]


def test_each_change_says_what_it_was(
    thread, a_member, another_member, a_moderator, live
):
    with events.recorded() as seen:
        first = live(_post, thread, a_member, moderate=False)
        reply = live(
            _post,
            thread,
            another_member,
            body="It ran at 7, I was on it.",
            parent=first,
        )
        live(actions.comment_vote, actor=another_member, comment=first, value=1)
        live(actions.comment_delete, actor=a_moderator, comment=first)
    kinds = [type(e).__name__ for e in seen if isinstance(e, events.CommentEvent)]
    # A first comment earns a badge by the rules, told as its own event.
    badges = [e for e in seen if isinstance(e, events.BadgeGranted)]
    assert badges and {e.member_id for e in badges} <= {a_member.pk, another_member.pk}
    assert kinds == [
        "CommentPosted",
        "CommentPublished",
        "CommentPosted",
        "CommentPublished",
        "CommentVoted",
        "CommentDeleted",
    ]
    published_reply = [e for e in seen if isinstance(e, events.CommentPublished)][1]
    assert published_reply.comment_id == reply.pk
    assert published_reply.parent_author_id == a_member.pk
    voted = next(e for e in seen if isinstance(e, events.CommentVoted))
    assert (voted.voter_id, voted.value, voted.author_id) == (
        another_member.pk,
        1,
        a_member.pk,
    )
    deleted = seen[-1] if isinstance(seen[-1], events.CommentDeleted) else seen[-2]
    assert isinstance(deleted, events.CommentDeleted)
    assert deleted.removed and deleted.was_public
    assert deleted.related_ids == (another_member.pk,)  # who answered it


def test_a_failing_listener_does_not_stop_the_others(thread, a_member, live, caplog):
    def broken(event):
        raise ValueError("listener bug")

    events.listen(events.CommentPublished, broken)
    try:
        with events.recorded() as seen:
            live(_post, thread, a_member, moderate=False)
    finally:
        events._listeners[events.CommentPublished].remove(broken)
    assert any(isinstance(e, events.CommentPublished) for e in seen)
    assert "listener bug" in caplog.text


def test_a_comment_nobody_is_told_of_opens_no_savepoint(thread, a_member):
    """Every comment's transaction asks notify whether anyone is to be told;
    the common answer (nobody) costs two reads, not a savepoint."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def savepoints(queries: CaptureQueriesContext) -> int:
        return sum(q["sql"].startswith("SAVEPOINT") for q in queries.captured_queries)

    _post(thread, a_member, body="A first comment earns a badge.", moderate=False)
    # The test's own transaction makes the post's a savepoint too: count
    # the savepoints of a post that no in-transaction listener hears.
    registered = events._in_transaction.pop(events.CommentPublished)
    try:
        with CaptureQueriesContext(connection) as unheard:
            _post(thread, a_member, body="Heard by nobody.", moderate=False)
    finally:
        events._in_transaction[events.CommentPublished] = registered
    with CaptureQueriesContext(connection) as nobody:
        _post(thread, a_member, moderate=False)
    assert savepoints(nobody) == savepoints(unheard)

    heard = []
    events.listen(
        events.CommentPublished,
        heard.append,
        in_transaction=True,
        when=lambda event: event.author_id == a_member.pk,
    )
    try:
        with CaptureQueriesContext(connection) as wanted:
            _post(thread, a_member, body="Wanted: this one.", moderate=False)
    finally:
        events._in_transaction[events.CommentPublished].remove(heard.append)
        events._wanted.pop(heard.append)
    assert [e.author_id for e in heard] == [a_member.pk]
    assert savepoints(wanted) == savepoints(nobody) + 1


def _table() -> dict[str, set[str]]:
    doc = events.__doc__ or ""
    rows = re.findall(r"^(\w+)\s{2,}.+?\s{2,}([\w, ]+|-)$", doc, re.M)
    return {
        name: {x.strip() for x in apps.split(",")} - {"-"}
        for name, apps in rows
        if name != "event"  # the heading
    }


def test_the_table_of_events_is_what_is_registered():
    table = _table()
    defined = {
        name
        for name, cls in vars(events).items()
        if isinstance(cls, type)
        and issubclass(cls, events.Event)
        and cls not in (events.Event, events.CommentEvent)
        and dataclasses.is_dataclass(cls)
    }
    assert set(table) == defined
    for name, apps in table.items():
        event = getattr(events, name)
        heard_by = {
            listener.__module__.split(".")[1]
            for listener in events.listeners(event)
            + events.listeners(event, in_transaction=True)
        }
        assert heard_by == apps, name


def test_the_discussion_app_does_not_call_the_apps_that_react_to_it():
    for path in (ROOT / "dateline" / "discussion").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported = {f"{node.module}.{a.name}" for a in node.names}
                for name in imported:
                    for reactor in ("community.tasks", "cdn.actions"):
                        assert reactor not in name, (path, name)
