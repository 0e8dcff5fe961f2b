"""Send the outbox and the digests that are due now (cron, or by hand)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dateline.notify import sending


class Command(BaseCommand):
    help = "Send waiting notification mail and the digests that are due."

    def handle(self, *args: Any, **options: Any) -> None:
        done = sending.send_due()
        digests = sending.send_digests()
        self.stdout.write(
            f"sent {done.sent}, dropped {done.dropped + digests.dropped}, "
            f"to digests {done.deferred}, failed {done.failed}, "
            f"digests {digests.digests}, still waiting {done.left}"
        )
