"""Forget commenters' addresses older than DATELINE_IP_RETENTION_DAYS (cron daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dateline.moderation import addresses


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        cleared = addresses.purge()
        days = addresses.retention().days
        self.stdout.write(
            f"Cleared the addresses of {cleared} comments older than {days} days."
        )
