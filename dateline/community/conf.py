"""Points per event, read lazily from settings with these defaults."""

from __future__ import annotations

from django.conf import settings

DEFAULT_POINTS = {
    "comment_published": 2,
    "comment_removed": -10,
    "upvote": 1,
    "downvote": -1,
    "reply_received": 1,
    "badge_bronze": 5,
    "badge_silver": 10,
    "badge_gold": 25,
}


def points(event: str) -> int:
    overrides = getattr(settings, "DATELINE_COMMUNITY_POINTS", {})
    return int(overrides.get(event, DEFAULT_POINTS[event]))
