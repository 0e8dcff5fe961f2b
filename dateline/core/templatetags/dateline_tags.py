"""Template helpers shared by all reader pages."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from dateline.core import timefmt

register = template.Library()

_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


@register.filter
def site_datetime(value: dt.datetime | None) -> str:
    """Render ``value`` in the site's display zone and format."""
    return timefmt.site_datetime(value) if value else ""


@register.simple_tag
def time_tag(value: dt.datetime | None) -> SafeString | str:
    """A ``<time>`` element: site-formatted text with the ISO instant as datetime."""
    if not value:
        return ""
    return format_html(
        '<time datetime="{}" data-local>{}</time>',
        value.isoformat(),
        timefmt.site_datetime_zoned(value),
    )


@register.simple_tag
def json_ld(data: dict[str, Any]) -> SafeString:
    """A JSON-LD ``<script>`` block that no string inside ``data`` can break out of."""
    payload = json.dumps(data, ensure_ascii=False, default=str)
    return mark_safe(  # noqa: S308 - payload has <, > and & escaped
        '<script type="application/ld+json">'
        + payload.translate(_JSON_SCRIPT_ESCAPES)
        + "</script>"
    )
