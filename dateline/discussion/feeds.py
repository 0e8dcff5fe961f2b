"""The latest comments under one article, as an RSS 2.0 feed.

For readers who follow a discussion in a feed reader instead of by mail. Only
published comments, with the text readers see; a thread that is not under a
live, public article answers 404.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import gettext as _

from dateline.discussion import selectors
from dateline.discussion.models import Comment, Thread


class ThreadFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_object(self, request: HttpRequest, thread_id: int) -> Thread:
        self.request = request
        thread = Thread.objects.select_related("article").filter(pk=thread_id).first()
        article = thread.article if thread else None
        if (
            thread is None
            or article is None
            or not article.live
            or article.get_view_restrictions()
        ):
            raise Http404(_("There is no such discussion."))
        self.article = article
        return thread

    def title(self, obj: Thread) -> str:
        return _("Comments on “%(title)s” – %(site)s") % {
            "title": self.article.title,
            "site": settings.DATELINE_SITE_NAME,
        }

    def link(self, obj: Thread) -> str:
        return (self.article.get_url(self.request) or "/") + "#comments"

    def description(self, obj: Thread) -> str:
        return _("The latest comments under the article “%(title)s”.") % {
            "title": self.article.title
        }

    def items(self, obj: Thread) -> list[Comment]:
        return selectors.latest_published(obj)

    def item_title(self, item: Comment) -> str:
        return _("%(name)s on “%(title)s”") % {
            "name": item.display_name,
            "title": self.article.title,
        }

    def item_description(self, item: Comment) -> str:
        return item.body_html

    def item_link(self, item: Comment) -> str:
        return reverse("comment-permalink", args=[item.pk])

    def item_pubdate(self, item: Comment) -> dt.datetime:
        return item.created_at

    def item_updateddate(self, item: Comment) -> dt.datetime | None:
        return item.edited_at

    def item_author_name(self, item: Comment) -> str:
        return item.display_name
