"""The full export and its restore: a site leaves and comes back the same."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import io
import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone
from wagtail.images import get_image_model

from dateline.community import actions as community
from dateline.community.models import BadgeGrant, LedgerEntry, Standing
from dateline.core.models import AuditEntry
from dateline.discussion import actions
from dateline.discussion.models import Comment, CommentRevision, Report, Thread, Vote
from dateline.embed.models import EmbedIdentity, EmbedSite
from dateline.importers import export, tables
from dateline.importers.models import ImportedRecord, KeptSubscription
from dateline.importers.restore import RestoreError, restore
from dateline.moderation.models import Review, Sanction
from dateline.newsroom.models import ArticlePage, HomePage, TopStory
from dateline.notes import actions as notes
from dateline.notes import scoring as notes_scoring
from dateline.notes.models import ScoringRun
from dateline.notify.models import Follow, GuestAddress, Mute, Preferences

pytestmark = pytest.mark.django_db

# Fields of page records that point at other records, and at which kind.
PAGE_REFS = {
    "parent": "page",
    "author": "page",
    "photo": "image",
    "member": "member",
    "lead_image": "image",
    "home": "page",
    "article": "page",
}
SPACE = {kind: "page" for kind, _model, _own in export.PAGES}


def exported() -> list[dict[str, Any]]:
    out = io.StringIO()
    export.export_site(out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def canonical(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records with every id replaced by its order in the file.

    A restore gives members, pages and images new ids; what they are and
    what points at them must be the same.
    """
    order: dict[tuple[str, Any], int] = {}

    def number(space: str, old: Any) -> Any:
        if old is None:
            return None
        return order.setdefault((space, old), len([k for k in order if k[0] == space]))

    out = []
    for record in records:
        record = dict(record)
        kind = record["type"]
        if kind in ("header",):
            continue
        space = SPACE.get(kind, kind)
        if "id" in record:
            record["id"] = number(space, record["id"])
        refs = tables.TABLES[kind].refs if kind in tables.TABLES else PAGE_REFS
        for name, target in refs.items():
            if name in record:
                record[name] = number(SPACE.get(target, target), record[name])
        if kind == "article":
            for block in record["body"]:
                if isinstance(block["value"], dict) and "image" in block["value"]:
                    block["value"]["image"] = number("image", block["value"]["image"])
        if kind == "image":
            record.pop("file_name")  # the media folder may add a suffix
        if kind == "imported" and record["kind"] == "member" and record["object"]:
            record["object"] = number("member", record["object"])
        if kind == "picture":  # its member is renumbered as a page's (PAGE_REFS)
            # Re-encoded on the way in, as an upload is: a picture, not the bytes.
            record["data"] = _picture_size(record["data"])
        if kind == "ledger" and record["source"].startswith("vote:"):
            _vote, comment, voter = record["source"].split(":")
            record["source"] = f"vote:{comment}:{number('member', int(voter))}"
        out.append(record)
    return out


def _picture_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (300, 200), "teal").save(out, "PNG")
    return out.getvalue()


def _picture_size(data: str) -> tuple[int, int]:
    from PIL import Image

    return Image.open(io.BytesIO(base64.b64decode(data))).size


def empty_the_site() -> None:
    """What a new install holds: ranks, badge settings, no content."""
    for model in (Review, Sanction, BadgeGrant, LedgerEntry, Standing, Report, Vote):
        model.objects.all().delete()
    ScoringRun.objects.all().delete()
    CommentRevision.objects.all().delete()
    Comment.objects.all().delete()
    Thread.objects.all().delete()
    AuditEntry.objects.all().delete()
    EmbedSite.objects.all().delete()
    GuestAddress.objects.all().delete()
    ImportedRecord.objects.all().delete()
    for home in HomePage.objects.all():
        home.delete()
    get_image_model().objects.all().delete()
    get_user_model().objects.all().delete()


def _more_traces(thread, a_member, another_member, a_moderator) -> None:
    mine = actions.comment_post(
        actor=a_member,
        thread=thread,
        body="First <script>x()</script> try",
        moderate=False,
    )
    actions.comment_edit(actor=a_member, comment=mine, body="Second **try**, edited.")
    reply = actions.comment_post(
        actor=another_member,
        thread=thread,
        body="A reply to an edited comment.",
        parent=mine,
        moderate=False,
    )
    actions.comment_post(
        actor=None,
        thread=thread,
        body="A guest's deep reply.",
        parent=reply,
        guest=actions.GuestIdentity(
            name="Sami", email="sami@example.org", key="k" * 32
        ),
        moderate=False,
    )
    gone = actions.comment_post(
        actor=another_member, thread=thread, body="I take this back.", moderate=False
    )
    actions.comment_delete(actor=another_member, comment=gone)
    actions.comment_vote(actor=another_member, comment=mine, value=1)
    actions.comment_vote(actor=a_moderator, comment=mine, value=-1)
    actions.comment_report(actor=a_moderator, comment=reply, reason="off_topic")
    community.badge_grant(
        actor=a_moderator, member=a_member, badge="commenter", level=2, reason="Kind."
    )
    Sanction.objects.create(
        kind=Sanction.Kind.SUSPENSION,
        user=another_member,
        reason="Cool off.",
        created_by=a_moderator,
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    note = notes.note_write(
        actor=a_member,
        kind="factual_error",
        body="The bridge was shut for 41 days.",
        sources=["https://council.example.org/minutes/2026-03"],
        comment=reply,
    )
    notes.note_rate(actor=another_member, note=note, value=2, tags=["good_sources"])
    notes_scoring.run()
    # What readers chose: mail, follows, mutes, a guest's consent, and a
    # reader of an embedding site signed in as a member.
    Preferences.objects.update_or_create(
        member=a_member, defaults={"reply": "off", "mention": "off"}
    )
    Follow.objects.create(member=another_member, thread=thread)
    Mute.objects.create(member=a_member, muted=another_member)
    Mute.objects.create(member=another_member, thread=thread)
    GuestAddress.objects.create(address="sami@example.org", confirmed_at=timezone.now())
    site = EmbedSite.objects.create(
        origin="https://news.example.org", name="The News", sso_secret="s" * 40
    )
    EmbedIdentity.objects.create(site=site, external_id="reader-77", user=a_member)
    community.picture_set(member=another_member, data=_picture_bytes())
    # What an earlier import brought: a member, a thread, a comment, and a
    # member who has since deleted their account here.
    source = "disqus:old-forum"
    for kind, source_id, object_id in (
        ("member", "disqus-user-1", a_member.pk),
        ("thread", "disqus-thread-9", thread.pk),
        ("comment", "disqus-post-77", reply.pk),
        ("member", "disqus-user-gone", 10**9),
        # A thread deleted since, and its comments: an import makes them anew.
        ("thread", "disqus-thread-gone", 10**9),
        ("comment", "disqus-post-gone", 10**9),
    ):
        ImportedRecord.objects.create(
            source=source, kind=kind, source_id=source_id, object_id=object_id
        )
    KeptSubscription.objects.create(
        source="wordpress:https://old.example",
        email="sami@example.org",
        thread=thread,
        comment=reply,
        kind="replies",
        subscribed_at=timezone.now(),
    )


@pytest.fixture
def lived_in(demo, a_member, another_member, a_moderator):
    """The demo, plus the traces of a few more readers and moderators."""
    thread = Thread.objects.filter(article__isnull=False).order_by("pk").first()
    _more_traces(thread, a_member, another_member, a_moderator)
    return thread


@pytest.fixture
def small(thread, a_member, another_member, a_moderator):
    """One article and its thread, with a bit of everything."""
    _more_traces(thread, a_member, another_member, a_moderator)
    return thread


def test_a_site_leaves_and_comes_back_the_same(lived_in, settings):
    before = exported()
    kinds = {r["type"] for r in before}
    # everything the issue names travels, and the demo has some of each
    for kind in (
        "member", "article", "thread", "comment", "revision", "vote", "report",
        "badge", "sanction", "review", "ledger", "standing", "audit", "image",
        "top_story", "section", "author", "subscription", "note", "note_rating",
        "note_status", "scoring_run", "notes_setting", "mail_settings",
        "follow", "mute", "guest_address", "embed_site", "embed_identity",
        "picture", "imported",
    ):  # fmt: skip
        assert kind in kinds, kind
    assert not any("password" in r for r in before if r["type"] == "member")
    assert not any("sso_secret" in r for r in before)
    text = "\n".join(json.dumps(r) for r in before)

    empty_the_site()
    result = restore(text.splitlines())
    assert result.counts["comment"] == Comment.objects.count() > 40
    after = exported()

    # the thread versions move on by one, so no cached page passes for new
    old_versions = [r["version"] for r in before if r["type"] == "thread"]
    new_versions = [r["version"] for r in after if r["type"] == "thread"]
    assert new_versions == [v + 1 for v in old_versions]
    for record in after:
        if record["type"] == "thread":
            record["version"] -= 1
    assert canonical(after) == canonical(before)

    # a vote's line in the points history names its voter by their id here
    lines = LedgerEntry.objects.filter(source__startswith="vote:")
    assert lines.count() > 20
    for source in lines.values_list("source", flat=True):
        _vote, comment, voter = source.split(":")
        assert Vote.objects.filter(comment_id=comment, voter_id=voter).exists()

    # and what is worked out again is what it was
    mine = Comment.objects.get(body="Second **try**, edited.")
    assert mine.body_html == "<p>Second <strong>try</strong>, edited.</p>"
    assert mine.path.count("/") == 0 and mine.root_id == mine.pk
    deep = Comment.objects.get(body="A guest's deep reply.")
    assert deep.depth == 2 and deep.root_id == mine.pk
    assert deep.path.startswith(mine.path + "/")
    assert deep.guest_email == "sami@example.org"
    # ids go on after the restored ones (PostgreSQL's sequences were moved)
    newer = actions.comment_post(
        actor=None,
        thread=lived_in,
        body="Posted after the restore.",
        guest=actions.GuestIdentity(name="Ana", email="", key="a" * 32),
        moderate=False,
    )
    assert newer.pk > max(r["id"] for r in before if r["type"] == "comment")
    reader = get_user_model().objects.get(username="reader_one")
    actions.comment_vote(actor=reader, comment=newer, value=1)


def test_every_table_travels_or_says_why_not():
    from django.apps import apps

    written = {t.model for t in tables.TABLES.values()}
    by_exporter = {model for _kind, model, _own in export.PAGES}
    missing = [
        model._meta.label
        for model in apps.get_models()
        if model.__module__.startswith("dateline.")
        and model not in written
        and model not in by_exporter
        and model._meta.label not in tables.NOT_WRITTEN
        # written by the exporter itself: top stories, an article's tags
        # (with the pages), members' pictures, earlier imports' records
        and model._meta.label
        not in (
            "newsroom.TopStory",
            "newsroom.ArticleTag",
            "community.MemberPicture",
            "importers.ImportedRecord",
        )
    ]
    assert missing == []


def test_every_column_travels_or_says_why_not():
    for table in tables.TABLES.values():
        model = table.model
        written = {*table.fields, *table.refs, model._meta.pk.name}
        left = tables.LEFT_OUT.get(model, {})
        missing = [
            f.name
            for f in model._meta.concrete_fields
            if f.name not in written and f.name not in left
        ]
        assert missing == [], f"{model.__name__}: {missing}"


def _export_text() -> list[str]:
    out = io.StringIO()
    export.export_site(out)
    return out.getvalue().splitlines()


def test_a_site_with_a_discussion_is_not_restored_over(small):
    lines = _export_text()
    comments = Comment.objects.count()
    with pytest.raises(RestoreError, match=r"already has \d+ articles, \d+ threads"):
        restore(lines)
    assert Comment.objects.count() == comments


def test_a_cut_off_file_restores_nothing(small):
    lines = _export_text()
    empty_the_site()
    with pytest.raises(RestoreError, match="cut off after line"):
        restore(lines[: len(lines) // 2])
    assert not Comment.objects.exists()
    assert not ArticlePage.objects.exists()
    assert not get_user_model().objects.exists()


def test_errors_name_the_line_and_lose_nothing(small):
    lines = _export_text()
    empty_the_site()
    at = next(i for i, line in enumerate(lines) if '"type":"vote"' in line)
    vote = json.loads(lines[at])
    broken = [*lines[:at], json.dumps(dict(vote, comment=10**9)), *lines[at + 1 :]]
    with pytest.raises(
        RestoreError, match=rf"Line {at + 1}: the vote points at comment"
    ):
        restore(broken)
    broken = [*lines[:at], '{"type": "vote", "value": 1', *lines[at + 1 :]]
    with pytest.raises(RestoreError, match=rf"Line {at + 1}: not a JSON record"):
        restore(broken)
    broken = [*lines[:at], json.dumps({"type": "vote", "id": 1}), *lines[at + 1 :]]
    with pytest.raises(
        RestoreError, match=rf"Line {at + 1}: a vote record has no 'value'"
    ):
        restore(broken)
    twice = [*lines[:at], lines[at], lines[at], *lines[at + 1 :]]
    with pytest.raises(RestoreError, match="the database refused a row"):
        restore(twice)  # one vote twice: one id twice
    at = next(i for i, line in enumerate(lines) if '"type":"picture"' in line)
    picture = json.loads(lines[at])
    text = base64.b64encode(b"<svg onload=alert(1)>").decode()
    broken = [*lines[:at], json.dumps(dict(picture, data=text)), *lines[at + 1 :]]
    with pytest.raises(
        RestoreError, match=rf"Line {at + 1}: a member's picture is refused"
    ):
        restore(broken)
    header = json.loads(lines[0])
    with pytest.raises(RestoreError, match="version 2 of the format"):
        restore([json.dumps(dict(header, version=2)), *lines[1:]])
    with pytest.raises(RestoreError, match="not a Dateline export"):
        restore(['{"type": "rss"}'])
    assert not Comment.objects.exists() and not Vote.objects.exists()
    restore(lines)  # the whole file still restores
    assert Vote.objects.count() == sum('"type":"vote"' in line for line in lines)


def test_the_file_s_html_is_never_used(small):
    lines = _export_text()
    empty_the_site()
    at = next(i for i, line in enumerate(lines) if '"type":"comment"' in line)
    comment = json.loads(lines[at])
    comment.update(body="<script>alert(1)</script> hi there", body_html="<script>")
    lines[at] = json.dumps(comment)
    restore(lines)
    restored = Comment.objects.get(pk=comment["id"])
    assert "<script>" not in restored.body_html
    assert "&lt;script&gt;" in restored.body_html


def test_times_move_to_now_when_asked(small):
    lines = _export_text()
    newest = Comment.objects.order_by("-created_at").first()
    header = json.loads(lines[0])
    header["exported_at"] = (
        dt.datetime.fromisoformat(header["exported_at"]) - dt.timedelta(days=30)
    ).isoformat()
    lines[0] = json.dumps(header)
    empty_the_site()
    result = restore(lines, move_to_now=True)
    assert dt.timedelta(days=30) <= result.shifted_by < dt.timedelta(days=30, hours=1)
    moved = Comment.objects.get(pk=newest.pk)
    assert moved.created_at - newest.created_at == result.shifted_by


def test_a_dry_run_keeps_nothing(small):
    lines = _export_text()
    empty_the_site()
    result = restore(lines, dry_run=True)
    assert result.counts["comment"] == 4
    assert not Comment.objects.exists() and not ArticlePage.objects.exists()
    assert not get_image_model().objects.exists()


def test_a_restore_has_the_notes_scored_again(
    small, django_capture_on_commit_callbacks
):
    """The file leaves out what the scorer works out (common-ground scores,
    where members stand): a run follows the restore's commit."""
    from django.db import connection

    lines = _export_text()
    empty_the_site()
    # The fixture's rating asked for a run at its commit, which a test never
    # reaches; that pending request would stand in for the restore's.
    connection.run_on_commit.clear()
    with django_capture_on_commit_callbacks(execute=True):
        restore(lines)
    runs = ScoringRun.objects.order_by("-pk")
    assert runs.count() == 2  # the one the file brought, and a new one
    assert runs.first().votes == Vote.objects.count() == 2


def test_the_commands(lived_in, tmp_path):
    path = tmp_path / "site.jsonl.gz"
    out = io.StringIO()
    call_command("export_dateline", str(path), stdout=out)
    assert "comment" in out.getvalue()
    with gzip.open(path, "rt") as handle:
        assert json.loads(handle.readline())["format"] == "dateline-export"
    comments = Comment.objects.count()
    with pytest.raises(CommandError, match="already has"):
        call_command("import_dateline", str(path), stdout=io.StringIO())
    empty_the_site()
    out = io.StringIO()
    call_command("import_dateline", str(path), stdout=out)
    assert Comment.objects.count() == comments
    assert f"{comments} comments" in out.getvalue()
    assert TopStory.objects.exists()


def test_an_import_run_again_after_a_restore_adds_nothing_twice(small, a_member):
    text = _export_text()
    empty_the_site()
    restore(text)
    here = get_user_model().objects.get(username=a_member.username)
    mapped = dict(
        ImportedRecord.objects.filter(kind="member").values_list(
            "source_id", "object_id"
        )
    )
    assert mapped["disqus-user-1"] == here.pk
    # One who deleted their account here is not brought back by a new import.
    assert not get_user_model().objects.filter(pk=mapped["disqus-user-gone"]).exists()
    (comment,) = ImportedRecord.objects.filter(kind="comment")
    assert Comment.objects.get(pk=comment.object_id).body == (
        "A reply to an edited comment."
    )


def test_a_member_the_site_already_has_gets_the_file_s_mail_settings(small, a_member):
    Preferences.objects.update_or_create(
        member=a_member, defaults={"reply": "off", "thread": "off"}
    )
    text = _export_text()
    username, email = a_member.username, a_member.email
    empty_the_site()
    here = get_user_model().objects.create_user(username=username, email=email)
    Preferences.objects.create(member=here, reply="instant", thread="daily")
    restore(text)
    assert get_user_model().objects.filter(username=username).count() == 1
    mine = Preferences.objects.get(member=here)
    assert (mine.reply, mine.thread) == ("off", "off")
    assert Follow.objects.filter(thread__isnull=False).count() == 1
    identity = EmbedIdentity.objects.get(external_id="reader-77")
    assert identity.user == here
    assert identity.site.sso_secret == ""  # entered again by the administrator
