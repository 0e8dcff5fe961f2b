"""``manage.py import_isso comments.db``: an Isso SQLite database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser

from dateline.importers import isso
from dateline.importers.command import ImportCommand


class Command(ImportCommand):
    help = "Import threads and comments from an Isso database (read-only)."
    source_label = "Isso database"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--site-url",
            default="",
            help="the site Isso served, to make its paths full URLs "
            "(default: DATELINE_SITE_URL)",
        )

    def read(self, path: Path, options: dict[str, Any]) -> Iterator[Any]:
        site = options["site_url"] or settings.SITE_URL
        return isso.read(path, site_url=site)
