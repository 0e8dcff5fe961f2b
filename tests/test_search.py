"""Search as a reader uses it: stemmed words, author names, the passage that
matched with the words marked, paged results. Runs on SQLite (FTS5, porter)
and again on PostgreSQL (text search, DATELINE_SEARCH_LANGUAGE)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from dateline.newsroom.models import ArticlePage

pytestmark = pytest.mark.django_db


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def headlines(page) -> list[str]:
    return [a.get_text(strip=True) for a in page.select(".teaser-headline a")]


@pytest.fixture
def more_articles(article):
    section = article.get_parent()
    texts = [
        (
            "Drivers queue at the border",
            "Lorries waited overnight.",
            "<p>Customs officers <b>checked</b> every lorry twice &amp; the queue "
            "reached the motorway; a striking number of drivers slept in cabs.</p>",
        ),
        (
            "Port workers strike for a second day",
            "The container terminal is idle.",
            "<p>Union leaders said the strike would go on until talks resume. "
            "Dockers picketed the gates from six in the morning.</p>",
        ),
    ]
    made = []
    for title, standfirst, body in texts:
        page = ArticlePage(
            title=title,
            slug=title.lower().replace(" ", "-"),
            standfirst=standfirst,
            author=article.author,
            body=[("paragraph", body)],
        )
        section.add_child(instance=page)
        page.save_revision().publish()
        made.append(page)
    return made


def test_search_matches_other_forms_of_a_word(client, more_articles):
    found = headlines(soup(client.get("/search/", {"q": "strikes"})))
    assert "Port workers strike for a second day" in found
    found = headlines(soup(client.get("/search/", {"q": "picketing docker"})))
    assert found == ["Port workers strike for a second day"]


def test_results_show_the_passage_with_the_words_marked(client, more_articles):
    page = soup(client.get("/search/", {"q": "dockers"}))
    snippet = page.select_one(".teaser-snippet")
    assert [m.get_text() for m in snippet.select("mark")] == ["Dockers"]
    assert "picketed the gates" in snippet.get_text()


def test_a_passage_is_text_never_markup(client, more_articles):
    response = client.get("/search/", {"q": "customs"})
    snippet = soup(response).select_one(".teaser-snippet")
    assert [m.get_text() for m in snippet.select("mark")] == ["Customs"]
    assert snippet.select("b") == []  # the article's own markup is not carried
    assert "twice & the queue" in snippet.get_text()
    assert "\ue000" not in response.content.decode()


def test_author_names_are_searched(client, more_articles):
    found = headlines(soup(client.get("/search/", {"q": "Marlow"})))
    assert set(found) >= {
        "Bridge reopens",
        "Drivers queue at the border",
        "Port workers strike for a second day",
    }


def test_results_are_paged(client, article, settings):
    from dateline.newsroom import selectors

    section = article.get_parent()
    for n in range(selectors.PAGE_SIZE + 2):
        page = ArticlePage(
            title=f"Ferry timetable change {n}",
            slug=f"ferry-{n}",
            standfirst="Ferries run late.",
            body=[("paragraph", "<p>The ferry timetable changes again.</p>")],
        )
        section.add_child(instance=page)
        page.save_revision().publish()
    first = soup(client.get("/search/", {"q": "ferry"}))
    assert len(first.select(".teaser")) == selectors.PAGE_SIZE
    more = first.select_one(".pagination a[rel=next]")["href"]
    assert more == "?q=ferry&page=2"
    second = soup(client.get("/search/" + more))
    assert len(second.select(".teaser")) == 2


def test_a_match_in_the_standfirst_is_marked_there_not_repeated(client, more_articles):
    page = soup(client.get("/search/", {"q": "container"}))
    teaser = page.select_one(".teaser")
    assert teaser.select_one(".teaser-snippet") is None
    standfirst = teaser.select_one(".teaser-standfirst")
    assert [m.get_text() for m in standfirst.select("mark")] == ["container"]
    assert standfirst.get_text().startswith("The container terminal is idle.")
