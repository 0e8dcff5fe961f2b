"""Newsroom views that are not Wagtail pages: search, tags and the sitemap."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from taggit.models import Tag
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap
from wagtail.models import Site

from dateline.newsroom import selectors, snippets
from dateline.newsroom.models import ArticlePage

MAX_QUERY_LENGTH = 200


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    error = ""
    results = None
    site = Site.find_for_request(request)
    if len(query) > MAX_QUERY_LENGTH:
        error = "Search for at most 200 characters."
    elif query and site is not None:
        words = selectors.search_query(query)
        if words is None:
            error = "Search for at least one word."
        else:
            found = (
                ArticlePage.objects.live()
                .public()
                .descendant_of(site.root_page)
                .select_related("author", "lead_image")
                .search(words)
            )
            results = selectors.paginated_articles(request, found)
            snippets.attach(results.object_list, query)
    return render(
        request,
        "newsroom/search.html",
        {"query": query, "results": results, "error": error},
        status=400 if error else 200,
    )


def tag(request: HttpRequest, slug: str) -> HttpResponse:
    site = Site.find_for_request(request)
    if site is None:
        raise Http404("No site")
    found = get_object_or_404(Tag, slug=slug)
    articles = selectors.paginated_articles(
        request, selectors.tagged_articles(site, found)
    )
    return render(request, "newsroom/tag.html", {"tag": found, "articles": articles})


def sitemap(request: HttpRequest) -> HttpResponse:
    """Wagtail's sitemap, or an empty but valid one when no site is configured."""
    if Site.find_for_request(request) is None:
        return TemplateResponse(
            request, "sitemap.xml", {"urlset": []}, content_type="application/xml"
        )
    return wagtail_sitemap(request)
