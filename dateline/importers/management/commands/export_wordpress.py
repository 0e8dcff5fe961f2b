"""``manage.py export_wordpress FILE``: articles and comments as WXR 1.2."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dateline.importers import wxr_export


class Command(BaseCommand):
    help = (
        "Write the articles and their comments as a WordPress export (WXR 1.2), "
        "for WordPress's Tools > Import > WordPress."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="where to write it (e.g. site.xml)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if path.is_dir() or not path.parent.is_dir():
            raise CommandError(f"Cannot write a file at {path}.")
        started = time.monotonic()
        written = wxr_export.export_wxr_to(path)
        counts = written.counts
        self.stdout.write(
            f"Wrote {path}: {counts['articles']} articles, {counts['comments']} "
            f"comments, {counts['authors']} authors, {counts['categories']} "
            f"sections, in {time.monotonic() - started:.1f} s."
        )
        if counts["threads_without_article"]:
            self.stdout.write(
                f"{counts['threads_without_article']} threads kept by URL (not under "
                "an article) have no post to go under in WordPress and are left out."
            )
