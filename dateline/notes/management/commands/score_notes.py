"""``manage.py score_notes``: one scoring run now (cron it, hourly say: the
comment votes that place raters keep moving between note ratings)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dateline.notes import scoring


class Command(BaseCommand):
    help = "Score every context note (bridging-based ranking)."

    def handle(self, *args: Any, **options: Any) -> None:
        run = scoring.run()
        self.stdout.write(
            f"run {run.pk}: {run.ratings} ratings, {run.votes} votes, "
            f"{run.raters} raters, {run.seconds:.2f} s"
        )
