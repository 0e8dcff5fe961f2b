"""The scoring pipeline: every new or edited comment passes through the scorers.

A scorer reads a :class:`Draft` (the text and what is known about who wrote
it and how) and returns a :class:`Score`: a number from 0 (nothing wrong) to
1 (certainly wrong), the reasons in plain words, the spans of the text they
are about, and optionally what it insists on (``hold`` or ``reject``). The
scorers are listed in ``DATELINE_MODERATION_SCORERS`` (dotted paths), so a
site can drop one or add its own; ``policies.judge`` turns the scores into
a decision: publish, publish and flag, ask the writer to reconsider, hold
or reject.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from functools import cache
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

APPROVE, HOLD, REJECT = "approve", "hold", "reject"
# Bands between publishing and holding: published and listed for a
# moderator's glance, or sent back to the writer once before saving.
FLAG, RECONSIDER = "flag", "reconsider"

DEFAULT_SCORERS = [
    "dateline.moderation.scorers.HoneypotScorer",
    "dateline.moderation.scorers.SpeedScorer",
    "dateline.moderation.scorers.BannedPhraseScorer",
    "dateline.moderation.scorers.LinkScorer",
    "dateline.moderation.scorers.DuplicateScorer",
    "dateline.moderation.scorers.RateScorer",
    "dateline.moderation.scorers.HistoryScorer",
    "dateline.moderation.scorers.ToxicityScorer",
]


@dataclass(frozen=True)
class Draft:
    """A comment about to be published (or an edit about to replace one)."""

    text: str
    author_id: int | None = None  # None for a guest
    guest_key_hash: str = ""  # a guest's browser, as stored on comments
    thread_id: int | None = None
    comment_id: int | None = None  # set when editing
    client: str = ""  # the client's address, as ForwardedMiddleware found it
    honeypot: str = ""  # the hidden form field people leave empty
    seconds_to_submit: float | None = None  # from the form being shown
    now: dt.datetime | None = None
    bands: Bands | None = None  # the thread's toxicity bands; None: the site's


@dataclass(frozen=True)
class Bands:
    """Where the toxicity scorer's bands start (``conf.py`` explains each)."""

    flag_at: float
    reconsider_at: float
    hold_at: float
    reject_at: float

    @classmethod
    def site(cls) -> Bands:
        from dateline.moderation import conf

        return cls(
            conf.get("FLAG_AT"),
            conf.get("RECONSIDER_AT"),
            conf.get("HOLD_AT"),
            conf.get("REJECT_AT"),
        )

    @classmethod
    def of(cls, thread: Any) -> Bands:
        """The thread's own bands where it sets them, else the site's."""
        own = {band.name: getattr(thread, band.name, None) for band in fields(cls)}
        return replace(
            cls.site(), **{name: v for name, v in own.items() if v is not None}
        )


@dataclass(frozen=True)
class Reason:
    code: str  # stable, for the API and the queue's filters
    message: str  # plain words, shown to the writer and the moderator
    spans: tuple[tuple[int, int], ...] = ()  # of the text, to highlight


@dataclass(frozen=True)
class Score:
    scorer: str
    score: float
    reasons: tuple[Reason, ...] = ()
    # FLAG, RECONSIDER, HOLD or REJECT, whatever the policy says
    insists: str | None = None
    trust: float = 0.0  # > 0: the writer's record speaks for them
    ms: float = 0.0

    @property
    def flagged(self) -> bool:
        return bool(self.reasons)


class Scorer(Protocol):
    name: str

    def score(self, draft: Draft) -> Score: ...


@dataclass(frozen=True)
class Scores:
    """All scorers' answers for one draft."""

    scores: tuple[Score, ...] = field(default_factory=tuple)

    def reasons(self) -> list[Reason]:
        return [r for s in self.scores for r in s.reasons]

    @property
    def trust(self) -> float:
        return max((s.trust for s in self.scores), default=0.0)

    def as_json(self) -> list[dict[str, Any]]:
        return [
            {
                "scorer": s.scorer,
                "score": round(s.score, 4),
                "insists": s.insists,
                "trust": s.trust,
                "ms": round(s.ms, 2),
                "reasons": [
                    {"code": r.code, "message": r.message, "spans": list(r.spans)}
                    for r in s.reasons
                ],
            }
            for s in self.scores
        ]


@cache
def _pipeline(paths: tuple[str, ...]) -> tuple[Scorer, ...]:
    return tuple(import_string(path)() for path in paths)


def scorer_paths() -> tuple[str, ...]:
    """``DATELINE_MODERATION_SCORERS``, or the defaults when it is unset."""
    paths = getattr(settings, "DATELINE_MODERATION_SCORERS", None)
    return tuple(DEFAULT_SCORERS if paths is None else paths)


def pipeline() -> Sequence[Scorer]:
    return _pipeline(scorer_paths())


def score(draft: Draft, scorers: Sequence[Scorer] | None = None) -> Scores:
    """Run the scorers on ``draft`` in order; each answer records its time.

    A scorer that insists on rejecting ends the run: nothing after it can
    change the decision, so a refused post (a flood, a banned phrase) costs
    no model time. The cheap scorers come first in ``DEFAULT_SCORERS``.
    """
    answers = []
    for scorer in pipeline() if scorers is None else scorers:
        started = time.perf_counter()
        answer = scorer.score(draft)
        elapsed = (time.perf_counter() - started) * 1000
        answers.append(
            Score(
                answer.scorer,
                answer.score,
                answer.reasons,
                answer.insists,
                answer.trust,
                elapsed,
            )
        )
        if answer.insists == REJECT:
            break
    return Scores(tuple(answers))
