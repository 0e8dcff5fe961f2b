"""Reads for pages: a commenter's rank and top badges, profiles, the leaderboard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import F, Sum
from django.utils import timezone

from dateline.community import badges
from dateline.community.models import (
    BadgeGrant,
    BadgeSetting,
    LedgerEntry,
    MemberPicture,
    Rank,
    Standing,
)
from dateline.core import sql

TOP_BADGES = 3
PROFILE_PAGE_SIZE = 20


@dataclass(frozen=True)
class BadgeShown:
    slug: str
    name: str
    level: int
    level_name: str
    description: str
    granted_at: dt.datetime
    comment_id: int | None


@dataclass(frozen=True)
class Marks:
    """What follows the role label on a member's comment."""

    rank: str | None
    badges: list[BadgeShown] = field(default_factory=list)
    picture: str | None = None  # the uploaded picture's URL


def pictures_for(member_ids: Iterable[int]) -> dict[int, str]:
    """The URL of each member's uploaded picture, for those who have one."""
    ids = {pk for pk in member_ids if pk}
    if not ids:
        return {}
    return {
        p.member_id: p.image.url
        for p in MemberPicture.objects.filter(member_id__in=ids)
    }


def _thresholds() -> dict[str, dict[int, int]]:
    return {s.badge: s.thresholds() for s in BadgeSetting.objects.all()}


def _shown(grant: BadgeGrant, thresholds: dict[str, dict[int, int]]) -> BadgeShown:
    badge = badges.REGISTRY.get(grant.badge)
    level = BadgeGrant.Level(grant.level)
    n = thresholds.get(grant.badge, {}).get(grant.level)
    if badge is None:
        name, description = grant.badge, ""
    else:
        name = badge.name
        description = badge.description(n) if n else badge.name
    return BadgeShown(
        slug=grant.badge,
        name=name,
        level=grant.level,
        level_name=str(level.label),
        description=description,
        granted_at=grant.granted_at,
        comment_id=grant.comment_id,
    )


def _best_per_badge(grants: Iterable[BadgeGrant]) -> list[BadgeGrant]:
    best: dict[str, BadgeGrant] = {}
    for grant in grants:
        held = best.get(grant.badge)
        if held is None or grant.level > held.level:
            best[grant.badge] = grant
    order = {slug: i for i, slug in enumerate(badges.REGISTRY)}
    return sorted(best.values(), key=lambda g: order.get(g.badge, len(order)))


def marks_for(member_ids: Iterable[int], *, pictures: bool = True) -> dict[int, Marks]:
    """Rank, top badges and picture of each member: three statements for any
    number (two without ``pictures``, for what shows no picture).

    In plain SQL (``core/sql.py``): through the ORM, rank and badges were a
    quarter of what answering a vote cost (counted with callgrind).
    """
    ids = sorted({pk for pk in member_ids if pk})
    if not ids:
        return {}
    using = sql.reading(Standing)
    rank = sql.table(Rank)
    ranks = dict(
        sql.all_rows(
            "SELECT s.member_id, COALESCE(l.name, r.name) "  # noqa: S608
            f"FROM {sql.table(Standing)} s "
            f"LEFT JOIN {rank} r ON r.id = s.rank_id "
            f"LEFT JOIN {rank} l ON l.id = s.locked_rank_id "
            f"WHERE s.member_id IN ({sql.listed(ids)})",
            ids,
            using,
        )
    )
    by_member: dict[int, list[BadgeGrant]] = {}
    thresholds: dict[str, dict[int, int]] = {}
    for row in sql.all_rows(
        f"SELECT {sql.columns(BadgeGrant, 'g')}, "  # noqa: S608
        "b.bronze, b.silver, b.gold "
        f"FROM {sql.table(BadgeGrant)} g "
        f"LEFT JOIN {sql.table(BadgeSetting)} b ON b.badge = g.badge "
        f"WHERE g.member_id IN ({sql.listed(ids)}) AND g.revoked_at IS NULL",
        ids,
        using,
    ):
        grant = sql.instance(BadgeGrant, row, using)
        by_member.setdefault(grant.member_id, []).append(grant)
        if grant.badge not in thresholds:  # the same for every grant of it
            bronze, silver, gold = row[-3:]
            thresholds[grant.badge] = BadgeSetting(
                badge=grant.badge, bronze=bronze, silver=silver, gold=gold
            ).thresholds()
    urls = pictures_for(ids) if pictures else {}
    marks = {}
    for pk in ids:
        top = _best_per_badge(by_member.get(pk, []))[:TOP_BADGES]
        marks[pk] = Marks(
            rank=ranks.get(pk),
            badges=[_shown(g, thresholds) for g in top],
            picture=urls.get(pk),
        )
    return marks


# --- profile ----------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    member: Any
    points: int
    rank: Rank | None
    next_rank: Rank | None
    progress_percent: int
    badges: list[BadgeShown]
    comments: Any  # a Page of the member's published comments, newest first
    picture: str | None


def profile_for_reader(member: Any, *, page: Any = 1) -> Profile:
    """``page`` of the member's comments (PROFILE_PAGE_SIZE each; a page
    number out of range gives the last page, a malformed one the first)."""
    from django.core.paginator import Paginator

    from dateline.discussion.models import Comment

    standing = (
        Standing.objects.select_related("rank", "locked_rank")
        .filter(member=member)
        .first()
    )
    points = standing.points if standing else 0
    rank = standing.shown_rank if standing else None
    ladder = list(Rank.objects.order_by("min_points"))
    next_rank = next((r for r in ladder if r.min_points > points), None)
    floor = rank.min_points if rank else 0
    if next_rank is None:
        progress = 100
    else:
        span = max(1, next_rank.min_points - floor)
        progress = max(0, min(100, round(100 * (points - floor) / span)))
    thresholds = _thresholds()
    grants = _best_per_badge(BadgeGrant.objects.filter(member=member, revoked_at=None))
    comments = Paginator(
        Comment.objects.filter(author=member, status=Comment.Status.PUBLISHED)
        .select_related("thread")
        .order_by("-created_at", "-id"),
        PROFILE_PAGE_SIZE,
    ).get_page(page)
    return Profile(
        member=member,
        points=points,
        rank=rank,
        next_rank=next_rank,
        progress_percent=progress,
        badges=[_shown(g, thresholds) for g in grants],
        comments=comments,
        picture=pictures_for([member.pk]).get(member.pk),
    )


# --- leaderboard -------------------------------------------------------------------


@dataclass(frozen=True)
class LeaderRow:
    position: int
    member: Any
    points: int
    rank: str | None
    picture: str | None = None


def month_bounds(month: str | None) -> tuple[dt.datetime, dt.datetime]:
    """The month ``YYYY-MM`` (this month if None or malformed), in UTC."""
    today = timezone.now().astimezone(dt.UTC)
    year, number = today.year, today.month
    if month:
        try:
            year, number = (int(part) for part in month.split("-", 1))
            dt.date(year, number, 1)
        except ValueError:
            year, number = today.year, today.month
    start = dt.datetime(year, number, 1, tzinfo=dt.UTC)
    end = dt.datetime(year + (number == 12), number % 12 + 1, 1, tzinfo=dt.UTC)
    return start, end


def leaderboard(
    start: dt.datetime, end: dt.datetime, *, size: int = 25
) -> list[LeaderRow]:
    """Members by points earned in [start, end): four queries."""
    rows = list(
        LedgerEntry.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
        .values("member_id")
        .annotate(total=Sum("points"))
        .filter(total__gt=0)
        .order_by("-total", "member_id")[:size]
    )
    members = get_user_model().objects.in_bulk([r["member_id"] for r in rows])
    pictures = pictures_for(members)
    ranks = {
        s.member_id: s.shown_rank.name
        for s in Standing.objects.filter(
            member_id__in=[r["member_id"] for r in rows]
        ).select_related("rank", "locked_rank")
        if s.shown_rank is not None
    }
    return [
        LeaderRow(
            position=i + 1,
            member=members[r["member_id"]],
            points=r["total"],
            rank=ranks.get(r["member_id"]),
            picture=pictures.get(r["member_id"]),
        )
        for i, r in enumerate(rows)
        if r["member_id"] in members
    ]


def members_starting(prefix: str, *, limit: int) -> list[Any]:
    """Active members whose username starts with ``prefix``, those with the
    most points first (the @mention autocomplete)."""
    return list(
        get_user_model()
        .objects.filter(username__istartswith=prefix, is_active=True)
        .order_by(F("standing__points").desc(nulls_last=True), "username")[:limit]
    )


def points_of(member_ids: Iterable[int]) -> dict[int, int]:
    """Each member's points (0 for a member with no standing yet)."""
    wanted = list(member_ids)
    found: dict[int, int] = {}
    for start in range(0, len(wanted), 5000):  # under SQLite's variable limit
        found.update(
            Standing.objects.filter(
                member_id__in=wanted[start : start + 5000]
            ).values_list("member_id", "points")
        )
    return {pk: found.get(pk, 0) for pk in wanted}
