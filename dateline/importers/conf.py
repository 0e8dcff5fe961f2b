"""Importer settings, each overridable in Django settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Largest upload the admin takes, and the most a .gz may unpack to.
    "DATELINE_IMPORT_MAX_UPLOAD_MB": 512,
    "DATELINE_IMPORT_MAX_UNPACKED_MB": 2048,
    # Where the admin keeps uploads, and the only folder it may read a
    # server path from. Empty: "imports" in the data folder.
    "DATELINE_IMPORT_DIR": "",
    # Name shown for comments whose writer left none.
    "DATELINE_IMPORT_ANONYMOUS_NAME": "Anonymous",
    # Section for imported posts that name no category.
    "DATELINE_IMPORT_SECTION": "archive",
}


def get(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])


def folder() -> Path:
    chosen = get("DATELINE_IMPORT_DIR")
    path = Path(chosen) if chosen else Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path.resolve()
