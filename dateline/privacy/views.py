"""A member's own data: what is held, and the download."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from dateline.privacy import selectors


@never_cache
@login_required
def your_data(request: HttpRequest) -> HttpResponse:
    data = selectors.member_data(request.user)
    counts = {
        key: len(data[key])
        for key in ("comments", "votes", "reports", "badges", "ledger", "sanctions")
    }
    return render(request, "privacy/your_data.html", {"counts": counts})


@never_cache
@login_required
def download(request: HttpRequest) -> HttpResponse:
    data = selectors.member_data(request.user)
    body = json.dumps(data, ensure_ascii=False, indent=1)
    name = f"dateline-{request.user.get_username()}-{timezone.now():%Y-%m-%d}.json"
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
