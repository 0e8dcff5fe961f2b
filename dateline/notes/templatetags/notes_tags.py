from __future__ import annotations

from typing import Any

from django import template

from dateline.notes import selectors
from dateline.notes.models import Note, NoteRating

register = template.Library()


@register.inclusion_tag("notes/article_notes.html", takes_context=True)
def article_notes(context: Any, article: Any) -> dict[str, Any]:
    """The notes under an article (``selectors.for_article``)."""
    request = context.get("request")
    viewer = getattr(request, "user", None)
    return {
        "notes": selectors.for_article(article, viewer),
        "article": article,
        "user": viewer,
        "csrf_token": context.get("csrf_token"),
        "kinds": Note.Kind.choices,
        "values": NoteRating.Value.choices,
    }
