"""``manage.py import_disqus export.xml``: a Disqus XML export."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dateline.importers import disqus
from dateline.importers.command import ImportCommand


class Command(ImportCommand):
    help = "Import threads and comments from a Disqus XML export."
    source_label = "Disqus export"

    def read(self, path: Path, options: dict[str, Any]) -> Iterator[Any]:
        return disqus.read(str(path))
