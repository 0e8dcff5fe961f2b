"""Template helpers of the discussion."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from dateline.core import timefmt
from dateline.discussion import conf, fragments

register = template.Library()


@register.simple_tag
def comment_time(value: dt.datetime) -> SafeString:
    """The site-formatted time; the script adds "3 hours ago" on hover."""
    text = timefmt.site_datetime_zoned(value)
    return format_html(
        '<time class="comment-time" datetime="{}" title="{}" data-local>{}</time>',
        value.isoformat(),
        text,
        text,
    )


@register.simple_tag
def comment_max_length() -> int:
    return conf.max_length()


@register.simple_tag
def form_started() -> str:
    """A signed timestamp: the post view learns how long the form was open."""
    from dateline.discussion.views import form_started_token

    return form_started_token()


@register.simple_tag(takes_context=True)
def comment_item(context: template.Context, node: Any, thread: Any) -> SafeString:
    """A comment and its replies (``comment.html``), rendered once per change
    when the page is the one kept for every anonymous reader."""
    return fragments.render(context, node, thread)
