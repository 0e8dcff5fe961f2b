"""Public community pages: a member's profile and the monthly leaderboard."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from dateline.community import selectors
from dateline.discussion.models import user_display_name


def profile(request: HttpRequest, username: str) -> HttpResponse:
    member = get_user_model().objects.filter(username=username, is_active=True).first()
    if member is None:
        raise Http404("There is no such member.")
    data = selectors.profile_for_reader(member)
    return render(
        request,
        "community/profile.html",
        {"profile": data, "display_name": user_display_name(member)},
    )


def leaderboard(request: HttpRequest) -> HttpResponse:
    start, end = selectors.month_bounds(request.GET.get("month"))
    previous = (start - dt.timedelta(days=1)).strftime("%Y-%m")
    following = (
        end.strftime("%Y-%m") if end <= selectors.month_bounds(None)[0] else None
    )
    rows = selectors.leaderboard(start, end)
    return render(
        request,
        "community/leaderboard.html",
        {
            "rows": [(row, user_display_name(row.member)) for row in rows],
            "month_start": start,
            "previous": previous,
            "following": following,
        },
    )


def suggest(request: HttpRequest) -> JsonResponse:
    """Members whose username starts with ``q``: the @mention autocomplete.
    Only usernames and display names, which profiles show anyway."""
    prefix = (request.GET.get("q") or "").strip().lstrip("@")[:150]
    if len(prefix) < 2:
        return JsonResponse({"members": []})
    found = selectors.members_starting(prefix, limit=8)
    response = JsonResponse(
        {
            "members": [
                {"username": m.get_username(), "name": user_display_name(m)}
                for m in found
            ]
        }
    )
    response["Cache-Control"] = "public, max-age=60"
    return response
