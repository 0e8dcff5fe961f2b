"""What posting asks moderation: screen a text, record a hold or a flag.

``discussion.actions`` calls these for every new comment and every edit, so
the HTML views, the API and importers all go through the same decision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from dateline.core import audit
from dateline.core.errors import Reconsider, Rejected
from dateline.moderation import policies, scoring
from dateline.moderation.models import Review
from dateline.ops import metrics


@dataclass(frozen=True)
class Signals:
    """What the request tells about how a comment was written."""

    client: str = ""
    honeypot: str = ""
    seconds_to_submit: float | None = None
    # The writer was asked to reconsider and chose to post as it is.
    confirmed: bool = False


def policy_for(thread: Any) -> policies.Policy:
    """The article's policy where it sets one, else the site's.

    A closed thread is refused by posting itself.
    """
    site_slow = getattr(settings, "DATELINE_MODERATION_SLOW_SECONDS", 0)
    return policies.Policy(
        thread.moderation_mode
        or getattr(settings, "DATELINE_MODERATION_MODE", policies.POST),
        site_slow if thread.slow_seconds is None else thread.slow_seconds,
    )


def _last_post(thread: Any, author_id: int | None, key_hash: str) -> dt.datetime | None:
    from dateline.discussion.models import Comment
    from dateline.moderation.scorers import writers_comments

    same_writer = writers_comments(author_id, key_hash)
    if same_writer is None:
        return None
    return (
        Comment.objects.filter(same_writer, thread_id=thread.pk)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )


def screen(
    *,
    text: str,
    thread: Any,
    author_id: int | None,
    guest_key_hash: str = "",
    comment_id: int | None = None,
    signals: Signals | None = None,
) -> policies.Verdict:
    """The decision for a new comment (or an edit, with ``comment_id``).

    Raises :class:`Rejected`, with the reasons, when the answer is no.
    """
    signals = signals or Signals()
    now = timezone.now()
    draft = scoring.Draft(
        text=text,
        author_id=author_id,
        guest_key_hash=guest_key_hash,
        thread_id=thread.pk,
        comment_id=comment_id,
        client=signals.client,
        honeypot=signals.honeypot,
        seconds_to_submit=signals.seconds_to_submit,
        now=now,
        bands=scoring.Bands.of(thread),
    )
    policy = policy_for(thread)
    last = None
    if policy.slow_seconds and comment_id is None:
        last = _last_post(thread, author_id, guest_key_hash)
    verdict = policies.judge(
        scoring.score(draft),
        policy,
        last_post=last,
        now=now,
        confirmed=signals.confirmed,
    )
    metrics.moderation_decision(verdict.decision)
    if verdict.decision == scoring.REJECT:
        raise refusal(verdict, target=thread, draft=draft)
    if verdict.decision == scoring.RECONSIDER:
        raise rejection(verdict)
    return verdict


def reasons_json(verdict: policies.Verdict) -> list[dict[str, Any]]:
    return [
        {"code": r.code, "message": r.message, "spans": list(r.spans)}
        for r in verdict.reasons
    ]


def rejection(verdict: policies.Verdict) -> Rejected:
    """The error a writer gets: the reasons in plain words, their text kept."""
    if verdict.decision == scoring.RECONSIDER:
        return Reconsider(verdict.message, reasons=reasons_json(verdict))
    return Rejected(verdict.message, reasons=reasons_json(verdict))


def refusal(
    verdict: policies.Verdict, *, target: Any, draft: scoring.Draft | None = None
) -> Rejected:
    """:func:`rejection`, written to the audit log first (a system decision).

    Called outside any transaction, so the entry stays although the writer
    gets an error. ``target`` is the thread (a new comment) or the comment
    (an edit).
    """
    audit.record(
        actor=None,
        action="moderation.reject",
        target=target,
        after={
            "writer": (draft.author_id or "guest") if draft else None,
            "text": draft.text[:1000] if draft else "",
            "reasons": [r.code for r in verdict.reasons],
        },
        reason=verdict.message,
    )
    return rejection(verdict)


def source_of(verdict: policies.Verdict) -> str:
    """Which queue tab: flagged but published (worth a look), held by a
    scorer (auto-flagged) or by the policy."""
    if verdict.decision == scoring.FLAG:
        return Review.Source.WATCH
    stopping = (scoring.RECONSIDER, scoring.HOLD, scoring.REJECT)
    if any(s.insists in stopping for s in verdict.scores.scores):
        return Review.Source.SCORERS
    return Review.Source.POLICY


def hold(comment: Any, verdict: policies.Verdict, *, new: bool = False) -> Review:
    """Queue ``comment`` for review (or update its open review after an edit).

    A flagged comment is queued the same way, but stays published. A ``new``
    comment, just written, has no review to look for.
    """
    reasons = reasons_json(verdict)
    priority = max((s.score for s in verdict.scores.scores if s.reasons), default=0)
    review = (
        None
        if new
        else Review.objects.filter(comment=comment, state=Review.State.PENDING).first()
    )
    if review is None:
        review = Review.objects.create(
            comment=comment,
            source=source_of(verdict),
            reasons=reasons,
            scores=verdict.scores.as_json(),
            priority=priority,
            created_at=timezone.now(),
        )
    else:
        if not (
            review.source == Review.Source.REPORTS and verdict.decision == scoring.FLAG
        ):  # a flag does not take a reported comment out of Reported
            review.source = source_of(verdict)
        review.reasons = reasons
        review.scores = verdict.scores.as_json()
        review.priority = priority
        review.version += 1
        review.save(
            update_fields=["source", "reasons", "scores", "priority", "version"]
        )
    audit.record(
        actor=None,
        action="moderation.flag"
        if verdict.decision == scoring.FLAG
        else "moderation.hold",
        target=comment,
        after={"status": comment.status, "review": review.pk, "source": review.source},
        reason=verdict.message,
    )
    return review


def held_as_too_fast(comment: Any) -> bool:
    """Is ``comment`` waiting for review because it was sent at once?"""
    if not comment.is_pending:
        return False
    reasons = Review.objects.filter(
        comment=comment, state=Review.State.PENDING
    ).values_list("reasons", flat=True)
    return any(r.get("code") == "too_fast" for found in reasons for r in found)


def close_reviews(comment: Any, state: str) -> None:
    """The writer's edit was approved, or they deleted the comment."""
    Review.objects.filter(comment=comment, state=Review.State.PENDING).update(
        state=state, decided_at=timezone.now()
    )
