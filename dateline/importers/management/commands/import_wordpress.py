"""``manage.py import_wordpress export.xml``: a WordPress (WXR) export."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from dateline.importers import actions, wxr
from dateline.importers.command import ImportCommand


class Command(ImportCommand):
    help = "Import posts and comments from a WordPress export (WXR 1.0 to 1.2)."
    source_label = "WordPress export (WXR)"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--attach",
            action="store_true",
            help="put comments on existing articles (matched by slug) instead "
            "of creating articles from the posts",
        )
        parser.add_argument(
            "--pingbacks", action="store_true", help="import pingbacks and trackbacks"
        )

    def read(self, path: Path, options: dict[str, Any]) -> Iterator[Any]:
        return wxr.read(str(path))

    def import_options(self, options: dict[str, Any]) -> actions.Options:
        chosen = super().import_options(options)
        chosen.attach_only = options["attach"]
        chosen.pingbacks = options["pingbacks"]
        return chosen
