"""How the pages look to a reader: the masthead on a phone and a desktop,
dark mode (the system's, and the reader's own choice), the account pages,
axe-core's serious and critical findings on every public page type in both
themes, and the article's screenshots (README, "Screenshots")."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser import axe

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BEIRUT = "/conflict/night-of-strikes-leaves-southern-suburbs-dark/"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _tab(browser: Any, viewport: dict[str, int], scheme: str = "light") -> Any:
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    axe.install(context)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    return tab


def _background_luminance(tab: Any) -> float:
    """The page's background, 0 (black) to 1 (white)."""
    return tab.evaluate(
        """() => {
            const [r, g, b] = getComputedStyle(document.documentElement)
                .backgroundColor.match(/\\d+/g).map(Number);
            return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
        }"""
    )


def _public_pages() -> dict[str, str]:
    from taggit.models import Tag

    from dateline.discussion.models import Comment
    from dateline.newsroom.models import AuthorPage, SectionPage

    member = (
        Comment.objects.filter(author__isnull=False)
        .values_list("author__username", flat=True)
        .first()
    )
    answered = Comment.objects.filter(status=Comment.Status.PUBLISHED).first()
    return {
        "home": "/",
        "section": SectionPage.objects.live().first().url,
        "article": BEIRUT,
        "author": AuthorPage.objects.live().first().url,
        "tag": f"/tags/{Tag.objects.first().slug}/",
        "search": "/search/?q=power",
        "profile": f"/members/{member}/",
        "leaderboard": "/community/leaderboard/",
        "sign-in": "/accounts/login/",
        "sign-up": "/accounts/signup/",
        "password-reset": "/accounts/password/reset/",
        "guest-data": "/privacy/guests/",
        "reply": f"/comments/{answered.pk}/reply/",
        "not-found": "/conflict/nothing-here/",
    }


def test_the_masthead_keeps_to_one_row_on_a_desktop_and_two_on_a_phone(
    browser, live_server, demo
):
    for viewport, most in ((PHONE, 120), (DESKTOP, 80)):
        tab = _tab(browser, viewport)
        try:
            tab.goto(live_server.url + BEIRUT)
            masthead = tab.locator("header.masthead").bounding_box()
            assert masthead["height"] < most, (viewport, masthead)
            search = tab.locator("#site-search-q")
            assert search.is_visible()
            field = search.bounding_box()
            assert field["y"] + field["height"] <= masthead["y"] + masthead["height"]
            if viewport is DESKTOP:  # the masthead spans the page's width
                assert masthead["width"] == viewport["width"]
                assert tab.locator("nav.sections a").first.is_visible()
            # nothing runs off the side of the screen
            assert tab.evaluate(
                "() => document.documentElement.scrollWidth <= window.innerWidth"
            )
        finally:
            tab.context.close()
    tab = _tab(browser, DESKTOP)
    try:
        tab.goto(live_server.url + "/")
        brand = tab.locator(".brand").bounding_box()
        field = tab.locator("#site-search-q").bounding_box()
        # on a desktop the search field sits on the brand's row
        assert (
            abs((brand["y"] + brand["height"] / 2) - (field["y"] + field["height"] / 2))
            < 12
        )
        icon = tab.request.get(
            live_server.url + tab.locator("link[rel=icon]").get_attribute("href")
        )
        assert icon.ok and icon.headers["content-type"].startswith("image/svg")
    finally:
        tab.context.close()


def test_dark_mode_follows_the_system_until_the_reader_chooses(
    browser, live_server, demo
):
    tab = _tab(browser, DESKTOP, scheme="dark")
    try:
        tab.goto(live_server.url + BEIRUT)
        assert _background_luminance(tab) < 0.2
        toggle = tab.locator("[data-theme-toggle]")
        assert toggle.get_attribute("aria-pressed") == "true"

        toggle.click()
        assert _background_luminance(tab) > 0.9
        assert toggle.get_attribute("aria-pressed") == "false"
        tab.reload()
        # remembered across pages, applied before the first paint
        assert tab.evaluate("() => document.documentElement.dataset.theme") == "light"
        assert _background_luminance(tab) > 0.9

        # choosing what the system asks for forgets the choice
        tab.locator("[data-theme-toggle]").click()
        assert _background_luminance(tab) < 0.2
        assert tab.evaluate("() => localStorage.getItem('dateline-theme')") is None
        tab.emulate_media(color_scheme="light")
        assert _background_luminance(tab) > 0.9
    finally:
        tab.context.close()

    tab = _tab(browser, PHONE, scheme="light")
    try:
        tab.goto(live_server.url + "/")
        tab.locator("[data-theme-toggle]").click()
        tab.goto(live_server.url + BEIRUT)
        assert _background_luminance(tab) < 0.2
        body = tab.locator(".comment-body").first
        colour = body.evaluate("el => getComputedStyle(el).color")
        red, green, blue = (int(part) for part in colour[4:-1].split(","))
        assert min(red, green, blue) > 150, colour  # light text on the dark page
    finally:
        tab.context.close()


def test_account_pages_stack_their_fields_in_the_sites_style(
    browser, live_server, demo
):
    tab = _tab(browser, PHONE)
    try:
        tab.goto(live_server.url + "/accounts/signup/")
        label = tab.locator("label[for=id_email]").bounding_box()
        field = tab.locator("#id_email").bounding_box()
        main = tab.locator("main").bounding_box()
        assert label["y"] + label["height"] <= field["y"] + 1  # label above field
        assert field["width"] > 0.85 * (main["width"] - 32)
        assert tab.locator("#id_email").evaluate(
            "el => getComputedStyle(el).fontFamily"
        ) == tab.locator("main").evaluate("el => getComputedStyle(el).fontFamily")
    finally:
        tab.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_public_pages_have_no_serious_accessibility_findings(
    browser, live_server, demo, scheme
):
    found = {}
    for viewport in (DESKTOP, PHONE):
        tab = _tab(browser, viewport, scheme=scheme)
        try:
            for name, path in _public_pages().items():
                tab.goto(live_server.url + path, wait_until="load")
                problems = axe.serious_violations(tab)
                if problems:
                    found[f"{name} {viewport['width']}px"] = problems
        finally:
            tab.context.close()
    assert not found, found


def test_article_screenshots_light_and_dark_desktop_and_phone(
    browser, live_server, demo, artifacts_dir
):
    for scheme in ("light", "dark"):
        for label, viewport in (("desktop", DESKTOP), ("mobile", PHONE)):
            tab = _tab(browser, viewport, scheme=scheme)
            try:
                tab.goto(live_server.url + BEIRUT, wait_until="load")
                path = artifacts_dir / f"article-{scheme}-{label}.png"
                tab.screenshot(path=str(path), full_page=True)
                assert path.stat().st_size > 10_000
            finally:
                tab.context.close()


NAMES = ["Rafi", "M. Okafor", "lena_k", "Sadiq", "grandad bill", "Ayşe T.", "Joon"]


def _archive_bodies(count: int) -> list[str]:
    import gzip
    import json

    from demo.build import OUTPUT

    bodies = []
    with gzip.open(OUTPUT, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record["type"] == "comment" and record["thread"] != 1 and record["body"]:
                bodies.append(record["body"])
                if len(bodies) == count:
                    break
    return bodies


def test_an_article_with_150_comments_is_light_and_asks_no_other_host(
    browser, live_server, demo
):
    """≤ 60 KB compressed before images, and nothing from another host.

    The test server sends files uncompressed; each answer is counted at its
    gzip size, as nginx and the pre-compressed static files send it.
    """
    import gzip

    from dateline.discussion import actions
    from dateline.discussion.models import Comment, Thread
    from dateline.newsroom.models import ArticlePage

    article = ArticlePage.objects.get(
        slug="night-of-strikes-leaves-southern-suburbs-dark"
    )
    thread = Thread.objects.get(article=article)
    already = Comment.objects.filter(thread=thread).count()
    # Varied text (the demo archive's comments, from other threads), so the
    # page does not compress better than a real one would.
    bodies = _archive_bodies(150)
    previous = None
    for n, body in enumerate(bodies[: 150 - already]):
        previous = actions.comment_post(
            actor=None,
            thread=thread,
            body=body,
            guest=actions.GuestIdentity(name=NAMES[n % len(NAMES)]),
            parent=previous if n % 3 else None,
            moderate=False,
        )
    tab = _tab(browser, PHONE)
    sizes: dict[str, int] = {}
    elsewhere: list[str] = []

    def counted(response: Any) -> None:
        url = response.url
        if not url.startswith(live_server.url):
            elsewhere.append(url)
            return
        if response.request.resource_type == "image":
            return
        body = response.body()
        if response.headers.get("content-encoding"):
            sizes[url] = response.request.sizes()["responseBodySize"]
        else:
            sizes[url] = len(gzip.compress(body, 6))

    try:
        tab.on("response", counted)
        tab.route(
            lambda url: not url.startswith(live_server.url),
            lambda route: (elsewhere.append(route.request.url), route.abort()),
        )
        tab.goto(live_server.url + BEIRUT, wait_until="networkidle")
        tab.mouse.wheel(0, 20_000)
        tab.wait_for_load_state("networkidle")
        total = sum(sizes.values())
        print(f"article page, {150} comments: {total / 1024:.1f} KB compressed")
        for url, size in sorted(sizes.items(), key=lambda kv: -kv[1]):
            print(f"  {size / 1024:6.1f} KB  {url.removeprefix(live_server.url)}")
        assert total <= 60 * 1024, sizes
        assert elsewhere == []
    finally:
        tab.context.close()
