"""Newsroom state changes: setting up a site's front page and publishing."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page, Site

from dateline.newsroom.models import (
    ArticlePage,
    AuthorIndexPage,
    AuthorPage,
    HomePage,
    SectionPage,
)

WAGTAIL_WELCOME_TITLE = "Welcome to your new Wagtail site!"


@transaction.atomic
def home_page_ensure(*, title: str, tagline: str = "") -> HomePage:
    """Return the default site's HomePage, creating it (and the site) if missing.

    Wagtail's first migration leaves a placeholder welcome page as the site
    root; it is replaced if it is still untouched.
    """
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None and isinstance(site.root_page.specific, HomePage):
        return site.root_page.specific
    tree_root = _wagtail_roots_ensure()
    welcome = next(
        (
            page
            for page in tree_root.get_children()
            if page.specific_class is Page
            and page.title == WAGTAIL_WELCOME_TITLE
            and page.numchild == 0
        ),
        None,
    )
    home = HomePage(title=title, slug="home", tagline=tagline)
    if welcome is not None:
        if site is not None and site.root_page_id == welcome.pk:
            site.root_page = tree_root  # detach before the delete cascades
            site.save(update_fields=["root_page"])
        welcome.delete()
        tree_root.refresh_from_db()
    if tree_root.get_children().filter(slug="home").exists():
        home.slug = "front-page"
    tree_root.add_child(instance=home)
    home.save_revision().publish()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name=title,
        )
    else:
        site.root_page = home
        site.site_name = site.site_name or title
        site.save(update_fields=["root_page", "site_name"])
    return home


def site_address_set(url: str) -> bool:
    """Point the default site at ``url`` (``DATELINE_SITE_URL``), so every
    address Wagtail writes (canonical links, ``og:url``, JSON-LD, the
    sitemap, feed ids, CDN purges) is the public one and not the
    ``http://localhost`` the site was made with. True when it changed."""
    parts = urlsplit(url)
    hostname = parts.hostname or "localhost"
    port = parts.port or (443 if parts.scheme == "https" else 80)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None or (site.hostname, site.port) == (hostname, port):
        return False
    site.hostname, site.port = hostname, port
    site.save(update_fields=["hostname", "port"])  # Wagtail forgets its cache
    return True


def _wagtail_roots_ensure() -> Page:
    """The page tree's root, with the root collection and default locale.

    Wagtail's migrations create these; a flushed database (``manage.py
    flush``, transactional tests) has lost them, so they are recreated.
    """
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is not None:
        return root
    language = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    Locale.objects.get_or_create(language_code=language)
    root = Page(
        title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page)
    )
    return Page.add_root(instance=root)


def page_publish(
    *, page: Page, published_at: dt.datetime | None = None, clean: bool = True
) -> Page:
    """Publish ``page``'s current state as a revision, optionally back-dated.

    Back-dating sets both first and last publication time; it is for imports
    and demo content whose stories were published before they arrived here.
    ``clean=False`` skips validating again a page that was just validated
    when it was added.
    """
    revision = page.save_revision(clean=clean)
    revision.publish()
    if published_at is not None:
        type(page).objects.filter(pk=page.pk).update(
            first_published_at=published_at, last_published_at=published_at
        )
        page.first_published_at = page.last_published_at = published_at
    return page


def section_ensure(*, slug: str, title: str) -> SectionPage:
    """The section ``slug`` under the front page, created if missing."""
    home = home_page_ensure(title=settings.DATELINE_SITE_NAME)
    slug = slugify(slug)[:50] or "archive"
    section = SectionPage.objects.child_of(home).filter(slug=slug).first()
    if section is None:
        section = SectionPage(title=title[:255] or slug, slug=slug)
        home.add_child(instance=section)
        page_publish(page=section)
    return section


def author_ensure(*, name: str) -> AuthorPage | None:
    """The author page titled ``name``, created (with a one-line bio) if missing."""
    name = " ".join(name.split())[:255]
    if not name:
        return None
    found = AuthorPage.objects.filter(title=name).first()
    if found is not None:
        return found
    home = home_page_ensure(title=settings.DATELINE_SITE_NAME)
    index = AuthorIndexPage.objects.child_of(home).first()
    if index is None:
        index = AuthorIndexPage(title=_("Authors"), slug="authors")
        home.add_child(instance=index)
        page_publish(page=index)
    author = AuthorPage(title=name, slug=_free_slug(index, name), short_bio=name)
    index.add_child(instance=author)
    page_publish(page=author)
    return author


def _free_slug(parent: Page, text: str) -> str:
    base = slugify(text)[:40] or "page"
    slug, n = base, 1
    while Page.objects.child_of(parent).filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def article_import(
    *,
    section: SectionPage,
    title: str,
    slug: str,
    standfirst: str,
    body: list[tuple[str, Any]],
    published_at: dt.datetime | None,
    author: AuthorPage | None = None,
    tags: list[str] | None = None,
) -> ArticlePage:
    """Publish a story written elsewhere, back-dated, without a dateline.

    Live from the start, with its first revision as the live one: what
    publishing does, without the publishing action's log entry, signals
    and second save, which took two thirds of an imported article's time.
    Nobody has seen the page yet, so nothing cached needs retiring.
    """
    when = published_at or timezone.now()
    article = ArticlePage(
        title=title[:255],
        slug=_free_slug(section, slug or title),
        standfirst=standfirst[:400] or title[:400],
        author=author,
        dateline_place="",
        filed_at=when,
        body=body,
        live=True,
        first_published_at=when,
        last_published_at=when,
    )
    if tags:
        article.tags.add(*(t[:100] for t in tags))
    section.add_child(instance=article)  # validated here
    revision = article.save_revision(clean=False, changed=False)
    ArticlePage.objects.filter(pk=article.pk).update(live_revision=revision)
    article.live_revision = revision
    return article
