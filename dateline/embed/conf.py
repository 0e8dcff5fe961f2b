"""The embed's settings, read when asked (README, Embedding)."""

from __future__ import annotations

from django.conf import settings


def frame_hours() -> int:
    """How long a frame's token lets it write (a reader leaves a tab open)."""
    return int(getattr(settings, "DATELINE_EMBED_FRAME_HOURS", 24))


def counts_max() -> int:
    """Addresses one counts request may ask about."""
    return int(getattr(settings, "DATELINE_EMBED_COUNTS_MAX", 100))


def counts_max_age() -> int:
    """How long browsers and shared caches keep a counts answer (seconds)."""
    return int(getattr(settings, "DATELINE_EMBED_COUNTS_MAX_AGE", 60))
