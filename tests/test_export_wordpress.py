"""The WXR export: what WordPress's importer reads, and what ours reads back."""

from __future__ import annotations

import io
from collections import Counter
from xml.etree import ElementTree

import pytest
from django.core.management import call_command

from dateline.discussion.models import Comment, Thread
from dateline.importers import actions, wxr, wxr_export
from dateline.newsroom.models import ArticlePage
from tests.conftest import import_fixture
from tests.test_export import _more_traces, empty_the_site

pytestmark = pytest.mark.django_db
WP = "{http://wordpress.org/export/1.2/}"


@pytest.fixture
def small(article, thread, a_member, another_member, a_moderator):
    article.tags.add("Night shift", "Power")
    article.save_revision().publish()
    _more_traces(thread, a_member, another_member, a_moderator)
    return thread


def written() -> str:
    out = io.StringIO()
    wxr_export.export_wxr(out)
    return out.getvalue()


def _name(tag: str) -> str:
    """``wp:comment`` whatever the WXR version and scheme of the namespace."""
    for prefix, marker in (("excerpt", "/excerpt/}"), ("wp", "wordpress.org/export/")):
        if marker in tag:
            return f"{prefix}:{tag.rsplit('}', 1)[1]}"
    return tag


def paths(root: ElementTree.Element) -> set[tuple[str, ...]]:
    found = set()

    def walk(element: ElementTree.Element, above: tuple[str, ...]) -> None:
        here = (*above, _name(element.tag))
        found.add(here)
        for child in element:
            walk(child, here)

    walk(root, ())
    return found


def test_every_element_is_one_wordpress_itself_writes(small):
    """Compared with exports WordPress wrote (the importer's test data)."""
    ours = ElementTree.fromstring(written())
    theirs = set()
    for name in (
        "wordpress-importer-theme-unit-test-data.xml",
        "wordpress-importer-valid-wxr-1.1.xml",
    ):
        theirs |= paths(ElementTree.parse(import_fixture(name)).getroot())
    # WordPress's own export.php writes these too, and its importer reads
    # them (wp:author_id keys comment_user_id; comment meta carries the
    # votes), but neither file here happens to have them.
    theirs |= {
        ("rss", "channel", "wp:author", "wp:author_id"),
        ("rss", "channel", "item", "wp:comment", "wp:commentmeta"),
        ("rss", "channel", "item", "wp:comment", "wp:commentmeta", "wp:meta_key"),
        ("rss", "channel", "item", "wp:comment", "wp:commentmeta", "wp:meta_value"),
    }
    unknown = paths(ours) - theirs
    assert unknown == set()
    keys = {m.findtext(f"{WP}meta_key") for m in ours.iter(f"{WP}commentmeta")}
    assert keys == {"wpdiscuz_votes", "wpdiscuz_votes_seperate"}


def test_what_the_wordpress_importer_insists_on(small):
    text = written()
    assert "<!DOCTYPE" not in text
    root = ElementTree.fromstring(text)
    channel = root.find("channel")
    assert channel.findtext(f"{WP}wxr_version") == "1.2"
    assert channel.findtext(f"{WP}base_site_url").startswith("http")
    logins = {a.findtext(f"{WP}author_login") for a in channel.iter(f"{WP}author")}
    for item in channel.iter("item"):
        creator = item.findtext("{http://purl.org/dc/elements/1.1/}creator")
        assert creator in logins
        # the importer sorts comments by id and links a reply only to a
        # parent it has already inserted
        seen: set[str] = set()
        ids = [int(c.findtext(f"{WP}comment_id")) for c in item.iter(f"{WP}comment")]
        assert ids == sorted(ids) and len(set(ids)) == len(ids)
        for comment in item.iter(f"{WP}comment"):
            parent = comment.findtext(f"{WP}comment_parent")
            assert parent == "0" or parent in seen
            seen.add(comment.findtext(f"{WP}comment_id"))
    states = Counter(
        c.findtext(f"{WP}comment_approved") for c in channel.iter(f"{WP}comment")
    )
    assert states == {"1": 3, "trash": 1}


def _comments() -> set[tuple]:
    """What a reader sees of each comment (WXR keeps whole seconds)."""
    return {
        (
            c.body,
            c.depth,
            c.status,
            c.upvotes,
            c.downvotes,
            c.created_at.timestamp() // 1,
        )
        for c in Comment.objects.all()
    }


def test_dateline_s_own_importer_reads_it_back_the_same(small, tmp_path, settings):
    before = _comments()
    titles = set(ArticlePage.objects.values_list("title", flat=True))
    path = tmp_path / "site.xml"
    call_command("export_wordpress", str(path), stdout=io.StringIO())
    empty_the_site()
    report = actions.import_records(wxr.read(str(path)), actions.Options(dry_run=False))
    assert not report.skipped
    assert set(ArticlePage.objects.values_list("title", flat=True)) == titles
    after = _comments()
    assert after == before
    (thread,) = Thread.objects.all()
    article = ArticlePage.objects.get()
    assert set(article.tags.names()) == {"Night shift", "Power"}
    assert thread.comment_count == 3
