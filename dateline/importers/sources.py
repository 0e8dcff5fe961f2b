"""What every source shares: the origin record, XML reading, order, slugs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from dateline.importers.records import Comment


@dataclass
class Origin:
    """The first record of every stream: which site the ids belong to."""

    source: str  # e.g. "wordpress:https://blog.example"


class SourceError(Exception):
    """The file cannot be read at all; the message says where and why."""


def xml_events(
    source: IO[bytes] | str, refused_note: str = ""
) -> Iterator[tuple[str, Element]]:
    """Start and end events of an XML file, read as a stream.

    defusedxml refuses DTDs' entities and external references; nothing is
    fetched. A file that is not well-formed stops with its line and column.
    """
    try:
        yield from iterparse(source, events=("start", "end"))
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        raise SourceError(
            f"The file is not well-formed XML at line {line}, column {column}: {error}"
        ) from None
    except DefusedXmlException as error:
        raise SourceError(
            f"The file uses XML features refused for safety ({error}){refused_note}."
        ) from None


def in_order(comments: Iterable[Comment]) -> Iterator[Comment]:
    """Parents before their replies, and each level oldest first.

    Posting in this order gives the same tree, and the same conversation
    order, as the old system showed. A reply whose parent is not among
    these (an orphan, or a cycle in a broken file) comes after, with its
    parent still named, for the writer to report.
    """
    every = sorted(comments, key=lambda c: (c.created_at, c.source_id))
    known = {c.source_id for c in every}
    children: dict[str, list[Comment]] = defaultdict(list)
    roots = []
    for comment in every:
        if comment.parent_id and comment.parent_id in known:
            children[comment.parent_id].append(comment)
        else:
            roots.append(comment)
    seen: set[str] = set()
    stack = list(reversed(roots))
    while stack:
        comment = stack.pop()
        if comment.source_id in seen:
            continue
        seen.add(comment.source_id)
        yield comment
        stack.extend(reversed(children.get(comment.source_id, [])))
    for comment in every:  # only a cycle leaves some unseen
        if comment.source_id not in seen:
            seen.add(comment.source_id)
            yield comment


def slug_of(url: str) -> str:
    """The last part of a URL's path: what an article's slug would be."""
    path = urlsplit(url.strip()).path.rstrip("/")
    last = path.rsplit("/", 1)[-1]
    if last in ("index.html", "index.htm", "index.php"):
        last = path.rsplit("/", 2)[-2] if path.count("/") >= 2 else ""
    return last.removesuffix(".html").removesuffix(".htm")
