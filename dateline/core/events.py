"""What happens after a change: typed events, delivered when it commits.

An action does not call other apps to tell them what changed. It emits an
event (a small frozen dataclass of ids), which is handed to the event's
listeners once the transaction commits, and dropped if it rolls back. The
listeners live in the apps that care and register from their ``ready()``,
so the dependency points from the listener to the event: the discussion
app knows nothing of standings, metrics or caches.

Every event, who emits it, and who listens (tests/test_events.py checks
this table against the registrations):

=================  ==================================  ========================
event              emitted by                          listeners
=================  ==================================  ========================
ThreadChanged      anything a thread's page shows      cdn
                   (and the thread admin's edit form)
CommentPosted      comment_post, held ones too         ops
CommentPublished   comment_post, comment_publish       community, notify
CommentEdited      comment_edit (still public)         community, notify
CommentHidden      comment_hide                        community, notify
CommentShown       comment_unhide                      community, notify
CommentRestored    comment_restore                     community, notify
CommentDeleted     comment_delete                      community, notify
CommentVoted       comment_vote                        community, notify, notes
CommentDecided     moderation.decisions.decide         notify
CommentsImported   replay.comments_replay, a restore   community, notes
BadgeGranted       community: rules and by hand        -
=================  ==================================  ========================

notify writes mail to its outbox and live events for open pages
(``notify/listeners.py``, ``notify/live/record.py``).

Most listeners run after the commit. A listener registered with
``in_transaction=True`` runs when the event is emitted, inside the change's
transaction, for what must be written with the change or not at all (the
notify app's outbox rows); it runs in a savepoint, so its failure is logged
and loses the listener's rows, never the change.

A listener that fails is logged and does not stop the others: the change
it reacts to has committed already. Tests see events by running the
commit callbacks (``django_capture_on_commit_callbacks(execute=True)``) or
with :func:`recorded`.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import transaction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """Something readers can see changed."""


@dataclass(frozen=True)
class ThreadChanged(Event):
    """A thread's page shows something else now (a comment, a count, a vote,
    closing): what cached it must be retired."""

    thread_id: int


@dataclass(frozen=True)
class CommentEvent(Event):
    comment_id: int
    thread_id: int
    author_id: int | None  # None: a guest's


@dataclass(frozen=True)
class CommentPosted(CommentEvent):
    """A new comment was written, whatever moderation made of it."""

    decision: str  # "none", "shadowed", or the moderation decision


@dataclass(frozen=True)
class CommentPublished(CommentEvent):
    """A comment became public for the first time (posted, or approved)."""

    parent_author_id: int | None = None
    parent_id: int | None = None
    mentions: tuple[str, ...] = ()  # usernames its text links (@name)


@dataclass(frozen=True)
class CommentEdited(CommentEvent):
    """A public comment's text changed and it stayed public."""

    mentions: tuple[str, ...] = ()  # usernames its new text links (@name)


@dataclass(frozen=True)
class CommentHidden(CommentEvent):
    """Taken out of view: pending review after reports, or shadowed."""


@dataclass(frozen=True)
class CommentShown(CommentEvent):
    """A comment that was public before being hidden is public again."""


@dataclass(frozen=True)
class CommentRestored(CommentEvent):
    """A moderator's removal was undone; ``public`` if it shows again."""

    public: bool = False


@dataclass(frozen=True)
class CommentDeleted(CommentEvent):
    """Deleted by its writer, or removed by a moderator (``removed``).

    ``was_public``: it had been counted in its thread. ``related_ids``: the
    members whose standing may rest on it too (the author of the comment it
    answered, and those who answered it).
    """

    removed: bool = False
    was_public: bool = False
    related_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class CommentVoted(CommentEvent):
    voter_id: int = 0
    value: int = 0  # 1, -1, or 0 for a vote taken back


@dataclass(frozen=True)
class CommentDecided(CommentEvent):
    """A moderator decided on a queued comment (``decision``: approve, reject,
    ban, suspend, shadow_ban), with the note the writer is told."""

    decision: str = ""
    reason: str = ""
    was_held: bool = False  # it waited for review before being published


@dataclass(frozen=True)
class BadgeGranted(Event):
    member_id: int
    badge: str
    level: int


@dataclass(frozen=True)
class CommentsImported(Event):
    """Comments written in bulk from another site's history, with their votes."""

    thread_id: int
    member_ids: tuple[int, ...]  # their writers, voters and answered writers


E = TypeVar("E", bound=Event)
Listener = Callable[[Any], None]

_listeners: dict[type[Event], list[Listener]] = defaultdict(list)
_in_transaction: dict[type[Event], list[Listener]] = defaultdict(list)
_wanted: dict[Listener, Callable[[Any], bool]] = {}


def listen(
    event_type: type[E],
    listener: Callable[[E], None],
    *,
    in_transaction: bool = False,
    when: Callable[[E], bool] | None = None,
) -> None:
    """Call ``listener`` with every ``event_type`` event (and its subclasses')
    after its transaction commits, or, ``in_transaction``, when it is emitted.
    Called from an app's ``ready()``.

    An in-transaction listener runs in a savepoint of its own, so its failure
    cannot undo the change; ``when``, a cheap read-only test run before that
    savepoint, spares most changes the savepoint (a comment nobody is to be
    told of: ``notify/listeners.py``)."""
    table = _in_transaction if in_transaction else _listeners
    if listener not in table[event_type]:
        table[event_type].append(listener)
    if when is not None:
        _wanted[listener] = when


def _heard(
    table: dict[type[Event], list[Listener]], event_type: type
) -> list[Listener]:
    found: list[Listener] = []
    for cls in event_type.__mro__:
        for listener in table.get(cls, ()):
            if listener not in found:
                found.append(listener)
    return found


def listeners(
    event_type: type[Event], *, in_transaction: bool = False
) -> list[Listener]:
    """Who hears an event of this type, in the order they registered."""
    return _heard(_in_transaction if in_transaction else _listeners, event_type)


def emit(event: Event) -> None:
    """Deliver ``event`` when the current transaction commits (at once
    outside one); never if it rolls back. In-transaction listeners first."""
    for listener in _heard(_in_transaction, type(event)):
        wanted = _wanted.get(listener)
        try:
            if wanted is not None and not wanted(event):
                continue
            with transaction.atomic():
                listener(event)
        except Exception:  # the change matters more than what follows it
            log.exception("listener %r failed on %r", listener, event)
    transaction.on_commit(lambda: deliver(event))


def deliver(event: Event) -> None:
    for listener in _heard(_listeners, type(event)):
        try:
            listener(event)
        except Exception:  # the change has committed: tell the others anyway
            log.exception("listener %r failed on %r", listener, event)


@contextmanager
def recorded() -> Iterator[list[Event]]:
    """The events delivered inside the block, in order (for tests)."""
    seen: list[Event] = []
    listen(Event, seen.append)
    try:
        yield seen
    finally:
        _listeners[Event].remove(seen.append)
