"""The demo newsroom that `make run` loads on first start."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from wagtail.images.models import Image

from dateline.discussion.models import Comment, Thread, Vote
from dateline.newsroom.models import ArticlePage, AuthorPage, HomePage, SectionPage


def counts() -> dict[str, int]:
    return {
        "articles": ArticlePage.objects.count(),
        "sections": SectionPage.objects.count(),
        "authors": AuthorPage.objects.count(),
        "homes": HomePage.objects.count(),
        "images": Image.objects.count(),
        "comments": Comment.objects.count(),
        "votes": Vote.objects.count(),
    }


def test_demo_has_the_reference_shape(demo):
    articles = list(ArticlePage.objects.live())
    assert len(articles) == 6
    assert SectionPage.objects.count() == 2
    assert AuthorPage.objects.filter(short_bio__gt="").count() == 2
    assert len({a.dateline_time_zone for a in articles}) == 6
    kinds = {block.block_type for a in articles for block in a.body}
    assert {"paragraph", "video", "map", "quote", "heading"} <= kinds
    assert all(a.author_id for a in articles)


def test_every_demo_article_carries_a_lively_thread(demo):
    for article in ArticlePage.objects.live():
        thread = Thread.objects.get(article=article)
        assert thread.comment_count >= 2
    beirut = Thread.objects.get(article__slug__startswith="night-of-strikes")
    comments = Comment.objects.filter(thread=beirut)
    assert comments.filter(depth__gte=4).exists()  # deeper than shown nested
    assert comments.filter(author__isnull=True).exists()  # guests
    assert comments.filter(excerpt_html__gt="").exists()  # a "Read more »"
    assert comments.filter(upvotes__gte=5).exists()
    # the article's own author answers in the thread
    ida = AuthorPage.objects.get(slug="ida-marlow")
    assert comments.filter(author=ida.user).exists()


def test_loading_the_demo_twice_changes_nothing(demo, capsys):
    before = counts()
    call_command("load_demo", "--no-archive")
    assert counts() == before
    assert "0 of 6 articles created" in capsys.readouterr().out


def test_demo_articles_were_filed_at_their_local_clock_times(demo):
    beirut = ArticlePage.objects.get(
        slug="night-of-strikes-leaves-southern-suburbs-dark"
    )
    assert beirut.dateline_text == "BEIRUT, LEBANON (10:15 P.M.) –"
    assert beirut.first_published_at > beirut.filed_at


def test_the_demo_discussion_lies_in_the_past_whatever_the_hour(db, settings, tmp_path):
    """Loaded just after the first article's clock time, no comment is dated
    later than the moment of loading (readers saw the newest comments sorted
    below ones from the future, and CI failed at 21:00 UTC)."""
    from dateline.discussion.demo import THREADS
    from dateline.newsroom.demo import content
    from dateline.newsroom.demo.loader import load_demo

    settings.MEDIA_ROOT = tmp_path / "media"
    # Beirut is UTC+2 in December: filed 22:15, published 35 minutes later.
    now = dt.datetime(2026, 12, 2, 20, 51, tzinfo=dt.UTC)
    load_demo(now, archive=False)
    newest = Comment.objects.order_by("-created_at").first()
    assert newest is not None
    assert newest.created_at <= now
    longest = max(spec[4] for specs in THREADS.values() for spec in specs)
    assert longest <= content.DISCUSSION_MINUTES
