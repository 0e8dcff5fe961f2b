"""Reputation: the ledger, ranks, badges, the rebuild and hand-made changes."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from dateline.community import actions as community
from dateline.community.models import (
    BadgeGrant,
    BadgeSetting,
    LedgerEntry,
    Rank,
    Standing,
)
from dateline.core.errors import DatelineError, PermissionDenied
from dateline.core.models import AuditEntry
from dateline.discussion import actions
from dateline.discussion.models import Comment

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
BRONZE, SILVER, GOLD = 1, 2, 3


@pytest.fixture
def members(db) -> list[Any]:
    User = get_user_model()
    return [User.objects.create_user(username=f"m{i:02d}") for i in range(8)]


def thresholds(badge: str, bronze=None, silver=None, gold=None) -> None:
    community.badge_settings()
    BadgeSetting.objects.filter(badge=badge).update(
        bronze=bronze, silver=silver, gold=gold
    )


def post(live, thread, who, minutes: int, parent=None, body="A point about the ferry."):
    return live(
        actions.comment_post,
        actor=who,
        thread=thread,
        body=body,
        parent=parent,
        created_at=T0 + dt.timedelta(minutes=minutes),
    )


def vote(live, who, comment, value=1):
    return live(actions.comment_vote, actor=who, comment=comment, value=value)


def held(member) -> dict[tuple[str, int], Any]:
    return {
        (g.badge, g.level): g
        for g in BadgeGrant.objects.filter(member=member, revoked_at=None)
    }


def points(member) -> int:
    return Standing.objects.get(member=member).points


# --- the ledger ------------------------------------------------------------------


def test_each_event_is_a_ledger_entry_and_points_are_their_sum(
    no_badges, live, thread, a_member, another_member
):
    comment = post(live, thread, a_member, 0)
    vote(live, another_member, comment, 1)
    vote(live, another_member, comment, 0)
    vote(live, another_member, comment, -1)
    post(live, thread, another_member, 5, parent=comment)
    kinds = list(
        LedgerEntry.objects.filter(member=a_member)
        .order_by("id")
        .values_list("kind", "points")
    )
    assert kinds == [
        ("comment_published", 2),
        ("upvote_received", 1),
        ("upvote_withdrawn", -1),
        ("downvote_received", -1),
        ("reply_received", 1),
    ]
    assert points(a_member) == 2 + 1 - 1 - 1 + 1
    entry = LedgerEntry.objects.get(member=a_member, kind="downvote_received")
    assert entry.actor == another_member and entry.comment == comment


def test_a_reply_to_oneself_and_a_guests_reply_earn_nothing(live, thread, a_member):
    comment = post(live, thread, a_member, 0)
    post(live, thread, a_member, 1, parent=comment)
    live(
        actions.comment_post,
        actor=None,
        thread=thread,
        body="A guest answers.",
        parent=comment,
        guest=actions.GuestIdentity(name="Rafi", key="k1"),
    )
    assert not LedgerEntry.objects.filter(kind="reply_received").exists()


def test_a_comment_removed_by_a_moderator_costs_points(
    no_badges, live, thread, a_member, another_member, a_moderator
):
    comment = post(live, thread, a_member, 0)
    vote(live, another_member, comment, 1)
    assert points(a_member) == 3
    live(actions.comment_delete, actor=a_moderator, comment=comment)
    assert Comment.objects.get(pk=comment.pk).status == "removed"
    assert points(a_member) == 2 - 10
    assert list(
        LedgerEntry.objects.filter(member=a_member)
        .order_by("id")
        .values_list("kind", flat=True)
    ) == ["comment_published", "upvote_received", "comment_removed", "upvote_withdrawn"]


def test_a_writer_deleting_their_own_comment_keeps_the_points(live, thread, a_member):
    comment = post(live, thread, a_member, 0)
    before = points(a_member)
    live(actions.comment_delete, actor=a_member, comment=comment)
    assert Comment.objects.get(pk=comment.pk).status == "deleted"
    assert points(a_member) == before


# --- ranks -------------------------------------------------------------------------


def test_the_default_ladder_ends_in_master():
    names = list(Rank.objects.order_by("min_points").values_list("name", flat=True))
    assert len(names) == 6
    assert names[0] == "Newcomer" and names[-1] == "Master"


def test_rank_follows_points_and_a_lock_wins(
    no_badges, live, thread, a_member, a_moderator
):
    Rank.objects.all().delete()
    low = Rank.objects.create(name="Low", min_points=0)
    high = Rank.objects.create(name="High", min_points=4)
    post(live, thread, a_member, 0)
    assert Standing.objects.get(member=a_member).shown_rank == low
    post(live, thread, a_member, 1)
    assert Standing.objects.get(member=a_member).shown_rank == high
    community.rank_lock(
        actor=a_moderator, member=a_member, rank=low, reason="Probation"
    )
    post(live, thread, a_member, 2)
    standing = Standing.objects.get(member=a_member)
    assert standing.rank == high and standing.shown_rank == low
    entry = AuditEntry.objects.get(action="rank.lock")
    assert entry.actor == a_moderator and entry.reason == "Probation"
    assert entry.after == {"locked_rank": "Low"}


# --- badges at their edges ---------------------------------------------------------------


def test_commenter_at_its_thresholds(live, thread, a_member):
    thresholds("commenter", bronze=3, silver=5)
    comments = [post(live, thread, a_member, i) for i in range(4)]
    grant = held(a_member)[("commenter", BRONZE)]
    assert grant.comment == comments[2]
    assert grant.granted_at == T0 + dt.timedelta(minutes=2)
    assert ("commenter", SILVER) not in held(a_member)
    post(live, thread, a_member, 9)
    assert ("commenter", SILVER) in held(a_member)


def test_first_comment(live, thread, a_member):
    assert ("first-comment", BRONZE) not in held(a_member)
    comment = post(live, thread, a_member, 0)
    assert held(a_member)[("first-comment", BRONZE)].comment == comment


def test_upvoted_follows_the_votes(live, thread, members):
    thresholds("upvoted", bronze=2)
    writer, *voters = members
    comment = post(live, thread, writer, 0)
    vote(live, voters[0], comment)
    assert ("upvoted", BRONZE) not in held(writer)
    vote(live, voters[1], comment)
    assert ("upvoted", BRONZE) in held(writer)
    vote(live, voters[1], comment, 0)
    assert ("upvoted", BRONZE) not in held(writer)
    assert BadgeGrant.objects.filter(member=writer, badge="upvoted").count() == 1
    vote(live, voters[2], comment)
    assert ("upvoted", BRONZE) in held(writer)
    assert BadgeGrant.objects.filter(member=writer, badge="upvoted").count() == 1


def test_rookie_mentor_needs_the_reply_upvoted_or_answered(live, thread, members):
    thresholds("rookie-mentor", bronze=1)
    mentor, newcomer, veteran, voter = members[:4]
    post(live, thread, veteran, 0)
    second = post(live, thread, veteran, 1)
    first = post(live, thread, newcomer, 2)
    reply_to_veteran = post(live, thread, mentor, 3, parent=second)
    vote(live, voter, reply_to_veteran)
    assert ("rookie-mentor", BRONZE) not in held(mentor)  # not a newcomer
    reply = post(live, thread, mentor, 4, parent=first)
    assert ("rookie-mentor", BRONZE) not in held(mentor)  # not yet paid off
    answer = post(live, thread, newcomer, 6, parent=reply)
    grant = held(mentor)[("rookie-mentor", BRONZE)]
    assert grant.comment == reply and grant.granted_at == answer.created_at


def test_conversation_starter_counts_distinct_members(live, thread, members):
    thresholds("conversation-starter", bronze=3)
    starter, a, b, c = members[:4]
    comment = post(live, thread, starter, 0)
    post(live, thread, a, 1, parent=comment)
    post(live, thread, a, 2, parent=comment)
    post(live, thread, b, 3, parent=comment)
    post(live, thread, starter, 4, parent=comment)
    assert ("conversation-starter", BRONZE) not in held(starter)
    third = post(live, thread, c, 5, parent=comment)
    grant = held(starter)[("conversation-starter", BRONZE)]
    assert grant.comment == comment and grant.granted_at == third.created_at


def test_well_sourced_needs_a_link_and_an_upvote(live, thread, members):
    thresholds("well-sourced", bronze=1)
    writer, voter = members[:2]
    plain = post(live, thread, writer, 0, body="No source here at all.")
    vote(live, voter, plain)
    assert ("well-sourced", BRONZE) not in held(writer)
    linked = post(
        live, thread, writer, 1, body="The [audit](https://example.org/audit) says so."
    )
    assert ("well-sourced", BRONZE) not in held(writer)
    vote(live, voter, linked)
    assert held(writer)[("well-sourced", BRONZE)].comment == linked


def test_regular_counts_distinct_days(live, thread, a_member):
    thresholds("regular", bronze=2)
    post(live, thread, a_member, 0)
    post(live, thread, a_member, 60)
    assert ("regular", BRONZE) not in held(a_member)
    next_day = post(live, thread, a_member, 24 * 60)
    assert held(a_member)[("regular", BRONZE)].comment == next_day


def test_civil_is_revoked_when_a_moderator_removes_a_comment(
    live, thread, a_member, a_moderator
):
    thresholds("civil", bronze=2)
    first = post(live, thread, a_member, 0)
    post(live, thread, a_member, 1)
    assert ("civil", BRONZE) in held(a_member)
    live(actions.comment_delete, actor=a_moderator, comment=first)
    assert ("civil", BRONZE) not in held(a_member)


def test_anniversary_needs_a_comment_a_year_later(live, thread, a_member):
    thresholds("anniversary", bronze=1)
    post(live, thread, a_member, 0)
    post(live, thread, a_member, 364 * 24 * 60)
    assert ("anniversary", BRONZE) not in held(a_member)
    later = post(live, thread, a_member, 366 * 24 * 60)
    assert held(a_member)[("anniversary", BRONZE)].comment == later


def test_a_badge_earns_points(live, thread, a_member):
    thresholds("first-comment", bronze=1)
    post(live, thread, a_member, 0)
    entry = LedgerEntry.objects.get(member=a_member, kind="badge_granted")
    assert entry.points == 5 and entry.source == "badge:first-comment:1"


# --- hand-made changes -------------------------------------------------------------------


def test_a_hand_made_grant_and_revocation_outlast_the_rules(
    live, thread, a_member, a_moderator
):
    comment = post(live, thread, a_member, 0)
    live(
        community.badge_revoke,
        actor=a_moderator,
        member=a_member,
        badge="first-comment",
        level=BRONZE,
        reason="Posted from a shared account",
    )
    post(live, thread, a_member, 1)
    assert ("first-comment", BRONZE) not in held(a_member)
    live(
        community.badge_grant,
        actor=a_moderator,
        member=a_member,
        badge="civil",
        level=GOLD,
        reason="Years of calm answers on the old forum",
    )
    assert held(a_member)[("civil", GOLD)].manual
    community.community_rebuild()
    assert ("civil", GOLD) in held(a_member)
    assert ("first-comment", BRONZE) not in held(a_member)
    assert list(
        AuditEntry.objects.order_by("id").values_list("action", "actor", "reason")
    ) == [
        ("badge.revoke", a_moderator.pk, "Posted from a shared account"),
        ("badge.grant", a_moderator.pk, "Years of calm answers on the old forum"),
    ]
    assert comment.pk


def test_only_moderators_change_badges(a_member, another_member):
    with pytest.raises(PermissionDenied):
        community.badge_grant(
            actor=a_member, member=another_member, badge="civil", level=1, reason="x"
        )


# --- rebuild equals incremental --------------------------------------------------------


def state() -> dict[str, Any]:
    nets: dict[tuple[int, str], int] = {}
    for member_id, source, pts in LedgerEntry.objects.values_list(
        "member_id", "source", "points"
    ):
        nets[(member_id, source)] = nets.get((member_id, source), 0) + pts
    return {
        "standings": sorted(
            Standing.objects.values_list(
                "member_id", "points", "rank_id", "locked_rank_id"
            )
        ),
        "badges": sorted(
            BadgeGrant.objects.filter(revoked_at=None).values_list(
                "member_id", "badge", "level", "granted_at", "comment_id"
            )
        ),
        "ledger": {k: v for k, v in nets.items() if v},
    }


def test_rebuild_gives_the_same_state_as_the_incremental_path(
    live, thread, a_moderator
):
    """A generated history of thousands of events, then a rebuild from scratch."""
    User = get_user_model()
    people = [User.objects.create_user(username=f"p{i:02d}") for i in range(24)]
    for badge, levels in {
        "commenter": (3, 8, 20),
        "upvoted": (2, 6, 15),
        "rookie-mentor": (1, 2, 4),
        "conversation-starter": (2, 3, 5),
        "well-sourced": (1, 2, 5),
        "regular": (2, 4, 8),
        "civil": (4, 10, 25),
        "anniversary": (1, None, None),
    }.items():
        thresholds(badge, *levels)
    rng = random.Random(20261124)
    comments: list[Comment] = []
    events = 0
    # Thousands of events on SQLite; fewer on PostgreSQL, where every event's
    # refresh costs a few network round trips (the logic is the same).
    steps = 2000 if connection.vendor == "sqlite" else 700
    for step in range(steps):
        roll = rng.random()
        who = rng.choice(people)
        if roll < 0.45 or not comments:
            parent = rng.choice(comments) if comments and rng.random() < 0.5 else None
            body = (
                "See [the data](https://example.org/d)."
                if rng.random() < 0.2
                else "I doubt it."
            )
            try:
                comments.append(
                    post(live, thread, who, step * 97, parent=parent, body=body)
                )
            except DatelineError:  # replying to a removed comment is refused
                continue
        elif roll < 0.93:
            target = rng.choice(comments)
            try:
                vote(live, who, target, rng.choice([1, 1, 1, -1, 0]))
            except DatelineError:  # own comment, or removed
                continue
        else:
            target = rng.choice(comments)
            live(actions.comment_delete, actor=a_moderator, comment=target)
        events += 1
    assert events > steps * 0.9
    assert LedgerEntry.objects.count() > steps
    incremental = state()
    assert incremental["badges"]
    community.community_rebuild()
    assert state() == incremental


def test_deleted_accounts_and_articles_take_their_points_back_cleanly(
    no_badges, live, thread, article, a_member, another_member
):
    comment = post(live, thread, a_member, 0)
    vote(live, another_member, comment, 1)
    assert points(a_member) == 3
    voter_id = another_member.pk
    another_member.delete()  # the vote goes with the account
    community.standings_refresh(member_ids=[a_member.pk])
    withdrawn = LedgerEntry.objects.get(member=a_member, kind="upvote_withdrawn")
    assert withdrawn.actor is None and withdrawn.comment == comment
    assert withdrawn.source == f"vote:{comment.pk}:{voter_id}"
    article.delete()  # the thread and its comments go with the article
    community.standings_refresh(member_ids=[a_member.pk])
    assert points(a_member) == 0
    taken_back = LedgerEntry.objects.filter(
        member=a_member, points__lt=0, kind="comment_removed"
    )
    assert taken_back.get().comment is None


# --- refreshes read outside the write transaction ----------------------------------


def test_a_refresh_that_read_before_another_one_wrote_reads_again(
    no_badges, live, thread, a_member, another_member, monkeypatch
):
    comment = post(live, thread, a_member, 0)
    assert points(a_member) == 2
    real = community._history
    reads: list[int] = []

    def read_then_a_vote(member_id: int) -> Any:
        found = real(member_id)
        reads.append(member_id)
        if len(reads) == 1:
            # Between this read and its write: an upvote, and a refresh
            # that reads it and writes first.
            actions.comment_vote(actor=another_member, comment=comment, value=1)
            monkeypatch.setattr(community, "_history", real)
            community.standings_refresh(member_ids=[a_member.pk])
            monkeypatch.setattr(community, "_history", read_then_a_vote)
            assert points(a_member) == 3
        return found

    monkeypatch.setattr(community, "_history", read_then_a_vote)
    community.standings_refresh(member_ids=[a_member.pk])
    assert len(reads) == 2  # the first read was left unwritten
    assert points(a_member) == 3
    assert LedgerEntry.objects.filter(member=a_member, points__lt=0).count() == 0


def test_a_refresh_outrun_every_time_reads_inside_the_transaction_at_last(
    no_badges, live, thread, a_member, another_member, monkeypatch
):
    comment = post(live, thread, a_member, 0)
    actions.comment_vote(actor=another_member, comment=comment, value=1)
    real = community._history
    reads: list[int] = []

    def outrun(member_id: int) -> Any:
        found = real(member_id)
        reads.append(member_id)
        if len(reads) <= community.READS_OUTSIDE:
            moved = T0 + dt.timedelta(minutes=len(reads))
            Standing.objects.filter(member=a_member).update(updated_at=moved)
        return found

    monkeypatch.setattr(community, "_history", outrun)
    community.standings_refresh(member_ids=[a_member.pk])
    assert len(reads) == community.READS_OUTSIDE + 1
    assert points(a_member) == 3
