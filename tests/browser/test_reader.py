"""A reader in a real browser (Debian's chromium) opens the home page and an article."""

from __future__ import annotations

import re

import pytest

# serialized_rollback restores the page tree root that migrations create.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BEIRUT = "/conflict/night-of-strikes-leaves-southern-suburbs-dark/"


def test_home_page_shows_top_stories_and_sections(page, live_server, demo):
    page.goto(live_server.url + "/", wait_until="domcontentloaded")
    lead = page.locator(".top-stories .teaser-headline a").first
    assert lead.inner_text() == "Night of strikes leaves southern suburbs without power"
    assert page.locator("nav.sections a").all_text_contents() == [
        "Conflict",
        "Politics",
    ]
    lead.click()
    page.wait_for_url(re.compile(re.escape(BEIRUT) + "$"))
    assert page.locator("h1#headline").inner_text().startswith("Night of strikes")


def test_article_shows_dateline_author_box_video_and_map(
    page, live_server, demo, artifacts_dir
):
    page.goto(live_server.url + BEIRUT, wait_until="domcontentloaded")
    first_paragraph = page.locator(".article-body p").first
    assert first_paragraph.inner_text().startswith(
        "BEIRUT, LEBANON (10:15 P.M.) – Power was cut"
    )
    dateline = page.locator(".dateline")
    assert dateline.is_visible()
    assert dateline.evaluate("el => getComputedStyle(el).fontWeight") == "700"

    box = page.locator(".author-box")
    box.scroll_into_view_if_needed()
    assert box.is_visible()
    assert box.locator(".author-name").inner_text() == "Ida Marlow"
    assert "Aarhus, Denmark" in box.locator(".author-bio").inner_text()
    photo = box.locator("img.author-photo")
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0")

    # No request to YouTube until the reader presses play (the network is
    # loopback only here: the player's request is answered empty).
    asked = []
    page.route(
        "https://www.youtube-nocookie.com/**",
        lambda route: (asked.append(route.request.url), route.fulfill(body="")),
    )
    facade = page.locator(".block-video a.video-facade")
    assert facade.is_visible() and asked == []
    facade.click()
    frame = page.locator(".block-video iframe")
    assert (
        frame.get_attribute("src")
        == "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1"
    )
    assert page.locator(".block-video a.video-facade").count() == 0
    frame_box = frame.bounding_box()
    assert frame_box and frame_box["width"] > 300
    assert abs(frame_box["width"] / frame_box["height"] - 16 / 9) < 0.05

    map_image = page.locator(".block-map img")
    map_image.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('.block-map img').complete")
    assert map_image.evaluate("img => img.naturalWidth") == 1200
    assert (
        page.locator(".block-map figcaption").text_content().strip().startswith("Map")
    )

    page.goto(live_server.url + BEIRUT, wait_until="load")
    page.screenshot(path=str(artifacts_dir / "article.png"), full_page=True)
    assert (artifacts_dir / "article.png").stat().st_size > 10_000


def test_author_link_leads_to_the_authors_articles(page, live_server, demo):
    page.goto(live_server.url + BEIRUT, wait_until="domcontentloaded")
    page.locator(".author-box a.author-more").click()
    page.wait_for_url(re.compile(r"/authors/ida-marlow/$"))
    assert page.locator(".teaser").count() == 3


def test_unknown_page_shows_the_404_page(page, live_server, demo):
    response = page.goto(live_server.url + "/conflict/nothing-here/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"


def test_times_are_shown_in_the_readers_own_zone(browser, live_server, demo):
    """The page says its times in the site's zone; a reader in New York sees
    them in New York time, in the site's format, with the zone's name."""
    import datetime as dt
    import zoneinfo

    from django.utils import dateformat

    from dateline.newsroom.models import ArticlePage

    context = browser.new_context(timezone_id="America/New_York", locale="en-US")
    tab = context.new_page()
    try:
        tab.goto(live_server.url + BEIRUT)
        article = ArticlePage.objects.get(
            slug="night-of-strikes-leaves-southern-suburbs-dark"
        )
        published = tab.locator(".byline time").first
        when = dt.datetime.fromisoformat(published.get_attribute("datetime"))
        assert when == article.first_published_at
        there = when.astimezone(zoneinfo.ZoneInfo("America/New_York"))
        expected = f"{dateformat.format(there, 'd/m/Y H:i')} {there.tzname()}"
        tab.wait_for_function(
            "t => document.querySelector('.byline time').textContent === t",
            arg=expected,
        )
        assert published.text_content() == expected
        comment_time = tab.locator("time.comment-time").first
        assert comment_time.text_content().endswith((" EST", " EDT"))
    finally:
        context.close()
