"""Shared caches in front of the site (a CDN, Varnish): settings, read when asked.

Off unless ``DATELINE_CDN_MAX_AGE`` is above 0. Then an anonymous reader's
article page and thread payload are the same bytes for everyone (no CSRF
token in the page: ``discussion.js`` asks for one when a form is sent), and
say for how long a shared cache may keep them.
"""

from __future__ import annotations

from django.conf import settings


def max_age() -> int:
    """``s-maxage``: how long a shared cache serves a page without asking."""
    return int(getattr(settings, "DATELINE_CDN_MAX_AGE", 0))


def enabled() -> bool:
    return max_age() > 0


def stale_seconds() -> int:
    """``stale-while-revalidate``: how much longer while it asks again."""
    return int(getattr(settings, "DATELINE_CDN_STALE_SECONDS", 60))


def purge_backend() -> str:
    """``varnish``, ``wagtail``, a dotted path to a class, or empty for none."""
    return str(getattr(settings, "DATELINE_CDN_PURGE", ""))


def purge_urls() -> list[str]:
    """Where the ``varnish`` backend sends its BAN requests (each cache)."""
    return list(getattr(settings, "DATELINE_CDN_PURGE_URLS", []))


def purge_timeout() -> float:
    return float(getattr(settings, "DATELINE_CDN_PURGE_TIMEOUT", 2.0))
