"""Live updates' limits, read lazily from settings with these defaults."""

from __future__ import annotations

from django.conf import settings

DEFAULTS = {
    # Streams one worker holds on threads of their own; past it a page is
    # told to try later. 0: no streams, pages poll (``POLL_RETRY_MS``).
    "DATELINE_LIVE_STREAMS": 0,
    # Streams one ``python -m dateline live`` process holds (server.py).
    "DATELINE_LIVE_MAX": 20000,
    # Without streams, how long a page waits before asking again (ms): a new
    # comment shows within two seconds. Each ask is three plain queries
    # answered in front of Django's stack (stream.Live.once).
    "DATELINE_LIVE_POLL_RETRY_MS": 1500,
    # How often a process without Redis looks for new events (ms).
    "DATELINE_LIVE_POLL_MS": 250,
    # A comment (": ping") this often keeps proxies from closing the stream.
    "DATELINE_LIVE_HEARTBEAT_SECONDS": 20,
    # A stream ends after this long; the page reconnects and resumes.
    "DATELINE_LIVE_STREAM_SECONDS": 600,
    # Events wait this long (ms) after their change's commit, to be written
    # with the others of that moment in one transaction (record.py).
    "DATELINE_LIVE_FLUSH_MS": 100,
    # Vote counts are sent at most this often per thread and process.
    "DATELINE_LIVE_VOTES_SECONDS": 3,
    # Threads with no comment for this long get no stream.
    "DATELINE_LIVE_QUIET_DAYS": 14,
    # Events kept for reconnecting pages.
    "DATELINE_LIVE_KEEP_HOURS": 24,
    # A page that missed more than this reloads instead of replaying.
    "DATELINE_LIVE_REPLAY_MAX": 100,
}


def get(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))


def enabled() -> bool:
    return bool(getattr(settings, "DATELINE_LIVE", True))
