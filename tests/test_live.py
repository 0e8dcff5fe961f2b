"""Live updates: what is recorded for open pages, and what a reconnecting
page is sent (the streams themselves run in tests/browser/test_live.py)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from dateline.discussion import actions
from dateline.discussion.models import Comment
from dateline.notify.live import hub, record, stream
from dateline.notify.live.stream import Live
from dateline.notify.models import LiveEvent

pytestmark = pytest.mark.django_db


def post(live, thread, who, body, **kw):
    return live(
        actions.comment_post, actor=who, thread=thread, body=body, moderate=False, **kw
    )


def kinds(thread):
    return list(
        LiveEvent.objects.filter(thread_id=thread.pk)
        .order_by("pk")
        .values_list("kind", "data__id")
    )


def test_changes_readers_see_are_recorded_with_the_change(
    live, thread, a_member, another_member, a_moderator
):
    first = post(live, thread, a_member, "Two lanes open on the bridge since noon.")
    reply = post(live, thread, another_member, "only one northbound tho", parent=first)
    live(
        actions.comment_edit,
        actor=another_member,
        comment=reply,
        body="only ONE northbound",
    )
    live(actions.comment_delete, actor=a_moderator, comment=reply)
    assert kinds(thread) == [
        ("comment", first.pk),
        ("comment", reply.pk),
        ("edit", reply.pk),
        ("remove", reply.pk),
    ]
    told = LiveEvent.objects.filter(kind="comment").last()
    assert told.data["parent"] == first.pk and told.data["parent_author"] == a_member.pk


def test_a_held_comment_is_not_told(live, thread, a_member):
    thread.moderation_mode = "pre_all"
    thread.save()
    held = post(live, thread, a_member, "Is the ferry running tomorrow?")
    held = live(
        actions.comment_post, actor=a_member, thread=thread, body="anyone? ferry??"
    )
    assert held.status == Comment.Status.PENDING
    assert ("comment", held.pk) not in kinds(thread)


def test_votes_are_gathered_into_one_event(
    settings, live, thread, a_member, another_member, a_moderator
):
    settings.DATELINE_LIVE_VOTES_SECONDS = 3600  # flushed by hand below
    first = post(live, thread, a_member, "Buses free on Sunday.")
    second = post(live, thread, a_moderator, "Trams too.")
    live(actions.comment_vote, actor=another_member, comment=first, value=1)
    live(actions.comment_vote, actor=a_moderator, comment=first, value=1)
    live(actions.comment_vote, actor=another_member, comment=second, value=-1)
    assert LiveEvent.objects.filter(kind="votes").count() == 0
    row = record.votes_flush(thread.pk)
    assert row.data["counts"] == {
        str(first.pk): [2, 0, 2],
        str(second.pk): [0, 1, -1],
    }
    assert record.votes_flush(thread.pk) is None  # nothing new


def test_a_reconnecting_page_gets_what_it_missed(client, live, thread, a_member):
    first = post(live, thread, a_member, "Water back in the old town.")
    seen = LiveEvent.objects.get(data__id=first.pk).pk
    later = [post(live, thread, a_member, f"and street {n}") for n in range(3)]
    url = reverse("live-thread", args=[thread.pk])
    answer = client.get(url, HTTP_LAST_EVENT_ID=str(seen))
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/event-stream")
    assert answer["X-Accel-Buffering"] == "no"
    assert "no-store" in answer["Cache-Control"]
    text = answer.content.decode()
    ids = [int(x) for x in re.findall(r"^id: (\d+)$", text, re.M)]
    assert ids == sorted(ids) and len(ids) == 3
    assert [int(x) for x in re.findall(r'"id":(\d+)', text)] == [c.pk for c in later]
    assert text.startswith("retry: ")


def test_too_much_missed_means_reload(settings, client, live, thread, a_member):
    settings.DATELINE_LIVE_REPLAY_MAX = 2
    post(live, thread, a_member, "first")
    for n in range(3):
        post(live, thread, a_member, f"then {n}")
    answer = client.get(
        reverse("live-thread", args=[thread.pk]), HTTP_LAST_EVENT_ID="0"
    )
    assert "event: reload" in answer.content.decode()


def test_no_stream_for_a_quiet_thread(client, live, thread, a_member):
    url = reverse("live-thread", args=[thread.pk])
    assert client.get(url).status_code == 204  # no comment at all
    old = post(live, thread, a_member, "A fortnight ago.")
    Comment.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=15)
    )
    assert client.get(url).status_code == 204
    post(live, thread, a_member, "Today.")
    assert client.get(url).status_code == 200
    assert client.get(reverse("live-thread", args=[99999])).status_code == 204


def test_the_hub_hands_each_event_to_each_reader_once():
    got_a, got_b = [], []
    h = hub.Hub()
    h.start = lambda: None  # no source in this test
    h.subscribe(7, got_a.append)
    h.subscribe(7, got_b.append)
    h.subscribe(8, got_b.append)
    h.dispatch(5, 7, "comment", {"id": 1})
    h.dispatch(5, 7, "comment", {"id": 1})  # published here, then polled
    h.dispatch(4, 7, "edit", {"id": 2})  # an earlier id committed later
    h.dispatch(6, 8, "votes", {"counts": {}})
    assert got_a == [
        b'id: 5\nevent: comment\ndata: {"id":1}\n\n',
        b'id: 4\nevent: edit\ndata: {"id":2}\n\n',
    ]
    assert len(got_b) == 3
    h.unsubscribe(7, got_a.append)
    h.dispatch(9, 7, "remove", {"id": 1})
    assert len(got_a) == 2


def test_a_threaded_stream_sends_what_came_while_it_connected_once():
    """The reader listens before its replay is read: what the replay holds
    is not sent again, what came after it is sent."""
    reader = hub.Reader()
    replayed, after = (
        hub.frame(5, "comment", {"id": 1}),
        hub.frame(6, "edit", {"id": 1}),
    )
    reader(replayed)  # heard while the replay was read, and in it
    reader(after)  # heard after
    start = [b"retry: 5000\n: live\n\n", replayed]
    chunks = stream.events(7, start, reader)
    assert [next(chunks) for _ in range(3)] == [*start, after]
    chunks.close()


def test_a_post_that_finds_a_batch_due_writes_it_and_a_quiet_one_is_written_too(
    settings, monkeypatch
):
    """Under load the poster writes the batch after its commit (no thread
    holds the write lock waiting for the interpreter); what a quiet moment
    leaves waiting goes out from the batch thread."""
    import threading
    import time

    settings.DATELINE_LIVE_FLUSH_MS = 200
    written: list[tuple[str, list[int]]] = []
    done = threading.Event()

    def write(rows):
        written.append((threading.current_thread().name, [r.data["id"] for r in rows]))
        done.set()
        return rows

    monkeypatch.setattr(record, "write", write)
    busy = record._Batches()
    busy._run = lambda: None  # type: ignore[method-assign]  # posts only
    busy.add(LiveEvent(thread_id=1, kind="comment", data={"id": 1}))
    busy.add(LiveEvent(thread_id=1, kind="comment", data={"id": 2}))
    assert written == []  # not due yet
    time.sleep(0.25)
    busy.add(LiveEvent(thread_id=1, kind="comment", data={"id": 3}))
    assert written == [(threading.current_thread().name, [1, 2, 3])]

    quiet = record._Batches()
    done.clear()
    quiet.add(LiveEvent(thread_id=1, kind="comment", data={"id": 4}))
    assert written[1:] == []
    assert done.wait(5)
    assert written[1:] == [("live-events", [4])]


def test_the_front_gives_streams_threads_of_their_own(settings, thread):
    calls = []

    def app(environ, start_response):
        calls.append(environ["PATH_INFO"])
        start_response("200 OK", [])
        return [b"page"]

    front = Live(app, threads=1)
    status = []
    path = f"/live/threads/{thread.pk}/"
    settings.DATELINE_LIVE_STREAMS = 1
    front._streams = 1  # the one stream is taken
    get = {"PATH_INFO": path, "REQUEST_METHOD": "GET"}
    body = front(get, lambda s, h: status.append(s))
    assert status[-1] == "204 No Content" and list(body) == []
    assert front({"PATH_INFO": "/"}, lambda s, h: status.append(s)) == [b"page"]
    assert calls == ["/"]


def test_a_first_poll_gets_a_cursor_and_the_next_one_what_came_after(
    client, live, thread, a_member
):
    post(live, thread, a_member, "Curfew lifted at six.")
    url = reverse("live-thread", args=[thread.pk])
    first = client.get(url).content.decode()
    cursor = re.search(r"^id: (\d+)$", first, re.M).group(1)
    assert "event:" not in first  # nothing missed yet
    assert first.startswith("retry: 1500")
    later = post(live, thread, a_member, "and the shops at eight")
    text = client.get(url, HTTP_LAST_EVENT_ID=cursor).content.decode()
    assert f'"id":{later.pk}' in text and "event: comment" in text


def test_a_poll_is_answered_in_front_of_django_as_django_would(
    client, live, thread, a_member, settings
):
    settings.DATELINE_LIVE_STREAMS = 0
    post(live, thread, a_member, "Bridge closed both ways.")
    calls: list[str] = []

    def django(environ, start_response):
        calls.append(environ["PATH_INFO"])
        start_response("200 OK", [])
        return [b"page"]

    front = Live(django, threads=1)
    path = reverse("live-thread", args=[thread.pk])
    first = client.get(path).content.decode()
    cursor = re.search(r"^id: (\d+)$", first, re.M).group(1)
    later = post(live, thread, a_member, "Open again at noon, one lane.")

    answers: list[tuple[str, dict[str, str]]] = []
    environ = {
        "PATH_INFO": path,
        "REQUEST_METHOD": "GET",
        "QUERY_STRING": "",
        "HTTP_LAST_EVENT_ID": cursor,
    }
    body = b"".join(front(environ, lambda s, h: answers.append((s, dict(h)))))
    assert calls == []
    assert answers[0][0] == "200 OK"
    assert answers[0][1]["Content-Type"].startswith("text/event-stream")
    assert answers[0][1]["Cache-Control"].startswith("no-store")
    via_django = client.get(path, HTTP_LAST_EVENT_ID=cursor).content
    assert body == via_django
    assert f'"id":{later.pk}'.encode() in body

    quiet = {**environ, "PATH_INFO": reverse("live-thread", args=[999999])}
    assert list(front(quiet, lambda s, h: answers.append((s, dict(h))))) == []
    assert answers[-1][0] == "204 No Content"
    # Anything else is Django's.
    front({**environ, "REQUEST_METHOD": "POST"}, lambda s, h: None)
    front({**environ, "PATH_INFO": "/"}, lambda s, h: None)
    assert calls == [path, "/"]


def test_the_new_comments_fragment_shows_only_what_the_reader_may_see(
    client, live, thread, a_member, a_moderator
):
    shown = post(live, thread, a_member, "Market reopens Tuesday.")
    reply = post(live, thread, a_moderator, "Confirmed.", parent=shown)
    gone = post(live, thread, a_member, "deleted soon")
    live(actions.comment_delete, actor=a_member, comment=gone)
    url = reverse("thread-comments-live", args=[thread.pk])
    html = client.get(
        url, {"ids": f"{shown.pk},{reply.pk},{gone.pk},x,99999"}
    ).content.decode()
    assert re.findall(r'data-live-id="(\d+)" data-parent="(\d*)"', html) == [
        (str(shown.pk), ""),
        (str(reply.pk), str(shown.pk)),
    ]
    assert f'id="comment-{reply.pk}"' in html


def test_old_events_and_finished_mail_are_forgotten(live, thread, a_member):
    from dateline.notify import tasks
    from dateline.notify.models import Mail

    post(live, thread, a_member, "Kept a day.")
    LiveEvent.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    post(live, thread, a_member, "Fresh.")
    old = timezone.now() - dt.timedelta(days=31)
    for n, state in enumerate([Mail.State.SENT, Mail.State.PENDING]):
        Mail.objects.create(
            key=f"k{n}",
            kind="reply",
            address="a@example.test",
            state=state,
            created_at=old,
        )
    done = tasks.prune.call()
    assert done == {"live_events": 1, "mails": 1}
    assert LiveEvent.objects.count() == 1
    assert list(Mail.objects.values_list("state", flat=True)) == [Mail.State.PENDING]
