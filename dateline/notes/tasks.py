"""Scoring notes in the background: soon after ratings; about once an
hour while readers vote on comments (votes move where they stand), with no
cron job needed; and when asked (``manage.py score_notes``)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django_tasks import task

from dateline.core import events
from dateline.notes import scoring
from dateline.notes.models import NoteRating

PENDING_KEY = "dateline.notes.scoring-pending"
VOTES_KEY = "dateline.notes.scored-for-votes"


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


def _enqueue() -> None:
    if cache.add(PENDING_KEY, 1, timeout=3600):
        score_notes.enqueue()


def score_soon() -> None:
    """After the current transaction commits: one scoring run queued,
    however many are asked for (the mark is set only once it commits, so a
    rolled-back rating leaves none behind to hold the next ones back)."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        item[1] is _enqueue for item in connection.run_on_commit
    ):
        return  # already asked for in this transaction
    transaction.on_commit(_enqueue)


def votes_moved(event: events.CommentVoted) -> None:
    """After a comment vote commits: a run, unless one was queued for votes
    in the last DATELINE_NOTES_RESCORE_SECONDS (3600; 0: only after ratings
    and from cron)."""
    every = int(getattr(settings, "DATELINE_NOTES_RESCORE_SECONDS", 3600))
    if every > 0 and cache.add(VOTES_KEY, 1, timeout=every):
        score_notes.enqueue()


def comments_imported(event: events.CommentsImported) -> None:
    """Comments and votes brought in bulk (an import, a restore): one run
    queued, however many threads arrive, for the scores they move."""
    score_soon()
