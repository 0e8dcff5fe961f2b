"""Template helpers for article pages."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from dateline.core import timefmt
from dateline.newsroom.models import ArticlePage

register = template.Library()

_FIRST_P = re.compile(r"<p(?:\s[^>]*)?>", re.IGNORECASE)


@register.simple_tag
def dateline_html(article: ArticlePage) -> SafeString:
    """``BEIRUT, LEBANON (10:15 P.M.) –`` with the local time machine-readable."""
    if not article.dateline_place:
        return mark_safe("")  # an imported story without a dateline
    local = article.filed_at_local
    return format_html(
        '<span class="dateline"><span class="dateline-place">{}</span> '
        '(<time datetime="{}" title="Filed {} ({})">{}</time>) \N{EN DASH}</span>',
        article.dateline_place.upper(),
        local.isoformat(),
        timefmt.site_datetime(article.filed_at),
        timefmt.display_zone().key,
        timefmt.clock_12h(local),
    )


@register.simple_tag
def paragraph_with_dateline(value: Any, article: ArticlePage) -> SafeString:
    """A rich-text paragraph block with the dateline before its first paragraph."""
    html = str(value)  # RichText renders itself, links and embeds expanded
    dateline = dateline_html(article)
    if not dateline:
        return mark_safe(html)  # noqa: S308 - RichText's own rendering
    match = _FIRST_P.search(html)
    if match is None:
        return format_html("<p>{} </p>{}", dateline, mark_safe(html))  # noqa: S308
    return mark_safe(  # noqa: S308 - both parts are already-safe HTML
        html[: match.end()] + dateline + " " + html[match.end() :]
    )
