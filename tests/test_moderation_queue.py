"""Moderators' decisions: approve, reject, ban, suspend, shadow-ban, undo;
readers' reports and their weight; the queue page; the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from dateline.core.errors import Conflict, PermissionDenied
from dateline.core.models import AuditEntry
from dateline.discussion import actions, selectors
from dateline.discussion.models import Comment, Report, Thread
from dateline.moderation import decisions, queue
from dateline.moderation.models import BannedPhrase, Review, Sanction
from dateline.moderation.screening import Signals

from .conftest import _user

pytestmark = [pytest.mark.django_db, pytest.mark.moderation]

PHRASE_ONLY = ["dateline.moderation.scorers.BannedPhraseScorer"]


@pytest.fixture(autouse=True)
def _phrases_only(settings):
    settings.DATELINE_MODERATION_SCORERS = PHRASE_ONLY


@pytest.fixture
def numpty(db):
    return BannedPhrase.objects.create(phrase="numpty", action="hold")


def counts(thread):
    thread = Thread.objects.get(pk=thread.pk)
    return thread.comment_count, thread.top_level_count


def guest_post(thread, body, client, name="Guest", email="", run=None):
    """A guest's comment from the address ``client`` (through ``run``, e.g. live)."""
    kwargs = {
        "actor": None,
        "thread": thread,
        "body": body,
        "guest": actions.GuestIdentity(name, email, f"key-{name}"),
        "signals": Signals(client=client),
    }
    return (
        run(actions.comment_post, **kwargs) if run else actions.comment_post(**kwargs)
    )


def decide(review, moderator, action, **extra):
    """A moderator's decision on the item as they last saw it."""
    return decisions.decide(
        moderator=moderator,
        review_id=review.pk,
        version=review.version,
        action=action,
        **extra,
    )


def held(thread, member, text="The councillor is a numpty about bridges."):
    comment = actions.comment_post(actor=member, thread=thread, body=text)
    assert comment.is_pending
    return Review.objects.get(comment=comment, state="pending")


def test_approving_a_flagged_comment_publishes_it_and_undo_holds_it_again(
    thread, a_member, a_moderator, numpty
):
    review = held(thread, a_member)
    assert review.source == "scorers"
    assert queue.counts()[queue.FLAGGED] == 1
    assert counts(thread) == (0, 0)

    outcome = decide(review, a_moderator, "approve")
    comment = Comment.objects.get(pk=review.comment_id)
    assert comment.is_published and comment.published_at is not None
    assert counts(thread) == (1, 1)
    assert "Approved" in outcome.message
    entry = AuditEntry.objects.get(action="moderation.approve")
    assert entry.actor == a_moderator
    assert entry.before == {"status": "pending"}
    assert entry.after["status"] == "published"
    assert queue.counts() == {
        "pending": 0,
        "flagged": 0,
        "reported": 0,
        "watch": 0,
        "decided": 1,
    }

    decided = outcome.review
    decisions.undo(moderator=a_moderator, review_id=decided.pk, version=decided.version)
    comment.refresh_from_db()
    assert comment.is_pending
    assert counts(thread) == (0, 0)
    assert queue.counts()[queue.FLAGGED] == 1
    assert AuditEntry.objects.filter(action="moderation.undo").count() == 1

    # Approved again after the undo: counted once, not twice.
    review = Review.objects.get(pk=review.pk)
    decide(review, a_moderator, "approve")
    assert counts(thread) == (1, 1)


def test_rejecting_removes_the_comment_with_the_reason_and_undo_restores_the_text(
    thread, a_member, a_moderator, numpty
):
    review = held(thread, a_member)
    decide(review, a_moderator, "reject", note="Name-calling")
    comment = Comment.objects.get(pk=review.comment_id)
    assert comment.is_removed and comment.body == ""
    review.refresh_from_db()
    assert review.state == "rejected" and review.note == "Name-calling"
    assert AuditEntry.objects.get(action="moderation.reject").reason == "Name-calling"

    decisions.undo(moderator=a_moderator, review_id=review.pk, version=review.version)
    comment.refresh_from_db()
    assert comment.is_pending
    assert comment.body == "The councillor is a numpty about bridges."
    assert "numpty" in comment.body_html


def test_two_moderators_on_one_item_cannot_both_win(
    thread, a_member, a_moderator, numpty
):
    second = _user("mod_two")
    second.groups.set(a_moderator.groups.all())
    review = held(thread, a_member)
    seen = review.version
    decisions.decide(
        moderator=a_moderator, review_id=review.pk, version=seen, action="approve"
    )
    with pytest.raises(Conflict) as refused:
        decisions.decide(
            moderator=second, review_id=review.pk, version=seen, action="reject"
        )
    assert refused.value.code == "stale"
    assert "mod_one already decided" in refused.value.message
    assert Comment.objects.get(pk=review.comment_id).is_published
    assert (
        AuditEntry.objects.filter(action__startswith="moderation.")
        .exclude(action="moderation.hold")
        .count()
        == 1
    )


def test_only_moderators_decide(thread, a_member, another_member, numpty):
    review = held(thread, a_member)
    with pytest.raises(PermissionDenied):
        decide(review, another_member, "approve")


def test_ban_stops_the_writer_everywhere_and_undo_lifts_it(
    thread, a_member, a_moderator, another_member, numpty
):
    other = actions.comment_post(actor=another_member, thread=thread, body="Civil.")
    review = held(thread, a_member)
    decide(review, a_moderator, "ban", note="Repeated abuse")
    sanction = Sanction.objects.get()
    assert sanction.kind == "ban" and sanction.user == a_member
    for attempt in (
        lambda: actions.comment_post(actor=a_member, thread=thread, body="Hello."),
        lambda: actions.comment_vote(actor=a_member, comment=other, value=1),
        lambda: actions.comment_report(actor=a_member, comment=other, reason="spam"),
    ):
        with pytest.raises(PermissionDenied) as refused:
            attempt()
        assert refused.value.code == "banned"
        assert "Repeated abuse" in refused.value.message

    review.refresh_from_db()
    decisions.undo(moderator=a_moderator, review_id=review.pk, version=review.version)
    assert not Sanction.active().exists()
    actions.comment_post(actor=a_member, thread=thread, body="Back, and civil.")


def test_suspension_ends_by_itself(thread, a_member, a_moderator, numpty, monkeypatch):
    review = held(thread, a_member)
    with pytest.raises(Exception, match="1 to 365 days"):
        decide(review, a_moderator, "suspend", days=0)
    decide(review, a_moderator, "suspend", days=3)
    with pytest.raises(PermissionDenied) as refused:
        actions.comment_post(actor=a_member, thread=thread, body="Hello again.")
    assert refused.value.code == "suspended"
    assert "suspended until" in refused.value.message
    # Four days later the same process lets them post, with nothing saved.
    later = timezone.now() + dt.timedelta(days=4)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert actions.comment_post(actor=a_member, thread=thread, body="Hello again.")


def test_bans_by_email_and_by_ip_range_cover_guests(thread):
    Sanction.objects.create(kind="ban", email="troll@example.test")
    with pytest.raises(PermissionDenied):
        guest_post(thread, "Hi.", "", name="T", email="Troll@Example.test")
    Sanction.objects.create(kind="ban", ip_network="203.0.113.0/24")
    with pytest.raises(PermissionDenied):
        guest_post(thread, "Hi.", "203.0.113.77", name="T2")
    fine = guest_post(thread, "Hi.", "203.0.114.1", name="N")
    assert fine.is_published


def test_a_sanction_must_name_someone_and_a_sane_range():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Name a member"):
        Sanction(kind="ban").clean()
    with pytest.raises(ValidationError, match="too wide"):
        Sanction(kind="ban", ip_network="10.0.0.0/8").clean()
    with pytest.raises(ValidationError, match=r"203\.0\.113\.0/24"):
        Sanction(kind="ban", ip_network="not an address").clean()
    with pytest.raises(ValidationError, match="end date"):
        Sanction(kind="suspension", email="a@b.test").clean()
    ok = Sanction(kind="ban", ip_network="203.0.113.9/24")
    ok.clean()
    assert ok.ip_network == "203.0.113.0/24"


def test_shadow_ban_from_three_points_of_view(
    client, thread, a_member, another_member, a_moderator, numpty
):
    review = held(thread, a_member)
    decide(review, a_moderator, "shadow_ban")
    later = actions.comment_post(
        actor=a_member, thread=thread, body="Nobody seems to answer me lately."
    )
    assert later.is_shadowed
    assert counts(thread) == (0, 0)

    def ids(viewer):
        page = selectors.thread_page_for_reader(thread, viewer=viewer)
        return {n.comment.pk for n in page.nodes}

    # The writer sees both, as if published: no notice that gives it away.
    assert ids(selectors.Viewer(user=a_member)) == {review.comment_id, later.pk}
    client.force_login(a_member)
    mine = client.get(f"/api/threads/{thread.pk}/comments").json()
    assert {c["status"] for c in mine["comments"]} == {"published"}
    page = client.get("/world/bridge-reopens/").content.decode()
    assert "Nobody seems to answer me lately." in page
    assert "Waiting for review" not in page
    # Another member sees neither.
    assert ids(selectors.Viewer(user=another_member)) == set()
    client.force_login(another_member)
    assert "Nobody seems" not in client.get("/world/bridge-reopens/").content.decode()
    # Nor does an anonymous reader, served from the page cache.
    client.logout()
    assert "Nobody seems" not in client.get("/world/bridge-reopens/").content.decode()


def test_reports_from_several_members_hide_a_comment_until_decided(
    thread, a_member, a_moderator
):
    comment = actions.comment_post(actor=a_member, thread=thread, body="Hot take.")
    readers = [_user(f"reader_{n}") for n in range(3)]
    actions.comment_report(actor=None, comment=comment, reason="abuse", guest_key="g1")
    actions.comment_report(actor=readers[0], comment=comment, reason="abuse")
    actions.comment_report(actor=readers[1], comment=comment, reason="threat")
    comment.refresh_from_db()
    assert comment.is_published  # weight 2 so far (the guest does not count)
    assert queue.counts()[queue.REPORTED] == 1

    actions.comment_report(actor=readers[2], comment=comment, reason="abuse", note="x")
    comment.refresh_from_db()
    assert comment.is_pending and counts(thread) == (0, 0)
    assert AuditEntry.objects.get(action="moderation.hide").actor is None
    # Readers see a placeholder only if replies hang on it; here, nothing.
    page = selectors.thread_page_for_reader(thread, viewer=selectors.Viewer())
    assert page.nodes == []

    [item] = queue.items(queue.REPORTED)
    assert [(line.reason, line.count) for line in item.report_lines] == [
        ("Abusive or hateful", 3),
        ("Threat of violence", 1),
    ]
    assert item.report_weight == 3.0

    # The moderator disagrees: back in view, and the reporters weigh less.
    review = item.review
    decide(review, a_moderator, "approve")
    comment.refresh_from_db()
    assert comment.is_published and counts(thread) == (1, 1)
    assert set(Report.objects.values_list("outcome", flat=True)) == {"dismissed"}

    second = actions.comment_post(actor=a_member, thread=thread, body="Another.")
    for reader in readers:
        actions.comment_report(actor=reader, comment=second, reason="abuse")
    second.refresh_from_db()
    assert second.is_published  # 3 x 0.5: not enough any more


def test_upheld_reports_make_a_reporter_weigh_more(thread, a_member, a_moderator):
    readers = [_user(f"watcher_{n}") for n in range(2)]
    first = actions.comment_post(actor=a_member, thread=thread, body="Bad one.")
    for reader in readers:
        actions.comment_report(actor=reader, comment=first, reason="abuse")
    review = Review.objects.get(comment=first)
    decide(review, a_moderator, "reject")
    # Two reporters the moderators agreed with now hide a comment together.
    second = actions.comment_post(actor=a_member, thread=thread, body="Worse one.")
    for reader in readers:
        actions.comment_report(actor=reader, comment=second, reason="abuse")
    second.refresh_from_db()
    assert second.is_pending


def test_a_per_article_policy_overrides_the_site(thread, a_member):
    Thread.objects.filter(pk=thread.pk).update(moderation_mode="pre_all")
    thread.refresh_from_db()
    comment = actions.comment_post(actor=a_member, thread=thread, body="First!")
    assert comment.is_pending
    assert Review.objects.get(comment=comment).source == "policy"
    assert queue.counts()[queue.PENDING] == 1


def test_the_queue_page_shows_tabs_reasons_and_context(
    client, thread, a_member, a_moderator, another_member, numpty
):
    parent = actions.comment_post(actor=another_member, thread=thread, body="Opening.")
    actions.comment_post(
        actor=a_member,
        thread=thread,
        parent=parent,
        body="You numpty, read the report.",
    )
    client.force_login(another_member)
    assert client.get(reverse("moderation_queue")).status_code in (302, 403)
    client.force_login(a_moderator)
    html = client.get(reverse("moderation_queue") + "?tab=flagged").content.decode()
    assert "Auto-flagged" in html and '<span class="mq-count">1</span>' in html
    assert "<mark>numpty</mark>" in html
    assert "Bridge reopens" in html
    assert "In reply to reader_two" in html and "Opening." in html
    assert "0 published" in html  # the writer's record


def test_bulk_and_undo_through_the_admin(client, thread, a_member, a_moderator, numpty):
    reviews = [
        held(thread, a_member, f"Numpty number {n} on the bridge.") for n in range(3)
    ]
    client.force_login(a_moderator)
    response = client.post(
        reverse("moderation_decide"),
        {
            "tab": "flagged",
            "action": "reject",
            "reason": "abuse",
            "item": [f"{r.pk}:{r.version}" for r in reviews],
        },
    )
    assert response.status_code == 302
    assert Comment.objects.filter(status="removed").count() == 3
    assert (
        AuditEntry.objects.get(
            action="moderation.reject", target_id=str(reviews[0].comment_id)
        ).reason
        == "Abusive or hateful"
    )
    # The same page posted again (stale versions) changes nothing.
    again = client.post(
        reverse("moderation_decide"),
        {"tab": "flagged", "action": "approve", "item": f"{reviews[0].pk}:1"},
        follow=True,
    )
    assert "already decided" in again.content.decode()
    last = client.session["dateline.moderation.last"]
    client.post(
        reverse("moderation_undo"),
        {"tab": "flagged", "item": [f"{pk}:{v}" for pk, v in last]},
    )
    assert Comment.objects.filter(status="pending").count() == 3


def test_the_audit_log_is_filterable_by_decision(
    client, admin_user, thread, a_member, numpty
):
    review = held(thread, a_member)
    decide(review, admin_user, "approve")
    client.force_login(admin_user)
    everything = client.get(reverse("audit_log:index")).content.decode()
    assert "moderation.hold" in everything and "moderation.approve" in everything
    listing = client.get(reverse("audit_log:index") + "?action=moderation.approve")
    html = listing.content.decode()
    assert "moderation.approve" in html
    assert "moderation.hold" not in html


def api_post_as(client, thread, name, peer, forwarded=""):
    headers = {"REMOTE_ADDR": peer}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(
        f"/api/threads/{thread.pk}/comments",
        data=f'{{"body": "A note from {name} about the bridge.", "name": "{name}"}}',
        content_type="application/json",
        **headers,
    )


def test_a_spoofed_forwarded_header_does_not_dodge_the_rate_limit(
    client, settings, thread
):
    settings.DATELINE_MODERATION_SCORERS = ["dateline.moderation.scorers.RateScorer"]
    settings.DATELINE_MODERATION_PER_MINUTE_PER_ADDRESS = 3
    # A new guest each time, a made-up address each time, from one machine.
    answers = [
        api_post_as(client, thread, f"Guest{n}", "198.51.100.7", f"10.9.9.{n}")
        for n in range(4)
    ]
    assert [a.status_code for a in answers] == [201, 201, 201, 422]
    assert answers[-1].json()["reasons"][0]["code"] == "rate"
    # Behind the trusted proxy, the header names different people: all pass.
    client.cookies.clear()
    behind = [
        api_post_as(client, thread, f"Proxied{n}", "127.0.0.1", f"203.0.113.{n}")
        for n in range(4)
    ]
    assert [a.status_code for a in behind] == [201] * 4


def test_a_spoofed_forwarded_header_does_not_dodge_an_ip_ban(client, thread):
    Sanction.objects.create(kind="ban", ip_network="198.51.100.0/24")
    response = api_post_as(client, thread, "Sneaky", "198.51.100.7", "192.0.2.1")
    assert response.status_code == 403
    assert response.json()["code"] == "banned"


def test_addresses_are_kept_coarse_and_forgotten_after_the_retention(settings, thread):
    from django.core.management import call_command

    settings.DATELINE_IP_RETENTION_DAYS = 30
    post = guest_post(thread, "Hello from a guest.", "203.0.113.77", name="G")
    assert post.ip_network == "203.0.113.0/24"
    assert len(post.ip_hash) == 32 and "203.0.113.77" not in post.ip_hash
    six = guest_post(thread, "Hello over IPv6.", "2001:db8:1234:5678::1", name="H")
    assert six.ip_network == "2001:db8:1234::/48"
    Comment.objects.filter(pk=post.pk).update(
        created_at=timezone.now() - dt.timedelta(days=31)
    )
    call_command("purge_addresses")
    post.refresh_from_db()
    six.refresh_from_db()
    assert (post.ip_network, post.ip_hash) == ("", "")
    assert six.ip_network  # younger than the retention


def test_a_hidden_comment_with_replies_leaves_a_placeholder(
    thread, a_member, another_member
):
    comment = actions.comment_post(actor=a_member, thread=thread, body="Claim.")
    reply = actions.comment_post(
        actor=another_member, thread=thread, parent=comment, body="Counterpoint."
    )
    for n in range(3):
        actions.comment_report(actor=_user(f"r{n}"), comment=comment, reason="spam")
    page = selectors.thread_page_for_reader(thread, viewer=selectors.Viewer())
    [node] = page.nodes
    assert node.hidden and node.comment.body_html == ""
    assert [child.comment.pk for child in node.children] == [reply.pk]
    mine = selectors.thread_page_for_reader(
        thread, viewer=selectors.Viewer(user=a_member)
    )
    assert not mine.nodes[0].hidden and "Claim." in mine.nodes[0].comment.body_html


def test_editing_a_discussion_policy_in_the_admin_is_audited(
    client, admin_user, thread
):
    client.force_login(admin_user)
    version = Thread.objects.get(pk=thread.pk).version
    response = client.post(
        reverse("discussions:edit", args=[thread.pk]),
        {"moderation_mode": "pre_new", "slow_seconds": "60"},
    )
    assert response.status_code == 302
    thread.refresh_from_db()
    assert (thread.moderation_mode, thread.slow_seconds) == ("pre_new", 60)
    assert thread.version > version
    entry = AuditEntry.objects.get(action="thread.edit")
    assert entry.after["moderation_mode"] == "pre_new"


def test_the_demo_puts_comments_in_every_tab(demo):
    assert queue.counts() == {
        "pending": 1,
        "flagged": 2,
        "reported": 2,
        "watch": 2,
        "decided": 3,
    }
    reasons = {
        tab: [
            code
            for item in queue.items(tab)
            for r in item.reasons
            for code in [r["code"]]
        ]
        for tab in queue.TABS
    }
    assert reasons["pending"] == ["newcomer"]
    assert reasons["flagged"] == ["toxicity", "toxicity"]
    assert reasons["watch"] == ["toxicity", "toxicity"]
    watched = [item.review.comment for item in queue.items(queue.WATCH)]
    assert all(c.is_published for c in watched)
    removed = Comment.objects.get(status=Comment.Status.REMOVED, author__isnull=False)
    assert "monitors' findings" in removed.held_because  # for its writer
    hidden = Comment.objects.get(guest_name="Wide Awake")
    assert hidden.is_pending  # three members' reports hid it
    assert Sanction.objects.get().kind == "ban"  # the link spammer


def test_a_moderator_reaches_every_moderation_page(client, a_moderator, thread):
    client.force_login(a_moderator)
    for url in (
        reverse("moderation_queue"),
        reverse("sanctions:index"),
        reverse("sanctions:add"),
        reverse("discussions:edit", args=[thread.pk]),
        reverse("audit_log:index"),
    ):
        assert client.get(url).status_code == 200, url


def test_a_sanction_added_in_the_admin_records_who_and_is_audited(
    client, a_moderator, a_member, thread
):
    client.force_login(a_moderator)
    response = client.post(
        reverse("sanctions:add"),
        {"kind": "ban", "ip_network": "198.51.100.9/24", "reason": "Spam wave"},
    )
    assert response.status_code == 302
    sanction = Sanction.objects.get()
    assert sanction.ip_network == "198.51.100.0/24"
    assert sanction.created_by == a_moderator
    assert AuditEntry.objects.get(action="sanction.create").actor == a_moderator
    # A member suspended until a date: the entry keeps the member's id and
    # the date as text.
    until = timezone.now() + dt.timedelta(days=2)
    response = client.post(
        reverse("sanctions:add"),
        {
            "kind": "suspension",
            "user": str(a_member.pk),
            "expires_at": until.strftime("%Y-%m-%d %H:%M"),
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="sanction.create").latest("pk")
    assert entry.after["user"] == a_member.pk
    assert entry.after["expires_at"].startswith(until.strftime("%Y-%m-%d"))
    with pytest.raises(PermissionDenied):
        actions.comment_post(actor=a_member, thread=thread, body="Still here.")


def test_old_addresses_are_purged_by_the_first_post_of_the_day(settings, thread, live):
    settings.DATELINE_IP_RETENTION_DAYS = 30
    old = guest_post(thread, "Months ago.", "203.0.113.5", name="Old", run=live)
    Comment.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=40)
    )
    from django.core.cache import cache

    from dateline.moderation import tasks

    cache.delete(tasks.PURGE_KEY)  # a new day
    guest_post(thread, "Today.", "203.0.113.6", name="New", run=live)
    old.refresh_from_db()
    assert (old.ip_network, old.ip_hash) == ("", "")


def test_a_sanction_lifted_in_the_admin_stops_applying_at_once(
    client, a_moderator, thread
):
    sanction = Sanction.objects.create(kind="ban", email="loud@example.test")
    guest = {"name": "Loud", "email": "loud@example.test"}
    with pytest.raises(PermissionDenied):
        guest_post(thread, "Let me in.", "", **guest)
    client.force_login(a_moderator)
    response = client.post(
        reverse("sanctions:edit", args=[sanction.pk]),
        {
            "kind": "ban",
            "email": "loud@example.test",
            "reason": "",
            "lifted_at": timezone.now().strftime("%Y-%m-%d %H:%M"),
        },
    )
    assert response.status_code == 302
    assert guest_post(thread, "Let me in.", "", **guest).is_published
    assert AuditEntry.objects.get(action="sanction.edit").after["lifted_at"]


def test_a_reported_comment_its_writer_deletes_leaves_the_queue(thread, a_member):
    comment = actions.comment_post(actor=a_member, thread=thread, body="Oops.")
    actions.comment_report(actor=_user("spotter"), comment=comment, reason="spam")
    assert queue.counts()[queue.REPORTED] == 1
    actions.comment_delete(actor=a_member, comment=comment)
    assert queue.counts()[queue.REPORTED] == 0
    assert Review.objects.get(comment=comment).state == "withdrawn"
