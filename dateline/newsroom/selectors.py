"""Reads that build newsroom pages, each in a small fixed number of queries."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.html import strip_tags
from taggit.models import Tag
from wagtail.images.models import Image
from wagtail.models import Page, Site
from wagtail.search.query import And, Phrase, PlainText, SearchQuery

from dateline.newsroom.models import ArticlePage, AuthorPage, HomePage, SectionPage

LATEST_ON_HOME = 12
PAGE_SIZE = 20


def live_articles() -> Any:
    """Published, public articles, newest first, with what a teaser shows."""
    return (
        ArticlePage.objects.live()
        .public()
        .select_related("author", "lead_image")
        .order_by("-first_published_at", "-pk")
    )


def attach_sections(articles: Iterable[ArticlePage]) -> list[ArticlePage]:
    """Give every article (a teaser) its ``section`` and ``comment_total``:
    two queries for the whole list instead of two for each."""
    from dateline.discussion import selectors as discussion

    articles = list(articles)
    if not articles:
        return articles
    counts = discussion.comment_counts(article.pk for article in articles)
    steplen = Page.steplen
    parent_paths = {article.path[:-steplen] for article in articles}
    sections = {s.path: s for s in SectionPage.objects.filter(path__in=parent_paths)}
    for article in articles:
        # Populates the cached_property so templates never query for it.
        article.__dict__["section"] = sections.get(article.path[:-steplen])
        article.comment_total = counts.get(article.pk, 0)
    return articles


def home_page_for_reader(home: HomePage) -> dict[str, Any]:
    top = attach_sections(
        story.article
        for story in home.top_stories.select_related(
            "article", "article__author", "article__lead_image"
        )
        if story.article.live
    )
    top_ids = [article.pk for article in top]
    latest = (
        live_articles().descendant_of(home).exclude(pk__in=top_ids)[:LATEST_ON_HOME]
    )
    if not top:
        # No pinned stories yet: lead with the newest ones.
        latest = live_articles().descendant_of(home)[: LATEST_ON_HOME + 3]
        latest = attach_sections(latest)
        top, latest = latest[:3], latest[3:]
    else:
        latest = attach_sections(latest)
    sections = SectionPage.objects.child_of(home).live().in_menu().order_by("path")
    return {"top_stories": top, "latest_articles": latest, "sections": list(sections)}


def section_articles(section: SectionPage) -> Any:
    return live_articles().child_of(section)


def author_articles(author: AuthorPage) -> Any:
    return live_articles().filter(author=author)


def tagged_articles(site: Site, tag: Tag) -> Any:
    return live_articles().descendant_of(site.root_page).filter(tags=tag)


_PHRASE = re.compile(r'"([^"]*)"?')
_WORD = re.compile(r"\w+")


def search_query(text: str) -> SearchQuery | None:
    """What a reader typed, as words and "quoted phrases" the index understands.

    Only word characters reach the search backend: SQLite's full-text
    syntax gives its own meaning to quotes, brackets, ``*``, ``:`` and
    ``AND``/``OR``/``NOT``/``NEAR`` and fails on an unbalanced one, so a
    reader's stray quote or punctuation is dropped instead of answered with
    an error. An unclosed quote runs to the end. None when no word is left.
    """
    parts: list[SearchQuery] = []
    loose = _PHRASE.sub(" ", text)
    for phrase in _PHRASE.findall(text):
        words = _WORD.findall(phrase)
        if len(words) > 1:
            parts.append(Phrase(" ".join(words)))
        elif words:
            parts.append(PlainText(words[0]))
    words = _WORD.findall(loose)
    if words:
        parts.append(PlainText(" ".join(words)))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else And(parts)


def paginated_articles(request: HttpRequest, articles: Any) -> Any:
    """The requested page of ``articles``, each with its section attached."""
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = attach_sections(page.object_list)
    return page


def article_page_for_reader(
    article: ArticlePage, request: HttpRequest
) -> dict[str, Any]:
    """Everything an article page shows besides the body."""
    tags = list(article.tags.order_by("name"))
    url = article.get_full_url(request) or ""
    image_url = _absolute_image_url(
        article.lead_image or _first_body_image(article), request
    )
    paragraphs = (i for i, b in enumerate(article.body) if b.block_type == "paragraph")
    return {
        # The dateline goes in front of the first paragraph block.
        "dateline_index": next(paragraphs, None),
        "tags": tags,
        "author": article.author,
        "section": article.section,
        "json_ld": article_json_ld(article, request, tags, image_url),
        "share_url": url,
        "share_links": share_links(article.title, url),
        "og_image_url": image_url,
    }


def _first_body_image(article: ArticlePage) -> Image | None:
    for block in article.body:
        if block.block_type == "image":
            return block.value["image"]
    return None


def _absolute_image_url(image: Image | None, request: HttpRequest) -> str:
    if image is None:
        return ""
    rendition = image.get_rendition("fill-1200x630")
    return request.build_absolute_uri(rendition.url)


def share_links(title: str, url: str) -> list[tuple[str, str]]:
    """Plain links to each network's own share page: no script, no button
    from the network, nothing loaded from it until the reader clicks."""
    text = f"{title} {url}"
    return [
        (
            "Email",
            "mailto:?" + urlencode({"subject": title, "body": url}, quote_via=quote),
        ),
        ("Bluesky", "https://bsky.app/intent/compose?" + urlencode({"text": text})),
        (
            "Mastodon",
            "https://mastodonshare.com/?" + urlencode({"text": title, "url": url}),
        ),
        ("X", "https://x.com/intent/post?" + urlencode({"text": title, "url": url})),
        (
            "Facebook",
            "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}),
        ),
        ("WhatsApp", "https://wa.me/?" + urlencode({"text": text})),
        (
            "LinkedIn",
            "https://www.linkedin.com/sharing/share-offsite/?"
            + urlencode({"url": url}),
        ),
    ]


def article_json_ld(
    article: ArticlePage, request: HttpRequest, tags: Sequence[Tag], image_url: str
) -> dict[str, Any]:
    """schema.org NewsArticle metadata for search engines."""
    url = article.get_full_url(request)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": strip_tags(article.standfirst),
        "mainEntityOfPage": url,
        "url": url,
        "datePublished": article.first_published_at,
        "dateModified": article.last_published_at or article.first_published_at,
        "publisher": {"@type": "Organization", "name": settings.DATELINE_SITE_NAME},
    }
    if article.dateline_text:
        data["dateline"] = article.dateline_text
    if article.author:
        data["author"] = {
            "@type": "Person",
            "name": article.author.title,
            "url": article.author.get_full_url(request),
        }
    if article.section:
        data["articleSection"] = article.section.title
    if tags:
        data["keywords"] = [tag.name for tag in tags]
    if image_url:
        data["image"] = [image_url]
    return data


def feed_articles(root: Page, limit: int = 30) -> list[ArticlePage]:
    return attach_sections(live_articles().descendant_of(root)[:limit])
