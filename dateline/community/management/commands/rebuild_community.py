"""Rebuild every ledger, rank and badge from the comment and vote history."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from dateline.community.actions import community_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the reputation ledger, ranks and badges from the comment and "
        "vote history. Hand-made grants, revocations and rank locks are kept. "
        "Gives the same state as the incremental path."
    )

    def handle(self, *args: object, **options: object) -> None:
        started = time.perf_counter()
        result = community_rebuild()
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Rebuilt {result.members} members from {result.events} events: "
            f"{result.entries} ledger entries, {result.grants} badges, "
            f"in {seconds:.2f} s."
        )
