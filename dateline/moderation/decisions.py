"""What moderators decide on a queued comment, and undoing it.

Every decision names the review's ``version`` as the moderator saw it. The
claim is one conditional UPDATE, so when two moderators act on the same item
the first wins and the second is told who decided and how, not silently
overruled. Each decision and each undo writes an audit entry (who, what,
before, after, reason). Undo puts back what the decision changed: the
comment's status and text, the reports' outcome, the sanction it made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from dateline.core import audit, events
from dateline.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from dateline.moderation import reports
from dateline.moderation.models import Review, Sanction

APPROVE = Review.Decision.APPROVE
REJECT = Review.Decision.REJECT
BAN = Review.Decision.BAN
SUSPEND = Review.Decision.SUSPEND
SHADOW_BAN = Review.Decision.SHADOW_BAN
ACTIONS = tuple(Review.Decision.values)
MAX_SUSPENSION_DAYS = 365
# What a decision sets on its review, and undo clears (``version`` is bumped
# by the claim itself).
DECISION_FIELDS = [
    "state",
    "decision",
    "note",
    "was_status",
    "sanction",
    "decided_at",
    "decided_by",
]


@dataclass(frozen=True)
class Outcome:
    review: Review
    message: str  # for the moderator: what happened, in plain words


def _check_moderator(moderator: Any) -> None:
    from dateline.discussion.actions import can_moderate

    if not can_moderate(moderator):
        raise PermissionDenied(_("Only moderators can decide on comments."))


def _claim(review_id: int, version: int, *, states: tuple[str, ...]) -> Review:
    """Take the item for this decision, or say who got there first."""
    claimed = Review.objects.filter(
        pk=review_id, version=version, state__in=states
    ).update(version=F("version") + 1)
    review = (
        Review.objects.select_related("comment", "decided_by")
        .filter(pk=review_id)
        .first()
    )
    if review is None:
        raise NotFound(_("That item is no longer in the queue."), code="not_found")
    if not claimed:
        if review.decided_by is not None and review.state != Review.State.PENDING:
            message = _(
                "%(who)s already decided on this comment (%(what)s). Reload the "
                "queue to see it."
            ) % {
                "who": review.decided_by.get_username(),
                "what": review.get_decision_display() or review.get_state_display(),
            }
        else:
            message = _(
                "This comment changed since you loaded the queue (a new report, "
                "an edit or another moderator). Reload to see it."
            )
        raise Conflict(message, code="stale")
    return review


def _sanction_for(
    comment: Any, kind: str, *, moderator: Any, note: str, days: int | None
) -> Sanction:
    """A sanction naming the comment's writer: the member, or the guest's
    browser and email."""
    expires = None
    if kind == Sanction.Kind.SUSPENSION:
        expires = timezone.now() + dt.timedelta(days=days or 0)
    return Sanction.objects.create(
        kind=kind,
        user_id=comment.author_id,
        email="" if comment.author_id else comment.guest_email.lower(),
        guest_key_hash="" if comment.author_id else comment.guest_key_hash,
        reason=note,
        created_by=moderator,
        expires_at=expires,
    )


def decide(
    *,
    moderator: Any,
    review_id: int,
    version: int,
    action: str,
    note: str = "",
    days: int | None = None,
) -> Outcome:
    """Approve, reject, ban, suspend or shadow-ban, for one queued comment.

    Approving publishes a held comment, or keeps a reported one (its reports
    are dismissed). Rejecting removes the comment (the writer loses the
    points, as for any removal) and upholds its reports; ban and suspend
    also sanction the writer. Shadow-ban leaves the comment with its writer
    alone, and everything they write after it.
    """
    from dateline.discussion import actions
    from dateline.discussion.models import Comment

    _check_moderator(moderator)
    if action not in ACTIONS:
        raise InvalidInput(_("Unknown decision."), code="invalid_action")
    note = note.strip()
    if action == SUSPEND and not 1 <= (days or 0) <= MAX_SUSPENSION_DAYS:
        message = _("Suspend for 1 to %(max)d days.") % {"max": MAX_SUSPENSION_DAYS}
        raise InvalidInput(message, code="invalid_days", fields={"days": message})
    with transaction.atomic():
        review = _claim(review_id, version, states=(Review.State.PENDING,))
        comment = review.comment
        actions._lock_thread(comment.thread_id)
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if comment.is_deleted:  # its reviews were closed with it
            raise Conflict(
                _("The writer deleted this comment; there is nothing to decide."),
                code="deleted",
            )
        before = comment.status
        sanction = None
        if action == APPROVE:
            actions.comment_publish(comment)
            reports.settle(comment.pk, reports.DISMISSED)
            state = Review.State.APPROVED
        elif action == SHADOW_BAN:
            sanction = _sanction_for(
                comment,
                Sanction.Kind.SHADOW_BAN,
                moderator=moderator,
                note=note,
                days=None,
            )
            actions.comment_hide(comment, status=Comment.Status.SHADOWED)
            reports.settle(comment.pk, reports.UPHELD)
            state = Review.State.REJECTED
        else:
            actions.comment_delete(actor=moderator, comment=comment)
            # The writer is told why (the comment's readers are not).
            Comment.objects.filter(pk=comment.pk).update(held_because=note)
            reports.settle(comment.pk, reports.UPHELD)
            if action in (BAN, SUSPEND):
                kind = Sanction.Kind.BAN if action == BAN else Sanction.Kind.SUSPENSION
                sanction = _sanction_for(
                    comment, kind, moderator=moderator, note=note, days=days
                )
            state = Review.State.REJECTED
        review.state = state
        review.decision = action
        review.note = note
        review.was_status = before
        review.sanction = sanction
        review.decided_at = timezone.now()
        review.decided_by = moderator
        review.save(update_fields=DECISION_FIELDS)
        comment.refresh_from_db(fields=["status"])
        audit.record(
            actor=moderator,
            action=f"moderation.{action}",
            target=comment,
            before={"status": before},
            after={
                "status": comment.status,
                "review": review.pk,
                "sanction": str(sanction) if sanction else None,
            },
            reason=note,
        )
        events.emit(
            events.CommentDecided(
                comment.pk,
                comment.thread_id,
                comment.author_id,
                decision=action,
                reason=note,
                was_held=before == Comment.Status.PENDING,
            )
        )
    return Outcome(review, _done_message(review, comment))


def _done_message(review: Review, comment: Any) -> str:
    who = comment.display_name
    messages: dict[str, str] = {
        APPROVE: _("Approved the comment by %(who)s."),
        REJECT: _("Removed the comment by %(who)s."),
        BAN: _("Removed the comment and banned %(who)s."),
        SUSPEND: _("Removed the comment and suspended %(who)s."),
        SHADOW_BAN: _("Shadow-banned %(who)s: only they see their comments now."),
    }
    return messages[review.decision] % {"who": who}


def undo(*, moderator: Any, review_id: int, version: int) -> Outcome:
    """Put a decided item back in the queue, as it was before the decision."""
    from dateline.discussion import actions
    from dateline.discussion.models import Comment

    _check_moderator(moderator)
    with transaction.atomic():
        review = _claim(
            review_id,
            version,
            states=(Review.State.APPROVED, Review.State.REJECTED),
        )
        if not review.decision:
            raise Conflict(
                _("This item was settled outside the queue; nothing to undo."),
                code="stale",
            )
        actions._lock_thread(review.comment.thread_id)
        comment = Comment.objects.select_for_update().get(pk=review.comment_id)
        before = comment.status
        was = review.was_status or Comment.Status.PENDING
        if review.sanction is not None:
            review.sanction.lifted_at = timezone.now()
            review.sanction.save(update_fields=["lifted_at"])
        reports.unsettle(comment.pk)
        if comment.is_removed:
            actions.comment_restore(comment, status=was)
        if was == Comment.Status.PUBLISHED and not comment.is_published:
            actions.comment_unhide(comment)
        elif was == Comment.Status.PENDING and not comment.is_pending:
            actions.comment_hide(comment, because=_held_message(review))
        decision = review.get_decision_display()
        review.state = Review.State.PENDING
        review.decision = ""
        review.note = ""
        review.was_status = ""
        review.sanction = None
        review.decided_at = None
        review.decided_by = None
        review.save(update_fields=DECISION_FIELDS)
        audit.record(
            actor=moderator,
            action="moderation.undo",
            target=comment,
            before={"status": before, "decision": decision},
            after={"status": comment.status, "review": review.pk},
        )
    return Outcome(review, _("Undone: the comment is back in the queue."))


def _held_message(review: Review) -> str:
    return " ".join(r.get("message", "") for r in review.reasons) or _(
        "A moderator is reading this comment."
    )
