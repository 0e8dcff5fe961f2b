"""What ``import_wordpress``, ``import_disqus`` and ``import_isso`` share."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dateline.importers import actions
from dateline.importers.report import Report
from dateline.importers.sources import SourceError


class ImportCommand(BaseCommand):
    source_label = ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=f"the {self.source_label} file to import")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="report what would happen and write nothing",
        )
        parser.add_argument(
            "--source",
            default="",
            help="name the old site's ids belong to (default: what the file says)",
        )
        parser.add_argument(
            "--spam", action="store_true", help="import comments marked as spam too"
        )

    def read(self, path: Any, options: dict[str, Any]) -> Iterator[Any]:
        raise NotImplementedError

    def import_options(self, options: dict[str, Any]) -> actions.Options:
        return actions.Options(
            dry_run=options["dry_run"], source=options["source"], spam=options["spam"]
        )

    def where(self, options: dict[str, Any]) -> tuple[Any, str]:
        """What ``read`` takes, and how to name it in messages."""
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        return path, str(path)

    def handle(self, *args: Any, **options: Any) -> None:
        path, named = self.where(options)
        started = time.monotonic()
        shown = sys.stderr.isatty() or options["verbosity"] > 1
        progress = _progress(started) if shown else None
        try:
            report = actions.import_records(
                self.read(path, options), self.import_options(options), progress
            )
        except SourceError as error:
            raise CommandError(f"{named}: {error}") from None
        if progress:
            sys.stderr.write("\n")
        for line in report.lines():
            self.stdout.write(line)
        seconds = time.monotonic() - started
        self.stdout.write(
            f"{report.comments_done} comments in {seconds:.1f} s"
            f" ({report.comments_done / max(seconds, 1e-6):.0f} a second)"
        )


def _progress(started: float) -> Callable[[Report], None]:
    def show(report: Report) -> None:
        done = report.comments_done
        rate = done / max(time.monotonic() - started, 1e-6)
        threads = sum(
            report.counts[k]
            for k in (
                "threads_created_for_articles",
                "threads_matched",
                "threads_by_url",
                "threads_already",
            )
        )
        sys.stderr.write(
            f"\r{threads} threads, {done} comments, {len(report.skipped)} skipped,"
            f" {rate:.0f} comments/s "
        )
        sys.stderr.flush()

    return show
