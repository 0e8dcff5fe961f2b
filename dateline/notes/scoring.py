"""A scoring run: every note rating and comment vote through ``bridging.py``,
twice (the second time without the weight of raters whose ratings went
against the first run's outcomes), and each note's verdict stored.

Runs after new ratings (``tasks.py``) and from cron (``manage.py
score_notes``); a run reads everything, so it costs what the site's votes
cost: 0.38 s for the benchmark site's 76,818 comment votes by 229 members.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from numpy.typing import NDArray

from dateline.community import selectors as community
from dateline.core import audit, sql
from dateline.discussion import actions as discussion
from dateline.discussion.models import Vote
from dateline.notes import bridging
from dateline.notes.models import (
    Note,
    NoteRating,
    NotesSetting,
    NoteStatusChange,
    RaterPosition,
    ScoringRun,
)

VALUES = np.array([0.0, 0.5, 1.0])  # not helpful, somewhat, helpful
LOW_STANDING_WEIGHT = 0.5


def settings_row() -> NotesSetting:
    row, _created = NotesSetting.objects.get_or_create(pk=1)
    return row


def _table(rows: list[tuple[int, int, int]]) -> NDArray[np.int64]:
    return np.array(rows, dtype=np.int64).reshape(-1, 3)


def run() -> ScoringRun:
    """Fit, decide and store; returns the run (its counts and duration)."""
    started = time.perf_counter()
    began = timezone.now()  # ratings after this wait for the next run
    notes = np.array(sorted(Note.objects.values_list("pk", flat=True)), np.int64)
    ratings = _table(
        list(NoteRating.objects.values_list("note_id", "rater_id", "value"))
    )
    votes = _table(
        list(
            Vote.objects.exclude(value=0).values_list("comment_id", "voter_id", "value")
        )
    )
    # A note written between the two reads waits for the next run.
    ratings = ratings[np.isin(ratings[:, 0], notes)]
    members = np.unique(np.concatenate([ratings[:, 1], votes[:, 1]]))
    comments = np.unique(votes[:, 0])
    full = settings_row().full_weight_points
    points = community.points_of(members.tolist())
    standing = np.array([points[pk] >= full for pk in members.tolist()], bool)
    rater = np.searchsorted(members, ratings[:, 1])
    voter = np.searchsorted(members, votes[:, 1])
    data = bridging.Ratings(
        rater=np.concatenate([rater, voter]),
        item=np.concatenate(
            [
                np.searchsorted(notes, ratings[:, 0]),
                len(notes) + np.searchsorted(comments, votes[:, 0]),
            ]
        ),
        value=np.concatenate([VALUES[ratings[:, 2]], (votes[:, 2] > 0) * 1.0]),
        weight=np.concatenate(
            [np.where(standing[rater], 1.0, LOW_STANDING_WEIGHT), np.ones(len(votes))]
        ),
        raters=len(members),
        items=len(notes) + len(comments),
    )
    outcome = bridging.score(data, len(notes))
    intercepts = outcome.fit.item_intercept[len(notes) :].tolist()
    discussion.common_ground_set(dict(zip(comments.tolist(), intercepts, strict=True)))
    positions = dict(
        zip(members.tolist(), outcome.fit.rater_factor.tolist(), strict=True)
    )
    final = dict(zip(notes.tolist(), outcome.verdicts, strict=True))
    counts = (len(ratings), len(votes), len(members))
    return _store(final, positions, counts, began, started)


@transaction.atomic
def _store(
    final: dict[int, bridging.Verdict],
    positions: dict[int, float],
    counts: tuple[int, int, int],
    began: Any,
    started: float,
) -> ScoringRun:
    now = timezone.now()
    ratings, votes, raters = counts
    scoring = ScoringRun.objects.create(
        started_at=began, ratings=ratings, votes=votes, raters=raters
    )
    fields = ["status", "intercept", "factor", "raters"]
    fields += ["positive_side", "negative_side"]
    current = {row[0]: row[1:] for row in Note.objects.values_list("pk", *fields)}
    rows, changes = [], []
    for pk, verdict in final.items():
        was = current.get(pk)
        if was is None:  # deleted since the run read it
            continue
        new = (
            verdict.status,
            round(verdict.intercept, 4),
            round(verdict.factor, 4),
            verdict.raters,
            verdict.positive_side,
            verdict.negative_side,
        )
        if was != new:
            rows.append((pk, *new))
        if was[0] != verdict.status:
            changes.append(
                NoteStatusChange(
                    note_id=pk,
                    run=scoring,
                    created_at=now,
                    **dict(zip(fields, new, strict=True)),
                )
            )
    sql.update_many(Note, fields, rows)
    RaterPosition.objects.all().delete()
    RaterPosition.objects.bulk_create(
        (RaterPosition(member_id=pk, factor=f) for pk, f in positions.items()),
        batch_size=2000,
    )
    NoteStatusChange.objects.bulk_create(changes, batch_size=1000)
    moved = {c.note_id: c.status for c in changes}
    pages_changed(
        [n for n in Note.objects.only("article_id", "comment_id") if n.pk in moved]
    )
    audit.record_many(
        actor=None,
        action="note.status",
        changes=[
            (Note(pk=pk, status=status), {"status": status, "run": scoring.pk})
            for pk, status in moved.items()
        ],
    )
    scoring.seconds = time.perf_counter() - started
    scoring.save(update_fields=["seconds"])
    return scoring


def pages_changed(notes: list[Note]) -> None:
    """A note shown or withdrawn changes what its article or comment shows:
    the thread's cached pages go (the discussion's own call)."""
    discussion.threads_touched(
        articles={n.article_id for n in notes if n.article_id},
        comments={n.comment_id for n in notes if n.comment_id},
    )
