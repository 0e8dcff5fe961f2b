"""Discussion settings with their defaults, read when used (never at import).

Each can be set in Django settings or, through ``dateline/settings.py``, from
the environment variable of the same name.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings

DEFAULTS = {
    # Replies deeper than this are shown flat, marked "in reply to NAME".
    "DATELINE_COMMENTS_MAX_DEPTH": 3,
    # A comment longer than this (characters of text) is cut with "Read more ».
    "DATELINE_COMMENTS_READ_MORE_CHARS": 500,
    "DATELINE_COMMENTS_EDIT_WINDOW_MINUTES": 15,
    "DATELINE_COMMENTS_MIN_LENGTH": 2,
    "DATELINE_COMMENTS_MAX_LENGTH": 5000,
    "DATELINE_COMMENTS_NAME_MAX_LENGTH": 50,
    # Top-level comments per page, and replies shown under each before
    # "more replies".
    "DATELINE_COMMENTS_PAGE_SIZE": 20,
    "DATELINE_COMMENTS_REPLIES_PER_ROOT": 10,
    "DATELINE_COMMENTS_DEFAULT_SORT": "best",
    # A thread with this many top-level comments shows its "common ground"
    # comment above them (upvoted by members who usually disagree).
    "DATELINE_COMMENTS_COMMON_GROUND_MIN": 20,
}


def get(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])


def max_depth() -> int:
    return int(get("DATELINE_COMMENTS_MAX_DEPTH"))


def read_more_chars() -> int:
    return int(get("DATELINE_COMMENTS_READ_MORE_CHARS"))


def edit_window() -> dt.timedelta:
    return dt.timedelta(minutes=int(get("DATELINE_COMMENTS_EDIT_WINDOW_MINUTES")))


def min_length() -> int:
    return int(get("DATELINE_COMMENTS_MIN_LENGTH"))


def max_length() -> int:
    return int(get("DATELINE_COMMENTS_MAX_LENGTH"))


def name_max_length() -> int:
    return int(get("DATELINE_COMMENTS_NAME_MAX_LENGTH"))


def page_size() -> int:
    return int(get("DATELINE_COMMENTS_PAGE_SIZE"))


def replies_per_root() -> int:
    return int(get("DATELINE_COMMENTS_REPLIES_PER_ROOT"))


def default_sort() -> str:
    return str(get("DATELINE_COMMENTS_DEFAULT_SORT"))


def common_ground_min() -> int:
    return int(get("DATELINE_COMMENTS_COMMON_GROUND_MIN"))
