"""Site-wide plumbing views: robots.txt and the error pages."""

from __future__ import annotations

import re
import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.static import serve

from dateline.core import errors

_ELEMENT_ID = re.compile(r"[A-Za-z][\w-]{0,80}")


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def page_not_found(
    request: HttpRequest, exception: Exception | None = None
) -> HttpResponse:
    return render(request, "404.html", {"path": request.path}, status=404)


def bad_request(
    request: HttpRequest, exception: Exception | None = None
) -> HttpResponse:
    """A request Django refused before any view saw it, said in plain words.

    A form body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is never read, so its
    text cannot come back in the form: the page says what happened and
    that the browser's Back button returns to the text.
    """
    too_big = isinstance(exception, RequestDataTooBig)
    status = 413 if too_big else 400
    limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)
    if request.headers.get("HX-Request") == "true":
        # htmx swaps 4xx answers into the form: say it above the form
        # instead, and leave the form (and the writer's text) as it is.
        message = (
            _(
                "This is larger than the site accepts (%(limit)s); nothing was "
                "saved. Shorten the text and send it again."
            )
            % {"limit": limit}
            if too_big
            else _("The site could not read this request; nothing was saved.")
        )
        response = HttpResponse(
            format_html('<p class="form-error" role="alert">{}</p>', message),
            status=status,
        )
        form = request.headers.get("HX-Trigger", "")
        if _ELEMENT_ID.fullmatch(form):
            response["HX-Retarget"] = f"#{form}"
            response["HX-Reswap"] = "beforebegin"
        else:
            response["HX-Reswap"] = "none"
        return response
    return render(
        request, "400.html", {"too_big": too_big, "limit": limit}, status=status
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """A crash, or (503, with Retry-After) a database that cannot be reached.

    Django calls this while handling the exception, so ``sys.exc_info()``
    names it. Rendered without the request context: the failure may be in it.
    """
    from django.template import loader

    if errors.database_unavailable(sys.exc_info()[1]):
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse(
                {
                    "code": "unavailable",
                    "message": errors.unavailable_message(),
                    "fields": {},
                },
                status=503,
            )
        else:
            body = loader.get_template("503.html").render(
                {"site_name": settings.DATELINE_SITE_NAME}
            )
            response = HttpResponse(body, status=503)
        response["Retry-After"] = "5"
        return response
    body = loader.get_template("500.html").render(
        {"site_name": settings.DATELINE_SITE_NAME}
    )
    return HttpResponse(body, status=500)


@require_GET
def media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Uploaded files, for the embedded default where no web server fronts us."""
    response = serve(request, path, document_root=str(settings.MEDIA_ROOT))
    response["Cache-Control"] = "public, max-age=86400"
    return response
