"""RSS 2.0 and Atom feeds, site-wide and per section."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from wagtail.models import Page, Site

from dateline.newsroom import selectors
from dateline.newsroom.models import ArticlePage, SectionPage


class SiteFeed(Feed):
    """The newest articles of the site the request is for, or of one section."""

    feed_type: type[SyndicationFeed] = Rss201rev2Feed

    def get_object(
        self, request: HttpRequest, section: str | None = None
    ) -> Page | None:
        self.request = request
        site = Site.find_for_request(request)
        if site is None:
            # An empty install with no site configured still gets a valid, empty feed.
            if section:
                raise Http404("No such section")
            return None
        if section is None:
            return site.root_page
        found = (
            SectionPage.objects.child_of(site.root_page)
            .live()
            .filter(slug=section)
            .first()
        )
        if found is None:
            raise Http404("No such section")
        return found

    def title(self, obj: Page | None) -> str:
        if isinstance(obj, SectionPage):
            return f"{settings.DATELINE_SITE_NAME}: {obj.title}"
        return settings.DATELINE_SITE_NAME

    def link(self, obj: Page | None) -> str:
        return obj.get_url(self.request) if obj else "/"

    def description(self, obj: Page | None) -> str:
        if isinstance(obj, SectionPage) and obj.description:
            return obj.description
        return f"Latest news from {settings.DATELINE_SITE_NAME}"

    def items(self, obj: Page | None) -> list[ArticlePage]:
        return selectors.feed_articles(obj) if obj else []

    def item_title(self, item: ArticlePage) -> str:
        return item.title

    def item_description(self, item: ArticlePage) -> str:
        return f"{item.dateline_text} {item.standfirst}"

    def item_link(self, item: ArticlePage) -> str:
        return item.get_url(self.request) or ""

    def item_guid(self, item: ArticlePage) -> str:
        return item.get_full_url(self.request) or str(item.pk)

    def item_pubdate(self, item: ArticlePage) -> dt.datetime | None:
        return item.first_published_at

    def item_updateddate(self, item: ArticlePage) -> dt.datetime | None:
        return item.last_published_at

    def item_author_name(self, item: ArticlePage) -> str | None:
        return item.author.title if item.author else None

    def item_categories(self, item: ArticlePage) -> list[str]:
        return [item.section.title] if item.section else []


class SiteAtomFeed(SiteFeed):
    feed_type = Atom1Feed
    subtitle = SiteFeed.description
