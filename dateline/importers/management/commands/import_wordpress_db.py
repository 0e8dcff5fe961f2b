"""``manage.py import_wordpress_db mysql://…``: a WordPress database."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from django.core.management.base import CommandParser

from dateline.importers import wordpress_db
from dateline.importers.management.commands.import_wordpress import (
    Command as WordPressCommand,
)


class Command(WordPressCommand):
    help = (
        "Import posts, comments, members, wpDiscuz votes and subscriptions from a "
        "WordPress database (MariaDB/MySQL), read-only."
    )
    source_label = "WordPress database"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        for action in parser._actions:
            if action.dest == "file":
                action.help = (
                    "mysql://user:password@host:3306/database (add ?prefix=… if "
                    "the tables do not start with wp_); an account that may only "
                    "read is enough"
                )

    def where(self, options: dict[str, Any]) -> tuple[Any, str]:
        url = options["file"]
        parts = urlsplit(url)
        shown = parts._replace(
            netloc=f"{parts.username or ''}@{parts.hostname or ''}"
            + (f":{parts.port}" if parts.port else "")
        ).geturl()
        return url, shown  # never the password in a message

    def read(self, path: Any, options: dict[str, Any]) -> Iterator[Any]:
        return wordpress_db.read(path)
