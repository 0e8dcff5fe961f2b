"""A WordPress database on a real MariaDB server, read over a read-only account.

The dump (``tests/data/wordpress-wpdiscuz.sql``) is a small WordPress +
wpDiscuz site written here in mysqldump's shape; its comments say what
each row is for.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import TestCase

from dateline.community import actions as community
from dateline.discussion.models import Comment, Thread, Vote
from dateline.importers import actions, wordpress_db
from dateline.importers.models import ImportedRecord, KeptSubscription
from dateline.importers.sources import SourceError
from dateline.moderation.models import Review
from dateline.newsroom.models import ArticlePage
from dateline.notify.models import Follow, GuestAddress
from tests.test_community import state

pytestmark = pytest.mark.django_db
DUMP = Path(__file__).parent / "data" / "wordpress-wpdiscuz.sql"


@pytest.fixture(scope="module")
def wordpress(mariadb_server):
    """The URL of the dump's database, for an account that may only read."""
    return mariadb_server.load("harbour", DUMP.read_text())


def run(url: str, **options):
    # Each thread's transaction commits (here: what would follow its commit
    # runs), so the standings of the members it touched are refreshed.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return actions.import_records(
            wordpress_db.read(url), actions.Options(dry_run=False, **options)
        )


def votes() -> list[tuple]:
    return sorted(Vote.objects.values_list("comment__body", "voter__username", "value"))


def test_a_wordpress_site_arrives_with_its_members_votes(site, wordpress):
    report = run(wordpress)
    assert not report.skipped
    counts = report.counts
    assert counts["articles_created"] == 2  # the draft and the attachment stay
    assert counts["threads_by_url"] == 1  # the contact page's comment
    assert counts["comments_published"] == 9
    assert counts["comments_pending"] == 1
    assert counts["comments_deleted"] == 1
    assert counts["skipped_spam"] == 1 and counts["skipped_pingbacks"] == 1
    assert counts["members_created"] == 5  # every voter and writer with an email
    # votes: real rows for members, visitors' in the score
    assert counts["votes_by_members"] == 7
    assert counts["votes_skipped_own"] == 1
    assert counts["votes_skipped_on_held"] == 1
    assert counts["votes_skipped_unknown_voter"] == 1

    fergus = Comment.objects.get(body__startswith="three weeks early")
    assert (fergus.upvotes, fergus.downvotes) == (5, 1)  # 3 members, 2 up 1 down guests
    assert fergus.author.email == "Fergus.Dunne@mail.example"
    noor = Comment.objects.get(body__startswith="Same here.")
    assert (
        noor.body
        == "Same here. The notice went up on the **Friday** evening & the office was shut all weekend."
    )
    assert noor.parent_id == fergus.pk
    marta = Comment.objects.get(body__startswith="We asked the port")
    assert marta.depth == 2 and marta.author.username == "ledger_admin"
    jo = Comment.objects.get(guest_name="skipper_jo")
    assert (jo.upvotes, jo.downvotes) == (2, 0)  # Noor's last word was up
    assert "\n\nAsk anyone down the slip." in jo.body
    held = Comment.objects.get(status=Comment.Status.PENDING)
    assert "&lt;script&gt;" in held.body_html and held.upvotes == 0
    assert Review.objects.filter(comment=held).exists()
    assert votes() == sorted(
        [
            (fergus.body, "quietreader", 1),
            (fergus.body, "noor_h", 1),
            (fergus.body, "ledger_admin", 1),
            (jo.body, "noor_h", 1),
            (jo.body, "deckhand", 1),
            (
                "Who is on the bid panel though? That matters more than who bids.",
                "quietreader",
                1,
            ),
            (
                "Sell it to someone who will actually open it. Ten years of pigeons is enough.",
                "fergus",
                1,
            ),
        ]
    )
    # comment_date_gmt of zero: the local time, read as UTC
    pigeons = Comment.objects.get(body__startswith="Sell it")
    assert pigeons.created_at.isoformat() == "2024-10-20T19:00:00+00:00"
    market = ArticlePage.objects.get(slug="fish-market-sale")
    assert Thread.objects.get(article=market).is_closed
    ferry = ArticlePage.objects.get(slug="ferry-stops-early")
    assert set(ferry.tags.names()) == {"ferries", "Winter"}
    assert ferry.get_parent().slug == "harbour"
    assert ferry.author.title == "Marta Quill"

    # confirmed subscriptions are kept for the notifications
    kept = sorted(
        KeptSubscription.objects.values_list("email", "kind", "comment__guest_name")
    )
    assert kept == [
        ("fergus.dunne@mail.example", "thread", None),
        ("jo@boats.example", "replies", "skipper_jo"),
        ("noor@mail.example", "all", None),
    ]
    assert counts["subscriptions_skipped_unconfirmed"] == 1
    # ...and honoured: a member's thread subscription is a follow here, a
    # guest's address is confirmed for replies; a member's replies already are.
    assert list(Follow.objects.values_list("member__email", "thread__article")) == [
        ("Fergus.Dunne@mail.example", ferry.pk)
    ]
    assert list(
        GuestAddress.objects.filter(confirmed_at__isnull=False).values_list(
            "address", flat=True
        )
    ) == ["jo@boats.example"]
    assert (counts["subscriptions_followed"], counts["subscriptions_replies"]) == (1, 1)
    assert counts["subscriptions_covered"] == 1

    # the points earned from those votes are what a rebuild from them gives
    incremental = state()
    community.community_rebuild()
    assert state() == incremental


def test_a_second_run_changes_nothing(site, wordpress):
    run(wordpress)
    before = (
        sorted(Comment.objects.values_list("pk", "body", "upvotes", "downvotes")),
        votes(),
        KeptSubscription.objects.count(),
        get_user_model().objects.count(),
    )
    again = run(wordpress)
    assert again.counts["comments_already"] == 11
    assert again.counts["subscriptions_already"] == 3
    after = (
        sorted(Comment.objects.values_list("pk", "body", "upvotes", "downvotes")),
        votes(),
        KeptSubscription.objects.count(),
        get_user_model().objects.count(),
    )
    assert after == before


def test_the_replay_and_posting_one_by_one_agree_on_votes(site, wordpress):
    run(wordpress, one_by_one=True)
    slow = (
        sorted(Comment.objects.values_list("body", "upvotes", "downvotes", "best")),
        votes(),
    )
    ImportedRecord.objects.all().delete()
    Review.objects.all().delete()
    Comment.objects.all().delete()
    Thread.objects.all().delete()
    for page in ArticlePage.objects.all():
        page.delete()
    run(wordpress)
    fast = (
        sorted(Comment.objects.values_list("body", "upvotes", "downvotes", "best")),
        votes(),
    )
    assert fast == slow


def test_bad_addresses_get_clear_errors_without_the_password(site, wordpress):
    wrong_prefix = wordpress + "?prefix=blog_"
    with pytest.raises(SourceError, match="no blog_posts table"):
        list(wordpress_db.read(wrong_prefix))
    with pytest.raises(SourceError, match="not a WordPress prefix"):
        list(wordpress_db.read(wordpress + "?prefix=wp_;DROP"))
    with pytest.raises(SourceError, match="mysql://user:password@host"):
        list(wordpress_db.read("postgres://x@127.0.0.1/harbour"))
    bad = wordpress.replace("read-only-for-tests", "s3cret-guess")
    with pytest.raises(CommandError) as raised:
        call_command("import_wordpress_db", bad, stdout=io.StringIO())
    assert "Cannot connect" in str(raised.value)
    assert "s3cret-guess" not in str(raised.value)


def test_the_command_with_a_dry_run_first(site, wordpress):
    out = io.StringIO()
    call_command("import_wordpress_db", wordpress, "--dry-run", stdout=out)
    assert "11 comments" in out.getvalue()
    assert not Comment.objects.exists() and not Vote.objects.exists()
    call_command("import_wordpress_db", wordpress, stdout=io.StringIO())
    assert Comment.objects.count() == 11 and Vote.objects.count() == 7


def test_a_member_who_deleted_their_account_is_not_brought_back(site, mariadb_server):
    from dateline.privacy import actions as privacy

    url = mariadb_server.load("harbour_again", DUMP.read_text())
    run(url)
    fergus = get_user_model().objects.get(username="fergus")
    privacy.member_erase(member=fergus)
    # the old site goes on, and he posted there once more
    mariadb_server.sql(
        "INSERT INTO wp_comments VALUES (114, 11, 'Fergus Dunne', "
        "'fergus.dunne@mail.example', '', '203.0.113.7', '2024-09-05 10:00:00', "
        "'2024-09-05 09:00:00', 'Back again, one last time.', 0, '1', 'x', "
        "'comment', 0, 2)",
        "harbour_again",
    )
    report = run(url)
    assert report.counts["comments_published"] == 1
    assert report.counts["comments_by_deleted_members"] == 1
    User = get_user_model()
    assert not User.objects.filter(email__iexact="fergus.dunne@mail.example").exists()
    again = Comment.objects.get(body="Back again, one last time.")
    assert again.author is None and again.guest_email == ""
    assert again.display_name == "Deleted member"


def test_votes_cast_on_the_old_site_since_the_last_run_are_added(site, mariadb_server):
    url = mariadb_server.load("harbour_votes", DUMP.read_text())
    run(url)
    jo = Comment.objects.get(body__startswith="Swell was 2m")
    fergus_first = Comment.objects.get(body__startswith="three weeks early")
    before = (jo.upvotes, jo.downvotes, fergus_first.upvotes, fergus_first.downvotes)
    # On the old site meanwhile: Fergus votes skipper_jo down, the deckhand
    # votes quietreader up, and Noor turns her up on Fergus's comment down.
    mariadb_server.sql(
        "INSERT INTO wp_wc_users_voted VALUES "
        "(15,'2',104,-1,0,11,1725360000), (16,'6',110,1,0,12,1725362000), "
        "(17,'3',101,-1,0,11,1725361000)",
        "harbour_votes",
    )
    report = run(url)
    assert report.counts["votes_added_to_earlier_comments"] == 2
    assert report.counts["comments_already"] == 11
    jo.refresh_from_db()
    fergus_first.refresh_from_db()
    assert (jo.upvotes, jo.downvotes) == (before[0], before[1] + 1)
    # A vote already here stays as it is: imports never change what is here.
    assert (fergus_first.upvotes, fergus_first.downvotes) == before[2:]
    assert (
        "Sell it to someone who will actually open it. Ten years of pigeons is enough.",
        "deckhand",
        1,
    ) in votes()
    assert Vote.objects.get(comment=fergus_first, voter__username="noor_h").value == 1
    # The points follow the new votes, as a rebuild from the history gives them.
    incremental = state()
    community.community_rebuild()
    assert state() == incremental
    assert run(url).counts["votes_added_to_earlier_comments"] == 0
