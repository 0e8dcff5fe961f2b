"""Public community pages: a member's profile and the monthly leaderboard."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dateline.community import actions, avatars, selectors
from dateline.core.errors import InvalidInput
from dateline.discussion.models import user_display_name


def profile(request: HttpRequest, username: str) -> HttpResponse:
    member = get_user_model().objects.filter(username=username, is_active=True).first()
    if member is None:
        raise Http404("There is no such member.")
    data = selectors.profile_for_reader(member, page=request.GET.get("page") or 1)
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


@login_required
def picture(request: HttpRequest) -> HttpResponse:
    """A member adds, changes or removes their picture."""
    member = request.user
    error = None
    if request.method == "POST":
        if "remove" in request.POST:
            actions.picture_remove(member=member)
            messages.success(
                request, _("Your picture is removed; your initials show instead.")
            )
            return redirect("member-profile", member.get_username())
        upload = request.FILES.get("picture")
        if upload is None:
            error = _("Choose a picture file first.")
        elif (upload.size or 0) > avatars.MAX_BYTES:
            error = _("The picture is larger than %(mb)d MB; choose a smaller one.") % {
                "mb": avatars.MAX_BYTES // (1024 * 1024)
            }
        else:
            try:
                actions.picture_set(member=member, data=upload.read())
            except InvalidInput as problem:
                error = problem.message
            else:
                messages.success(request, _("Your picture is saved."))
                return redirect("member-profile", member.get_username())
    return render(
        request,
        "community/picture.html",
        {
            "picture": selectors.pictures_for([int(member.pk or 0)]).get(
                int(member.pk or 0)
            ),
            "display_name": user_display_name(member),
            "error": error,
            "max_mb": avatars.MAX_BYTES // (1024 * 1024),
        },
        status=400 if error else 200,
    )
