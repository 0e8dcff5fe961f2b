"""``manage.py export_dateline FILE``: the whole site, to leave or to keep."""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dateline.importers import export


class Command(BaseCommand):
    help = (
        "Write the site's articles, members and whole discussion (votes, badges, "
        "ledger, sanctions, moderation) to a Dateline export (gzip JSON lines; "
        "docs/export-format.md). Passwords are not written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="where to write it (e.g. site.jsonl.gz)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if path.is_dir() or not path.parent.is_dir():
            raise CommandError(f"Cannot write a file at {path}.")
        started = time.monotonic()

        def progress(counts: Counter[str]) -> None:
            sys.stderr.write(f"\r{sum(counts.values())} records ")
            sys.stderr.flush()

        shown = sys.stderr.isatty() or options["verbosity"] > 1
        done = export.export_to(path, progress if shown else None)
        if shown:
            sys.stderr.write("\n")
        for kind, count in done.counts.items():
            self.stdout.write(f"{kind}: {count}")
        if done.missing_files:
            self.stdout.write(
                f"{done.missing_files} images are written without their file, "
                "which is missing from the media folder."
            )
        self.stdout.write(
            f"Wrote {path} ({path.stat().st_size / 1e6:.1f} MB) in "
            f"{time.monotonic() - started:.1f} s."
        )
