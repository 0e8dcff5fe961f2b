"""What a reader gets from the newsroom pages."""

from __future__ import annotations

import itertools
import re

import pytest
from bs4 import BeautifulSoup

from dateline.newsroom.models import ArticlePage, AuthorPage, SectionPage

BEIRUT = "/conflict/night-of-strikes-leaves-southern-suburbs-dark/"


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def test_home_shows_top_stories_then_latest(client, demo):
    html = soup(client.get("/"))
    top = [
        a.get_text(strip=True) for a in html.select(".top-stories .teaser-headline a")
    ]
    latest = [a.get_text(strip=True) for a in html.select(".latest .teaser-headline a")]
    assert top[0] == "Night of strikes leaves southern suburbs without power"
    assert len(top) == 3
    assert len(latest) == 3 and not set(top) & set(latest)
    assert [a.get_text() for a in html.select("nav.sections a")] == [
        "Conflict",
        "Politics",
    ]


def test_article_page_shows_dateline_before_the_first_paragraph(client, demo):
    article = ArticlePage.objects.get(
        slug="night-of-strikes-leaves-southern-suburbs-dark"
    )
    html = soup(client.get(BEIRUT))
    first_p = html.select_one(".article-body p")
    assert first_p.get_text().startswith(f"{article.dateline_text} Power was cut")
    assert re.fullmatch(r"BEIRUT, LEBANON \(10:15 P\.M\.\) –", article.dateline_text)
    time = first_p.select_one(".dateline time")
    assert time["datetime"].endswith(("+02:00", "+03:00"))  # Beirut, winter or summer


def test_article_page_has_author_box_video_and_map(client, demo):
    html = soup(client.get(BEIRUT))
    box = html.select_one(".author-box")
    assert box.select_one(".author-name").get_text(strip=True) == "Ida Marlow"
    assert "Aarhus, Denmark" in box.select_one(".author-bio").get_text()
    assert box.select_one("a.author-more")["href"] == "/authors/ida-marlow/"
    assert box.select_one("img.author-photo") is not None
    # a click-to-play facade: no player (and no request to YouTube) until asked
    assert html.select_one(".block-video iframe") is None
    facade = html.select_one(".block-video a.video-facade")
    assert facade["href"] == "https://www.youtube.com/watch?v=aqz-KE-bpKQ"
    assert (
        facade["data-play-src"]
        == "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1"
    )
    figure = html.select_one(".block-map")
    assert figure.select_one("img")["src"].startswith("/media/images/")
    assert "openstreetmap.org" in figure.select_one("a.map-link")["href"]
    assert [a.get_text() for a in html.select(".article-tags a")] == [
        "Drones",
        "Energy",
        "Lebanon",
    ]
    assert html.select_one("#comments") is not None  # room for the discussion


def test_article_without_any_paragraph_still_shows_its_dateline(client, site):
    section = SectionPage(title="World", slug="world")
    site.add_child(instance=section)
    article = ArticlePage(
        title="Only a heading",
        slug="only-heading",
        standfirst="s",
        dateline_place="Oslo, Norway",
        dateline_time_zone="Europe/Oslo",
        body=[("heading", "Just this")],
    )
    section.add_child(instance=article)
    html = soup(client.get("/world/only-heading/"))
    assert (
        html.select_one(".article-body .dateline")
        .get_text()
        .startswith("OSLO, NORWAY (")
    )


def test_map_given_only_as_a_link_renders_the_link(client, demo):
    html = soup(client.get("/conflict/aid-convoy-waits-at-the-crossing/"))
    figure = html.select_one(".block-map")
    assert figure.select_one("img") is None
    assert (
        figure.select_one("a.map-link")
        .get_text(strip=True)
        .startswith("Open the crossing")
    )


def test_vimeo_video_is_embedded_without_tracking(client, demo):
    html = soup(
        client.get("/politics/opposition-wins-mayoral-races-on-promise-of-calm/")
    )
    assert (
        html.select_one(".block-video a.video-facade")["data-play-src"]
        == "https://player.vimeo.com/video/1084537?dnt=1&autoplay=1"
    )


def test_section_page_lists_its_articles_newest_first(client, demo):
    html = soup(client.get("/politics/"))
    headlines = [a.get_text(strip=True) for a in html.select(".teaser-headline a")]
    expected = list(
        ArticlePage.objects.live()
        .filter(path__startswith=SectionPage.objects.get(slug="politics").path)
        .order_by("-first_published_at")
        .values_list("title", flat=True)
    )
    assert headlines == expected and len(headlines) == 3


def test_author_page_lists_the_authors_articles(client, demo):
    html = soup(client.get("/authors/tomas-reyes-holt/"))
    assert html.h1.get_text() == "Tomás Reyes Holt"
    assert len(html.select(".teaser")) == 3
    index = soup(client.get("/authors/"))
    assert {a.get_text() for a in index.select(".author-list a")} == {
        "Ida Marlow",
        "Tomás Reyes Holt",
    }


def test_tag_page_lists_tagged_articles(client, demo):
    html = soup(client.get("/tags/ceasefire/"))
    assert [a.get_text(strip=True) for a in html.select(".teaser-headline a")] == [
        "Ceasefire monitors report first breach along the river line"
    ]
    assert client.get("/tags/no-such-tag/").status_code == 404


def test_search_finds_articles_by_body_text(client, demo):
    html = soup(client.get("/search/", {"q": "transponder"}))
    assert [a.get_text(strip=True) for a in html.select(".teaser-headline a")] == [
        "Senate committee advances sanctions bill after all-night session"
    ]
    none = soup(client.get("/search/", {"q": "zzzunfindable"}))
    assert "No articles match" in none.get_text()


def test_overlong_search_gets_a_clear_error(client, demo):
    response = client.get("/search/", {"q": "x" * 201})
    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()


def test_unknown_page_is_a_real_404_page(client, demo):
    response = client.get("/conflict/no-such-story/")
    assert response.status_code == 404
    html = soup(response)
    assert html.h1.get_text() == "Page not found"
    assert html.select_one("nav.sections") is not None  # the site's own chrome
    assert "/conflict/no-such-story/" in html.get_text()


def test_reader_pages_send_a_content_security_policy(client, demo):
    policy = client.get(BEIRUT)["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "https://www.youtube-nocookie.com" in policy


def test_json_answers_carry_no_page_policy_but_the_api_docs_do(client, demo):
    thread = client.get(BEIRUT).context["discussion"].thread
    answer = client.get(f"/api/threads/{thread.pk}/comments")
    assert answer["Content-Type"].startswith("application/json")
    assert "Content-Security-Policy" not in answer
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert "script-src" in client.get("/api/docs")["Content-Security-Policy"]
    feed = client.get(f"/threads/{thread.pk}/feed.xml")
    assert "default-src" in feed["Content-Security-Policy"]


def test_uploaded_media_is_served(client, demo):
    html = soup(client.get(BEIRUT))
    src = html.select_one(".block-map img")["src"]
    response = client.get(src)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("path", ["/", BEIRUT, "/conflict/", "/authors/ida-marlow/"])
def test_page_query_count_does_not_grow_with_more_articles(
    client, demo, django_assert_max_num_queries, path
):
    client.get(path)  # warm renditions and caches
    with django_assert_max_num_queries(30) as before:
        client.get(path)
    author = AuthorPage.objects.get(slug="ida-marlow")
    section = SectionPage.objects.get(slug="conflict")
    for n in range(15):
        section.add_child(
            instance=ArticlePage(
                title=f"Extra {n}",
                slug=f"extra-{n}",
                standfirst="s",
                author=author,
                dateline_place="Paris, France",
                dateline_time_zone="Europe/Paris",
                body=[("paragraph", "<p>More.</p>")],
            )
        )
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(path)


@pytest.mark.parametrize(
    "path",
    ["/", "/search/?q=power", "/conflict/", "/authors/ida-marlow/", "/search/"],
)
def test_headings_do_not_skip_a_level_and_landmarks_are_told_apart(client, demo, path):
    """axe's heading-order and landmark-unique rules, on the listing pages."""
    html = BeautifulSoup(client.get(path).content.decode(), "html.parser")
    levels = [int(h.name[1]) for h in html.select("h1, h2, h3, h4, h5, h6")]
    assert levels and levels[0] == 1, path
    for higher, lower in itertools.pairwise(levels):
        assert lower <= higher + 1, (path, levels)
    searches = html.select("[role=search]")
    names = [s.get("aria-label") for s in searches]
    assert None not in names and len(set(names)) == len(names), (path, names)
