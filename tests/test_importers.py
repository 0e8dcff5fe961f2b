"""Importers against real export files written by other projects.

The files are read from ``../shared/fixtures/import/`` at test time (never
copied here); the counts asserted are the ones its README gives. Small
files written here cover the edge cases those do not.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.discussion.models import Comment, Thread
from dateline.importers import actions, disqus, html, isso, wxr
from dateline.importers import records as r
from dateline.importers.models import ImportedRecord
from dateline.importers.sources import Origin, SourceError
from dateline.moderation.models import Review
from dateline.newsroom.models import ArticlePage
from tests.conftest import import_fixture

pytestmark = pytest.mark.django_db


def fixture(name: str) -> str:
    return str(import_fixture(name))


def run(records: Any, **options: Any) -> Any:
    return actions.import_records(records, actions.Options(dry_run=False, **options))


def snapshot() -> dict[str, Any]:
    """Everything an import writes, to compare two states."""
    return {
        "comments": sorted(
            Comment.objects.values_list(
                "pk", "thread_id", "parent_id", "status", "body", "upvotes", "downvotes"
            )
        ),
        "threads": sorted(Thread.objects.values_list("pk", "url", "article_id")),
        "articles": sorted(ArticlePage.objects.values_list("pk", "slug")),
        "users": sorted(get_user_model().objects.values_list("pk", "email")),
        "map": ImportedRecord.objects.count(),
    }


# --- WordPress ---------------------------------------------------------------


def test_isso_s_wordpress_file(site):
    report = run(wxr.read(fixture("isso-tests-wordpress.xml")))
    assert report.counts["articles_created"] == 1
    assert report.counts["comments_published"] == 8
    assert not report.skipped
    article = ArticlePage.objects.get()
    assert article.title == "Hello, World…"
    hello = Comment.objects.filter(thread__article=article)
    assert hello.count() == 7
    by_body = {c.body: c for c in hello}
    first = by_body["Zweiter."]
    (reply,) = hello.filter(parent=first)
    assert reply.body == "Drölfter!"
    # 8 and 9 answer 7: two levels under 6
    assert sorted(c.depth for c in hello.filter(parent=reply)) == [2, 2]
    # comment_date_gmt wins over the local comment_date (ten hours apart)
    multi = by_body[
        "When you have a comment with multiple lines:\nWordPress exports it like this."
    ]
    assert multi.created_at == dt.datetime(2022, 6, 6, 2, 13, 14, tzinfo=dt.UTC)
    assert "<br" in multi.body_html
    # the ?p=4 item keeps its one comment, on a thread by URL
    other = Thread.objects.get(url="http://example.tld/?p=4")
    assert Comment.objects.filter(thread=other).count() == 1
    # comment_user_id 1 is a member (matched or created by email, trimmed)
    member = get_user_model().objects.get(email="info@posativ.org")
    assert hello.filter(author=member).count() == 5
    guest = by_body["Erster!1"]
    assert guest.author is None and guest.guest_email == "test@example.org"


def test_registered_commenters_are_matched_by_email(site):
    existing = get_user_model().objects.create_user("posativ", email="Info@Posativ.org")
    report = run(wxr.read(fixture("isso-tests-wordpress.xml")))
    assert report.counts["members_matched"] == 1
    assert "members_created" not in report.counts
    assert Comment.objects.filter(author=existing).count() == 6


def test_theme_unit_test_data(site):
    report = run(wxr.read(fixture("wordpress-importer-theme-unit-test-data.xml")))
    assert report.counts["comments_published"] == 26
    assert report.counts["comments_pending"] == 3
    assert report.counts["skipped_pingbacks"] == 4
    assert Comment.objects.count() == 29
    # the commenting user is the export's author "themedemos", by email
    member = get_user_model().objects.get(email="themeshaperwp+demos@gmail.com")
    assert (member.username, member.get_full_name()) == ("themedemos", "Theme Buster")
    assert Comment.objects.filter(author=member).count() == 4
    # one reply chain nine deep (ten levels)
    assert max(Comment.objects.values_list("depth", flat=True)) == 9
    # held comments wait in the moderation queue
    held = Comment.objects.filter(status=Comment.Status.PENDING)
    assert Review.objects.filter(comment__in=held, state="pending").count() == 3
    # posts become articles with their tags and sections, back-dated
    assert report.counts["articles_created"] == ArticlePage.objects.count() > 50
    article = ArticlePage.objects.get(slug="template-comments")
    assert article.first_published_at.year < 2020
    assert article.dateline_place == ""
    assert Thread.objects.get(article=article).comment_count > 10


def test_the_minimal_wxr_1_1(site):
    report = run(wxr.read(fixture("wordpress-importer-valid-wxr-1.1.xml")))
    assert report.counts["articles_created"] == 1
    assert report.counts["comments_published"] == 1


def test_importing_again_changes_nothing(site):
    path = fixture("wordpress-importer-theme-unit-test-data.xml")
    run(wxr.read(path))
    before = snapshot()
    again = run(wxr.read(path))
    assert snapshot() == before
    assert again.counts["comments_already"] == 29
    assert "articles_created" not in again.counts


def test_a_dry_run_writes_nothing_and_counts_what_a_run_does(site):
    path = fixture("isso-tests-wordpress.xml")
    before = snapshot()
    dry = actions.import_records(wxr.read(path), actions.Options(dry_run=True))
    assert snapshot() == before
    real = run(wxr.read(path))
    assert dry.counts == real.counts


WXR = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><wp:base_blog_url>https://blog.example</wp:base_blog_url>
<item><title>Ferry strike</title><link>https://blog.example/ferry-strike/</link>
<dc:creator>ed</dc:creator><wp:post_id>5</wp:post_id>
<wp:post_date_gmt>2019-03-01 08:00:00</wp:post_date_gmt>
<wp:post_name>ferry-strike</wp:post_name><wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type>
<content:encoded><![CDATA[The crews walked out at dawn.

<h2>What next</h2>
Talks resume <strong>monday</strong>. <img src="https://blog.example/x.jpg">]]></content:encoded>
{comments}
</item></channel></rss>
"""


def comment(
    cid: int, body: str, parent: int = 0, approved: str = "1", meta: str = ""
) -> str:
    return f"""<wp:comment><wp:comment_id>{cid}</wp:comment_id>
<wp:comment_author>reader {cid}</wp:comment_author>
<wp:comment_date_gmt>2019-03-01 09:{cid:02d}:00</wp:comment_date_gmt>
<wp:comment_content><![CDATA[{body}]]></wp:comment_content>
<wp:comment_approved>{approved}</wp:comment_approved>
<wp:comment_parent>{parent}</wp:comment_parent>{meta}</wp:comment>"""


def wxr_file(*comments: str) -> io.BytesIO:
    return io.BytesIO(WXR.replace("{comments}", "\n".join(comments)).encode())


def test_old_html_arrives_safe_and_as_written(site):
    run(
        wxr.read(
            wxr_file(
                comment(
                    1, "lol <script>alert('x')</script> <b>really</b>\n\nsecond para"
                ),
                comment(
                    2,
                    '<a href="javascript:alert(1)">click</a> <a href="https://ok.example/">ok</a>',
                ),
            )
        )
    )
    first, second = Comment.objects.order_by("pk")
    assert "<script" not in first.body_html
    assert "&lt;script&gt;" in first.body_html  # shown as text
    assert "<strong>really</strong>" in first.body_html
    assert first.body_html.count("<p>") == 2
    assert "javascript:" not in second.body_html
    assert "click" in second.body_html
    assert 'href="https://ok.example/"' in second.body_html
    article = ArticlePage.objects.get()
    kinds = [block.block_type for block in article.body]
    assert kinds == ["paragraph", "heading", "paragraph"]
    assert "<b>monday</b>" in str(article.body[2].value)
    assert article.standfirst.startswith("The crews walked out at dawn.")


def test_wpdiscuz_votes_become_the_score(site):
    votes = (
        "<wp:commentmeta><wp:meta_key>wpdiscuz_votes_seperate</wp:meta_key>"
        '<wp:meta_value><![CDATA[a:2:{s:4:"like";i:7;s:7:"dislike";i:-2;}]]>'
        "</wp:meta_value></wp:commentmeta>"
    )
    net_only = (
        "<wp:commentmeta><wp:meta_key>wpdiscuz_votes</wp:meta_key>"
        "<wp:meta_value>-3</wp:meta_value></wp:commentmeta>"
    )
    run(
        wxr.read(
            wxr_file(
                comment(1, "Good point", meta=votes),
                comment(2, "Bad point", meta=net_only),
            )
        )
    )
    good, bad = Comment.objects.order_by("pk")
    assert (good.upvotes, good.downvotes, good.score) == (7, 2, 5)
    assert good.best > 0
    assert (bad.upvotes, bad.downvotes, bad.score) == (0, 3, -3)


def test_states_and_a_reply_to_a_held_comment(site):
    report = run(
        wxr.read(
            wxr_file(
                comment(1, "held one", approved="0"),
                comment(2, "answer to the held one", parent=1),
                comment(3, "binned", approved="trash"),
                comment(4, "reply to the binned one", parent=3),
                comment(5, "buy pills", approved="spam"),
                comment(6, "strange", approved="maybe"),
            )
        )
    )
    by_body = {c.body: c for c in Comment.objects.all()}
    assert by_body["held one"].status == Comment.Status.PENDING
    # never shown where it was: held with its parent
    assert by_body["answer to the held one"].status == Comment.Status.PENDING
    binned = Comment.objects.get(status=Comment.Status.DELETED)
    assert binned.body == ""
    assert by_body["reply to the binned one"].parent == binned
    assert report.counts["skipped_spam"] == 1
    assert [w for w, _ in report.skipped] == ["<item> 1 (Ferry strike), <wp:comment> 6"]
    assert 'unknown comment_approved "maybe"' in report.skipped[0][1]


def test_a_newer_export_adds_only_what_is_new(site):
    run(wxr.read(wxr_file(comment(1, "first"), comment(2, "second", parent=1))))
    newer = run(
        wxr.read(
            wxr_file(
                comment(1, "first"),
                comment(2, "second", parent=1),
                comment(3, "third", parent=2),
            )
        )
    )
    assert newer.counts["comments_already"] == 2
    assert newer.counts["comments_published"] == 1
    third = Comment.objects.get(body="third")
    assert third.parent.body == "second" and third.depth == 2
    assert ArticlePage.objects.count() == 1


def test_an_interrupted_import_resumes(site):
    def broken() -> Any:
        for n, record in enumerate(wxr.read(fixture("isso-tests-wordpress.xml"))):
            yield record
            if isinstance(record, r.Comment) and n > 6:
                raise KeyboardInterrupt  # the power goes while the next thread is read

    with pytest.raises(KeyboardInterrupt):
        run(broken())
    assert Comment.objects.count() == 0  # the thread in progress was rolled back
    run(wxr.read(fixture("isso-tests-wordpress.xml")))
    assert Comment.objects.count() == 8


def test_a_broken_file_names_the_line():
    text = WXR.replace("{comments}", comment(1, "ok")).replace("</item>", "</itm>")
    line = text[: text.index("</itm>")].count("\n") + 1
    with pytest.raises(SourceError, match=rf"at line {line}, column"):
        list(wxr.read(io.BytesIO(text.encode())))


def test_entities_are_refused():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><rss><channel>&b;</channel></rss>'
    )
    with pytest.raises(SourceError, match="refused for safety"):
        list(wxr.read(io.BytesIO(bomb.encode())))


def test_not_a_wordpress_file():
    with pytest.raises(SourceError, match="not a WordPress export"):
        list(wxr.read(io.BytesIO(b"<html><body/></html>")))


# --- Disqus and Isso -----------------------------------------------------------


def test_isso_s_disqus_file(site):
    report = run(disqus.read(fixture("isso-tests-disqus.xml")))
    assert Thread.objects.count() == 2
    assert Comment.objects.count() == 5
    # the orphan is reported, not imported
    assert report.skipped == [
        ("<post dsq:id=6>", "its thread (dsq:id=1337) is not in the file")
    ]
    deleted = Comment.objects.get(status=Comment.Status.DELETED)
    (reply,) = Comment.objects.filter(parent=deleted)
    assert reply.body_html == "<p>Hello, World.</p>"
    empty_title = Thread.objects.get(url__endswith="/redacted/index.html")
    assert Comment.objects.filter(thread=empty_title).count() == 1


def test_the_isso_database(site, article):
    article.slug = "port-reopens"
    article.save()
    report = run(isso.read(fixture("isso-0.14.db"), site_url="https://news.example"))
    assert report.counts["comments_published"] == 55
    assert report.counts["comments_pending"] == 2
    assert report.counts["comments_deleted"] == 1
    assert report.counts["replies"] == 15
    assert report.counts["threads_matched"] == 1  # onto the existing article
    on_article = Comment.objects.filter(thread__article=article).count()
    assert on_article == 14
    ceasefire = Thread.objects.get(
        url="https://news.example/2026/11/ceasefire-talks-stall/"
    )
    votes = Comment.objects.filter(thread=ceasefire)
    assert sum(votes.values_list("upvotes", flat=True)) == 27
    assert sum(votes.values_list("downvotes", flat=True)) == 6
    deleted = Comment.objects.get(status=Comment.Status.DELETED)
    assert Comment.objects.filter(parent=deleted).count() == 1
    scripted = Comment.objects.get(body__contains="<script")
    assert "<script" not in scripted.body_html and "&lt;script" in scripted.body_html
    assert scripted.guest_name == "Anonymous"
    assert Comment.objects.filter(body__regex=r"[\u0600-\u06FF]").exists()
    assert len(Comment.objects.exclude(guest_email="")) == 54


def test_a_file_that_is_not_an_isso_database(tmp_path):
    bad = tmp_path / "comments.db"
    bad.write_bytes(b"not a database at all" * 100)
    with pytest.raises(SourceError, match="not an Isso database"):
        list(isso.read(bad))


# --- the commands ------------------------------------------------------------------


def test_the_commands(site, capsys):
    call_command("import_isso", fixture("isso-0.14.db"), "--dry-run")
    out = capsys.readouterr().out
    assert "Dry run: nothing was written." in out
    assert "comments published: 55" in out
    assert Comment.objects.count() == 0
    call_command("import_disqus", fixture("isso-tests-disqus.xml"))
    assert "its thread (dsq:id=1337) is not in the file" in capsys.readouterr().out
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_wordpress", "/nonexistent/export.xml")
    with pytest.raises(CommandError, match="not a WordPress export"):
        call_command("import_wordpress", fixture("isso-tests-disqus.xml"))


def test_every_origin_comes_first():
    for records in (
        wxr.read(fixture("isso-tests-wordpress.xml")),
        disqus.read(fixture("isso-tests-disqus.xml")),
        isso.read(fixture("isso-0.14.db")),
    ):
        kinds = [
            type(rec) for rec in records if not isinstance(rec, (r.Member, r.Skipped))
        ]
        assert kinds[0] is Origin


@pytest.mark.parametrize(
    "text",
    [
        "lol",
        "a *b* c_d [x](http://y) `code` back\\slash",
        "line one\nline  two\n\n\n  para two  ",
        "windows\r\nline ends\r\n\r\nand paragraphs",
        "   \n\nleading blank lines, trailing spaces   \n",
        "émoji 🙂 and ünïcode — dashes",
    ],
)
def test_plain_comments_take_a_short_way_to_the_same_markdown(text):
    assert html.comment_markdown(text) == html._from_html(text)


def _rows() -> list[tuple]:
    """Every imported comment as readers and counters see it, keyed by source."""
    source_of = {
        m.object_id: (m.source, m.source_id)
        for m in ImportedRecord.objects.filter(kind="comment")
    }
    rows = []
    for c in Comment.objects.select_related("parent", "root", "thread"):
        rows.append(
            (
                source_of[c.pk],
                source_of.get(c.parent_id) if c.parent_id else None,
                source_of[c.root_id],
                c.thread.url or c.thread.title,
                c.depth,
                c.status,
                c.body,
                c.body_html,
                c.excerpt_html,
                c.held_because,
                c.created_at,
                c.published_at,
                c.author.username if c.author else None,
                c.guest_name,
                c.guest_email,
                bool(c.guest_key_hash),
                (c.upvotes, c.downvotes, c.score, round(c.best, 9)),
                (c.reply_count, c.branch_count),
                len(c.path.split("/")),
            )
        )
    return sorted(rows, key=repr)


def _threads() -> list[tuple]:
    return sorted(
        Thread.objects.values_list("title", "comment_count", "top_level_count"),
        key=repr,
    )


def _everything(one_by_one: bool) -> tuple[list, list, list]:
    for records in (
        wxr.read(fixture("wordpress-importer-theme-unit-test-data.xml")),
        wxr.read(fixture("isso-tests-wordpress.xml")),
        disqus.read(fixture("isso-tests-disqus.xml")),
        isso.read(fixture("isso-0.14.db"), site_url="https://news.example"),
        wxr.read(
            wxr_file(
                comment(1, "first"),
                comment(2, "reply", 1),
                comment(6, "held", approved="0"),
            )
        ),
    ):
        run(records, one_by_one=one_by_one)
    # and a newer export answering old comments, at two depths
    run(
        wxr.read(
            wxr_file(
                comment(1, "first"),
                comment(2, "reply", 1),
                comment(6, "held", approved="0"),
                comment(3, "answers the first", 1),
                comment(4, "answers the reply", 2),
                comment(5, "and on", 4),
                comment(7, "answers the held one", 6),
            )
        ),
        one_by_one=one_by_one,
    )
    queue = sorted(Review.objects.values_list("comment__body", "state", "reasons"))
    return _rows(), _threads(), queue


def test_the_replay_writes_what_posting_one_by_one_writes(site):
    slow = _everything(one_by_one=True)
    assert len(slow[0]) > 100
    # start again from an empty discussion
    ImportedRecord.objects.all().delete()
    Review.objects.all().delete()
    Comment.objects.all().delete()
    Thread.objects.all().delete()
    for page in ArticlePage.objects.all():
        page.delete()
    fast = _everything(one_by_one=False)
    assert fast == slow


def test_an_imported_article_is_live_and_editable_like_any_other(site, admin_client):
    run(wxr.read(fixture("wordpress-importer-valid-wxr-1.1.xml")))
    article = ArticlePage.objects.get()
    assert article.live and not article.has_unpublished_changes
    assert article.live_revision_id == article.latest_revision_id is not None
    assert article.live_revision.as_object().title == article.title
    edit = admin_client.get(f"/admin/pages/{article.pk}/edit/")
    assert edit.status_code == 200 and article.title in edit.content.decode()
    assert admin_client.get(article.url).status_code == 200


_WORDS = st.sampled_from(
    [
        "ferry",
        "late",
        "again",
        "a_b",
        "*x*",
        "[y]",
        "`c`",
        "back\\slash",
        "ünï",
        "🙂",
        "1.",
    ]
)
_SPACES = st.sampled_from([" ", "  ", "\n", "\n\n", "\r\n", "\n \n", "\t"])
_ENTITIES = st.sampled_from(["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"])


@st.composite
def _inline_html(draw: Any) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.integers(0, 3))
        if kind == 0:
            parts.append(draw(_WORDS))
        elif kind == 1:
            parts.append(draw(_SPACES))
        elif kind == 2:
            parts.append(draw(_ENTITIES))
        else:
            inner = "".join(
                draw(st.lists(st.one_of(_WORDS, _ENTITIES, st.just(" ")), max_size=4))
            )
            tag = draw(st.sampled_from(["b", "strong", "i", "em", "a"]))
            if tag == "a":
                href = draw(
                    st.sampled_from(["https://x.example/a_b", "http://y.example"])
                )
                inner = draw(st.sampled_from([inner, href]))
                parts.append(f'<a href="{href}">{inner}</a>')
            else:
                parts.append(f"<{tag}>{inner}</{tag}>")
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(_inline_html())
def test_simple_inline_html_takes_a_short_way_to_the_same_markdown(text):
    assert html.comment_markdown(text) == html._from_html(text)


def test_the_short_way_is_taken_for_simple_markup():
    simple = (
        'Source? <b>police</b> &amp; rain\n\nsee <a href="https://x.example">this</a>'
    )
    assert html._inline(simple) is not None
    assert html._inline("<b><i>nested</i></b>") is None
    assert html._inline('<a href="javascript:x()">no</a>') is None
