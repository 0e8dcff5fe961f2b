"""Property tests for every path that reads text a stranger wrote.

Arbitrary Unicode (NUL, other controls, lone surrogates, right-to-left
marks, emoji) mixed with the pieces attackers use (markup, Markdown links,
``javascript:``, entities, quotes, search operators): nothing raises, and
what is rendered never carries live markup. Derandomised, so CI runs the
same examples every time.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dateline.core import text
from dateline.discussion import rendering
from dateline.moderation import scorers, scoring, words
from dateline.newsroom import selectors as newsroom

ANY_CHAR = st.characters(exclude_categories=[])  # surrogates and controls too
PIECES = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](data:text/html,<b>)",
        "[x](https://example.org/a?b=1&c=2)",
        "<a href='javascript:1'>",
        "https://example.com/x",
        "www.example.net",
        "mailto:a@example.org",
        "&lt;",
        "&#x6a;avascript:",
        "\x00",
        "\ud800",
        "\u202e",
        "> ",
        "\n\n",
        "*",
        "**",
        "_",
        "`",
        "```",
        '"',
        "'",
        "(",
        ")",
        "AND",
        "OR",
        "NOT",
        "NEAR",
        ":",
        "idiot",
        "i d i o t",
        "1d10t",
    ]
)
# Links whose addresses hold what a tag stripper may trip on.
LINKS = [
    '[a](https://x.example/?q=a>b "t>i<t")',
    "<https://x.example/a>b<c>",
    "https://x.example/a?b=<c>&d='e'",
    '[x](https://x.example/"q")',
]
HOSTILE = st.lists(st.one_of(st.text(ANY_CHAR, max_size=12), PIECES), max_size=30).map(
    "".join
)
SETTINGS = settings(
    max_examples=300,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


class _Markup(HTMLParser):
    """Every tag and attribute in rendered HTML, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))


def assert_inert(html: str) -> None:
    parser = _Markup()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag in rendering.ALLOWED_TAGS, (tag, html)
        allowed = rendering.ALLOWED_ATTRIBUTES.get(tag, set()) | (
            {"rel"} if tag == "a" else set()
        )
        for name, value in attrs:
            assert name in allowed, (tag, name, html)
            if name == "href":
                scheme = (value or "").split(":", 1)[0].strip().lower()
                assert scheme in rendering.URL_SCHEMES, (value, html)


@SETTINGS
@given(source=HOSTILE)
def test_cleaned_text_is_storable_anywhere(source):
    cleaned = text.clean(source)
    cleaned.encode("utf-8")  # no lone surrogates left
    assert "\x00" not in cleaned
    assert text.clean(cleaned) == cleaned


@SETTINGS
@given(source=HOSTILE, cut=st.integers(min_value=1, max_value=80))
def test_rendering_never_raises_and_never_yields_live_markup(source, cut):
    rendered = rendering.render_comment(text.clean(source), read_more_chars=cut)
    assert_inert(rendered.html)
    assert_inert(rendered.excerpt_html)


@SETTINGS
@given(source=st.one_of(HOSTILE, st.sampled_from(LINKS)))
def test_the_text_counted_is_what_strip_tags_leaves(source):
    """Comments' length (for the minimum and "Read more") comes from a quick
    tag stripper for nh3's output; Django's strip_tags is the reference."""
    from django.utils.html import strip_tags

    html = rendering.render_markdown(text.clean(source))
    assert rendering.text_of(html) == strip_tags(html)


@SETTINGS
@given(query=HOSTILE)
def test_search_queries_only_pass_words(query):
    found = newsroom.search_query(query)
    if found is None:
        return
    for part in getattr(found, "subqueries", [found]):
        words_in = getattr(part, "query_string", "")
        assert all(ch.isalnum() or ch in " _" for ch in words_in), words_in


@SETTINGS
@given(source=HOSTILE, phrase=HOSTILE)
def test_the_word_matcher_never_raises(source, phrase):
    cleaned = text.clean(source)
    found = words.Phrase.of(text.clean(phrase))
    for match in words.find(cleaned, [found]):
        assert 0 <= match.start < match.end <= len(cleaned)


@pytest.mark.django_db
@SETTINGS
@given(source=HOSTILE)
def test_link_and_phrase_scorers_never_raise(source):
    draft = scoring.Draft(text.clean(source))
    for scorer in (scorers.LinkScorer(), scorers.BannedPhraseScorer()):
        answer = scorer.score(draft)
        assert 0.0 <= answer.score <= 1.0


@pytest.mark.django_db
@settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(query=HOSTILE)
def test_search_never_fails_on_the_database(client, article, query):
    # As bytes on the wire: a lone surrogate arrives as invalid UTF-8.
    raw = quote(query.encode("utf-8", "surrogatepass"))
    response = client.get(f"/search/?q={raw}")
    assert response.status_code in (200, 400), query


LINKISH = st.lists(
    st.one_of(
        st.sampled_from(list(".:/@wWlL-_ \n0123456789")),
        st.sampled_from(["www.", "localhost", "http:", "//", "mailto:", "xn--"]),
        st.sampled_from([".com", ".org", ".рф", ".io", ".K", ".ſ", "．"]),
        ANY_CHAR,
    ),
    max_size=20,
).map("".join)


@SETTINGS
@given(source=st.one_of(LINKISH, HOSTILE, st.sampled_from(LINKS)))
def test_the_quick_link_screen_passes_all_that_linkify_would_look_at(source):
    """A text the quick screen turns away is one linkify-it's pretest would."""
    from linkify_it import LinkifyIt

    if not rendering.MAY_LINK.search(source):
        assert not LinkifyIt().pretest(source)
