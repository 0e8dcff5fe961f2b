"""A member's right of access: everything held about them, nothing about others."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from dateline.discussion import actions
from dateline.moderation.models import Sanction
from dateline.notes import actions as notes

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(thread, a_member, another_member):
    mine = actions.comment_post(
        actor=a_member, thread=thread, body="The ferry was late agian.", moderate=False
    )
    actions.comment_edit(actor=a_member, comment=mine, body="The ferry was late again.")
    theirs = actions.comment_post(
        actor=another_member,
        thread=thread,
        body="Mine was on time, oddly.",
        moderate=False,
    )
    actions.comment_vote(actor=a_member, comment=theirs, value=1)
    actions.comment_vote(actor=another_member, comment=mine, value=-1)
    actions.comment_report(actor=another_member, comment=mine, reason="off_topic")
    actions.comment_report(actor=a_member, comment=theirs, reason="spam", note="ads?")
    Sanction.objects.create(
        kind=Sanction.Kind.SUSPENSION,
        user=a_member,
        reason="Cool off for a day.",
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    Sanction.objects.create(kind=Sanction.Kind.SHADOW_BAN, user=a_member, reason="x")
    source = ["https://timetables.example.org/winter"]
    notes.note_write(
        actor=a_member,
        kind="outdated",
        body="That timetable changed in May.",
        sources=source,
        comment=theirs,
    )
    other = notes.note_write(
        actor=another_member,
        kind="factual_error",
        body="Sailings were cut, not delayed.",
        sources=source,
        comment=mine,
    )
    notes.note_rate(actor=a_member, note=other, value=0, tags=["incorrect"])
    return mine, theirs


def test_a_member_downloads_what_is_held_about_them(client, a_member, history):
    _mine, theirs = history
    client.force_login(a_member)
    page = client.get(reverse("your-data"))
    assert page.status_code == 200
    response = client.get(reverse("your-data-download"))
    assert response["Content-Disposition"].startswith(
        'attachment; filename="dateline-reader_one-'
    )
    data = json.loads(response.content)
    assert data["format"] == "dateline-member-data" and data["version"] == 1
    assert data["profile"]["username"] == "reader_one"
    (comment,) = data["comments"]
    assert comment["body"] == "The ferry was late again."
    assert [v["body"] for v in comment["earlier_versions"]] == [
        "The ferry was late agian."
    ]
    assert data["votes"] == [
        {"comment": theirs.pk, "value": 1, "at": data["votes"][0]["at"]}
    ]
    assert [(r["comment"], r["reason"], r["note"]) for r in data["reports"]] == [
        (theirs.pk, "spam", "ads?")
    ]
    assert [s["kind"] for s in data["sanctions"]] == ["suspension"]
    (note,) = data["notes"]
    assert (note["body"], note["comment"]) == (
        "That timetable changed in May.",
        theirs.pk,
    )
    (rating,) = data["note_ratings"]
    assert (rating["value"], rating["tags"]) == ("Not helpful", ["incorrect"])
    text = response.content.decode()
    # nothing about anyone else: not their text, name, nor who voted or reported
    assert "Mine was on time" not in text
    assert "reader_two" not in text
    assert "off_topic" not in text
    assert "Sailings were cut" not in text  # the note they rated is not theirs
    assert "password" not in text and "pbkdf2" not in text


def test_only_a_signed_in_member_has_data_to_download(client):
    response = client.get(reverse("your-data-download"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def _thread_counts(thread):
    thread.refresh_from_db()
    return thread.comment_count, thread.top_level_count


def test_a_member_deletes_their_account_and_comments_stay(
    client, thread, a_member, another_member, history
):
    from django.contrib.auth import get_user_model

    from dateline.core.errors import PermissionDenied
    from dateline.core.models import AuditEntry
    from dateline.discussion.models import Comment
    from dateline.moderation import sanctions

    mine, theirs = history
    reply = actions.comment_post(
        actor=another_member, thread=thread, parent=mine, body="Agreed.", moderate=False
    )
    before = _thread_counts(thread)
    email = a_member.email
    client.force_login(a_member)
    wrong = client.post(reverse("account-delete"), {"confirm": "someone_else"})
    assert "That is not your username." in wrong.content.decode()
    assert get_user_model().objects.filter(pk=a_member.pk).exists()

    response = client.post(reverse("account-delete"), {"confirm": "reader_one"})
    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=a_member.pk).exists()
    mine.refresh_from_db()
    assert mine.author is None and mine.display_name == "Deleted member"
    assert mine.body == "The ferry was late again." and mine.guest_email == ""
    assert Comment.objects.get(pk=reply.pk).parent_id == mine.pk
    assert _thread_counts(thread) == before
    theirs.refresh_from_db()
    assert theirs.upvotes == 1  # the vote they gave still counts in the score
    entry = AuditEntry.objects.get(action="member.erase")
    assert entry.target_label == f"member #{a_member.pk}"
    assert "reader_one" not in entry.target_label + entry.reason
    # the suspension still applies to the address they signed up with
    with pytest.raises(PermissionDenied, match="suspended"):
        sanctions.check(member=None, email=email)
    # the ledger of whoever they voted on already agrees with what is left
    from dateline.community import actions as community
    from dateline.community.models import LedgerEntry

    def ledger():
        return sorted(
            LedgerEntry.objects.filter(member=another_member).values_list(
                "kind", "points", "comment_id"
            )
        )

    after = ledger()
    community.standings_refresh(member_ids=[another_member.pk])
    assert ledger() == after
    # signed out
    assert client.get(reverse("your-data")).status_code == 302


def test_a_member_may_take_their_words_too(client, thread, a_member, another_member):
    mine = actions.comment_post(
        actor=a_member, thread=thread, body="Delete me later.", moderate=False
    )
    reply = actions.comment_post(
        actor=another_member, thread=thread, parent=mine, body="Noted.", moderate=False
    )
    client.force_login(a_member)
    client.post(
        reverse("account-delete"), {"confirm": "reader_one", "remove_comments": "on"}
    )
    mine.refresh_from_db()
    assert mine.is_deleted and mine.body == "" and mine.author is None
    assert mine.display_name == "Deleted member"
    reply.refresh_from_db()
    assert reply.parent_id == mine.pk and reply.body == "Noted."


def test_a_site_may_keep_the_words(client, thread, a_member, settings):
    settings.DATELINE_PRIVACY_ALLOW_COMMENT_REMOVAL = False
    mine = actions.comment_post(
        actor=a_member, thread=thread, body="This stays.", moderate=False
    )
    client.force_login(a_member)
    page = client.get(reverse("account-delete")).content.decode()
    assert "remove_comments" not in page
    client.post(
        reverse("account-delete"), {"confirm": "reader_one", "remove_comments": "on"}
    )
    mine.refresh_from_db()
    assert mine.body == "This stays." and mine.author is None


# --- guests --------------------------------------------------------------------


def _guest_post(thread, body, email="Rafi@Example.org", **extra):
    return actions.comment_post(
        actor=None,
        thread=thread,
        body=body,
        guest=actions.GuestIdentity(name="Rafi", email=email, key="k1"),
        moderate=False,
        **extra,
    )


def _link(inbox) -> str:
    """The link in the newest mail the real SMTP server received."""
    import re

    return re.search(r"http://testserver(/privacy/guests/\S+/)", inbox.text()).group(1)


def test_a_guest_asks_by_email_and_the_page_tells_nobody_else(client, thread, smtp):
    _guest_post(thread, "Ferry was late, as ever.")
    unknown = client.post(reverse("guest-request"), {"email": "nobody@example.org"})
    known = client.post(reverse("guest-request"), {"email": "rafi@example.org"})
    # the same answer whether the address is known or not
    assert unknown.status_code == known.status_code == 200
    strip = lambda r: r.content.decode().split('name="csrfmiddlewaretoken"')[0]  # noqa: E731
    assert strip(unknown) == strip(known)
    assert [to for to, _message in smtp.messages] == [["rafi@example.org"]]
    link = _link(smtp)
    page = client.get(link)
    assert "left 1 comment here" in page.content.decode()
    data = json.loads(client.get(link + "?download=1").content)
    assert [c["body"] for c in data["comments"]] == ["Ferry was late, as ever."]


def test_a_guest_erases_what_their_address_left(client, thread, a_member, smtp):
    from dateline.discussion.models import Comment, CommentRevision

    kept = _guest_post(thread, "Keep the text, forget me.")
    reply = actions.comment_post(
        actor=a_member, thread=thread, parent=kept, body="Fair.", moderate=False
    )
    other = _guest_post(thread, "Someone else's.", email="other@example.org")
    before = _thread_counts(thread)
    client.post(reverse("guest-request"), {"email": "RAFI@example.org"})
    response = client.post(_link(smtp), {})
    assert response.status_code == 302
    kept.refresh_from_db()
    assert (kept.guest_name, kept.guest_email, kept.body) == (
        "Deleted guest",
        "",
        "Keep the text, forget me.",
    )
    assert _thread_counts(thread) == before
    other.refresh_from_db()
    assert other.guest_email == "other@example.org"

    gone = _guest_post(thread, "Take this one away.", email="rafi@example.org")
    client.post(reverse("guest-request"), {"email": "rafi@example.org"})
    client.post(_link(smtp), {"remove_text": "on"})
    gone.refresh_from_db()
    assert gone.is_deleted and gone.body == "" and gone.guest_name == "Deleted guest"
    assert not CommentRevision.objects.filter(comment=gone).exists()
    assert _thread_counts(thread) == (before[0], before[1])  # counted out
    assert Comment.objects.get(pk=reply.pk).parent_id == kept.pk


def test_a_forged_or_old_link_does_nothing(client, thread, settings, smtp):
    from dateline.privacy import actions as privacy

    _guest_post(thread, "Still here.")
    token = privacy.guest_token("rafi@example.org")
    forged = token[:-2] + ("aa" if not token.endswith("aa") else "bb")
    assert client.get(reverse("guest-data", args=[forged])).status_code == 410
    settings.DATELINE_PRIVACY_GUEST_LINK_HOURS = 0
    response = client.post(reverse("guest-data", args=[token]), {"remove_text": "on"})
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()


def test_erased_words_leave_no_earlier_versions(client, thread, a_member):
    from dateline.discussion.models import CommentRevision

    mine = actions.comment_post(
        actor=a_member, thread=thread, body="First try.", moderate=False
    )
    actions.comment_edit(actor=a_member, comment=mine, body="Second try.")
    assert CommentRevision.objects.filter(comment=mine).exists()
    client.force_login(a_member)
    client.post(reverse("account-delete"), {"confirm": "reader_one"})
    assert not CommentRevision.objects.filter(comment=mine).exists()


def test_subscriptions_brought_from_wordpress_are_theirs_to_see_and_erase(
    client, thread, a_member, smtp
):
    from dateline.importers.models import KeptSubscription

    KeptSubscription.objects.create(
        source="wordpress:x", email=a_member.email, member=a_member, thread=thread,
        kind="thread",
    )  # fmt: skip
    KeptSubscription.objects.create(
        source="wordpress:x", email="Rafi@Example.org", thread=thread, kind="thread"
    )
    client.force_login(a_member)
    data = json.loads(client.get(reverse("your-data-download")).content)
    assert [s["what"] for s in data["subscriptions"]] == [
        "Every new comment in the thread"
    ]
    client.post(reverse("account-delete"), {"confirm": "reader_one"})
    assert list(KeptSubscription.objects.values_list("email", flat=True)) == [
        "Rafi@Example.org"
    ]
    # a guest whose only trace is a subscription is known, and can erase it
    client.post(reverse("guest-request"), {"email": "rafi@example.org"})
    link = _link(smtp)
    data = json.loads(client.get(link + "?download=1").content)
    assert len(data["subscriptions"]) == 1 and data["comments"] == []
    client.post(link, {})
    assert not KeptSubscription.objects.exists()


def test_the_download_holds_their_mail_choices_follows_mutes_and_sign_ins(
    client, thread, a_member, another_member
):
    from dateline.embed.models import EmbedIdentity, EmbedSite
    from dateline.notify.models import Follow, Mute, Preferences

    Preferences.objects.create(member=a_member, reply="daily", mention="off")
    Follow.objects.create(member=a_member, thread=thread)
    Mute.objects.create(member=a_member, muted=another_member)
    Mute.objects.create(member=another_member, thread=thread)  # not theirs
    site = EmbedSite.objects.create(origin="https://news.example.org")
    EmbedIdentity.objects.create(site=site, external_id="u-4411", user=a_member)
    client.force_login(a_member)
    data = json.loads(client.get(reverse("your-data-download")).content)
    assert data["mail"]["reply"] == "daily" and data["mail"]["mention"] == "off"
    assert data["mail"]["thread"] == "instant"  # the default they never changed
    assert [f["thread"] for f in data["follows"]] == [thread.title]
    assert [(m["thread"], m["member"]) for m in data["mutes"]] == [
        (None, another_member.get_username())
    ]
    assert [(s["site"], s["their_id_there"]) for s in data["signed_in_by"]] == [
        ("https://news.example.org", "u-4411")
    ]
