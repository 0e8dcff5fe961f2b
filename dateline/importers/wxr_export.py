"""Write the articles and their comments as WordPress eXtended RSS (WXR 1.2).

For a newsroom moving to WordPress: Tools → Import → WordPress reads it
(the wordpress-importer plugin). Written to what that importer's parsers
read (``class-wxr-parser-simplexml.php``): the ``wp:wxr_version`` and
``wp:base_site_url`` it insists on, no DOCTYPE, authors by login, sections
as categories, tags, and each post's comments with ids in ascending order,
every reply after its parent (the importer sorts comments by id and links
a reply to a parent it has already inserted).

What WordPress has no place for is said in plain HTML or meta: a video
block becomes its URL on a line of its own (which WordPress embeds), a map
its image or link; a comment's votes go into wpDiscuz's meta keys, so a
site running wpDiscuz shows the same score. A thread under a URL rather
than an article has no post to go under and is left out (counted).
Streamed: one article and its comments at a time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from email.utils import format_datetime
from pathlib import Path
from typing import Any, TextIO
from xml.sax.saxutils import quoteattr

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.html import escape
from wagtail.rich_text import expand_db_html

from dateline.discussion.models import Comment, Thread, user_display_name
from dateline.newsroom.models import ArticlePage, AuthorPage, HomePage, SectionPage

# XML 1.0 cannot hold these, even escaped.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
STATES = {
    Comment.Status.PUBLISHED: "1",
    Comment.Status.PENDING: "0",
    Comment.Status.SHADOWED: "0",  # held: the new site's moderators decide
    Comment.Status.DELETED: "trash",
    Comment.Status.REMOVED: "trash",
}
NAMESPACES = (
    'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:wp="http://wordpress.org/export/1.2/"'
)


@dataclass
class Written:
    counts: Counter[str] = field(default_factory=Counter)


def cdata(text: str) -> str:
    text = NOT_XML.sub("", text or "")
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def plain(text: str) -> str:
    return escape(NOT_XML.sub("", text or ""))


def _local(moment: dt.datetime | None) -> str:
    if moment is None:
        return "0000-00-00 00:00:00"
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def _gmt(moment: dt.datetime | None) -> str:
    if moment is None:
        return "0000-00-00 00:00:00"
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _absolute(url: str) -> str:
    return url if "://" in url else settings.SITE_URL.rstrip("/") + url


def body_html(article: ArticlePage) -> str:
    """The StreamField as the HTML a WordPress post holds."""
    parts: list[str] = []
    for block in article.body:
        kind, value = block.block_type, block.value
        if kind == "paragraph":
            parts.append(expand_db_html(value.source))
        elif kind == "heading":
            parts.append(f"<h2>{escape(value)}</h2>")
        elif kind == "quote":
            cite = value.get("attribution")
            parts.append(
                f"<blockquote><p>{escape(value['text'])}</p>"
                + (f"<cite>{escape(cite)}</cite>" if cite else "")
                + "</blockquote>"
            )
        elif kind in ("image", "map"):
            parts.append(_figure(value))
        elif kind == "video":
            parts.append(escape(value["url"]))  # on its own line: an embed
            if value.get("caption"):
                parts.append(f"<p>{escape(value['caption'])}</p>")
    return "\n\n".join(p for p in parts if p)


def _figure(value: Any) -> str:
    image, inner = value.get("image"), ""
    if image is not None:
        url = _absolute(image.file.url)
        inner = f"<img src={quoteattr(url)} alt={quoteattr(image.title)} />"
    link = value.get("link")
    if link:
        text = escape(value.get("link_text") or link)
        inner += f'<a href="{escape(link)}">{text}</a>'  # after the image, if any
    caption = " ".join(
        escape(value[k]) for k in ("caption", "credit", "source") if value.get(k)
    )
    if not inner:
        return ""
    return (
        "<figure>"
        + inner
        + (f"<figcaption>{caption}</figcaption>" if caption else "")
        + "</figure>"
    )


class _Writer:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.written = Written()
        self.authors: dict[int, tuple[int, str]] = {}  # author page -> (id, login)

    def line(self, depth: int, text: str) -> None:
        self.out.write("\t" * depth + text + "\n")

    def el(self, depth: int, tag: str, value: object, *, text: bool = False) -> None:
        """``<tag>value</tag>``: CDATA, or escaped ``text`` (numbers, URLs)."""
        inner = plain(str(value)) if text else cdata(str(value))
        self.line(depth, f"<{tag}>{inner}</{tag}>")

    def meta(self, depth: int, tag: str, key: str, value: str) -> None:
        self.line(depth, f"<{tag}>")
        self.el(depth + 1, "wp:meta_key", key)
        self.el(depth + 1, "wp:meta_value", value)
        self.line(depth, f"</{tag}>")

    def channel(self) -> None:
        home = HomePage.objects.order_by("depth", "path").first()
        site = settings.SITE_URL.rstrip("/")
        self.line(0, '<?xml version="1.0" encoding="UTF-8" ?>')
        self.line(0, "<!-- WordPress eXtended RSS, written by Dateline. In WordPress:")
        self.line(0, "     Tools > Import > WordPress. -->")
        self.line(0, f'<rss version="2.0" {NAMESPACES}>')
        self.line(0, "<channel>")
        self.el(1, "title", home.title if home else "", text=True)
        self.el(1, "link", site, text=True)
        self.el(1, "description", home.tagline if home else "", text=True)
        self.el(1, "pubDate", format_datetime(timezone.now()), text=True)
        self.el(1, "language", settings.LANGUAGE_CODE, text=True)
        self.el(1, "wp:wxr_version", "1.2", text=True)
        self.el(1, "wp:base_site_url", site, text=True)
        self.el(1, "wp:base_blog_url", site, text=True)
        self._authors()
        for section in SectionPage.objects.order_by("path"):
            self.line(1, "<wp:category>")
            self.el(2, "wp:term_id", section.pk, text=True)
            self.el(2, "wp:category_nicename", section.slug)
            self.el(2, "wp:category_parent", "")
            self.el(2, "wp:cat_name", section.title)
            self.el(2, "wp:category_description", section.description)
            self.line(1, "</wp:category>")
            self.written.counts["categories"] += 1
        self.el(1, "generator", "Dateline", text=True)

    def _authors(self) -> None:
        """Who wrote the articles, as WordPress users to create or map.

        A journalist with an account keeps that account's id, so their
        comments (``comment_user_id``) follow them; the others get ids past
        every account's.
        """
        users = get_user_model().objects
        spare = users.order_by("-pk").values_list("pk", flat=True).first() or 0
        for author in AuthorPage.objects.select_related("user").order_by("path"):
            if author.user_id:
                author_id = author.user_id
            else:
                spare += 1
                author_id = spare
            self.authors[author.pk] = (author_id, author.slug)
            first, _, last = author.title.partition(" ")
            self.line(1, "<wp:author>")
            self.el(2, "wp:author_id", author_id, text=True)
            self.el(2, "wp:author_login", author.slug)
            self.el(2, "wp:author_email", author.user.email if author.user else "")
            self.el(2, "wp:author_display_name", author.title)
            self.el(2, "wp:author_first_name", first)
            self.el(2, "wp:author_last_name", last)
            self.line(1, "</wp:author>")
            self.written.counts["authors"] += 1

    def item(self, article: ArticlePage, thread: Thread | None) -> None:
        url = _absolute(article.url or "/")
        section = article.get_parent().specific
        published = article.first_published_at or article.filed_at
        author = self.authors.get(article.author_id or 0)
        closed = thread is not None and thread.is_closed
        self.line(1, "<item>")
        self.el(2, "title", article.title)
        self.el(2, "link", url, text=True)
        self.el(
            2, "pubDate", format_datetime(published) if published else "", text=True
        )
        self.el(2, "dc:creator", author[1] if author else "")
        self.line(2, f'<guid isPermaLink="false">{plain(url)}</guid>')
        self.el(2, "description", "", text=True)
        self.el(2, "content:encoded", body_html(article))
        self.el(2, "excerpt:encoded", article.standfirst)
        self.el(2, "wp:post_id", article.pk, text=True)
        self.el(2, "wp:post_date", _local(published))
        self.el(2, "wp:post_date_gmt", _gmt(published))
        self.el(2, "wp:comment_status", "closed" if closed else "open")
        self.el(2, "wp:ping_status", "closed")
        self.el(2, "wp:post_name", article.slug)
        self.el(2, "wp:status", "publish" if article.live else "draft")
        self.el(2, "wp:post_parent", 0, text=True)
        self.el(2, "wp:menu_order", 0, text=True)
        self.el(2, "wp:post_type", "post")
        self.el(2, "wp:post_password", "")
        self.el(2, "wp:is_sticky", 0, text=True)
        terms = (
            [("category", section.slug, section.title)]
            if isinstance(section, SectionPage)
            else []
        )
        terms += [("post_tag", t.slug, t.name) for t in article.tags.all()]
        for domain, slug, name in sorted(terms):
            self.line(
                2,
                f"<category domain={quoteattr(domain)} nicename={quoteattr(slug)}>"
                f"{cdata(name)}</category>",
            )
        if article.dateline_place:
            self.meta(2, "wp:postmeta", "dateline_place", article.dateline_place)
            self.meta(
                2, "wp:postmeta", "dateline_time_zone", article.dateline_time_zone
            )
            self.meta(2, "wp:postmeta", "dateline_filed_at", _gmt(article.filed_at))
        if thread is not None:
            comments = Comment.objects.filter(thread=thread).select_related("author")
            # Ascending ids: a parent always has a smaller id than its replies.
            for comment in comments.order_by("pk").iterator(chunk_size=2000):
                self.comment(comment)
        self.line(1, "</item>")
        self.written.counts["articles"] += 1

    def comment(self, c: Comment) -> None:
        member = c.author
        if member is not None:
            name, email = user_display_name(member), member.email
        else:
            name, email = c.guest_name or c.display_name, c.guest_email
        gone = c.status in (Comment.Status.DELETED, Comment.Status.REMOVED)
        self.line(2, "<wp:comment>")
        self.el(3, "wp:comment_id", c.pk, text=True)
        self.el(3, "wp:comment_author", name)
        self.el(3, "wp:comment_author_email", email)
        self.el(3, "wp:comment_author_url", "", text=True)
        self.el(3, "wp:comment_author_IP", "", text=True)
        self.el(3, "wp:comment_date", _local(c.created_at))
        self.el(3, "wp:comment_date_gmt", _gmt(c.created_at))
        self.el(3, "wp:comment_content", "" if gone else c.body_html)
        self.el(3, "wp:comment_approved", STATES.get(Comment.Status(c.status), "0"))
        self.el(3, "wp:comment_type", "comment")
        self.el(3, "wp:comment_parent", c.parent_id or 0, text=True)
        self.el(3, "wp:comment_user_id", c.author_id or 0, text=True)
        if c.upvotes or c.downvotes:
            # wpDiscuz's keys (its spelling), so a site with it shows the score.
            like, dislike = c.upvotes, -c.downvotes
            separate = f'a:2:{{s:4:"like";i:{like};s:7:"dislike";i:{dislike};}}'
            self.meta(3, "wp:commentmeta", "wpdiscuz_votes", str(like + dislike))
            self.meta(3, "wp:commentmeta", "wpdiscuz_votes_seperate", separate)
        self.line(2, "</wp:comment>")
        self.written.counts["comments"] += 1


def export_wxr(out: TextIO) -> Written:
    writer = _Writer(out)
    writer.channel()
    threads = {t.article_id: t for t in Thread.objects.filter(article__isnull=False)}
    articles = ArticlePage.objects.order_by("path").prefetch_related("tags")
    for article in articles.iterator(chunk_size=200):
        writer.item(article, threads.get(article.pk))
    writer.written.counts["threads_without_article"] = Thread.objects.filter(
        article__isnull=True
    ).count()
    writer.line(0, "</channel>")
    writer.line(0, "</rss>")
    return writer.written


def export_wxr_to(path: Path) -> Written:
    partial = path.with_name(path.name + ".partial")
    try:
        with open(partial, "w", encoding="utf-8") as out:
            written = export_wxr(out)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return written
