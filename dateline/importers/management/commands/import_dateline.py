"""``manage.py import_dateline FILE``: restore a Dateline export."""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dateline.importers import restore


class Command(BaseCommand):
    help = (
        "Restore a Dateline export (export_dateline) into a site without a "
        "discussion: all of it, or nothing if the file has an error."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the export (.jsonl.gz or .jsonl)")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and write nothing"
        )
        parser.add_argument(
            "--move-to-now",
            action="store_true",
            help="move every time on by the whole days gone by since the file was made",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        started = time.monotonic()

        def progress(counts: Counter[str]) -> None:
            sys.stderr.write(
                f"\r{counts['comment']} comments, {sum(counts.values())} records "
            )
            sys.stderr.flush()

        shown = sys.stderr.isatty() or options["verbosity"] > 1
        try:
            done = restore.restore(
                restore.lines_of(path),
                dry_run=options["dry_run"],
                move_to_now=options["move_to_now"],
                progress=progress if shown else None,
            )
        except restore.RestoreError as error:
            raise CommandError(f"{path}: {error}") from None
        if shown:
            sys.stderr.write("\n")
        for kind, count in done.counts.items():
            self.stdout.write(f"{kind}: {count}")
        if done.members_matched:
            self.stdout.write(
                f"{done.members_matched} members were already here (same name "
                "and address) and were kept as they are."
            )
        for note in done.notes:
            self.stdout.write(note)
        what = "Checked (dry run, nothing written)" if done.dry_run else "Restored"
        self.stdout.write(
            f"{what}: {done.counts['comment']} comments in "
            f"{time.monotonic() - started:.1f} s."
        )
