"""Notification limits, read lazily from settings with these defaults."""

from __future__ import annotations

from django.conf import settings

DEFAULTS = {
    # Mails one address receives a day; more roll into its next digest.
    "DATELINE_NOTIFY_DAILY_CAP": 20,
    # Mails the whole site sends a minute, to spare the mail server.
    "DATELINE_NOTIFY_PER_MINUTE": 120,
    # A daily digest goes out when its oldest item is this old.
    "DATELINE_NOTIFY_DIGEST_HOURS": 24,
    # Confirmation links for guests' addresses stay good this long.
    "DATELINE_NOTIFY_CONFIRM_HOURS": 48,
    # Confirmation mails asked from one client address an hour.
    "DATELINE_NOTIFY_CONFIRMS_PER_CLIENT_HOUR": 5,
    # Tries before a mail the server keeps refusing is given up.
    "DATELINE_NOTIFY_ATTEMPTS": 5,
    # A mail claimed by a worker that stopped is sent again after this.
    "DATELINE_NOTIFY_STALE_MINUTES": 10,
}


def get(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))
