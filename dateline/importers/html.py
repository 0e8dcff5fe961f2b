"""Old HTML into what Dateline stores: Markdown for comments, blocks for articles.

Comments: WordPress and Disqus keep comments as HTML (WordPress adds the
paragraphs only when it shows them). They become the Markdown a reader
would have written (markdownify), which then takes the same road as a
posted comment: rendered and cleaned by the allow-list in
``discussion/rendering.py``. Tags that could run or load something
(``<script>``, ``<iframe>``, forms) are kept as literal text, so an old
attack arrives as harmless text a moderator can see.

Articles: a WordPress post's HTML becomes the article's StreamField:
headings, quotes and paragraphs (bold, italic, links, as the paragraph
block allows). Images, embeds, galleries and tables are left out and
counted; nothing is ever fetched from a URL in the file.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

import nh3
from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from markdownify import MarkdownConverter

SHOWN_AS_TEXT = {
    "script",
    "style",
    "iframe",
    "frame",
    "object",
    "embed",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "svg",
    "math",
    "link",
    "meta",
    "base",
}
BLOCK_START = re.compile(
    r"^\s*<(p|div|h[1-6]|ul|ol|li|blockquote|pre|figure|table|hr|section|"
    r"article|aside|header|footer|dl|address|details|form)\b",
    re.IGNORECASE,
)
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
PLAIN_SPECIALS = re.compile(r"([*_\\`\[\]])")
GUTENBERG = re.compile(r"<!--\s*/?wp:.*?-->", re.DOTALL)
BLOCK_TAG = (
    r"</?(?:p|div|h[1-6]|ul|ol|li|dl|dt|dd|blockquote|pre|figure|figcaption|"
    r"table|thead|tbody|tr|td|th|hr|section|article|aside|header|footer)\b[^>]*>"
)
ENDS_WITH_BLOCK = re.compile(BLOCK_TAG + r"\s*$", re.IGNORECASE)
STARTS_WITH_BLOCK = re.compile(r"^\s*" + BLOCK_TAG, re.IGNORECASE)


def _breaks(chunk: str) -> str:
    """Newlines as line breaks, except beside block tags (as wpautop does)."""
    lines = chunk.split("\n")
    out = [lines[0]]
    for previous, line in itertools.pairwise(lines):
        if ENDS_WITH_BLOCK.search(previous) or STARTS_WITH_BLOCK.match(line):
            out.append("\n" + line)
        else:
            out.append("<br>\n" + line)
    return "".join(out)


def autop(html: str) -> str:
    """WordPress's paragraphs: blank lines part them, a newline breaks a line."""
    chunks = [c.strip() for c in PARAGRAPH_BREAK.split(html.replace("\r\n", "\n"))]
    out = []
    for chunk in chunks:
        if not chunk:
            continue
        if BLOCK_START.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + _breaks(chunk) + "</p>")
    return "\n".join(out)


class _Converter(MarkdownConverter):
    def escape(self, text: str, parent_tags: Any) -> str:
        # What Markdown would read as markup, in text that had none.
        return PLAIN_SPECIALS.sub(r"\\\1", text) if text else ""

    def convert_a(self, el: Any, text: str, parent_tags: Any) -> str:
        href = (el.attrs.get("href") or "").strip()
        if not href.lower().startswith(("http://", "https://", "mailto:")):
            return text  # javascript:, data:, relative: the words only
        return str(super().convert_a(el, text, parent_tags))  # type: ignore[misc]

    def convert_img(self, el: Any, text: str, parent_tags: Any) -> str:
        # Readers' comments show no images: a link to it, never fetched.
        src = el.attrs.get("src", "")
        if not src.startswith(("http://", "https://")):
            return ""
        alt = (el.attrs.get("alt") or "image").replace("]", "")
        return f"[{alt}]({src})"


def comment_markdown(html: str) -> str:
    """An old comment's HTML as Markdown source."""
    if "<" not in html and "&" not in html:
        # Plain text, most comments: what the long way gives, sooner.
        text = html.replace("\r\n", "\n")
        lines = (" ".join(line.split()) for line in text.split("\n"))
        text = PLAIN_SPECIALS.sub(r"\\\1", "\n".join(lines))
        return re.sub(r"\n{3,}", "\n\n", text).strip()
    quick = _inline(html)
    return quick if quick is not None else _from_html(html)


# Text with nothing but bold, italics and plain links in it (most of the rest).
INLINE_TOKEN = re.compile(r'(</?(?:b|strong|i|em)>|<a href="https?://[^"<>\s]*">|</a>)')
INLINE_MARK = {"b": "**", "strong": "**", "i": "*", "em": "*"}
ENTITY = re.compile(r"&(?!(?:amp|lt|gt|quot|#39);)")


def _inline(html: str) -> str | None:
    """What the long way gives for simple inline markup, or None if not simple.

    Bold, italics and links to http(s) pages, not nested in one another;
    the five entities HTML escapes with. The long way is tested to agree
    (``tests/test_importers.py``), on text generated to probe it.
    """
    if ENTITY.search(html):
        return None
    text = html.replace("\r\n", "\n")
    lines = []
    for line in text.split("\n"):
        converted = _inline_line(line)
        if converted is None:
            return None
        lines.append(converted)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _inline_line(line: str) -> str | None:
    out: list[str] = []
    open_tag: str | None = None  # the element we are inside of, if any
    href = ""
    inner: list[str] = []
    for i, part in enumerate(INLINE_TOKEN.split(line)):
        if i % 2 == 0:  # text
            if "<" in part or ">" in part:
                return None
            words = PLAIN_SPECIALS.sub(r"\\\1", unescape_basic(part))
            (inner if open_tag else out).append(re.sub(r"\s+", " ", words))
            continue
        if part.startswith("</"):
            if open_tag is None or open_tag != part[2:-1]:
                return None  # closes what was not opened
            content = re.sub(r"\s+", " ", "".join(inner))
            if not content.strip() or content != content.strip():
                return None  # spaces at its edges: the long way moves them
            out.append(_chomped(open_tag, content, href))
            open_tag, inner, href = None, [], ""
        else:
            if open_tag is not None:
                return None  # nested: the long way
            open_tag = "a" if part.startswith("<a ") else part[1:-1]
            href = part[9:-2] if open_tag == "a" else ""
    if open_tag is not None:
        return None
    return "".join(out).strip()


def _chomped(tag: str, content: str, href: str) -> str:
    """An inline element as markdownify writes it."""
    if tag == "a":
        if content == href.replace("_", "\\_").replace("*", "\\*"):
            return f"<{href}>"
        return f"[{content}]({href})"
    mark = INLINE_MARK[tag]
    return f"{mark}{content}{mark}"


def unescape_basic(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&#39;", "'")
        .replace("&amp;", "&")
    )


def _from_html(html: str) -> str:
    soup = BeautifulSoup(autop(GUTENBERG.sub("", html)), "html.parser")
    for node in soup.find_all(string=lambda s: isinstance(s, Comment)):
        node.extract()
    for tag in soup.find_all(SHOWN_AS_TEXT):
        tag.replace_with(NavigableString(str(tag)))
    text = _Converter(
        heading_style="ATX", bullets="-", escape_misc=False, strip=["span"]
    ).convert_soup(soup)
    # A line break is a plain newline here (``breaks`` is on when rendering).
    text = re.sub(r" {2,}\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# --- articles ------------------------------------------------------------------

RICH_TAGS = {"p", "br", "b", "i", "a"}
RENAMED = {"strong": "b", "em": "i"}
LEFT_OUT = {
    "img",
    "figure",
    "picture",
    "video",
    "audio",
    "iframe",
    "embed",
    "object",
    "table",
    "svg",
    "canvas",
    "form",
    "script",
    "style",
    "noscript",
    "hr",
    "map",
}
TRANSPARENT = {"div", "section", "article", "aside", "header", "footer", "main", "span"}
HEADING_MAX = 150
QUOTE_MAX = 2000


@dataclass
class ArticleBody:
    blocks: list[tuple[str, Any]] = field(default_factory=list)
    left_out: dict[str, int] = field(default_factory=dict)  # tag -> how many


def _rich(html: str) -> str:
    for old, new in RENAMED.items():
        html = re.sub(rf"<(/?){old}\b", rf"<\1{new}", html, flags=re.IGNORECASE)
    return nh3.clean(
        html,
        tags=RICH_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
    ).strip()


class _ArticleWalker:
    def __init__(self) -> None:
        self.body = ArticleBody()
        self.paragraphs: list[str] = []
        self.inline: list[str] = []

    def _end_paragraph(self) -> None:
        html = "".join(self.inline).strip()
        self.inline = []
        if html:
            cleaned = _rich(f"<p>{html}</p>")
            if BeautifulSoup(cleaned, "html.parser").get_text().strip():
                self.paragraphs.append(cleaned)

    def _end_blocks(self) -> None:
        self._end_paragraph()
        if self.paragraphs:
            from wagtail.rich_text import RichText

            self.body.blocks.append(("paragraph", RichText("".join(self.paragraphs))))
            self.paragraphs = []

    def _leave_out(self, name: str) -> None:
        self.body.left_out[name] = self.body.left_out.get(name, 0) + 1

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                self.inline.append(str(child).replace("<", "&lt;"))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name.lower()
            if name in LEFT_OUT:
                self._leave_out(name)
                # An image inside a link or paragraph leaves the text around it.
                continue
            if name in TRANSPARENT:
                self.walk(child)
            elif re.fullmatch(r"h[1-6]", name):
                text = " ".join(child.get_text(" ").split())
                if text:
                    self._end_blocks()
                    self.body.blocks.append(("heading", text[:HEADING_MAX]))
            elif name == "blockquote":
                text = "\n".join(
                    " ".join(p.split()) for p in child.get_text("\n").split("\n")
                ).strip()
                if text:
                    self._end_blocks()
                    self.body.blocks.append(
                        ("quote", {"text": text[:QUOTE_MAX], "attribution": ""})
                    )
            elif name in ("p", "li", "pre", "dd", "dt", "address"):
                self._end_paragraph()
                self.walk(child)
                self._end_paragraph()
            elif name in ("ul", "ol", "dl"):
                self._end_paragraph()
                self.walk(child)
            elif name == "br":
                self.inline.append("<br>")
            else:  # inline: b, i, a, em, strong, code, ...
                self.inline.append(str(child))


def article_body(html: str) -> ArticleBody:
    """A post's HTML as the article's blocks, with what was left out."""
    soup = BeautifulSoup(autop(GUTENBERG.sub("", html)), "html.parser")
    walker = _ArticleWalker()
    walker.walk(soup)
    walker._end_blocks()
    return walker.body


def plain_text(html: str) -> str:
    soup = BeautifulSoup(GUTENBERG.sub("", html), "html.parser")
    for tag in soup.find_all(LEFT_OUT):
        tag.decompose()
    return " ".join(soup.get_text(" ").split())
