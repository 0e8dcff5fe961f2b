"""Every change to a discussion: one function each, the only write path.

The HTML views, the API, the demo loader and the tests call these. Each owns
its transaction, keeps the counters exact with ``F()`` updates, bumps the
thread's ``version`` (which retires cached pages at once) and raises a
:class:`~dateline.core.errors.DatelineError` with a stable code when it
refuses.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Page

from dateline.core import audit, events, sql, text
from dateline.core.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from dateline.discussion import conf, mentions, rendering
from dateline.discussion.models import (
    ERASED_WRITER as ERASED_WRITER,  # the name an erased writer leaves
)
from dateline.discussion.models import (
    Comment,
    CommentRevision,
    Report,
    Thread,
    Vote,
    path_segment,
    wilson_lower_bound,
)
from dateline.moderation import (
    addresses,
    ratelimit,
    reports,
    rules,
    sanctions,
    screening,
)
from dateline.moderation import tasks as moderation_tasks
from dateline.moderation.policies import Verdict
from dateline.moderation.scoring import APPROVE, FLAG, HOLD, RECONSIDER, REJECT
from dateline.moderation.screening import Signals

# --- identities ------------------------------------------------------------


def guest_key_new() -> str:
    """A fresh browser key: the secret that lets a guest edit their comments."""
    return secrets.token_urlsafe(32)


def guest_key_hash(key: str | None) -> str:
    return hashlib.sha256(key.encode()).hexdigest() if key else ""


@dataclass(frozen=True)
class GuestIdentity:
    name: str
    email: str = ""
    key: str = ""
    # The key was made for this post: no comment carries it yet, so the
    # writer's history (duplicates, the per-writer rate) is not looked up.
    new: bool = False


def _member(actor: Any) -> Any:
    """The acting user if signed in, else None."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor
    return None


def can_moderate(user: Any) -> bool:
    return bool(
        _member(user)
        and (user.is_superuser or user.has_perm("discussion.change_comment"))
    )


# --- threads -----------------------------------------------------------------


def thread_ensure(
    *, article: Page | None = None, url: str = "", title: str = ""
) -> Thread:
    """The thread of an article, or of an external page's canonical ``url``
    (the embed), created on first use; ``title`` names an external page."""
    if article is not None:
        thread, _created = Thread.objects.get_or_create(
            article=article, defaults={"title": article.title[:255]}
        )
    else:
        thread, _created = Thread.objects.get_or_create(
            url=url, defaults={"title": title.strip()[:255]}
        )
    return thread


@transaction.atomic
def thread_close(*, actor: Any, thread: Thread, closed: bool = True) -> Thread:
    if actor is not None and not can_moderate(actor):
        raise PermissionDenied(_("Only editors and moderators can close a thread."))
    Thread.objects.filter(pk=thread.pk).update(
        is_closed=closed, version=F("version") + 1
    )
    events.emit(events.ThreadChanged(thread.pk))
    thread.refresh_from_db()
    return thread


def _lock_thread(thread_id: int) -> Thread:
    """Every write locks its thread row first, then comment rows.

    One order for all actions means concurrent posts, votes and edits queue
    instead of deadlocking.
    """
    return Thread.objects.select_for_update().get(pk=thread_id)


def _thread_changed(thread_id: int, **counters: Any) -> None:
    if counters:
        Thread.objects.filter(pk=thread_id).update(version=F("version") + 1, **counters)
    else:  # plain SQL: every vote
        sql.execute(
            f"UPDATE {sql.table(Thread)} SET version = version + 1 WHERE id = %s",  # noqa: S608
            [thread_id],
        )
    events.emit(events.ThreadChanged(thread_id))


def common_ground_set(
    scores: dict[int, float], *, chunk: int = 2000, batch: int = sql.SWEEP_BATCH
) -> int:
    """Store each comment's bridging score (the notes' scoring run); threads
    whose top-level order could change have their cached pages retired.
    How many comments changed (by more than 0.005)."""
    ids = list(scores)
    changed: list[tuple[int, float]] = []
    threads: set[int] = set()
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        for pk, old, thread_id, parent_id in Comment.objects.filter(
            pk__in=part
        ).values_list("pk", "common_ground", "thread_id", "parent_id"):
            new = round(scores[pk], 4)
            if abs(new - old) > 0.005:
                changed.append((pk, new))
                if parent_id is None:
                    threads.add(thread_id)
    # In batches, each its own transaction: on SQLite a transaction holds
    # the one write lock, and one over every changed comment held every
    # post and vote on the site for 200-340 ms (the storm bench).
    sql.update_swept(Comment, ["common_ground"], changed, size=batch)
    with transaction.atomic():
        for thread_id in sorted(threads):
            _thread_changed(thread_id)
    return len(changed)


def threads_touched(
    *, articles: Iterable[int] = (), comments: Iterable[int] = ()
) -> None:
    """Something shown with these articles' threads, or with these comments,
    changed (a context note): their threads' cached pages are retired as
    after a comment."""
    threads: set[int] = set()
    for model, column, ids in (
        (Thread, "article_id", list(articles)),
        (Comment, "pk", list(comments)),
    ):
        for start in range(0, len(ids), 5000):  # under SQLite's variable limit
            threads.update(
                model.objects.filter(
                    **{f"{column}__in": ids[start : start + 5000]}
                ).values_list("thread_id" if model is Comment else "pk", flat=True)
            )
    for thread_id in sorted(threads):
        _thread_changed(thread_id)


# --- validation --------------------------------------------------------------


def comment_preview(*, body: str, actor: Any = None) -> str:
    """The HTML a comment with ``body`` would show, checked as a post is
    (InvalidInput with the same message when it could not be posted)."""
    writer_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    return _checked_body(body, writer_id=writer_id).html


def _checked_body(
    body: str, *, history: bool = False, writer_id: int | None = None
) -> rendering.Rendered:
    """The text checked and rendered; @mentions linked, except in history
    (imported text names members of another site)."""
    body = body.strip()
    if not body:
        raise InvalidInput(
            _("Write something before posting."),
            code="empty",
            fields={"body": _("This field is required.")},
        )
    if len(body) > conf.max_length() and not history:
        message = ngettext(
            "Comments can be at most %(limit)d character long "
            "(this one has %(count)d).",
            "Comments can be at most %(limit)d characters long "
            "(this one has %(count)d).",
            conf.max_length(),
        ) % {"limit": conf.max_length(), "count": len(body)}
        raise InvalidInput(message, code="too_long", fields={"body": message})
    rendered = rendering.render_comment(
        body,
        read_more_chars=conf.read_more_chars(),
        link=None if history else mentions.linker(writer_id=writer_id),
    )
    if rendered.text_length < conf.min_length():
        message = ngettext(
            "Comments need at least %(limit)d character of text.",
            "Comments need at least %(limit)d characters of text.",
            conf.min_length(),
        ) % {"limit": conf.min_length()}
        raise InvalidInput(message, code="too_short", fields={"body": message})
    return rendered


def checked_tally(tally: tuple[int, int]) -> tuple[int, int]:
    """Up and down votes counted elsewhere (importers): never negative."""
    if tally[0] < 0 or tally[1] < 0:
        raise InvalidInput(_("Vote counts cannot be negative."))
    return tally


def _checked_guest(guest: GuestIdentity | None) -> GuestIdentity:
    if guest is None:
        raise PermissionDenied(
            _("Sign in or give a name to post as a guest."), code="name_required"
        )
    name = " ".join(text.clean(guest.name).split())
    if not name:
        raise InvalidInput(
            _("Give a name to post as a guest."),
            code="name_required",
            fields={"name": _("This field is required.")},
        )
    if len(name) > conf.name_max_length():
        message = _("Names can be at most %(limit)d characters long.") % {
            "limit": conf.name_max_length()
        }
        raise InvalidInput(message, code="name_too_long", fields={"name": message})
    email = text.clean(guest.email).strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            message = _("That email address does not look right.")
            raise InvalidInput(
                message, code="invalid_email", fields={"email": message}
            ) from None
    return GuestIdentity(name=name, email=email, key=guest.key, new=guest.new)


# --- posting -------------------------------------------------------------


def comment_post(
    *,
    actor: Any,
    thread: Thread,
    body: str,
    parent: Comment | None = None,
    guest: GuestIdentity | None = None,
    created_at: dt.datetime | None = None,
    signals: Signals | None = None,
    moderate: bool = True,
    verdict: Verdict | None = None,
    history: bool = False,
    tally: tuple[int, int] = (0, 0),
) -> Comment:
    """Publish a comment (a reply when ``parent`` is given), or hold it.

    ``actor`` is the signed-in member; without one, ``guest`` names the
    writer and carries the browser key that may later edit or delete it.
    Moderation screens the text first (``moderation/screening.py``): a
    rejection raises :class:`Rejected` with the reasons and nothing is
    written, and so does a request to reconsider (:class:`Reconsider`)
    until ``signals.confirmed`` says the writer posts anyway; a hold creates
    the comment as pending, seen only by its writer until a moderator
    decides; a flag publishes it and lists it for a moderator's glance.
    ``signals`` are what the request tells about the writing (honeypot,
    time to submit, the writer's confirmation). ``created_at`` and
    ``moderate=False`` are for importers and the demo; so is ``verdict``,
    a decision already made (screened in bulk, or with chosen scorers).
    ``history`` replays a comment written elsewhere (importers): today's
    length limits do not apply, and it may answer a comment held for
    review, as it did where it was written. ``tally`` is its up and down
    votes counted there by nobody known (Isso's counts, wpDiscuz's meta):
    they join its score and rank, no member is credited with them, and
    every member can still vote once.
    """
    member = _member(actor)
    body = text.clean(body)
    rendered = _checked_body(
        body, history=history, writer_id=member.pk if member else None
    )
    identity = None if member else _checked_guest(guest)
    key_hash = guest_key_hash(identity.key) if identity else ""
    # What the writer's earlier comments are found by: nothing for a key
    # made for this very post (a hash no row holds would find none).
    known_by = "" if identity and identity.new else key_hash
    client = signals.client if signals else ""
    _open_thread(thread)  # checked again under the lock below
    with rules.one_look():  # the sanctions and the scorers read the rules once
        shadowed = moderate and sanctions.check(
            member=member,
            email=identity.email if identity else "",
            client=client,
            guest_key_hash=key_hash,
        )
        if moderate and not shadowed and verdict is None:
            verdict = screening.screen(
                text=body.strip(),
                thread=thread,
                author_id=member.pk if member else None,
                guest_key_hash=known_by,
                signals=signals,
            )
    if verdict is not None and verdict.decision in (RECONSIDER, REJECT):
        # A decision made elsewhere (the demo, a bulk screen) that says no.
        raise screening.rejection(verdict)
    upvotes, downvotes = checked_tally(tally)
    held = verdict is not None and verdict.decision == HOLD
    flagged = verdict is not None and verdict.decision == FLAG
    status = Comment.Status.PUBLISHED
    if shadowed:
        status = Comment.Status.SHADOWED
    elif held:
        status = Comment.Status.PENDING
    written_at = created_at or timezone.now()
    address = addresses.stored(client)
    # Text is checked, rendered and screened before the transaction, so the
    # write lock is held only for the writes.
    with transaction.atomic():
        if moderate:  # counted again under a lock: a burst cannot overshoot
            ratelimit.enforce(
                ratelimit.Budget.of(member.pk if member else None, known_by, address),
                written_at,
            )
        if status != Comment.Status.PUBLISHED:
            _open_thread(_lock_thread(thread.pk))
        else:
            # Counting the comment in is also what locks the thread row,
            # first as in every action; a closed thread matches nothing.
            _count_in(thread.pk, parent)
        if parent is not None:
            parent = _locked_comment(parent.pk)
            _check_parent(parent, thread, history=history)

        # The id first, so the path (which orders a branch chronologically
        # per level: ids only grow) goes into the one INSERT.
        [pk] = sql.reserve_ids(Comment, 1)
        segment = path_segment(pk)
        comment = Comment(
            pk=pk,
            thread=thread,
            parent=parent,
            root_id=parent.root_id if parent else pk,
            path=f"{parent.path}/{segment}" if parent else segment,
            depth=parent.depth + 1 if parent else 0,
            author=member,
            guest_name=identity.name if identity else "",
            guest_email=identity.email if identity else "",
            guest_key_hash=key_hash,
            body=body.strip(),
            body_html=rendered.html,
            excerpt_html=rendered.excerpt_html,
            status=status,
            held_because=verdict.message if held and verdict else "",
            created_at=written_at,
            published_at=written_at if status == Comment.Status.PUBLISHED else None,
            ip_network=address.network,
            ip_hash=address.digest,
            upvotes=upvotes,
            downvotes=downvotes,
            score=upvotes - downvotes,
            best=wilson_lower_bound(upvotes, downvotes),
        )
        sql.insert(comment, keep_id=True)
        decision = "shadowed" if shadowed else verdict.decision if verdict else "none"
        _emit(events.CommentPosted, comment, decision=decision)
        if address.digest:
            moderation_tasks.purge_daily()
        if held and verdict is not None:
            screening.hold(comment, verdict, new=True)
            return comment
        if shadowed:
            return comment
        if flagged and verdict is not None:
            screening.hold(comment, verdict, new=True)  # published, worth a look
        if parent is not None:
            _count_reply(parent)
        _published(comment, parent)
        return comment


def _closed() -> Conflict:
    return Conflict(
        _("This discussion is closed; no new comments are accepted."),
        code="thread_closed",
    )


def _open_thread(thread: Thread) -> Thread:
    if thread.is_closed:
        raise _closed()
    return thread


def _check_parent(parent: Comment, thread: Thread, *, history: bool = False) -> None:
    if parent.thread_id != thread.pk:
        raise InvalidInput(
            _("You can only reply to a comment in the same discussion."),
            code="wrong_thread",
        )
    if parent.is_deleted:
        raise Conflict(
            _("That comment was deleted; it can no longer be replied to."),
            code="parent_deleted",
        )
    if parent.is_pending and not history:
        raise Conflict(
            _(
                "That comment is waiting for review; replies can follow once it is "
                "published."
            ),
            code="parent_pending",
        )


def _locked_comment(comment_id: int) -> Comment:
    """A comment row, locked until the transaction ends (plain SQL: every reply)."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    row = sql.one(
        f"SELECT {sql.columns(Comment)} FROM {sql.table(Comment)} WHERE id = %s{lock}",  # noqa: S608
        [comment_id],
    )
    if row is None:
        raise NotFound(_("There is no such comment."), code="comment_not_found")
    return sql.instance(Comment, row)


def _count_in(thread_id: int, parent: Comment | None) -> None:
    """Count a newly published comment into its thread (locking the row)."""
    count_in_thread(thread_id, comments=1, top_level=0 if parent else 1)


def count_in_thread(thread_id: int, *, comments: int, top_level: int) -> None:
    """Count published comments into an open thread, locking its row; the
    version moves even when nothing is counted (held comments arrived)."""
    counted = sql.execute(
        f"UPDATE {sql.table(Thread)} SET version = version + 1, "  # noqa: S608
        "comment_count = comment_count + %s, top_level_count = top_level_count + %s "
        "WHERE id = %s AND NOT is_closed",
        [comments, top_level, thread_id],
    )
    if not counted:
        if not Thread.objects.filter(pk=thread_id).exists():
            raise NotFound(_("There is no such discussion."), code="thread_not_found")
        raise _closed()
    events.emit(events.ThreadChanged(thread_id))


def _count_reply(parent: Comment) -> None:
    """The parent gains a reply, and its branch's top-level comment one more."""
    root_id = parent.root_id or parent.pk
    table = sql.table(Comment)
    if root_id == parent.pk:  # a reply to a top-level comment
        sql.execute(
            f"UPDATE {table} SET reply_count = reply_count + 1, "  # noqa: S608
            "branch_count = branch_count + 1 WHERE id = %s",
            [parent.pk],
        )
    else:
        sql.execute(
            f"UPDATE {table} SET reply_count = reply_count + 1 WHERE id = %s",  # noqa: S608
            [parent.pk],
        )
        sql.execute(
            f"UPDATE {table} SET branch_count = branch_count + 1 WHERE id = %s",  # noqa: S608
            [root_id],
        )


def comment_publish(comment: Comment) -> Comment:
    """A held comment goes public: counted in, as posting would have.

    Called inside a transaction that holds the thread's lock (an approving
    edit, or a moderator's approval). A comment that was public before (and
    hidden after readers' reports, or shadowed) is counted back instead.
    """
    if comment.published_at is not None:
        return comment_unhide(comment)
    parent = (
        Comment.objects.select_for_update().get(pk=comment.parent_id)
        if comment.parent_id
        else None
    )
    comment.status = Comment.Status.PUBLISHED
    comment.held_because = ""
    comment.published_at = timezone.now()
    comment.save(update_fields=["status", "held_because", "published_at"])
    _count_in(comment.thread_id, parent)
    if parent is not None:
        _count_reply(parent)
    _published(comment, parent)
    return comment


def _published(comment: Comment, parent: Comment | None) -> None:
    _emit(
        events.CommentPublished,
        comment,
        parent_author_id=parent.author_id if parent else None,
        parent_id=comment.parent_id,
        mentions=tuple(mentions.mentioned(comment.body_html)),
    )


def _emit(kind: type[events.CommentEvent], comment: Comment, **more: Any) -> None:
    events.emit(kind(comment.pk, comment.thread_id, comment.author_id, **more))


def _count_out(comment: Comment) -> None:
    """A published comment leaves view (deleted, removed, hidden)."""
    counters: dict[str, Any] = {"comment_count": F("comment_count") - 1}
    if comment.parent_id is None:
        if comment.reply_count == 0:
            # A deleted comment without replies leaves the listing.
            counters["top_level_count"] = F("top_level_count") - 1
    else:
        Comment.objects.filter(pk=comment.root_id or comment.pk).update(
            branch_count=F("branch_count") - 1
        )
    _thread_changed(comment.thread_id, **counters)


def _count_back(comment: Comment) -> None:
    """The exact reverse of :func:`_count_out` (replies cannot come meanwhile)."""
    counters: dict[str, Any] = {"comment_count": F("comment_count") + 1}
    if comment.parent_id is None:
        if comment.reply_count == 0:
            counters["top_level_count"] = F("top_level_count") + 1
    else:
        Comment.objects.filter(pk=comment.root_id or comment.pk).update(
            branch_count=F("branch_count") + 1
        )
    _thread_changed(comment.thread_id, **counters)


def comment_hide(
    comment: Comment, *, status: str = Comment.Status.PENDING, because: str = ""
) -> Comment:
    """Take a comment out of public view, pending review or shadowed.

    For moderation (several readers' reports, a shadow-ban, an undone
    approval); called inside a transaction that holds the thread's lock.
    """
    if comment.is_published:
        _count_out(comment)
    else:
        _thread_changed(comment.thread_id)
    comment.status = status
    comment.held_because = because
    comment.save(update_fields=["status", "held_because"])
    _emit(events.CommentHidden, comment)
    return comment


def comment_unhide(comment: Comment) -> Comment:
    """Show again a comment that was public before it was hidden."""
    if comment.is_published:
        return comment
    _count_back(comment)
    comment.status = Comment.Status.PUBLISHED
    comment.held_because = ""
    comment.save(update_fields=["status", "held_because"])
    _emit(events.CommentShown, comment)
    return comment


def comment_restore(comment: Comment, *, status: str) -> Comment:
    """Undo a moderator's removal: the text comes back from its last revision.

    ``status`` is what it was before (published, or held for review). Inside
    a transaction that holds the thread's lock.
    """
    if not comment.is_removed:
        return comment
    revision = CommentRevision.objects.filter(comment=comment).last()
    body = revision.body if revision else ""
    rendered = rendering.render_comment(
        body,
        read_more_chars=conf.read_more_chars(),
        link=mentions.linker(writer_id=comment.author_id),
    )
    comment.body = body
    comment.body_html = rendered.html
    comment.excerpt_html = rendered.excerpt_html
    comment.deleted_at = None
    comment.status = status
    comment.held_because = ""  # the moderator's reason for removing it
    comment.save(
        update_fields=[
            "status",
            "body",
            "body_html",
            "excerpt_html",
            "deleted_at",
            "held_because",
        ]
    )
    if comment.is_published:
        _count_back(comment)  # the exact reverse of the removal's count-out
    else:
        _thread_changed(comment.thread_id)
    _emit(events.CommentRestored, comment, public=comment.is_published)
    return comment


def _check_writer(comment: Comment, actor: Any, guest_key: str | None) -> None:
    member = _member(actor)
    if member is not None and comment.author_id == member.pk:
        return
    if (
        member is None
        and comment.author_id is None
        and guest_key
        and secrets.compare_digest(comment.guest_key_hash, guest_key_hash(guest_key))
    ):
        return
    raise PermissionDenied(
        _("Only the person who wrote this comment can change it."), code="not_writer"
    )


def _keep_revision(comment: Comment, now: dt.datetime) -> None:
    """Keep the text that an edit or a deletion is about to replace."""
    CommentRevision.objects.create(
        comment=comment,
        body=comment.body,
        written_at=comment.edited_at or comment.created_at,
        replaced_at=now,
    )


def edit_window_open(comment: Comment, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) < comment.created_at + conf.edit_window()


def _replace_text(
    comment: Comment, body: str, rendered: rendering.Rendered, now: dt.datetime
) -> None:
    _keep_revision(comment, now)
    comment.body = body.strip()
    comment.body_html = rendered.html
    comment.excerpt_html = rendered.excerpt_html
    comment.edited_at = now
    comment.save(update_fields=["body", "body_html", "excerpt_html", "edited_at"])


def comment_edit(
    *,
    actor: Any,
    comment: Comment,
    body: str,
    guest_key: str | None = None,
    signals: Signals | None = None,
) -> Comment:
    """Replace the text of one's own comment within the edit window.

    The new text is screened like a new comment, before the thread is
    locked. On a published comment an edit that would be held or rejected is
    refused, with the reasons, and the published text stays; one that would
    be flagged is saved and flagged. On a held
    comment the edit is screened again: it may now be published, stay held
    (with the new reasons) or be refused. A comment hidden after readers'
    reports stays hidden until a moderator decides, whatever the edit.
    """
    comment = Comment.objects.get(pk=comment.pk)
    body = text.clean(body)
    rendered = _editable(comment, actor, guest_key, body)
    if body.strip() == comment.body:
        return comment
    signals = signals or Signals()
    shadowed = sanctions.check(
        member=_member(actor),
        email=comment.guest_email,
        client=signals.client,
        guest_key_hash=comment.guest_key_hash,
    )
    verdict = None
    if not screening.held_as_too_fast(comment):
        # Fixing a typo takes a second: the time check is for new comments,
        signals = dataclasses.replace(signals, seconds_to_submit=None)
    elif signals.seconds_to_submit is None:
        # and for a comment held for being sent at once: an edit that cannot
        # say how long it took is screened as a new comment, not waved through.
        signals = dataclasses.replace(signals, seconds_to_submit=0.0)
    if not (shadowed or comment.is_shadowed):
        # Only the writer sees a shadowed comment: nothing to screen or tell.
        verdict = screening.screen(
            text=body.strip(),
            thread=Thread.objects.get(pk=comment.thread_id),
            author_id=comment.author_id,
            guest_key_hash=comment.guest_key_hash,
            comment_id=comment.pk,
            signals=signals,
        )
        if comment.is_published and verdict.decision not in (APPROVE, FLAG):
            raise screening.refusal(verdict, target=comment)
    with transaction.atomic():
        _lock_thread(comment.thread_id)
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        _editable(comment, actor, guest_key, body)
        now = timezone.now()
        if verdict is None:
            _replace_text(comment, body, rendered, now)
            return comment
        approved = verdict.decision in (APPROVE, FLAG)
        if comment.is_published and not approved:  # changed since screening
            raise screening.rejection(verdict)
        _replace_text(comment, body, rendered, now)
        if comment.is_pending:
            if approved and comment.published_at is None:
                screening.close_reviews(comment, "approved")
                published = comment_publish(comment)
                if verdict.decision == FLAG:
                    screening.hold(published, verdict)
                return published
            if comment.published_at is None:
                comment.held_because = verdict.message
                comment.save(update_fields=["held_because"])
                screening.hold(comment, verdict)
            return comment
        if verdict.decision == FLAG:
            screening.hold(comment, verdict)  # stays published, worth a look
        _thread_changed(comment.thread_id)
        _emit(
            events.CommentEdited,
            comment,
            mentions=tuple(mentions.mentioned(comment.body_html)),
        )
        return comment


def _editable(
    comment: Comment, actor: Any, guest_key: str | None, body: str
) -> rendering.Rendered:
    """Refuse an edit by someone else, of a deleted comment, or too late."""
    _check_writer(comment, actor, guest_key)
    refused = edit_refused(comment)
    if refused is not None:
        raise refused
    return _checked_body(body, writer_id=comment.author_id)


def edit_refused(comment: Comment) -> Conflict | None:
    """Why nobody may edit ``comment`` any more (deleted, or its edit window
    closed), said before its writer types; None while it may be edited."""
    if comment.is_deleted:
        return Conflict(_("This comment was deleted."), code="deleted")
    if not edit_window_open(comment):
        minutes = int(conf.edit_window().total_seconds() // 60)
        return Conflict(
            ngettext(
                "Comments can only be edited in the first %(minutes)d minute.",
                "Comments can only be edited in the first %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes},
            code="edit_window_closed",
        )
    return None


def _take_text(comment: Comment, *, removed: bool) -> bool:
    """The text goes (kept as a revision), the place in the tree stays.

    Inside a transaction that holds the thread's lock. Returns whether the
    comment was counted in (and is now counted out).
    """
    was_counted = comment.is_published
    now = timezone.now()
    _keep_revision(comment, now)
    comment.status = Comment.Status.REMOVED if removed else Comment.Status.DELETED
    comment.deleted_at = now
    comment.body = ""
    comment.body_html = ""
    comment.excerpt_html = ""
    comment.save(
        update_fields=["status", "deleted_at", "body", "body_html", "excerpt_html"]
    )
    # Held or reported, it leaves the queue too.
    screening.close_reviews(comment, "rejected" if removed else "withdrawn")
    if was_counted:
        _count_out(comment)
    else:
        _thread_changed(comment.thread_id)
    return was_counted


@transaction.atomic
def comment_delete(
    *, actor: Any, comment: Comment, guest_key: str | None = None
) -> Comment:
    """Soft-delete: the text goes, the place in the tree stays for replies.

    The writer deletes; a moderator deleting someone else's comment removes
    it, which the community ledger counts against the writer.
    """
    _lock_thread(comment.thread_id)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    try:
        _check_writer(comment, actor, guest_key)
        removed = False
    except PermissionDenied:
        if not can_moderate(actor):
            raise
        removed = True
    if comment.is_deleted:
        return comment
    was_counted = _take_text(comment, removed=removed)
    related: set[int | None] = set()
    if removed and was_counted:
        # The writer loses points and maybe badges; so may whoever they
        # replied to or who replied to them (replies, first comments).
        related.add(
            Comment.objects.filter(pk=comment.parent_id or 0)
            .values_list("author_id", flat=True)
            .first()
        )
        related.update(
            Comment.objects.filter(parent_id=comment.pk).values_list(
                "author_id", flat=True
            )
        )
    _emit(
        events.CommentDeleted,
        comment,
        removed=removed,
        was_public=was_counted,
        related_ids=tuple(sorted(pk for pk in related if pk)),
    )
    return comment


# --- votes -------------------------------------------------------------------


def comment_vote(
    *, actor: Any, comment: Comment, value: int, at: dt.datetime | None = None
) -> Comment:
    """Set the member's vote on a comment: 1 up, -1 down, 0 withdraws it.

    Guests cannot vote: one vote per person needs an account. ``at`` is for
    importers and the demo; voting uses now. Returns ``comment`` itself with
    its counters as the vote left them.
    """
    member = _member(actor)
    if member is None:
        raise PermissionDenied(
            _("Sign in to vote: votes count once per member."), code="login_required"
        )
    if value not in (-1, 0, 1):
        raise InvalidInput(_("A vote is up (1), down (-1) or none (0)."))
    if at is None:  # importers replay history as it was
        sanctions.check(member=member)
    if comment.author_id == member.pk:
        raise PermissionDenied(
            _("You cannot vote on your own comment."), code="own_comment"
        )
    if comment.is_deleted:
        raise Conflict(_("This comment was deleted."), code="deleted")
    if not comment.is_published:
        raise Conflict(_("This comment is waiting for review."), code="pending")
    with transaction.atomic():
        _vote_in(comment, member.pk, value, at or timezone.now())
    return comment


def _vote_in(comment: Comment, voter_id: int, value: int, at: dt.datetime) -> None:
    """The vote's writes, in plain SQL: on SQLite the write lock is held for
    them alone (3.8 ms a vote through the ORM in the storm bench, where 50
    votes a second queued every post behind them). Sets ``comment``'s
    counters."""
    # Votes on a comment queue on these locks, so the counters and the
    # Wilson score below are computed from exact values.
    table = sql.table(Comment)
    counters = "c.upvotes, c.downvotes, c.score, c.best"
    if connection.vendor == "postgresql":
        # The thread's row, then the comment's (rows are locked in the
        # order OF names them), in one round trip.
        row = sql.one(
            f"SELECT {counters} FROM {sql.table(Thread)} t "  # noqa: S608
            f"JOIN {table} c ON c.thread_id = t.id WHERE t.id = %s AND c.id = %s "
            "FOR UPDATE OF t, c",
            [comment.thread_id, comment.pk],
        )
    else:  # SQLite: the transaction holds the database's one write lock
        row = sql.one(
            f"SELECT {counters} FROM {table} c WHERE c.id = %s",  # noqa: S608
            [comment.pk],
        )
    if row is None:
        raise NotFound(_("There is no such comment."), code="comment_not_found")
    comment.upvotes, comment.downvotes, comment.score, comment.best = row
    votes = sql.table(Vote)
    existing = sql.one(
        f"SELECT id, value FROM {votes} WHERE comment_id = %s AND voter_id = %s",  # noqa: S608
        [comment.pk, voter_id],
    )
    old = existing[1] if existing else 0
    if old == value:
        return
    if existing is None:
        cast = (
            f"INSERT INTO {votes} (comment_id, voter_id, value, created_at) "  # noqa: S608
            "VALUES (%s, %s, %s, %s)",
            [comment.pk, voter_id, value, sql.datetime(at)],
        )
    elif value == 0:
        cast = (f"DELETE FROM {votes} WHERE id = %s", [existing[0]])  # noqa: S608
    else:
        cast = (f"UPDATE {votes} SET value = %s WHERE id = %s", [value, existing[0]])  # noqa: S608

    # The row is locked: its counters are exact, and are written in one go.
    up = (value == 1) - (old == 1)
    down = (value == -1) - (old == -1)
    comment.upvotes += up
    comment.downvotes += down
    comment.score += up - down
    comment.best = wilson_lower_bound(comment.upvotes, comment.downvotes)
    counted = (
        f"UPDATE {table} SET upvotes = %s, downvotes = %s, score = %s, best = %s "  # noqa: S608
        "WHERE id = %s",
        [comment.upvotes, comment.downvotes, comment.score, comment.best, comment.pk],
    )
    bumped = (
        f"UPDATE {sql.table(Thread)} SET version = version + 1 WHERE id = %s",  # noqa: S608
        [comment.thread_id],
    )
    try:
        if connection.vendor == "postgresql":
            # The three writes in one statement, one round trip instead of
            # three. Its parts run in no set order; none reads another's
            # rows, and this transaction holds the thread's and the
            # comment's locks, so the order cannot matter.
            sql.execute(
                f"WITH v AS ({cast[0]}), c AS ({counted[0]}) {bumped[0]}",
                [*cast[1], *counted[1], *bumped[1]],
            )
        else:
            for statement, params in (cast, counted, bumped):
                sql.execute(statement, params)
    except IntegrityError:
        # Another request inserted this voter's vote first. No savepoint:
        # the comment's row lock makes this rare, and the transaction is
        # given up on anyway.
        raise Conflict(
            _("Your vote is already being counted; try again."),
            code="vote_in_progress",
        ) from None
    events.emit(events.ThreadChanged(comment.thread_id))
    _emit(events.CommentVoted, comment, voter_id=voter_id, value=value)


# --- a member who leaves ---------------------------------------------------------


def _forget(comments: Any, label: str) -> None:
    """Unname ``comments`` and drop their earlier versions (the writer's too)."""
    CommentRevision.objects.filter(comment__in=comments).delete()
    threads = set(comments.values_list("thread_id", flat=True))
    comments.update(
        author=None, guest_name=label[:100], guest_email="", guest_key_hash=""
    )
    for thread_id in sorted(threads):
        _thread_changed(thread_id)


@transaction.atomic
def guest_forget(*, email: str, label: str, remove_text: bool = False) -> int:
    """What a guest's email address left behind stops naming them.

    For a guest's request to erase, confirmed through their mailbox. With
    ``remove_text`` the comments lose their text too (replies keep their
    place). Returns how many comments were touched.
    """
    left = Comment.objects.filter(author=None, guest_email__iexact=email.strip())
    count = left.count()
    if remove_text:
        for comment in left.exclude(
            status__in=[Comment.Status.DELETED, Comment.Status.REMOVED]
        ):
            _lock_thread(comment.thread_id)
            _take_text(comment, removed=False)
    _forget(left, label)  # the revisions kept above go too
    return count


@transaction.atomic
def writer_forget(*, member: Any, label: str, remove_text: bool = False) -> list[int]:
    """A member's comments stop naming them (their account is being deleted).

    Each stays in its place under ``label`` ("deleted member"), readable;
    with ``remove_text`` each is deleted by its writer first (the text goes,
    replies keep their place). Earlier versions go either way. Returns the
    members whose standing may move: whoever they voted on.
    """
    if remove_text:
        for comment in Comment.objects.filter(author=member).exclude(
            status__in=[Comment.Status.DELETED, Comment.Status.REMOVED]
        ):
            comment_delete(actor=member, comment=comment)
    theirs = Comment.objects.filter(author=member)
    _forget(theirs, label)
    voted_on = Comment.objects.filter(
        pk__in=Vote.objects.filter(voter=member).values("comment_id")
    ).values_list("author_id", flat=True)
    return sorted({pk for pk in voted_on if pk})


# --- reports -----------------------------------------------------------------


@transaction.atomic
def comment_report(
    *,
    actor: Any,
    comment: Comment,
    reason: str,
    note: str = "",
    guest_key: str | None = None,
) -> Report:
    """Record a reader's report and queue the comment for review.

    Reporting the same comment twice is a no-op. When the open reports
    weigh enough (``moderation/reports.py``) the comment is hidden until a
    moderator decides.
    """
    note = text.clean(note)
    if reason not in Report.Reason.values:
        message = _("Choose why you are reporting this comment.")
        raise InvalidInput(message, code="invalid_reason", fields={"reason": message})
    if len(note) > 1000:
        message = _("Keep the note under 1000 characters.")
        raise InvalidInput(message, code="too_long", fields={"note": message})
    if comment.is_deleted:
        raise Conflict(_("This comment was deleted."), code="deleted")
    if not comment.is_published:
        raise Conflict(_("This comment is waiting for review."), code="pending")
    member = _member(actor)
    key_hash = "" if member else guest_key_hash(guest_key)
    if member is None and not key_hash:
        raise PermissionDenied(
            _("Reporting needs cookies enabled or an account."), code="no_identity"
        )
    sanctions.check(member=member, guest_key_hash=key_hash)
    lookup: dict[str, Any] = (
        {"reporter": member} if member else {"reporter_key_hash": key_hash}
    )
    _lock_thread(comment.thread_id)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    report, created = Report.objects.get_or_create(
        comment=comment,
        **lookup,
        defaults={
            "reason": reason,
            "note": note.strip(),
            "created_at": timezone.now(),
        },
    )
    if not created or not comment.is_published:
        return report
    review = reports.queue(comment)
    if member is not None and reports.hides(comment.pk):
        because = _(
            "Several readers reported this comment; it is hidden until a "
            "moderator has read it."
        )
        comment_hide(comment, because=because)
        audit.record(
            actor=None,
            action="moderation.hide",
            target=comment,
            before={"status": Comment.Status.PUBLISHED},
            after={"status": comment.status, "review": review.pk},
            reason=because,
        )
    return report
