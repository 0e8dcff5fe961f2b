"""An Isso SQLite database, opened read-only.

Threads by URI (a path on the site), comments one reply level deep,
modes 1 (valid), 2 (pending) and 4 (deleted), likes and dislikes. Isso
stores what the reader typed, Markdown, which Dateline renders the same way.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

from dateline.importers import records as r
from dateline.importers.sources import Origin, SourceError, in_order, slug_of

MODES = {1: r.PUBLISHED, 2: r.PENDING, 4: r.DELETED}


def read(path: str | Path, *, site_url: str = "") -> Iterator[r.Record | Origin]:
    """``site_url`` turns Isso's URIs (paths) into the thread's full URLs."""
    try:
        db = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
        db.execute("SELECT id, uri, title FROM threads LIMIT 1").fetchall()
        db.execute(
            "SELECT tid, id, parent, created, mode, text, author, email, website,"
            " likes, dislikes FROM comments LIMIT 1"
        ).fetchall()
    except sqlite3.DatabaseError as error:
        raise SourceError(
            f"This is not an Isso database ({error}); give the comments.db file."
        ) from None
    yield Origin(f"isso:{site_url.rstrip('/') or 'site'}")
    try:
        threads = db.execute(
            "SELECT id, uri, title FROM threads ORDER BY id"
        ).fetchall()
        for tid, uri, title in threads:
            comments = []
            rows = db.execute(
                "SELECT id, parent, created, mode, text, author, email, website,"
                " likes, dislikes FROM comments WHERE tid = ? ORDER BY id",
                (tid,),
            )
            for row in rows:
                cid, parent, created, mode, text, author, email, website = row[:8]
                up, down = row[8:]
                where = f"comment {cid} on {uri}"
                state = MODES.get(mode)
                if state is None:
                    yield r.Skipped(where, f"unknown mode {mode}")
                    continue
                comments.append(
                    r.Comment(
                        source_id=str(cid),
                        thread_id=str(tid),
                        parent_id=str(parent) if parent else "",
                        created_at=dt.datetime.fromtimestamp(float(created), dt.UTC),
                        body=text or "",
                        body_format="markdown",
                        state=state,
                        name=author or "",
                        email=email or "",
                        website=website or "",
                        upvotes=int(up or 0),
                        downvotes=int(down or 0),
                        where=where,
                    )
                )
            if not comments:
                continue
            url = urljoin(site_url, uri) if site_url else uri
            yield r.Thread(
                source_id=str(tid), url=url, title=title or "", slug=slug_of(uri)
            )
            yield from in_order(comments)
    finally:
        db.close()
