"""Search results with the words that matched, highlighted in context.

The database finds the passage with the same stemming it searched with:
FTS5's ``snippet()`` over the index on SQLite (porter tokenizer), and
``ts_headline()`` with DATELINE_SEARCH_LANGUAGE on PostgreSQL. Both mark the
matches with two private-use characters; the passage is escaped as text and
only those marks become ``<mark>``, so nothing in an article can become markup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from dateline.core import sql
from dateline.newsroom.models import ArticlePage

START, STOP = "\ue000", "\ue001"
WORD = re.compile(r"\w+")
FTS = "wagtailsearch_indexentry_fts"


def _marked(text: str) -> SafeString:
    text = _flat(text)
    html = escape(text).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped above; only our marks added


def _sqlite(articles: Sequence[ArticlePage], words: list[str]) -> dict[int, str]:
    kind = ContentType.objects.get_for_model(ArticlePage)
    from wagtail.search.models import IndexEntry

    entries = dict(
        IndexEntry.objects.filter(
            content_type=kind, object_id__in=[str(a.pk) for a in articles]
        ).values_list("id", "object_id")
    )
    if not entries:
        return {}
    match = " OR ".join(f'"{word}"' for word in words)
    marks = sql.listed(entries)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, snippet({FTS}, 1, %s, %s, '…', 28) FROM {FTS}"  # noqa: S608
            f" WHERE {FTS} MATCH %s AND rowid IN ({marks})",
            [START, STOP, match, *entries],
        )
        return {int(entries[rowid]): text for rowid, text in cursor.fetchall()}


def _text(article: ArticlePage) -> str:
    body = ArticlePage._meta.get_field("body")
    parts = [article.standfirst, *body.get_searchable_content(article.body)]
    return strip_tags(" ".join(str(part) for part in parts if part))


def _postgresql(articles: Sequence[ArticlePage], words: list[str]) -> dict[int, str]:
    options = (
        f"StartSel={START}, StopSel={STOP}, MaxWords=40, MinWords=18,"
        " MaxFragments=2, FragmentDelimiter=' … '"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.id, ts_headline(%s::regconfig, t.body,"
            " to_tsquery(%s::regconfig, %s), %s)"
            " FROM unnest(%s::int[], %s::text[]) AS t(id, body)",
            [
                settings.DATELINE_SEARCH_LANGUAGE,
                settings.DATELINE_SEARCH_LANGUAGE,
                " | ".join(words),
                options,
                [a.pk for a in articles],
                [_text(a) for a in articles],
            ],
        )
        return dict(cursor.fetchall())


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _in_standfirst(passage: str, standfirst: str) -> bool:
    """The passage's first marked word is the standfirst's: the standfirst
    is shown marked in its place rather than repeated underneath. (SQLite's
    passage starts at the text's start, PostgreSQL's near the word: the word
    with what precedes it in the passage is looked for in the standfirst.)"""
    flat = _flat(passage)
    start, stop = flat.find(START), flat.find(STOP)
    if start < 0 or stop < start:
        return False
    before = flat[:start].replace(STOP, "").lstrip("… ")
    probe = (before[-25:] + flat[start + 1 : stop]).strip()
    return bool(probe) and probe in _flat(standfirst)


def _marked_standfirst(passage: str, standfirst: str) -> SafeString:
    """The standfirst, escaped, with the words the passage marked marked."""
    words = {w for w in re.findall(f"{START}(.*?){STOP}", passage) if w.strip()}
    html = str(escape(_flat(standfirst)))
    for word in sorted(words, key=len, reverse=True):
        html = re.sub(
            rf"(?<![\w>]){re.escape(escape(word))}(?![\w<])",
            lambda found: f"<mark>{found.group(0)}</mark>",
            html,
        )
    return mark_safe(html)  # noqa: S308 - escaped above; only our marks added


def attach(articles: Sequence[Any], query: str) -> None:
    """Give each article of a result page a ``snippet``: the passage with the
    query's words marked, where the database found one."""
    words = WORD.findall(query)[:20]
    if not articles or not words:
        return
    if connection.vendor == "sqlite":
        found = _sqlite(articles, words)
    elif connection.vendor == "postgresql":
        found = _postgresql(articles, words)
    else:
        found = {}
    for article in articles:
        text = found.get(article.pk, "")
        article.snippet = _marked(text) if START in text else ""
        article.snippet_is_standfirst = bool(
            article.snippet and _in_standfirst(text, article.standfirst or "")
        )
        if article.snippet_is_standfirst:
            article.snippet = _marked_standfirst(text, article.standfirst)
