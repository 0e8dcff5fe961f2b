"""The demo newsroom that `make run` loads on first start.

``demo/build.py`` writes it through the actions into a throwaway site and
exports it; ``make run`` restores that export, its times moved to now.
"""

from __future__ import annotations

import datetime as dt
import json

from django.utils import timezone
from wagtail.images.models import Image

from dateline.core.management.commands.bootstrap import DEMO_FILE
from dateline.discussion.models import Comment, Thread, Vote
from dateline.importers import restore
from dateline.newsroom.models import ArticlePage, AuthorPage, HomePage, SectionPage
from demo import content
from demo.discussion import THREADS
from demo.loader import load_demo


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
    settings.MEDIA_ROOT = tmp_path / "media"
    # Beirut is UTC+2 in December: filed 22:15, published 35 minutes later.
    now = dt.datetime(2026, 12, 2, 20, 51, tzinfo=dt.UTC)
    load_demo(now, archive=False)
    newest = Comment.objects.order_by("-created_at").first()
    assert newest is not None
    assert newest.created_at <= now
    longest = max(spec[4] for specs in THREADS.values() for spec in specs)
    assert longest <= content.DISCUSSION_MINUTES


def _shipped() -> list[dict]:
    return [json.loads(line) for line in restore.lines_of(DEMO_FILE)]


def test_make_run_restores_the_shipped_demo_as_if_written_just_now(
    db, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    before = timezone.now()
    done = restore.restore(restore.lines_of(DEMO_FILE), move_to_now=True)
    shipped = _shipped()
    assert dict(done.counts) == {k: v for k, v in shipped[-1]["counts"].items() if v}
    assert counts() == {
        "articles": 16,
        "sections": 2,
        "authors": 2,
        "homes": 1,
        "images": done.counts["image"],
        "comments": done.counts["comment"],
        "votes": done.counts["vote"],
    }
    # the newest comment is as fresh now as it was when the file was written
    made = dt.datetime.fromisoformat(shipped[0]["exported_at"])
    newest_then = max(
        dt.datetime.fromisoformat(r["created_at"])
        for r in shipped
        if r["type"] == "comment"
    )
    newest = Comment.objects.order_by("-created_at").first().created_at
    assert newest <= timezone.now()
    assert before - newest < made - newest_then + dt.timedelta(days=1)
    assert (newest - newest_then) % dt.timedelta(days=1) == dt.timedelta(0)
    beirut = ArticlePage.objects.get(slug__startswith="night-of-strikes")
    assert beirut.lead_image is not None and beirut.lead_image.file.size > 1000


def test_the_shipped_demo_is_what_the_script_writes(demo):
    """The file is rebuilt (make demo) when the script changes: the front
    page's stories and their discussions are the script's own."""
    shipped = _shipped()
    articles = {r["id"]: r["slug"] for r in shipped if r["type"] == "article"}
    threads = {
        r["id"]: articles.get(r["article"]) for r in shipped if r["type"] == "thread"
    }
    in_file = {
        (threads[r["thread"]], r["body"], r["status"])
        for r in shipped
        if r["type"] == "comment"
        and threads[r["thread"]] in {a["slug"] for a in content.ARTICLES}
    }
    written = set(
        Comment.objects.values_list("thread__article__slug", "body", "status")
    )
    assert in_file == written
    titles = {r["slug"]: r["title"] for r in shipped if r["type"] == "article"}
    assert {a["slug"]: a["title"] for a in content.ARTICLES}.items() <= titles.items()


def test_the_demo_s_notes_get_their_status_from_the_scorer(demo, client):
    """The lead story's note is shown because both camps of demo readers
    rated it helpful (a scoring run decided it, nothing set it); the note on
    a comment, rated by two, waits; the partisan ones are not shown."""
    from dateline.notes.models import Note, NoteStatusChange

    lead = ArticlePage.objects.get(slug="night-of-strikes-leaves-southern-suburbs-dark")
    shown = Note.objects.get(article=lead, status="helpful")
    assert shown.positive_side >= 2 and shown.negative_side >= 2
    assert NoteStatusChange.objects.filter(
        note=shown, status="helpful", run__isnull=False
    ).exists()
    waiting = Note.objects.get(comment__isnull=False)
    assert waiting.status == "needs_more" and waiting.raters == 2
    partisan = Note.objects.filter(article__slug__startswith="coalition-talks")
    assert partisan.count() == 2 and not partisan.filter(status="helpful").exists()
    page = client.get(lead.url).content.decode()
    assert "lent to the northern network" in page
    assert "Rated helpful by readers who usually disagree." in page
