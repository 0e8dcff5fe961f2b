"""Moderation settings, read lazily with their defaults."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Toxicity bands (0-1), each on its own measure (``toxicity.Assessment``),
    # chosen with ``make eval-moderation``; a thread may set its own.
    # Publish and flag for a moderator's glance from FLAG_AT (either model),
    "FLAG_AT": 0.35,
    # ask the writer to reconsider from RECONSIDER_AT (the two models' mean),
    "RECONSIDER_AT": 0.45,
    # hold from HOLD_AT and reject from REJECT_AT (both models, each at least).
    "HOLD_AT": 0.7,
    "REJECT_AT": 0.95,
    # A comment posted anyway after the reconsider prompt: "flag" (published
    # and flagged) or "hold" (a moderator reads it first).
    "RECONSIDERED": "flag",
    # More links than this (not counting allowed domains) are held.
    "MAX_LINKS": 2,
    # A form sent sooner than this after it was shown is held (bots are fast).
    "MIN_SECONDS": 3,
    # At most this many comments per writer per minute; more are rejected.
    "PER_MINUTE": 5,
    # ... and at most this many from one client address (all writers; an
    # IPv6 /64 is one address),
    "PER_MINUTE_PER_ADDRESS": 10,
    # ... and from one network around it (IPv4 /24, IPv6 /48).
    "PER_MINUTE_PER_NETWORK": 30,
    # The same text again from the same writer within this many hours.
    "DUPLICATE_HOURS": 24,
    # Members with at least these points and no recent removal are trusted.
    "TRUSTED_POINTS": 100,
    "REMOVALS_DAYS": 90,
    # Readers' reports hide a comment pending review once their reporters'
    # weights add up to this, from at least two members. A reporter weighs
    # (upheld + 1) / (dismissed + 1) of their past reports, within bounds.
    "REPORTS_HIDE_AT": 3.0,
    "REPORT_WEIGHT_MIN": 0.25,
    "REPORT_WEIGHT_MAX": 2.0,
}


def get(name: str) -> Any:
    return getattr(settings, f"DATELINE_MODERATION_{name}", DEFAULTS[name])
