"""Load the demo newsroom. Safe to run again: existing pieces are kept."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from wagtail.images.models import Image
from wagtail.rich_text import RichText

from dateline.community import tasks as community_tasks
from dateline.core import timefmt
from dateline.newsroom import actions
from dateline.newsroom.models import (
    ArticlePage,
    AuthorIndexPage,
    AuthorPage,
    HomePage,
    SectionPage,
    TopStory,
)
from demo import archive as content_archive
from demo import content, images
from demo.discussion import load_demo_threads


def _image(title: str, filename: str, data: bytes) -> Image:
    existing = Image.objects.filter(title=title).first()
    if existing is not None:
        return existing
    image = Image(title=title)
    image.file = ImageFile(io.BytesIO(data), name=filename)
    image.save()
    return image


def _picture(key: str) -> Image:
    spec = content.PICTURES[key]
    return _image(f"Demo: {key}", f"demo-{key}.png", images.skyline(**spec))


def _map(key: str) -> Image:
    spec = content.MAPS[key]
    return _image(
        f"Demo map: {spec['title']}", f"demo-{key}.png", images.region_map(**spec)
    )


def last_filed_time(
    now: dt.datetime, tz_name: str, clock: str, lead: dt.timedelta
) -> dt.datetime:
    """The latest moment showing ``clock`` at ``tz_name``, ``lead`` before ``now``."""
    hour, minute = (int(part) for part in clock.split(":"))
    local_now = now.astimezone(timefmt.zone(tz_name))
    candidate = local_now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    while candidate + lead > local_now:
        candidate -= dt.timedelta(days=1)
    return candidate.astimezone(dt.UTC)


def _body(blocks: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    body: list[tuple[str, Any]] = []
    for kind, value in blocks:
        if kind == "paragraph":
            body.append((kind, RichText(value)))
        elif kind == "map":
            value = dict(value, image=_map(value["image"]) if value["image"] else None)
            body.append((kind, value))
        else:
            body.append((kind, value))
    return body


def _article_ensure(
    section: SectionPage,
    spec: dict[str, Any],
    authors: dict[str, AuthorPage],
    body: list[tuple[str, Any]],
    now: dt.datetime,
    lead: dt.timedelta,
) -> tuple[ArticlePage, bool]:
    """The demo article ``spec``, published ``lead`` before ``now`` if missing.

    Returns the article and whether it was created now.
    """
    article = ArticlePage.objects.child_of(section).filter(slug=spec["slug"]).first()
    if article is not None:
        return article, False
    filed_at = last_filed_time(now, spec["time_zone"], spec["filed_local"], lead)
    published_at = filed_at + dt.timedelta(minutes=spec["published_after_minutes"])
    lead_image = spec.get("lead_image")
    article = ArticlePage(
        title=spec["title"],
        slug=spec["slug"],
        standfirst=spec["standfirst"],
        author=authors[spec["author"]],
        dateline_place=spec["place"],
        dateline_time_zone=spec["time_zone"],
        filed_at=filed_at,
        lead_image=_picture(lead_image) if lead_image else None,
        lead_image_caption=spec.get("lead_image_caption", ""),
        body=_body(body),
        first_published_at=published_at,
    )
    article.tags.add(*spec["tags"])
    section.add_child(instance=article)
    actions.page_publish(page=article, published_at=published_at)
    return article, True


def load_demo(
    now: dt.datetime | None = None, *, archive: bool = True
) -> dict[str, int]:
    """Create the demo site; returns how many articles were created this time.

    ``archive=False`` leaves out the back catalogue (``demo/archive.py``) and
    its two years of discussion, which take most of the loading time. Ranks
    and badges come from this history: the events of its one transaction
    arrive when it commits, and each member touched is refreshed once, at
    the end, rather than after every comment.
    """
    with community_tasks.batched():
        return _load(now, archive)


@transaction.atomic
def _load(now: dt.datetime | None, archive: bool) -> dict[str, int]:
    now = now or timezone.now()
    home = actions.home_page_ensure(
        title=content.SITE["title"], tagline=content.SITE["tagline"]
    )

    sections: dict[str, SectionPage] = {}
    for spec in content.SECTIONS:
        section = SectionPage.objects.child_of(home).filter(slug=spec["slug"]).first()
        if section is None:
            section = SectionPage(
                title=spec["title"],
                slug=spec["slug"],
                description=spec["description"],
                show_in_menus=True,
            )
            home.add_child(instance=section)
            actions.page_publish(page=section)
        sections[spec["slug"]] = section

    index = AuthorIndexPage.objects.child_of(home).first()
    if index is None:
        index = AuthorIndexPage(title="Authors", slug="authors")
        home.add_child(instance=index)
        actions.page_publish(page=index)

    authors: dict[str, AuthorPage] = {}
    for spec in content.AUTHORS:
        author = AuthorPage.objects.child_of(index).filter(slug=spec["slug"]).first()
        if author is None:
            photo = _image(
                f"Demo portrait: {spec['title']}",
                f"demo-{spec['slug']}.png",
                images.portrait(spec["initials"], spec["colour"]),
            )
            author = AuthorPage(
                title=spec["title"],
                slug=spec["slug"],
                role=spec["role"],
                photo=photo,
                short_bio=spec["short_bio"],
                bio=spec["bio"],
            )
            index.add_child(instance=author)
            actions.page_publish(page=author)
        authors[spec["slug"]] = author

    created = 0
    by_slug: dict[str, ArticlePage] = {}
    top: list[tuple[int, ArticlePage]] = []
    for position, spec in enumerate(content.ARTICLES):
        lead = dt.timedelta(
            minutes=spec["published_after_minutes"]
            + content.DISCUSSION_MINUTES
            + 90 * position
        )
        article, new = _article_ensure(
            sections[spec["section"]], spec, authors, spec["body"], now, lead
        )
        created += new
        by_slug[spec["slug"]] = article
        if spec["top"]:
            top.append((spec["top"], article))

    archived: list[tuple[ArticlePage, dict[str, Any]]] = []
    specs = content_archive.ARCHIVE if archive else []
    for spec in sorted(specs, key=lambda s: -s["days_ago"]):
        body = [("paragraph", html) for html in spec["body"]]
        body.append(("paragraph", content_archive.ARCHIVE_NOTE))
        lead = dt.timedelta(days=spec["days_ago"])
        article, new = _article_ensure(
            sections[spec["section"]], spec, authors, body, now, lead
        )
        created += new
        archived.append((article, spec))

    home = HomePage.objects.get(pk=home.pk)
    if not home.top_stories.exists() and top:
        home.top_stories = [
            TopStory(article=article, sort_order=rank)
            for rank, article in sorted(top, key=lambda t: t[0])
        ]
        actions.page_publish(page=home)
    comments = load_demo_threads(by_slug, authors, archived, now)
    return {
        "articles_created": created,
        "articles": len(content.ARTICLES) + len(specs),
        "comments_created": comments,
    }
