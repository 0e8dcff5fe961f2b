"""Scoring notes in the background: soon after ratings, and when asked
(``manage.py score_notes``, from cron, for what comment votes move)."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django_tasks import task

from dateline.notes import scoring
from dateline.notes.models import NoteRating

PENDING_KEY = "dateline.notes.scoring-pending"


@task()
def score_notes() -> int:
    """Runs until no rating is newer than the last run; how many runs."""
    runs = 0
    while True:
        done = scoring.run()
        runs += 1
        cache.delete(PENDING_KEY)  # before the check: a rating after it enqueues
        newer = NoteRating.objects.filter(created_at__gte=done.started_at).exists()
        if not newer or not cache.add(PENDING_KEY, 1, timeout=3600):
            return runs


def score_soon() -> None:
    """After a rating commits: one scoring run queued, however many come."""
    if cache.add(PENDING_KEY, 1, timeout=3600):
        transaction.on_commit(score_notes.enqueue)
