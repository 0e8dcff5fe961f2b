"""Comment text: a safe Markdown subset rendered, then cleaned by an allow-list.

Readers write paragraphs, *emphasis*, links (bare URLs are linked too),
quotes, lists and code. Raw HTML is shown as text, images and headings are
not rendered. Whatever markdown-it produces passes through nh3 (ammonia),
which keeps only the tags and attributes listed here, and only http, https
and mailto links, each with ``rel="nofollow ugc noopener"``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import nh3
from django.utils.text import Truncator
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p",
    "br",
    "em",
    "strong",
    "a",
    "blockquote",
    "ul",
    "ol",
    "li",
    "code",
    "pre",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
# Only this value of class: an @mention's link (mentions.py).
ALLOWED_VALUES = {"a": {"class": {"mention"}}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"


# What every text linkify-it's pretest accepts has: a scheme's ":" or "//",
# an "@", "www.", "localhost", or a dot before a digit or a letter (an IP
# address or a top-level domain). Its own pretest, one large expression, was
# a tenth of rendering a comment; most comments fail this one at once.
# tests/test_text_properties.py holds the two together.
MAY_LINK = re.compile(r"[:/@]|\.\w|www\.|localhost", re.IGNORECASE)


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "breaks": True})
    md.enable("linkify")
    md.disable(["image", "heading", "lheading", "hr", "html_block", "html_inline"])
    linkify = md.linkify
    assert linkify is not None
    pretest = linkify.pretest
    linkify.pretest = lambda text: bool(MAY_LINK.search(text)) and pretest(text)
    return md


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        tag_attribute_values=ALLOWED_VALUES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    ).strip()


def render_markdown(source: str) -> str:
    return sanitise(_markdown().render(source))


@dataclass(frozen=True)
class Rendered:
    html: str
    excerpt_html: str  # empty when the text is short enough to show whole
    text_length: int


# A tag in nh3's output, whose attribute values are always double-quoted (a
# ">" may stand inside one). Stripping these is what Django's strip_tags does
# to that output (tests/test_rendering.py holds them together), at a fifth
# of its cost: it ran an HTML parser twice over every comment.
TAG = re.compile(r'<(?:[^>"]|"[^"]*")*>')


def text_of(html: str) -> str:
    """The text of sanitised HTML, entities left as they are (as strip_tags)."""
    return TAG.sub("", html)


def render_comment(
    source: str,
    *,
    read_more_chars: int,
    link: Callable[[str], str] | None = None,
) -> Rendered:
    """``link``, when given, changes the sanitised HTML (mentions.linker)."""
    html = render_markdown(source)
    if link is not None:
        html = link(html)
    text_length = len(text_of(html).strip())
    excerpt = ""
    if text_length > read_more_chars:
        cut = Truncator(html).chars(read_more_chars, truncate="…", html=True)
        excerpt = sanitise(cut)
    return Rendered(html=html, excerpt_html=excerpt, text_length=text_length)
