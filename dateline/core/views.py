"""Site-wide plumbing views: robots.txt and the error pages."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.static import serve


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
    return render(
        request,
        "400.html",
        {"too_big": too_big, "limit_mb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1e6},
        status=413 if too_big else 400,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the request context: the failure may be in it.
    from django.template import loader

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
