"""The neutral record stream every source reads into.

A source (``wxr.py``, ``disqus.py``, ``isso.py``) turns its file into these
records and knows nothing about Dateline's models; the writer
(``actions.py``) turns them into articles, threads and comments through the
same actions as a live post. Ids are the source's own, as text: together
with the source's name they key the map of what each became, which is what
makes a second run change nothing.

A source yields each :class:`Thread` followed by its comments, parents
before replies, then the votes and subscriptions of that thread, so the
writer holds one thread at a time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# What a comment was in its old home.
PUBLISHED = "published"
PENDING = "pending"
DELETED = "deleted"
SPAM = "spam"
STATES = (PUBLISHED, PENDING, DELETED, SPAM)


@dataclass
class Member:
    """A registered account in the old system (a WordPress user)."""

    source_id: str
    email: str
    display_name: str = ""
    login: str = ""


@dataclass
class Article:
    """A story to publish as an article (a WordPress post)."""

    title: str
    slug: str
    html: str  # the body as the old system stored it
    excerpt: str = ""
    published_at: dt.datetime | None = None
    author_name: str = ""
    categories: list[tuple[str, str]] = field(default_factory=list)  # (slug, name)
    tags: list[str] = field(default_factory=list)


@dataclass
class Thread:
    """A discussion: under an article (when ``article`` is given) or a URL."""

    source_id: str
    url: str = ""
    title: str = ""
    slug: str = ""  # the last part of the URL's path, to match articles by
    article: Article | None = None
    closed: bool = False


@dataclass
class Comment:
    source_id: str
    thread_id: str
    created_at: dt.datetime
    body: str
    body_format: str = "html"  # "html" or "markdown"
    parent_id: str = ""
    state: str = PUBLISHED
    name: str = ""
    email: str = ""
    website: str = ""
    member_id: str = ""  # a Member's source_id, for registered writers
    upvotes: int = 0
    downvotes: int = 0
    kind: str = "comment"  # "pingback" and "trackback" are skipped by default
    where: str = ""  # how to find it in the file, for messages


@dataclass
class Vote:
    """One member's vote on a comment (wpDiscuz's ``wc_users_voted``).

    Votes by visitors without an account are not these: they are counted
    in the comment's ``upvotes`` and ``downvotes``.
    """

    thread_id: str
    comment_id: str
    member_id: str
    value: int  # 1 or -1
    at: dt.datetime


@dataclass
class Subscription:
    """A reader who asked to hear about a thread (or replies to a comment)."""

    thread_id: str
    email: str
    kind: str  # "thread", "replies" (to one comment) or "all" (all replies)
    confirmed: bool
    at: dt.datetime | None = None
    comment_id: str = ""  # for "replies"


@dataclass
class Skipped:
    """Something the source could not read, said so it can be found."""

    where: str
    reason: str


Record = Member | Article | Thread | Comment | Vote | Subscription | Skipped
