"""A CSRF token for pages a shared cache kept, and a second chance without one."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.views import csrf
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def csrf_token(request: HttpRequest) -> JsonResponse:
    """The reader's token (and its cookie), which a shared page leaves out.

    ``discussion.js`` asks for it when a form on such a page is sent.
    """
    return JsonResponse({"token": get_token(request)})


def _from_this_site(request: HttpRequest) -> bool:
    """The browser says the form came from this site (or a trusted origin),
    as the API's write guard judges it."""
    from dateline.discussion.middleware import origin_allowed

    origin = request.headers.get("Origin")
    return origin is not None and origin_allowed(request, origin)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form from a shared page sent without JavaScript has no token.

    Nothing is lost: when the browser says the form came from this site,
    the reader gets the same fields back (the text in a box they can still
    change) with a token, and sends them again. Anything else gets Django's
    refusal.
    """
    if (
        request.method != "POST"
        or settings.CSRF_COOKIE_NAME in request.COOKIES
        or not _from_this_site(request)
    ):
        return csrf.csrf_failure(request, reason)
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        if name != "csrfmiddlewaretoken"
        for value in values
    ]
    response = render(
        request,
        "cdn/send_again.html",
        {
            "action": request.get_full_path(),
            "body": request.POST.get("body"),
            "fields": [(n, v) for n, v in fields if n != "body"],
        },
        status=403,
    )
    response["Cache-Control"] = "private, no-store"
    return response
