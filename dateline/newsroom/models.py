"""Newsroom pages: home, sections, articles and author profiles."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from dateline.core import timefmt
from dateline.newsroom.blocks import ArticleBodyBlock


@functools.cache
def time_zone_choices() -> list[tuple[str, str]]:
    # Read from the disk once: every article's validation asks.
    return [
        (name, name.replace("_", " "))
        for name in sorted(zoneinfo.available_timezones())
    ]


class HomePage(Page):
    search_auto_update = False  # dateline.core.search follows it
    tagline = models.CharField(max_length=200, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("tagline"),
        InlinePanel("top_stories", label=_("Top stories"), max_num=6),
    ]
    subpage_types = ["newsroom.SectionPage", "newsroom.AuthorIndexPage"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict:
        from dateline.newsroom import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.home_page_for_reader(self))
        return context


class TopStory(Orderable):
    """An article an editor pinned to the top of the home page."""

    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="top_stories")
    article = models.ForeignKey(
        "newsroom.ArticlePage", on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("article")]


class SectionPage(Page):
    search_auto_update = False  # dateline.core.search follows it
    description = models.TextField(blank=True, max_length=500)

    content_panels = [*Page.content_panels, FieldPanel("description")]
    parent_page_types = ["newsroom.HomePage"]
    subpage_types = ["newsroom.ArticlePage"]

    class Meta:
        verbose_name = _("section")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict:
        from dateline.newsroom import selectors

        context = super().get_context(request, *args, **kwargs)
        context["articles"] = selectors.paginated_articles(
            request, selectors.section_articles(self)
        )
        return context


class AuthorIndexPage(Page):
    search_auto_update = False  # dateline.core.search follows it
    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["newsroom.HomePage"]
    subpage_types = ["newsroom.AuthorPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("author index")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["authors"] = (
            AuthorPage.objects.child_of(self)
            .live()
            .select_related("photo")
            .order_by("title")
        )
        return context


class AuthorPage(Page):
    search_auto_update = False  # dateline.core.search follows it
    """A writer's public profile; the page title is the author's name."""

    photo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    role = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("For example: Correspondent, Contributor."),
    )
    short_bio = models.TextField(
        max_length=300, help_text=_("One or two sentences shown under every article.")
    )
    bio = RichTextField(blank=True, features=["bold", "italic", "link"])
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        help_text=_("The account this author comments with, to label them as Author."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("role"),
        FieldPanel("photo"),
        FieldPanel("short_bio"),
        FieldPanel("bio"),
        FieldPanel("user"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("short_bio")]
    parent_page_types = ["newsroom.AuthorIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("author")

    @property
    def name(self) -> str:
        return self.title

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict:
        from dateline.newsroom import selectors

        context = super().get_context(request, *args, **kwargs)
        context["articles"] = selectors.paginated_articles(
            request, selectors.author_articles(self)
        )
        return context


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey(
        "newsroom.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ArticlePage(Page):
    search_auto_update = False  # dateline.core.search follows it
    standfirst = models.TextField(
        max_length=400,
        help_text=_("The summary under the headline; also used in feeds."),
    )
    author = models.ForeignKey(
        AuthorPage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    dateline_place = models.CharField(
        _("dateline place"),
        max_length=80,
        blank=True,
        help_text=_(
            'Where the story was filed, e.g. "Beirut, Lebanon". Empty: no '
            "dateline (stories imported from a site that had none)."
        ),
    )
    dateline_time_zone = models.CharField(
        _("time zone of the place"),
        max_length=64,
        choices=time_zone_choices,
        default="UTC",
    )
    filed_at = models.DateTimeField(
        _("filed at"),
        default=timezone.now,
        help_text=_("When the story was filed; shown in the place's local time."),
    )
    lead_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lead_image_caption = models.CharField(max_length=300, blank=True)
    body = StreamField(ArticleBodyBlock())
    tags = ClusterTaggableManager(through=ArticleTag, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("standfirst"),
        FieldPanel("author"),
        MultiFieldPanel(
            [
                FieldPanel("dateline_place"),
                FieldPanel("dateline_time_zone"),
                FieldPanel("filed_at"),
            ],
            heading=_("Dateline"),
        ),
        MultiFieldPanel(
            [FieldPanel("lead_image"), FieldPanel("lead_image_caption")],
            heading=_("Lead image"),
        ),
        FieldPanel("body"),
        FieldPanel("tags"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("standfirst"),
        index.SearchField("body"),
        index.SearchField("dateline_place"),
        index.RelatedFields("author", [index.SearchField("title")]),
        index.FilterField("first_published_at"),
    ]
    parent_page_types = ["newsroom.SectionPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("article")

    def clean(self) -> None:
        super().clean()
        try:
            zoneinfo.ZoneInfo(self.dateline_time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValidationError(
                {"dateline_time_zone": _("Choose a time zone from the list.")}
            ) from None

    @property
    def filed_at_local(self) -> dt.datetime:
        """The filing time as the clock showed it at the dateline place."""
        return timefmt.local_time_at(self.filed_at, self.dateline_time_zone)

    @property
    def dateline_text(self) -> str:
        """The wire-style dateline, e.g. ``BEIRUT, LEBANON (10:15 P.M.) –``."""
        if not self.dateline_place:
            return ""
        clock = timefmt.clock_12h(self.filed_at_local)
        return f"{self.dateline_place.upper()} ({clock}) \N{EN DASH}"

    @cached_property
    def section(self) -> SectionPage | None:
        parent = self.get_parent()
        return parent.specific if parent else None

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict:
        from dateline.discussion import views as discussion
        from dateline.newsroom import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.article_page_for_reader(self, request))
        context.update(discussion.thread_context(request, self))
        # The body is cached apart, as long as a page (0: not at all).
        context["body_cache_seconds"] = settings.DATELINE_PAGE_CACHE_SECONDS
        return context

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        from dateline.discussion import views as discussion

        return discussion.article_response(
            request,
            self,
            lambda: super(ArticlePage, self).serve(request, *args, **kwargs),
        )
