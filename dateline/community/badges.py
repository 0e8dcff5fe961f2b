"""The badge rules: code decides what counts, the admin sets how many.

Each rule reads a member's history and answers, for every level whose
threshold is set, when the member reached it and with which comment. Rules
look only at the history as it is now, so the incremental path and the
rebuild agree. What happens when the basis goes away follows from that, per
badge (``basis_removed``):

- Comments count while they are not removed by a moderator; a writer
  deleting their own comment does not take anything back.
- Badges about votes follow the votes: when upvotes are withdrawn and the
  count falls below the threshold, the level is revoked (and granted again,
  once, if it is reached again).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from dateline.community.history import MemberHistory

# level -> (when it was reached, the comment that reached it)
Earned = dict[int, tuple[dt.datetime, int | None]]


@dataclass(frozen=True)
class Badge:
    slug: str
    name: str
    describe: str  # with {n}: the level's threshold
    defaults: tuple[int | None, int | None, int | None]  # bronze, silver, gold
    basis_removed: str
    rule: Callable[[MemberHistory, dict[int, int]], Earned]

    def description(self, threshold: int) -> str:
        return self.describe.format(n=threshold, s="" if threshold == 1 else "s")


def _nth(
    events: list[tuple[dt.datetime, int | None]], thresholds: dict[int, int]
) -> Earned:
    """Each level is reached at its threshold-th event (events in time order)."""
    events = sorted(events, key=lambda e: (e[0], e[1] or 0))
    return {
        level: events[n - 1]
        for level, n in thresholds.items()
        if n >= 1 and len(events) >= n
    }


def _kept(h: MemberHistory) -> list[tuple[dt.datetime, int | None]]:
    return [(c.created_at, c.id) for c in h.comments if not c.removed]


def first_comment(h: MemberHistory, thresholds: dict[int, int]) -> Earned:
    return _nth(_kept(h), thresholds)


def commenter(h: MemberHistory, thresholds: dict[int, int]) -> Earned:
    return _nth(_kept(h), thresholds)


def upvoted(h: MemberHistory, thresholds: dict[int, int]) -> Earned:
    return _nth(
        [(v.created_at, v.comment_id) for v in h.votes if v.value > 0], thresholds
    )


def rookie_mentor(h: MemberHistory, thresholds: dict[int, int]) -> Earned:
    return _nth(
        [(when, reply) for reply, when in h.mentoring.items() if when is not None],
        thresholds,
    )


def conversation_starter(h: MemberHistory, thresholds: dict[int, int]) -> Earned:
    """A comment drew direct replies from N distinct other members."""
    reached: dict[int, list[dt.datetime]] = {}
    seen: dict[int, set[int]] = {}
    for reply in sorted(h.replies, key=lambda r: (r.created_at, r.id)):
        people = seen.setdefault(reply.parent_id, set())
        if reply.author_id not in people:
            people.add(reply.author_id)
            reached.setdefault(reply.parent_id, []).append(reply.created_at)
    earned: Earned = {}
    for level, n in thresholds.items():
        firsts = [
            (times[n - 1], pk) for pk, times in reached.items() if len(times) >= n
        ]
        if n >= 1 and firsts:
            earned[level] = min(firsts)
    return earned


def well_sourced(h: MemberHistory, thresholds: dict[int, int]) -> Earned:
    """Comments with a link to a source that earned at least one upvote."""
    linked = {c.id for c in h.comments if c.has_link and not c.removed}
    first_upvote: dict[int, dt.datetime] = {}
    for vote in h.votes:
        if vote.value > 0 and vote.comment_id in linked:
            earlier = first_upvote.get(vote.comment_id, vote.created_at)
            first_upvote[vote.comment_id] = min(earlier, vote.created_at)
    return _nth([(when, pk) for pk, when in first_upvote.items()], thresholds)


def regular(h: MemberHistory, thresholds: dict[int, int]) -> Earned:
    """Commented on N distinct days (UTC)."""
    days: dict[dt.date, tuple[dt.datetime, int | None]] = {}
    for when, pk in sorted(_kept(h), key=lambda e: (e[0], e[1] or 0)):
        days.setdefault(when.astimezone(dt.UTC).date(), (when, pk))
    return _nth(list(days.values()), thresholds)


def civil(h: MemberHistory, thresholds: dict[int, int]) -> Earned:
    """N comments, and none of the member's comments removed by a moderator."""
    if any(c.removed for c in h.comments):
        return {}
    return _nth(_kept(h), thresholds)


def anniversary(h: MemberHistory, thresholds: dict[int, int]) -> Earned:
    """Still commenting N years after the first comment."""
    kept = sorted(_kept(h), key=lambda e: (e[0], e[1] or 0))
    if not kept:
        return {}
    start = kept[0][0]
    earned: Earned = {}
    for level, years in thresholds.items():
        try:
            due = start.replace(year=start.year + years)
        except ValueError:  # 29 February
            due = start.replace(year=start.year + years, day=28)
        later = [e for e in kept if e[0] >= due]
        if years >= 1 and later:
            earned[level] = later[0]
    return earned


# In the order a member's badges are shown, the most telling first: a comment
# shows the first three a member holds (at their best level), so a veteran's
# reads "Commenter, Upvoted, Rookie Mentor" rather than the First Comment
# everyone has.
REGISTRY: dict[str, Badge] = {
    badge.slug: badge
    for badge in [
        Badge(
            "commenter",
            "Commenter",
            "Published {n} comment{s}",
            (10, 100, 1000),
            "kept unless a moderator removes them",
            commenter,
        ),
        Badge(
            "upvoted",
            "Upvoted",
            "Received {n} upvote{s}",
            (10, 100, 1000),
            "follows the votes: revoked if upvotes are withdrawn",
            upvoted,
        ),
        Badge(
            "rookie-mentor",
            "Rookie Mentor",
            "Answered the first comment of {n} newcomer{s}, and the answer "
            "was upvoted or replied to",
            (1, 5, 25),
            "follows the votes and answers",
            rookie_mentor,
        ),
        Badge(
            "conversation-starter",
            "Conversation Starter",
            "Wrote a comment that drew replies from {n} other members",
            (3, 10, 25),
            "kept unless a moderator removes the replies",
            conversation_starter,
        ),
        Badge(
            "well-sourced",
            "Well Sourced",
            "Linked to a source in {n} upvoted comment{s}",
            (1, 10, 50),
            "follows the votes",
            well_sourced,
        ),
        Badge(
            "regular",
            "Regular",
            "Commented on {n} different day{s}",
            (5, 30, 100),
            "kept unless a moderator removes the comments",
            regular,
        ),
        Badge(
            "civil",
            "Civil",
            "Published {n} comment{s}, none removed by a moderator",
            (20, 100, 500),
            "revoked when a moderator removes a comment",
            civil,
        ),
        Badge(
            "anniversary",
            "Anniversary",
            "Still commenting {n} year{s} after the first comment",
            (1, 2, 5),
            "kept unless a moderator removes the comments",
            anniversary,
        ),
        Badge(
            "first-comment",
            "First Comment",
            "Published a first comment",
            (1, None, None),
            "kept unless a moderator removes it",
            first_comment,
        ),
    ]
}
