"""From scores to a decision: publish, publish and flag, ask the writer to
reconsider, hold for review, or reject.

A policy is set per site and may be overridden per article:

- ``post``: post-moderation, the default. Published at once unless a scorer
  holds or rejects it; readers' reports and moderators act afterwards.
- ``pre_all``: pre-moderation for everyone. Held until a moderator approves.
- ``pre_new``: pre-moderation for newcomers and guests (no published comment
  yet); members with a record publish at once.
- ``trust``: only trusted members (points and no recent removal, see
  ``HistoryScorer``) publish at once; everyone else is held.
- ``closed``: nothing new is accepted.

Slow mode, on top of any of these, lets each writer post once every so many
seconds in a thread. Whatever the policy, a scorer that insists wins:
rejections first (a bot, a denied link, a duplicate, abuse both models are
sure of), then holds. Then the reconsider prompt: the writer is shown what
may read as an attack before anything is saved; if they post it anyway it
is published and flagged (or held, when ``DATELINE_MODERATION_RECONSIDERED``
is ``hold``). Then the policy's own holds; then a scorer's flag publishes
the comment and lists it under "Worth a look". A rejected writer keeps
their text and can edit and resubmit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dateline.moderation import conf
from dateline.moderation.scoring import (
    APPROVE,
    FLAG,
    HOLD,
    RECONSIDER,
    REJECT,
    Reason,
    Scores,
)

POST, PRE_ALL, PRE_NEW, TRUST, CLOSED = "post", "pre_all", "pre_new", "trust", "closed"
MODES = (POST, PRE_ALL, PRE_NEW, TRUST, CLOSED)


@dataclass(frozen=True)
class Policy:
    mode: str = POST
    slow_seconds: int = 0

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown moderation mode {self.mode!r}")


@dataclass(frozen=True)
class Verdict:
    decision: str
    reasons: tuple[Reason, ...] = ()
    scores: Scores = field(default_factory=Scores)

    @property
    def message(self) -> str:
        """What the writer is told, in plain words."""
        return " ".join(r.message for r in self.reasons)


def _slow_mode_reason(
    policy: Policy, last_post: dt.datetime | None, now: dt.datetime
) -> Reason | None:
    if not policy.slow_seconds or last_post is None:
        return None
    wait = policy.slow_seconds - (now - last_post).total_seconds()
    if wait <= 0:
        return None
    minutes = max(1, round(policy.slow_seconds / 60))
    return Reason(
        "slow_mode",
        ngettext(
            "This discussion is in slow mode: one comment every minute. "
            "You can post again in %(wait)d seconds.",
            "This discussion is in slow mode: one comment every %(minutes)d "
            "minutes. You can post again in %(wait)d seconds.",
            minutes,
        )
        % {"minutes": minutes, "wait": max(1, round(wait))},
    )


def judge(
    scores: Scores,
    policy: Policy,
    *,
    last_post: dt.datetime | None = None,
    now: dt.datetime | None = None,
    confirmed: bool = False,
) -> Verdict:
    """The decision for a draft with these ``scores`` under ``policy``.

    ``last_post`` is when this writer last posted in the thread (slow mode);
    ``confirmed`` says the writer was asked to reconsider and posts anyway.
    """
    if policy.mode == CLOSED:
        reason = Reason(
            "thread_closed",
            _("This discussion is closed; no new comments are accepted."),
        )
        return Verdict(REJECT, (reason,), scores)
    slow = _slow_mode_reason(policy, last_post, now or dt.datetime.now(dt.UTC))
    if slow is not None:
        return Verdict(REJECT, (slow,), scores)
    rejecting = tuple(
        r for s in scores.scores if s.insists == REJECT for r in s.reasons
    )
    if rejecting:
        return Verdict(REJECT, rejecting, scores)
    holding = tuple(r for s in scores.scores if s.insists == HOLD for r in s.reasons)
    if holding:
        return Verdict(HOLD, holding, scores)
    asking = tuple(
        r for s in scores.scores if s.insists == RECONSIDER for r in s.reasons
    )
    if asking and not confirmed:
        return Verdict(RECONSIDER, asking, scores)
    if asking and conf.get("RECONSIDERED") == HOLD:
        reason = Reason(
            "posted_anyway",
            _(
                "You chose to post this as it is, so a moderator will read it "
                "before it is published."
            ),
        )
        return Verdict(HOLD, (*asking, reason), scores)
    if policy.mode == PRE_ALL:
        return Verdict(HOLD, (_premoderated(),), scores)
    if policy.mode == PRE_NEW and scores.trust < 0.5:
        reason = Reason(
            "newcomer",
            _(
                "First comments here are read by a moderator before they are "
                "published. Thank you for waiting."
            ),
        )
        return Verdict(HOLD, (reason,), scores)
    if policy.mode == TRUST and scores.trust < 1:
        return Verdict(HOLD, (_premoderated(),), scores)
    posted_anyway = tuple(
        Reason(
            r.code,
            _(
                "The writer was asked to reconsider this (it may read as an "
                "attack) and posted it as it is."
            ),
            r.spans,
        )
        for r in asking
    )
    flagging = posted_anyway + tuple(
        r for s in scores.scores if s.insists == FLAG for r in s.reasons
    )
    if flagging:
        return Verdict(FLAG, flagging, scores)
    return Verdict(APPROVE, (), scores)


def _premoderated() -> Reason:
    return Reason(
        "premoderated",
        _(
            "Comments on this article are read by a moderator before they are "
            "published. Thank you for waiting."
        ),
    )
