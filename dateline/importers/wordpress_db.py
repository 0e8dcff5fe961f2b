"""A WordPress database (MariaDB or MySQL), read over a read-only connection.

Everything a WXR file holds, with the same ids (so a site imported from its
WXR first and from its database later gets only what the file lacked),
plus what the WXR leaves out: every registered user, wpDiscuz's votes one
row per voter (``wc_users_voted``: members' votes become real votes, so the
reputation ledger can be rebuilt from them; visitors' votes are counted in
the score) and confirmed subscriptions (``wc_comments_subscription``).

The connection is a URL, ``mysql://user:password@host:3306/database``,
with ``?prefix=wp_`` when the tables have another prefix. It reads in one
``READ ONLY`` transaction, so what it sees is one consistent moment of the
site, and the server refuses any write even if the account could. Posts
stream from one connection while a second one reads each post's comments.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pymysql
import pymysql.cursors

from dateline.core import sql
from dateline.importers import records as r
from dateline.importers.sources import Origin, SourceError, in_order, slug_of
from dateline.importers.wxr import SEPARATE_VOTES, STATES

PREFIX = re.compile(r"^[A-Za-z0-9_]{1,40}$")
# wpDiscuz's subscription types, as Dateline keeps them.
SUBSCRIPTION_KINDS = {"post": "thread", "all_comment": "all", "comment": "replies"}


def _connect(url: str) -> tuple[pymysql.Connection, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("mysql", "mariadb"):
        raise SourceError(
            "A WordPress database is given as mysql://user:password@host:3306/"
            f"database (got a '{parts.scheme or 'plain'}' address)."
        )
    prefix = parse_qs(parts.query).get("prefix", ["wp_"])[0]
    if not PREFIX.match(prefix):
        raise SourceError(f"The table prefix '{prefix}' is not a WordPress prefix.")
    database = unquote(parts.path.lstrip("/"))
    if not database:
        raise SourceError("The address names no database (…:3306/database).")
    try:
        connection = pymysql.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 3306,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            database=database,
            charset="utf8mb4",
            connect_timeout=10,
            cursorclass=pymysql.cursors.SSDictCursor,
        )
    except pymysql.Error as error:
        raise SourceError(
            f"Cannot connect to the WordPress database: {error}"
        ) from None
    with connection.cursor() as cursor:
        cursor.execute("SET SESSION TRANSACTION READ ONLY")
        cursor.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
    return connection, prefix


def _rows(connection: pymysql.Connection, query: str, *args: Any) -> Iterator[dict]:
    with connection.cursor() as cursor:
        cursor.execute(query, args or None)
        yield from cursor


def _all(connection: pymysql.Connection, query: str, *args: Any) -> list[dict]:
    return list(_rows(connection, query, *args))


def _when(value: Any) -> dt.datetime | None:
    """A DATETIME as UTC; WordPress's zero date (or a string) is none."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=dt.UTC)
    return None


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return "" if value is None else str(value)


class _Reader:
    def __init__(self, url: str) -> None:
        self.posts, self.prefix = _connect(url)
        self.db, _ = _connect(url)
        self.tables = {
            _text(next(iter(row.values()))) for row in _all(self.db, "SHOW TABLES")
        }
        for table in ("posts", "comments", "users", "options"):
            if self.t(table) not in self.tables:
                raise SourceError(
                    f"The database has no {self.t(table)} table: not a WordPress "
                    f"database, or its tables have another prefix than "
                    f"'{self.prefix}' (add ?prefix=… to the address)."
                )

    def t(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def has(self, name: str) -> bool:
        return self.t(name) in self.tables

    def close(self) -> None:
        for connection in (self.posts, self.db):
            with contextlib.suppress(pymysql.Error):
                connection.close()

    def site(self) -> str:
        rows = _all(
            self.db,
            f"SELECT option_name, option_value FROM `{self.t('options')}` "  # noqa: S608
            "WHERE option_name IN ('home', 'siteurl')",
        )
        found = {_text(row["option_name"]): _text(row["option_value"]) for row in rows}
        return found.get("home") or found.get("siteurl") or "unknown"

    def members(self) -> Iterator[r.Member]:
        for row in _rows(
            self.db,
            f"SELECT ID, user_login, user_email, display_name FROM `{self.t('users')}` "  # noqa: S608
            "ORDER BY ID",
        ):
            yield r.Member(
                source_id=str(row["ID"]),
                email=_text(row["user_email"]).strip(),
                display_name=_text(row["display_name"]),
                login=_text(row["user_login"]),
            )

    def terms(self) -> dict[int, list[tuple[str, str, str]]]:
        """Each post's categories and tags: (taxonomy, slug, name)."""
        found: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
        if not (self.has("term_relationships") and self.has("term_taxonomy")):
            return found
        for row in _rows(
            self.db,
            "SELECT tr.object_id, tt.taxonomy, t.slug, t.name "  # noqa: S608
            f"FROM `{self.t('term_relationships')}` tr "
            f"JOIN `{self.t('term_taxonomy')}` tt "
            "ON tt.term_taxonomy_id = tr.term_taxonomy_id "
            f"JOIN `{self.t('terms')}` t ON t.term_id = tt.term_id "
            "WHERE tt.taxonomy IN ('category', 'post_tag') "
            "ORDER BY tr.object_id, tr.term_order, t.term_id",
        ):
            found[int(row["object_id"])].append(
                (_text(row["taxonomy"]), _text(row["slug"]), _text(row["name"]))
            )
        return found

    def authors(self) -> dict[int, str]:
        return {
            int(row["ID"]): _text(row["user_login"])
            for row in _rows(self.db, f"SELECT ID, user_login FROM `{self.t('users')}`")  # noqa: S608
        }

    def items(self) -> Iterator[r.Record]:
        terms = self.terms()
        logins = self.authors()
        posts = _rows(
            self.posts,
            "SELECT ID, post_author, post_date, post_date_gmt, post_content, "  # noqa: S608
            "post_title, post_excerpt, post_status, comment_status, post_name, "
            f"guid, post_type FROM `{self.t('posts')}` p "
            "WHERE (post_type = 'post' AND post_status = 'publish') "
            f"OR EXISTS (SELECT 1 FROM `{self.t('comments')}` c "
            "WHERE c.comment_post_ID = p.ID) ORDER BY ID",
        )
        for post in posts:
            yield from self._item(post, terms.get(int(post["ID"]), []), logins)

    def _item(
        self, post: dict, terms: list[tuple[str, str, str]], logins: dict[int, str]
    ) -> Iterator[r.Record]:
        post_id = str(post["ID"])
        title = _text(post["post_title"])
        slug = _text(post["post_name"])
        link = _text(post["guid"])
        published = _when(post["post_date_gmt"]) or _when(post["post_date"])
        article = None
        if (
            _text(post["post_type"]) == "post"
            and _text(post["post_status"]) == "publish"
        ):
            article = r.Article(
                title=title or slug or f"Post {post_id}",
                slug=slug or slug_of(link),
                html=_text(post["post_content"]),
                excerpt=_text(post["post_excerpt"]),
                published_at=published,
                author_name=logins.get(int(post["post_author"] or 0), ""),
                categories=[(s, n or s) for kind, s, n in terms if kind == "category"],
                tags=[n for kind, _s, n in terms if kind == "post_tag" and n],
            )
        yield r.Thread(
            source_id=post_id,
            url=link,
            title=title,
            slug=slug or slug_of(link),
            article=article,
            closed=_text(post["comment_status"]) == "closed",
        )
        comments, skipped = self._comments(post_id, published)
        yield from skipped
        yield from in_order(comments)
        yield from self._votes(post_id)
        yield from self._subscriptions(post_id)

    def _comments(
        self, post_id: str, fallback: dt.datetime | None
    ) -> tuple[list[r.Comment], list[r.Skipped]]:
        rows = _all(
            self.db,
            "SELECT comment_ID, comment_author, comment_author_email, "  # noqa: S608
            "comment_author_url, comment_date, comment_date_gmt, comment_content, "
            "comment_approved, comment_type, comment_parent, user_id "
            f"FROM `{self.t('comments')}` WHERE comment_post_ID = %s "
            "ORDER BY comment_ID",
            int(post_id),
        )
        tallies = self._meta_tallies([int(row["comment_ID"]) for row in rows])
        guests = self._guest_votes(post_id)
        comments: list[r.Comment] = []
        skipped: list[r.Skipped] = []
        for row in rows:
            comment_id = str(row["comment_ID"])
            where = f"{self.t('comments')} row {comment_id} (post {post_id})"
            approved = _text(row["comment_approved"]) or "1"
            state = STATES.get(approved.lower())
            if state is None:
                skipped.append(
                    r.Skipped(where, f'unknown comment_approved "{approved}"')
                )
                continue
            created = (
                _when(row["comment_date_gmt"]) or _when(row["comment_date"]) or fallback
            )
            if created is None:
                skipped.append(r.Skipped(where, "the comment has no date"))
                continue
            parent = str(row["comment_parent"] or 0)
            user = str(row["user_id"] or 0)
            key = int(comment_id)
            up, down = guests.get(key) or tallies.get(key, (0, 0))
            comments.append(
                r.Comment(
                    source_id=f"{post_id}/{comment_id}",
                    thread_id=post_id,
                    parent_id=f"{post_id}/{parent}" if parent != "0" else "",
                    created_at=created,
                    body=_text(row["comment_content"]),
                    body_format="html",
                    state=state,
                    name=_text(row["comment_author"]),
                    email=_text(row["comment_author_email"]),
                    website=_text(row["comment_author_url"]),
                    member_id=user if user != "0" else "",
                    upvotes=up,
                    downvotes=down,
                    kind=(_text(row["comment_type"]) or "comment").lower(),
                    where=where,
                )
            )
        return comments, skipped

    def _meta_tallies(self, ids: list[int]) -> dict[int, tuple[int, int]]:
        """wpDiscuz's counts in comment meta, for comments without vote rows."""
        if not ids or not self.has("commentmeta") or self.has("wc_users_voted"):
            return {}
        found: dict[int, tuple[int, int]] = {}
        marks = sql.listed(ids)
        for row in _all(
            self.db,
            f"SELECT comment_id, meta_key, meta_value FROM `{self.t('commentmeta')}` "  # noqa: S608
            f"WHERE meta_key IN ('wpdiscuz_votes_seperate', 'wpdiscuz_votes') "
            f"AND comment_id IN ({marks}) ORDER BY meta_key DESC",
            *ids,
        ):
            key, value = int(row["comment_id"]), _text(row["meta_value"])
            if _text(row["meta_key"]) == "wpdiscuz_votes_seperate":
                counts = dict(SEPARATE_VOTES.findall(value))
                found[key] = (
                    max(0, int(counts.get("like", 0))),
                    abs(int(counts.get("dislike", 0))),
                )
            elif key not in found and value.lstrip("-").isdigit():
                net = int(value)
                found[key] = (max(net, 0), max(-net, 0))
        return found

    def _guest_votes(self, post_id: str) -> dict[int, tuple[int, int]]:
        """Visitors' votes (no account): counted in the score, credited to nobody."""
        if not self.has("wc_users_voted"):
            return {}
        found: dict[int, tuple[int, int]] = {}
        for row in _rows(
            self.db,
            "SELECT comment_id, SUM(vote_type > 0) AS up, SUM(vote_type < 0) AS down "  # noqa: S608
            f"FROM `{self.t('wc_users_voted')}` WHERE post_id = %s AND is_guest = 1 "
            "GROUP BY comment_id",
            int(post_id),
        ):
            found[int(row["comment_id"])] = (int(row["up"] or 0), int(row["down"] or 0))
        return found

    def _votes(self, post_id: str) -> Iterator[r.Vote]:
        if not self.has("wc_users_voted"):
            return
        for row in _all(
            self.db,
            "SELECT comment_id, user_id, vote_type, date "  # noqa: S608
            f"FROM `{self.t('wc_users_voted')}` "
            "WHERE post_id = %s AND is_guest = 0 AND vote_type <> 0 ORDER BY id",
            int(post_id),
        ):
            yield r.Vote(
                thread_id=post_id,
                comment_id=f"{post_id}/{row['comment_id']}",
                member_id=_text(row["user_id"]),
                value=1 if int(row["vote_type"]) > 0 else -1,
                at=dt.datetime.fromtimestamp(int(row["date"] or 0), tz=dt.UTC),
            )

    def _subscriptions(self, post_id: str) -> Iterator[r.Subscription]:
        if not self.has("wc_comments_subscription"):
            return
        for row in _all(
            self.db,
            "SELECT email, subscribtion_id, subscribtion_type, confirm, "  # noqa: S608
            f"subscription_date FROM `{self.t('wc_comments_subscription')}` "
            "WHERE post_id = %s ORDER BY id",
            int(post_id),
        ):
            kind = SUBSCRIPTION_KINDS.get(_text(row["subscribtion_type"]))
            if kind is None:
                continue
            yield r.Subscription(
                thread_id=post_id,
                email=_text(row["email"]).strip(),
                kind=kind,
                confirmed=bool(row["confirm"]),
                at=_when(row["subscription_date"]),
                comment_id=(
                    f"{post_id}/{row['subscribtion_id']}" if kind == "replies" else ""
                ),
            )


def read(url: str) -> Iterator[r.Record | Origin]:
    """The records of a WordPress database; :class:`SourceError` if unreachable."""
    try:
        reader = _Reader(url)
    except pymysql.Error as error:
        raise SourceError(f"Reading the WordPress database failed: {error}") from None
    try:
        yield Origin(f"wordpress:{reader.site()}")
        yield from reader.members()
        yield from reader.items()
    except pymysql.Error as error:
        raise SourceError(f"Reading the WordPress database failed: {error}") from None
    finally:
        reader.close()
