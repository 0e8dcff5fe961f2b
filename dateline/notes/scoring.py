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

from django.db import transaction
from django.utils import timezone

from dateline.community import selectors as community
from dateline.core import audit
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

VALUES = {0: 0.0, 1: 0.5, 2: 1.0}
LOW_STANDING_WEIGHT = 0.5
# A rater whose decided ratings mostly went against the outcome (published:
# the rater helpfulness filter) counts for this much in the second round.
DISAGREEING_WEIGHT = 0.2
DISAGREEING_BELOW = 0.66


def settings_row() -> NotesSetting:
    row, _created = NotesSetting.objects.get_or_create(pk=1)
    return row


def run() -> ScoringRun:
    """Fit, decide and store; returns the run (its counts and duration)."""
    started = time.perf_counter()
    began = timezone.now()  # ratings after this wait for the next run
    notes = list(Note.objects.values_list("pk", flat=True))
    ratings = list(NoteRating.objects.values_list("note_id", "rater_id", "value"))
    votes = list(
        Vote.objects.exclude(value=0).values_list("comment_id", "voter_id", "value")
    )
    members = sorted({r for _n, r, _v in ratings} | {v for _c, v, _x in votes})
    index = {pk: i for i, pk in enumerate(members)}
    item_of_note = {pk: i for i, pk in enumerate(notes)}
    comments = sorted({c for c, _v, _x in votes})
    item_of_comment = {pk: len(notes) + i for i, pk in enumerate(comments)}
    full = settings_row().full_weight_points
    points = community.points_of(members)
    rows = [
        (
            index[rater],
            item_of_note[note],
            VALUES[value],
            1.0 if points[rater] >= full else LOW_STANDING_WEIGHT,
        )
        for note, rater, value in ratings
    ]
    rows += [
        (index[voter], item_of_comment[comment], 1.0 if value > 0 else 0.0, 1.0)
        for comment, voter, value in votes
    ]
    data = bridging.Ratings.of(
        rows, raters=len(members), items=len(notes) + len(comments)
    )
    note_items = list(item_of_note.values())
    first = bridging.verdicts(bridging.fit(data), data, note_items)
    # Second round: raters who went against the first round's outcomes
    # weigh little (their comment votes still place them on the factor).
    agreed = bridging.agreement(data, {i: v.status for i, v in first.items()})
    weight = data.weight.copy()
    is_note = data.item < len(notes)
    for rater, share in agreed.items():
        if share < DISAGREEING_BELOW:
            weight[is_note & (data.rater == rater)] *= DISAGREEING_WEIGHT
    second = bridging.Ratings(
        data.rater, data.item, data.value, weight, data.raters, data.items
    )
    fitted = bridging.fit(second)
    final = bridging.verdicts(fitted, second, note_items)
    discussion.common_ground_set(
        {pk: float(fitted.item_intercept[i]) for pk, i in item_of_comment.items()}
    )
    positions = dict(zip(members, fitted.rater_factor.tolist(), strict=True))
    counts = (len(ratings), len(votes), len(members))
    return _store(notes, item_of_note, final, positions, counts, began, started)


@transaction.atomic
def _store(
    notes: list[int],
    item_of_note: dict[int, int],
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
    stored = {n.pk: n for n in Note.objects.filter(pk__in=notes)}
    changes = []
    for pk in notes:
        note, verdict = stored.get(pk), final[item_of_note[pk]]
        if note is None:
            continue
        changed = note.status != verdict.status
        note.status = verdict.status
        note.intercept = verdict.intercept
        note.factor = verdict.factor
        note.raters = verdict.raters
        note.positive_side = verdict.positive_side
        note.negative_side = verdict.negative_side
        if changed:
            changes.append(
                NoteStatusChange(
                    note=note,
                    run=scoring,
                    status=verdict.status,
                    intercept=verdict.intercept,
                    factor=verdict.factor,
                    raters=verdict.raters,
                    positive_side=verdict.positive_side,
                    negative_side=verdict.negative_side,
                    created_at=now,
                )
            )
    Note.objects.bulk_update(
        stored.values(),
        ["status", "intercept", "factor", "raters", "positive_side", "negative_side"],
    )
    RaterPosition.objects.all().delete()
    RaterPosition.objects.bulk_create(
        RaterPosition(member_id=pk, factor=f) for pk, f in positions.items()
    )
    NoteStatusChange.objects.bulk_create(changes)
    _pages_changed([n for n in stored.values() if n.pk in {c.note_id for c in changes}])
    for change in changes:
        audit.record(
            actor=None,
            action="note.status",
            target=change.note,
            after={"status": change.status, "run": scoring.pk},
        )
    scoring.seconds = time.perf_counter() - started
    scoring.save(update_fields=["seconds"])
    return scoring


def _pages_changed(notes: list[Note]) -> None:
    """A note shown or withdrawn changes its article's page: its thread's
    cached pages go (the discussion's own event, which the caches follow)."""
    from dateline.discussion.models import Comment, Thread

    articles = {n.article_id for n in notes if n.article_id}
    comments = {n.comment_id for n in notes if n.comment_id}
    threads = set(
        Thread.objects.filter(article_id__in=articles).values_list("pk", flat=True)
    ) | set(Comment.objects.filter(pk__in=comments).values_list("thread_id", flat=True))
    for thread_id in threads:
        discussion.thread_touched(thread_id)
