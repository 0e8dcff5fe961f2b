"""``{% avatar name picture %}``: a member's picture, or initials drawn in CSS."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from dateline.community import avatars

register = template.Library()


@register.simple_tag
def avatar(name: str, picture: str | None = None, size: int = 32) -> str:
    """Decorative (the name is always written beside it), so it is hidden
    from screen readers and has an empty alt."""
    if picture:
        return format_html(
            '<img class="avatar" src="{}" alt="" width="{}" height="{}"'
            ' loading="lazy" decoding="async">',
            picture,
            size,
            size,
        )
    return format_html(
        '<span class="avatar avatar-c{}" aria-hidden="true">{}</span>',
        avatars.colour(name or "?"),
        avatars.initials(name or "?"),
    )
