"""Reading comforts: comment counts on cards, the jump to the comments, share
links that load nothing from the networks, and a feed of a thread's latest
comments."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

from dateline.discussion import actions

pytestmark = pytest.mark.django_db

ARTICLE = "/world/bridge-reopens/"


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def say(live, thread, who, body, **extra):
    return live(
        actions.comment_post,
        actor=who,
        thread=thread,
        body=body,
        moderate=False,
        **extra,
    )


def test_cards_count_the_comments_and_lead_to_them(
    live, client, thread, a_member, another_member
):
    section = soup(client.get("/world/"))
    assert section.select_one(".teaser .teaser-comments") is None  # none yet
    say(live, thread, a_member, "First, and probably wrong.")
    say(live, thread, another_member, "Second, with a source.")
    for path in ("/world/", "/", "/search/?q=bridge", "/ida/"):
        link = soup(client.get(path)).select_one(".teaser .teaser-comments")
        assert link is not None, path
        assert link.get_text() == "2 comments"
        assert link["href"] == ARTICLE + "#comments"


def test_the_article_jumps_to_its_comments_and_shares_without_scripts(
    live, client, thread, a_member, settings
):
    say(live, thread, a_member, "Only one so far.")
    page = soup(client.get(ARTICLE))
    jump = page.select_one(".article-header .jump-comments")
    assert jump.get_text() == "1 comment"
    assert jump["href"] == "#comments"
    assert page.select_one("section#comments") is not None

    links = {a.get_text(): a["href"] for a in page.select(".share a")}
    assert set(links) >= {"Email", "Bluesky", "X", "Facebook", "WhatsApp"}
    canonical = page.select_one("link[rel=canonical]")["href"]
    assert canonical.endswith(ARTICLE)
    assert parse_qs(urlsplit(links["Facebook"]).query)["u"] == [canonical]
    assert parse_qs(urlsplit(links["Email"]).query) == {
        "subject": ["Bridge reopens"],
        "body": [canonical],
    }
    assert canonical in parse_qs(urlsplit(links["Bluesky"]).query)["text"][0]
    assert page.select_one("[data-share-copy]")["data-share-copy"] == canonical
    # nothing from the networks: no script, frame or image from another host
    for tag in page.select("script[src], iframe[src], img[src]"):
        assert "//" not in tag["src"], tag


def test_a_thread_has_a_feed_of_its_latest_published_comments(
    live, client, thread, a_member, another_member
):
    say(live, thread, a_member, "The *first* word on the bridge.")
    held = live(
        actions.comment_post,
        actor=another_member,
        thread=thread,
        body="Held for a moderator.",
        moderate=False,
    )
    from dateline.discussion.models import Comment

    Comment.objects.filter(pk=held.pk).update(status=Comment.Status.PENDING)
    newest = say(live, thread, another_member, "And the last one, for now.")

    page = soup(client.get(ARTICLE))
    alternate = page.select_one(
        'link[rel=alternate][type="application/rss+xml"][href*="/threads/"]'
    )
    assert alternate["href"] == f"/threads/{thread.pk}/feed.xml"
    assert page.select_one(".thread-feed a")["href"] == alternate["href"]

    response = client.get(alternate["href"])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ElementTree.fromstring(response.content).find("channel")
    assert channel.findtext("title").startswith("Comments on “Bridge reopens”")
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == [
        "reader_two on “Bridge reopens”",
        "Noor Haddad on “Bridge reopens”",
    ]
    assert items[0].findtext("link").endswith(f"/comments/{newest.pk}/")
    assert "<em>first</em>" in items[1].findtext("description")
    assert "Held for a moderator" not in response.content.decode()


def test_a_feed_exists_only_for_a_live_article(client, thread, db):
    assert client.get("/threads/999999/feed.xml").status_code == 404
    thread.article.unpublish()
    assert client.get(f"/threads/{thread.pk}/feed.xml").status_code == 404


def test_the_preview_shows_the_text_as_a_post_would(client, a_member, db, settings):
    settings.DATELINE_COMMENTS_MAX_LENGTH = 50
    client.force_login(a_member)
    response = client.post(
        "/comments/preview/", {"body": "**Bold** claim, @reader_one <script>x</script>"}
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = soup(response).select_one(".comment-body")
    assert body.select_one("strong").get_text() == "Bold"
    assert body.select_one("a.mention")["href"] == "/members/reader_one/"
    assert "<script" not in response.content.decode()

    for text, says in (("   ", "Write something"), ("y" * 51, "at most 50")):
        answer = soup(client.post("/comments/preview/", {"body": text}))
        assert says in answer.select_one(".form-error").get_text()
    assert client.get("/comments/preview/").status_code == 405


def test_gone_writers_and_comments_read_as_such(live, client, thread, a_member):
    from dateline.privacy import actions as privacy

    kept = say(live, thread, a_member, "Words that outlive the account.")
    top = say(live, thread, a_member, "Soon deleted by its writer.")
    live(
        actions.comment_post,
        actor=None,
        thread=thread,
        body="A reply that keeps the deleted one in place.",
        parent=top,
        guest=actions.GuestIdentity(name="Rafi"),
        moderate=False,
    )
    live(actions.comment_delete, actor=a_member, comment=top)
    live(privacy.member_erase, member=a_member)

    page = soup(client.get(ARTICLE))
    gone = page.select_one(f"#comment-{kept.pk} .comment-meta")
    assert gone.select_one(".comment-author.is-gone").get_text() == "Deleted member"
    assert gone.select_one(".avatar-gone") is not None
    assert gone.select_one(".role") is None  # not called a guest
    assert gone.select_one("a.comment-author") is None  # no profile to visit
    assert "Words that outlive" in page.select_one(f"#comment-{kept.pk}").get_text()

    deleted = page.select_one(f"#comment-{top.pk}")
    assert deleted.select_one(".comment-author").get_text() == "Deleted comment"
    assert deleted.select_one(".comment-body").get_text() == (
        "Its writer deleted this comment; the replies to it stay."
    )
    assert "keeps the deleted one" in deleted.get_text()
