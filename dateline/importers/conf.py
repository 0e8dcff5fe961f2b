"""Importer settings, each overridable in Django settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Name shown for comments whose writer left none.
    "DATELINE_IMPORT_ANONYMOUS_NAME": "Anonymous",
    # Section for imported posts that name no category.
    "DATELINE_IMPORT_SECTION": "archive",
}


def get(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
