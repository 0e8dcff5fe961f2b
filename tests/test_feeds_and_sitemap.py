"""Feeds, sitemap and robots.txt are valid, also for an empty site."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from wagtail.models import Site

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def xml(response) -> ET.Element:
    assert response.status_code == 200
    return ET.fromstring(response.content)


def test_rss_feed_lists_the_newest_articles(client, demo):
    root = xml(client.get("/feeds/rss.xml"))
    items = root.findall("./channel/item")
    assert len(items) == 6
    first = items[0]
    assert first.findtext("title")
    assert first.findtext("link").startswith("http://testserver/")
    assert first.findtext("pubDate")
    description = first.findtext("description")
    assert "(" in description and "M.) –" in description  # the dateline leads


def test_atom_feed_is_valid_atom(client, demo):
    root = xml(client.get("/feeds/atom.xml"))
    assert root.tag == f"{ATOM}feed"
    assert len(root.findall(f"{ATOM}entry")) == 6
    assert root.find(f"{ATOM}entry/{ATOM}author/{ATOM}name").text in {
        "Ida Marlow",
        "Tomás Reyes Holt",
    }


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_section_feeds_hold_only_that_section(client, demo, kind):
    root = xml(client.get(f"/feeds/politics/{kind}.xml"))
    text = ET.tostring(root, encoding="unicode")
    assert "Coalition talks collapse" in text
    assert "Night of strikes" not in text


def test_unknown_section_feed_is_404(client, demo):
    assert client.get("/feeds/sport/rss.xml").status_code == 404


@pytest.mark.parametrize("path", ["/feeds/rss.xml", "/feeds/atom.xml", "/sitemap.xml"])
def test_empty_site_still_gives_valid_xml(client, site, path):
    root = xml(client.get(path))
    assert root is not None


@pytest.mark.parametrize("path", ["/feeds/rss.xml", "/feeds/atom.xml", "/sitemap.xml"])
def test_site_with_no_site_record_gives_valid_xml(client, site, path):
    Site.objects.all().delete()
    root = xml(client.get(path))
    if path == "/sitemap.xml":
        assert root.findall(f"{SITEMAP}url") == []


def test_sitemap_lists_every_live_page(client, demo):
    root = xml(client.get("/sitemap.xml"))
    locations = {loc.text for loc in root.iter(f"{SITEMAP}loc")}
    assert (
        "http://localhost/conflict/night-of-strikes-leaves-southern-suburbs-dark/"
        in locations
    )
    assert "http://localhost/authors/ida-marlow/" in locations
    assert (
        len(locations) == 1 + 2 + 1 + 2 + 6
    )  # home, sections, authors index, authors, articles


def test_robots_txt_points_at_the_sitemap(client, demo):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Disallow: /admin/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body
