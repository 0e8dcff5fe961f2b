"""The follow button under a thread; the same for every anonymous reader."""

from __future__ import annotations

from typing import Any

from django import template

from dateline.notify import selectors

register = template.Library()


@register.inclusion_tag("notify/includes/follow.html", takes_context=True)
def follow_button(context: dict[str, Any], thread: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    member = bool(user is not None and user.is_authenticated)
    return {
        "thread": thread,
        "member": member,
        "following": member and selectors.follows(user.pk, thread.pk),  # type: ignore[union-attr]
        "next": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
    }
