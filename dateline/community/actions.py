"""Every change to reputation: the incremental refresh, the rebuild, manual changes.

Both the refresh (after each discussion event) and the rebuild read the
history with ``history.load`` and turn it into the same facts: which badge
levels are earned, and how many points each source (comment, vote, reply,
badge) is worth. The refresh appends the difference between those facts and
what the ledger already holds; the rebuild writes them from scratch. So the
two end in the same points, ranks and badges.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from dateline.community import avatars, badges, conf, history
from dateline.community.models import (
    BadgeGrant,
    BadgeSetting,
    LedgerEntry,
    MemberPicture,
    Rank,
    Standing,
)
from dateline.core import audit, events
from dateline.core.errors import InvalidInput, NotFound, PermissionDenied

Kind = LedgerEntry.Kind
LEVEL_POINTS = {
    BadgeGrant.Level.BRONZE: "badge_bronze",
    BadgeGrant.Level.SILVER: "badge_silver",
    BadgeGrant.Level.GOLD: "badge_gold",
}


@dataclass(frozen=True)
class Fact:
    """What one source is worth to a member now."""

    source: str
    points: int
    occurred_at: dt.datetime
    comment_id: int | None = None
    actor_id: int | None = None


# --- settings the rules read ----------------------------------------------------


def badge_settings() -> dict[str, BadgeSetting]:
    """Thresholds per badge, creating the defaults for badges new in code."""
    found = {s.badge: s for s in BadgeSetting.objects.all()}
    missing = [
        BadgeSetting(badge=slug, bronze=b, silver=s, gold=g)
        for slug, badge in badges.REGISTRY.items()
        if slug not in found
        for b, s, g in [badge.defaults]
    ]
    if missing:
        BadgeSetting.objects.bulk_create(missing, ignore_conflicts=True)
        found = {s.badge: s for s in BadgeSetting.objects.all()}
    return found


def _ladder() -> list[Rank]:
    return list(Rank.objects.order_by("min_points"))


def rank_for(points: int, ladder: list[Rank]) -> Rank | None:
    held = None
    for rank in ladder:
        if points >= rank.min_points:
            held = rank
    return held


# --- facts ----------------------------------------------------------------------


def earned_badges(
    h: history.MemberHistory, settings: dict[str, BadgeSetting]
) -> dict[tuple[str, int], tuple[dt.datetime, int | None]]:
    earned = {}
    for slug, badge in badges.REGISTRY.items():
        setting = settings.get(slug)
        if setting is None or not setting.enabled:
            continue
        for level, reached in badge.rule(h, setting.thresholds()).items():
            earned[(slug, level)] = reached
    return earned


def _held(
    earned: dict[tuple[str, int], tuple[dt.datetime, int | None]],
    grants: Iterable[BadgeGrant],
) -> dict[tuple[str, int], tuple[dt.datetime, int | None]]:
    """Levels the member holds: the rules' verdict, overruled by hand-made changes."""
    held = dict(earned)
    for grant in grants:
        key = (grant.badge, grant.level)
        if grant.revoked_by_id is not None:
            held.pop(key, None)
        elif grant.manual:
            held[key] = (grant.granted_at, grant.comment_id)
    return held


def ledger_facts(
    h: history.MemberHistory,
    held: dict[tuple[str, int], tuple[dt.datetime, int | None]],
) -> dict[str, Fact]:
    facts: dict[str, Fact] = {}
    for c in h.comments:
        facts[f"comment:{c.id}"] = Fact(
            f"comment:{c.id}", conf.points("comment_published"), c.created_at, c.id
        )
        if c.removed:
            facts[f"removed:{c.id}"] = Fact(
                f"removed:{c.id}", conf.points("comment_removed"), c.created_at, c.id
            )
    for v in h.votes:
        source = f"vote:{v.comment_id}:{v.voter_id}"
        worth = conf.points("upvote") if v.value > 0 else conf.points("downvote")
        facts[source] = Fact(source, worth, v.created_at, v.comment_id, v.voter_id)
    for r in h.replies:
        source = f"reply:{r.id}"
        facts[source] = Fact(
            source,
            conf.points("reply_received"),
            r.created_at,
            r.parent_id,
            r.author_id,
        )
    for (slug, level), (when, comment_id) in held.items():
        source = f"badge:{slug}:{level}"
        facts[source] = Fact(
            source, conf.points(LEVEL_POINTS[BadgeGrant.Level(level)]), when, comment_id
        )
    return facts


def _entries_for_change(
    member_id: int, source: str, recorded: int, fact: Fact | None, now: dt.datetime
) -> list[LedgerEntry]:
    """The entries that take a source from ``recorded`` points to the fact."""
    wanted = fact.points if fact else 0
    if wanted == recorded:
        return []
    family = source.split(":", 1)[0]
    comment_id = fact.comment_id if fact else _comment_of(source)
    actor_id = fact.actor_id if fact else _actor_of(source)

    def entry(kind: str, points: int, when: dt.datetime) -> LedgerEntry:
        return LedgerEntry(
            member_id=member_id,
            kind=kind,
            points=points,
            source=source,
            comment_id=comment_id,
            actor_id=actor_id,
            occurred_at=when,
        )

    added_at = fact.occurred_at if fact and recorded == 0 else now
    if family == "vote":
        entries = []
        if recorded:
            kind = Kind.UPVOTE_WITHDRAWN if recorded > 0 else Kind.DOWNVOTE_WITHDRAWN
            entries.append(entry(kind, -recorded, now))
        if wanted:
            kind = Kind.UPVOTE_RECEIVED if wanted > 0 else Kind.DOWNVOTE_RECEIVED
            entries.append(entry(kind, wanted, fact.occurred_at if fact else now))
        return entries
    delta = wanted - recorded
    kinds = {
        "comment": (Kind.COMMENT_PUBLISHED, Kind.COMMENT_REMOVED),
        "removed": (Kind.COMMENT_RESTORED, Kind.COMMENT_REMOVED),
        "reply": (Kind.REPLY_RECEIVED, Kind.REPLY_WITHDRAWN),
        "badge": (Kind.BADGE_GRANTED, Kind.BADGE_REVOKED),
    }[family]
    if family == "removed":
        kind = kinds[1] if delta < 0 else kinds[0]
    else:
        kind = kinds[0] if wanted else kinds[1]
    return [entry(kind, delta, added_at if wanted else now)]


def _still_linked(entries: list[LedgerEntry]) -> list[LedgerEntry]:
    """Drop links to comments or accounts deleted since (the source keeps the ids).

    An article deleted with its thread, or a voter's account deleted, takes
    the facts with it; the entries that take their points back cannot point
    at rows that are gone.
    """
    from dateline.discussion.models import Comment

    comment_ids = {e.comment_id for e in entries if e.comment_id}
    actor_ids = {e.actor_id for e in entries if e.actor_id}
    if comment_ids:
        comment_ids = set(
            Comment.objects.filter(pk__in=comment_ids).values_list("pk", flat=True)
        )
    if actor_ids:
        actor_ids = set(
            get_user_model()
            .objects.filter(pk__in=actor_ids)
            .values_list("pk", flat=True)
        )
    for e in entries:
        if e.comment_id and e.comment_id not in comment_ids:
            e.comment_id = None
        if e.actor_id and e.actor_id not in actor_ids:
            e.actor_id = None
    return entries


def _comment_of(source: str) -> int | None:
    family, _, rest = source.partition(":")
    if family in {"comment", "removed", "vote"}:
        return int(rest.split(":")[0])
    return None


def _actor_of(source: str) -> int | None:
    if source.startswith("vote:"):
        return int(source.split(":")[2])
    return None


# --- the incremental path ---------------------------------------------------------


def standings_refresh(*, member_ids: Iterable[int]) -> None:
    """Bring each member's ledger, points, rank and badges up to their history."""
    settings = badge_settings()
    ladder = _ladder()
    for member_id in sorted(set(member_ids)):
        _refresh_one(member_id, settings, ladder)


# Reads of a member's history outside the write transaction before one inside.
READS_OUTSIDE = 2


def _refresh_one(
    member_id: int, settings: dict[str, BadgeSetting], ladder: list[Rank]
) -> None:
    """One member's standing, read first and written after.

    A member's history takes up to a few hundred milliseconds to read, and
    on SQLite a write transaction holds the database's one write lock: read
    inside it, every comment and vote on the site waited for it (the storm
    bench: the lock held 27 s of 60 by these refreshes). So the history is
    read outside, and written only if no other refresh wrote the standing
    meanwhile (its ``updated_at`` moved); then read again, and the last time
    inside the transaction, so one always lands.
    """
    if not get_user_model().objects.filter(pk=member_id).exists():
        return
    Standing.objects.get_or_create(member_id=member_id)
    for attempt in range(READS_OUTSIDE + 1):
        inside = attempt == READS_OUTSIDE
        if not inside:
            seen = Standing.objects.filter(member_id=member_id).values_list(
                "updated_at", flat=True
            )[0]
            h = _history(member_id)
        with transaction.atomic():
            # One refresh per member at a time: the rest wait here.
            standing = Standing.objects.select_for_update().get(member_id=member_id)
            if inside:
                h = _history(member_id)
            elif standing.updated_at != seen:
                continue  # a refresh that may have read later has written
            _write_standing(standing, h, settings, ladder)
            return


def _history(member_id: int) -> history.MemberHistory:
    return history.load([member_id]).get(member_id) or history.MemberHistory(member_id)


def _write_standing(
    standing: Standing,
    h: history.MemberHistory,
    settings: dict[str, BadgeSetting],
    ladder: list[Rank],
) -> None:
    member_id = standing.member_id
    now = timezone.now()
    grants = list(BadgeGrant.objects.filter(member_id=member_id))
    held = _held(earned_badges(h, settings), grants)
    _apply_grants(member_id, held, grants, now)

    facts = ledger_facts(h, held)
    recorded = dict(
        LedgerEntry.objects.filter(member_id=member_id)
        .values("source")
        .annotate(net=Sum("points"))
        .values_list("source", "net")
    )
    entries = []
    for source in sorted(set(facts) | set(recorded)):
        entries += _entries_for_change(
            member_id, source, recorded.get(source, 0), facts.get(source), now
        )
    LedgerEntry.objects.bulk_create(_still_linked(entries))

    standing.points = sum(f.points for f in facts.values())
    standing.rank = rank_for(standing.points, ladder)
    standing.save(update_fields=["points", "rank", "updated_at"])


def _apply_grants(
    member_id: int,
    held: dict[tuple[str, int], tuple[dt.datetime, int | None]],
    grants: list[BadgeGrant],
    now: dt.datetime,
) -> None:
    existing = {(g.badge, g.level): g for g in grants}
    for key, (when, comment_id) in held.items():
        grant = existing.get(key)
        if grant is None:
            BadgeGrant.objects.create(
                member_id=member_id,
                badge=key[0],
                level=key[1],
                granted_at=when,
                comment_id=comment_id,
            )
            events.emit(events.BadgeGranted(member_id, key[0], key[1]))
        elif grant.revoked_at is not None or (
            not grant.manual
            and (grant.granted_at, grant.comment_id) != (when, comment_id)
        ):
            grant.revoked_at = None
            grant.granted_at, grant.comment_id = when, comment_id
            grant.save(update_fields=["revoked_at", "granted_at", "comment_id"])
    for key, grant in existing.items():
        if key not in held and grant.revoked_at is None:
            grant.revoked_at = now
            grant.save(update_fields=["revoked_at"])


# --- the rebuild --------------------------------------------------------------------


@dataclass(frozen=True)
class Rebuilt:
    members: int
    events: int  # comments by members and votes on them: the history read
    entries: int
    grants: int


@transaction.atomic
def community_rebuild() -> Rebuilt:
    """Rebuild every ledger, standing and badge from the comment and vote history.

    Hand-made changes survive: manual grants and revocations, locked ranks.
    """
    settings = badge_settings()
    ladder = _ladder()
    histories = history.load(None)
    manual = list(
        BadgeGrant.objects.filter(manual=True)
        | BadgeGrant.objects.exclude(revoked_by=None)
    )
    manual_by_member: dict[int, list[BadgeGrant]] = {}
    for grant in manual:
        manual_by_member.setdefault(grant.member_id, []).append(grant)
    for member_id in manual_by_member:
        histories.setdefault(member_id, history.MemberHistory(member_id))

    LedgerEntry.objects.all().delete()
    BadgeGrant.objects.filter(manual=False, revoked_by=None).delete()
    kept = {(g.member_id, g.badge, g.level) for g in manual}

    entries: list[LedgerEntry] = []
    grants: list[BadgeGrant] = []
    points: dict[int, int] = {}
    for member_id, h in histories.items():
        held = _held(earned_badges(h, settings), manual_by_member.get(member_id, []))
        for (slug, level), (when, comment_id) in held.items():
            if (member_id, slug, level) not in kept:
                grants.append(
                    BadgeGrant(
                        member_id=member_id,
                        badge=slug,
                        level=level,
                        granted_at=when,
                        comment_id=comment_id,
                    )
                )
        facts = ledger_facts(h, held)
        for fact in facts.values():
            entries += _entries_for_change(
                member_id, fact.source, 0, fact, fact.occurred_at
            )
        points[member_id] = sum(f.points for f in facts.values())

    BadgeGrant.objects.bulk_create(grants, batch_size=2000)
    LedgerEntry.objects.bulk_create(entries, batch_size=2000)
    standings = {s.member_id: s for s in Standing.objects.all()}
    for member_id, total in points.items():
        standing = standings.get(member_id) or Standing(member_id=member_id)
        standing.points = total
        standing.rank = rank_for(total, ladder)
        standings[member_id] = standing
    for member_id, standing in standings.items():
        if member_id not in points:
            standing.points, standing.rank = 0, rank_for(0, ladder)
    Standing.objects.bulk_create(
        list(standings.values()),
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["member"],
        update_fields=["points", "rank", "updated_at"],
    )
    events = sum(len(h.comments) + len(h.votes) for h in histories.values())
    return Rebuilt(
        members=len(points), events=events, entries=len(entries), grants=len(grants)
    )


# --- hand-made changes (admin) ------------------------------------------------------


def _require_moderator(actor: Any) -> None:
    from dateline.discussion.actions import can_moderate

    if not can_moderate(actor):
        raise PermissionDenied(_("Only moderators can change badges and ranks."))


def _badge(slug: str) -> badges.Badge:
    if slug not in badges.REGISTRY:
        raise NotFound(_("There is no badge %(slug)s.") % {"slug": slug})
    return badges.REGISTRY[slug]


def badge_grant(
    *, actor: Any, member: Any, badge: str, level: int, reason: str
) -> BadgeGrant:
    """Grant a badge level by hand; the rules never take it back."""
    return _badge_by_hand(
        actor=actor, member=member, badge=badge, level=level, reason=reason, grant=True
    )


def badge_revoke(
    *, actor: Any, member: Any, badge: str, level: int, reason: str
) -> BadgeGrant:
    """Revoke a badge level by hand; the rules do not grant it again."""
    return _badge_by_hand(
        actor=actor, member=member, badge=badge, level=level, reason=reason, grant=False
    )


@transaction.atomic
def _badge_by_hand(
    *, actor: Any, member: Any, badge: str, level: int, reason: str, grant: bool
) -> BadgeGrant:
    _require_moderator(actor)
    _badge(badge)
    if not reason.strip():
        message = (
            _("Say why the badge is granted.")
            if grant
            else _("Say why the badge is revoked.")
        )
        raise InvalidInput(message, fields={"reason": "required"})
    row, created = BadgeGrant.objects.select_for_update().get_or_create(
        member=member,
        badge=badge,
        level=level,
        defaults={"granted_at": timezone.now()},
    )
    before = {"active": row.revoked_at is None and not created, "manual": row.manual}
    if grant:
        row.manual, row.granted_by, row.reason = True, actor, reason
        row.revoked_at = row.revoked_by = None
        row.revoke_reason = ""
    else:
        row.manual = False
        row.revoked_at, row.revoked_by, row.revoke_reason = (
            timezone.now(),
            actor,
            reason,
        )
    row.save()
    audit.record(
        actor=actor,
        action="badge.grant" if grant else "badge.revoke",
        target=row,
        before=before,
        after={"active": grant, "manual": grant, "badge": badge, "level": level},
        reason=reason,
    )
    if grant:
        events.emit(events.BadgeGranted(member.pk, badge, level))
    transaction.on_commit(lambda: standings_refresh(member_ids=[member.pk]))
    return row


@transaction.atomic
def rank_lock(*, actor: Any, member: Any, rank: Rank | None, reason: str) -> Standing:
    """Pin a member's shown rank (None unlocks); the lock wins over points."""
    _require_moderator(actor)
    Standing.objects.get_or_create(member=member)
    standing = Standing.objects.select_for_update().get(member=member)
    before = {
        "locked_rank": standing.locked_rank.name if standing.locked_rank else None
    }
    standing.locked_rank = rank
    standing.save(update_fields=["locked_rank", "updated_at"])
    audit.record(
        actor=actor,
        action="rank.lock" if rank else "rank.unlock",
        target=standing,
        before=before,
        after={"locked_rank": rank.name if rank else None},
        reason=reason,
    )
    return standing


# --- pictures ----------------------------------------------------------------------


def picture_set(*, member: Any, data: bytes) -> MemberPicture:
    """Store ``data`` as the member's picture, cleaned (``avatars.cleaned``).

    The old file is removed once the new one is in place; a file that is not
    a picture raises InvalidInput and keeps the old picture.
    """
    content = avatars.cleaned(data)
    old = MemberPicture.objects.filter(member=member).first()
    old_name = old.image.name if old else None
    picture = old or MemberPicture(member=member)
    picture.image.save(f"{member.pk}-{uuid.uuid4().hex[:12]}.webp", content, save=False)
    picture.save()
    if old_name and old_name != picture.image.name:
        _delete_after_commit(picture.image.storage, old_name)
    return picture


def picture_remove(*, member: Any) -> bool:
    """Remove the member's picture (file and row); initials are shown again."""
    picture = MemberPicture.objects.filter(member=member).first()
    if picture is None:
        return False
    storage, name = picture.image.storage, str(picture.image.name)
    picture.delete()
    _delete_after_commit(storage, name)
    return True


def _delete_after_commit(storage: Any, name: str) -> None:
    """A file goes once the row that named it is gone for good."""
    transaction.on_commit(lambda: storage.delete(name))
