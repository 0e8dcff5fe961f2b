"""Open Graph and schema.org metadata on article pages."""

from __future__ import annotations

import json

from bs4 import BeautifulSoup

from dateline.newsroom.models import ArticlePage

BEIRUT = "/conflict/night-of-strikes-leaves-southern-suburbs-dark/"


def test_article_has_open_graph_tags(client, demo):
    html = BeautifulSoup(client.get(BEIRUT).content.decode(), "html.parser")
    og = {m["property"]: m["content"] for m in html.select("meta[property]")}
    assert og["og:type"] == "article"
    assert og["og:title"] == "Night of strikes leaves southern suburbs without power"
    assert og["og:image"].startswith("http://testserver/media/images/")
    assert og["article:section"] == "Conflict"


def test_article_has_news_article_json_ld(client, demo):
    article = ArticlePage.objects.get(
        slug="night-of-strikes-leaves-southern-suburbs-dark"
    )
    html = BeautifulSoup(client.get(BEIRUT).content.decode(), "html.parser")
    data = json.loads(html.select_one('script[type="application/ld+json"]').string)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == article.title
    assert data["dateline"] == article.dateline_text
    assert data["author"] == {
        "@type": "Person",
        "name": "Ida Marlow",
        "url": "http://localhost/authors/ida-marlow/",
    }
    assert data["articleSection"] == "Conflict"
    assert data["datePublished"].startswith(
        article.first_published_at.date().isoformat()
    )


def test_hostile_headline_cannot_escape_json_ld(client, demo):
    article = ArticlePage.objects.get(
        slug="night-of-strikes-leaves-southern-suburbs-dark"
    )
    article.title = '</script><script>alert("x")</script>'
    article.save_revision().publish()
    body = client.get(BEIRUT).content.decode()
    assert '<script>alert("x")</script>' not in body


def test_every_address_a_page_gives_is_the_public_one(client, demo):
    """Canonical link, og:url, JSON-LD, sitemap and feed ids follow
    DATELINE_SITE_URL, not the ``http://localhost`` the site was made with."""
    import xml.etree.ElementTree as ET

    from dateline.newsroom import actions

    public = "https://news.example.org"
    assert actions.site_address_set(public)
    assert not actions.site_address_set(public)  # nothing left to change
    html = BeautifulSoup(client.get(BEIRUT).content.decode(), "html.parser")
    og = {m["property"]: m["content"] for m in html.select("meta[property]")}
    data = json.loads(html.select_one('script[type="application/ld+json"]').string)
    assert html.select_one('link[rel="canonical"]')["href"] == public + BEIRUT
    assert og["og:url"] == public + BEIRUT
    assert data["url"] == public + BEIRUT
    assert data["author"]["url"].startswith(public + "/authors/")

    sitemap = ET.fromstring(client.get("/sitemap.xml").content)
    locations = [loc.text for loc in sitemap.iter() if loc.tag.endswith("loc")]
    assert locations and all(loc.startswith(public + "/") for loc in locations)
    rss = ET.fromstring(client.get("/feeds/rss.xml").content)
    guids = [guid.text for guid in rss.iter("guid")]
    assert guids and all(guid.startswith(public + "/") for guid in guids)
