"""Time helpers shared by every part: how Dateline shows a moment to a reader."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import lru_cache

from django.conf import settings
from django.utils import dateformat, timezone


@lru_cache(maxsize=64)
def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def display_zone() -> zoneinfo.ZoneInfo:
    return zone(settings.DATELINE_DISPLAY_TIME_ZONE)


def site_datetime(value: dt.datetime) -> str:
    """``value`` in the site's display zone and format (default 26/09/2017 02:48)."""
    local = timezone.localtime(value, display_zone())
    return dateformat.format(local, settings.DATELINE_DATETIME_FORMAT)


def site_datetime_zoned(value: dt.datetime) -> str:
    """As :func:`site_datetime`, with its zone: ``26/09/2017 02:48 UTC``. The
    page's script writes it again in the reader's own zone."""
    local = timezone.localtime(value, display_zone())
    text = dateformat.format(local, settings.DATELINE_DATETIME_FORMAT)
    return f"{text} {local.tzname() or ''}".strip()


def clock_12h(value: dt.datetime) -> str:
    """Wire-service clock time: ``10:15 P.M.``, ``12:05 A.M.``."""
    hour = value.hour % 12 or 12
    meridiem = "A.M." if value.hour < 12 else "P.M."
    return f"{hour}:{value.minute:02d} {meridiem}"


def local_time_at(value: dt.datetime, tz_name: str) -> dt.datetime:
    """The aware ``value`` expressed in the time zone ``tz_name``."""
    if timezone.is_naive(value):
        raise ValueError("local_time_at needs an aware datetime")
    return value.astimezone(zone(tz_name))
