"""Posting through the JSON API the way a client does, for the tests."""

from __future__ import annotations

import json
from typing import Any


def api_post(client: Any, thread: Any, body: str, **extra: Any) -> Any:
    """A guest's comment; ``headers`` are sent as request headers."""
    headers = extra.pop("headers", {})
    return client.post(
        f"/api/threads/{thread.pk}/comments",
        data=json.dumps({"body": body, "name": "Api Guest", **extra}),
        content_type="application/json",
        headers=headers,
    )


def guest_post(
    thread: Any, body: str = "The ferry ran late again, third day now."
) -> Any:
    """A guest's comment (Rafi, browser key ``k1``), through the action."""
    from dateline.discussion import actions

    return actions.comment_post(
        actor=None,
        thread=thread,
        body=body,
        guest=actions.GuestIdentity(name="Rafi", key="k1"),
    )


def form_post(client: Any, thread: Any, body: str, token: str) -> None:
    """A guest's comment through the page's form with its CSRF token; the
    comment must be kept."""
    from dateline.discussion.models import Comment

    answer = client.post(
        f"/threads/{thread.pk}/comments/",
        {"body": body, "name": "Rafi", "csrfmiddlewaretoken": token},
    )
    assert answer.status_code in (200, 302, 303)
    assert Comment.objects.filter(body=body).exists()
