"""Disqus XML export: ``<thread>``s by URL, then ``<post>``s naming them.

Posts name their thread and parent by ``dsq:id`` and may come in any
order, so posts are held until the file ends (one small record each) and
then given out thread by thread, parents first. A post whose thread is not
in the file is reported, not imported.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import IO
from xml.etree.ElementTree import Element

from dateline.importers import records as r
from dateline.importers.sources import (
    Origin,
    SourceError,
    in_order,
    slug_of,
    xml_events,
)

INTERNALS = "{http://disqus.com/disqus-internals}id"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _value(element: Element | None, *path: str) -> str:
    for name in path:
        if element is None:
            return ""
        element = next((c for c in element if _local(c.tag) == name), None)
    return (element.text or "").strip() if element is not None else ""


def _ref(element: Element, name: str) -> str:
    found = next((c for c in element if _local(c.tag) == name), None)
    return found.get(INTERNALS, "") if found is not None else ""


def _date(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(
            dt.UTC
        )
    except ValueError:
        return None


def _true(value: str) -> bool:
    return value.lower() == "true"


def read(source: IO[bytes] | str) -> Iterator[r.Record | Origin]:
    forum = ""
    threads: dict[str, r.Thread] = {}
    posts: dict[str, list[r.Comment]] = defaultdict(list)
    root: Element | None = None
    for event, element in xml_events(source):
        if event == "start":
            if root is None:
                root = element
            continue
        name = _local(element.tag)
        if root is None or element is root:
            continue
        if name == "thread" and element in list(root):
            dsq_id = element.get(INTERNALS, "")
            forum = forum or _value(element, "forum")
            link = _value(element, "link")
            threads[dsq_id] = r.Thread(
                source_id=dsq_id,
                url=link,
                title=_value(element, "title"),
                slug=slug_of(link) if link else "",
                closed=_true(_value(element, "isClosed")),
            )
            root.remove(element)
        elif name == "post" and element in list(root):
            dsq_id = element.get(INTERNALS, "")
            where = f"<post dsq:id={dsq_id or '?'}>"
            created = _date(_value(element, "createdAt"))
            if not dsq_id or created is None:
                yield r.Skipped(where, "the post has no dsq:id or no createdAt")
            else:
                state = r.PUBLISHED
                if _true(_value(element, "isSpam")):
                    state = r.SPAM
                elif _true(_value(element, "isDeleted")):
                    state = r.DELETED
                posts[_ref(element, "thread")].append(
                    r.Comment(
                        source_id=dsq_id,
                        thread_id=_ref(element, "thread"),
                        parent_id=_ref(element, "parent"),
                        created_at=created,
                        body=_value(element, "message"),
                        body_format="html",
                        state=state,
                        name=_value(element, "author", "name")
                        or _value(element, "author", "username"),
                        email=_value(element, "author", "email"),
                        where=where,
                    )
                )
            root.remove(element)
        elif name == "category" and element in list(root):
            forum = forum or _value(element, "forum")
            root.remove(element)
    if root is None or _local(root.tag) != "disqus":
        raise SourceError("This is not a Disqus export: the root is not <disqus>.")
    yield Origin(f"disqus:{forum or 'unknown'}")
    for thread_id, comments in posts.items():
        if thread_id not in threads:
            for comment in comments:
                yield r.Skipped(
                    comment.where,
                    f"its thread (dsq:id={thread_id or '?'}) is not in the file",
                )
    for thread_id, thread in threads.items():
        comments = posts.get(thread_id, [])
        if not comments:
            continue
        if not thread.url:
            for comment in comments:
                yield r.Skipped(comment.where, "its thread has no link")
            continue
        yield thread
        yield from in_order(comments)
