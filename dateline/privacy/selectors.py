"""Everything Dateline holds about one member, as one document (their right
of access).

Their profile (with the picture they uploaded), every comment with its
earlier versions, their votes and reports, badges, ledger and standing, the
context notes they wrote and rated, the bans or suspensions they were told
about, the mail they chose, whom and what they follow or muted, and the
sites that sign them in. Nothing about anyone else (the members they muted
are named, as their pages name them to everyone):
the ledger does not say who voted, and other readers' reports on their
comments are left out. Shadow-bans are left out too, as telling them would
undo them; a site that must disclose them answers that request by hand.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from django.utils import timezone

from dateline.community.models import (
    BadgeGrant,
    LedgerEntry,
    MemberPicture,
    Standing,
)
from dateline.discussion.models import Comment, CommentRevision, Report, Vote
from dateline.embed import selectors as embed
from dateline.importers import selectors as importers
from dateline.moderation.models import Sanction
from dateline.notes import selectors as notes
from dateline.notify import selectors as notify

FORMAT = "dateline-member-data"
VERSION = 1


def _when(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _comments(member: Any) -> list[dict[str, Any]]:
    revisions: dict[int, list[dict[str, Any]]] = {}
    for revision in CommentRevision.objects.filter(comment__author=member).order_by(
        "replaced_at", "id"
    ):
        revisions.setdefault(revision.comment_id, []).append(
            {
                "body": revision.body,
                "written_at": _when(revision.written_at),
                "replaced_at": _when(revision.replaced_at),
            }
        )
    out = []
    for c in (
        Comment.objects.filter(author=member)
        .select_related("thread")
        .order_by("created_at", "id")
    ):
        out.append(
            {
                "id": c.pk,
                "thread": c.thread.title or c.thread.url or str(c.thread_id),
                "thread_url": c.thread.url or "",
                "article_id": c.thread.article_id,
                "in_reply_to": c.parent_id,
                "status": c.status,
                "body": c.body,
                "created_at": _when(c.created_at),
                "edited_at": _when(c.edited_at),
                "deleted_at": _when(c.deleted_at),
                "upvotes": c.upvotes,
                "downvotes": c.downvotes,
                "earlier_versions": revisions.get(c.pk, []),
            }
        )
    return out


def _picture(member: Any) -> dict[str, Any] | None:
    """The picture they uploaded, as the site keeps it (cleaned WebP)."""
    picture = MemberPicture.objects.filter(member=member).first()
    if picture is None:
        return None
    with picture.image.open("rb") as handle:
        data = handle.read()
    return {
        "file_name": str(picture.image.name).rsplit("/", 1)[-1],
        "content_type": "image/webp",
        "base64": base64.b64encode(data).decode("ascii"),
        "updated_at": _when(picture.updated_at),
    }


def member_data(member: Any) -> dict[str, Any]:
    standing = Standing.objects.filter(member=member).select_related("rank").first()
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _when(timezone.now()),
        "profile": {
            "username": member.get_username(),
            "email": member.email,
            "first_name": member.first_name,
            "last_name": member.last_name,
            "date_joined": _when(member.date_joined),
            "last_login": _when(member.last_login),
            "picture": _picture(member),
        },
        "standing": {
            "points": standing.points if standing else 0,
            "rank": standing.rank.name if standing and standing.rank else None,
        },
        "comments": _comments(member),
        "votes": [
            {"comment": v.comment_id, "value": v.value, "at": _when(v.created_at)}
            for v in Vote.objects.filter(voter=member).order_by("created_at", "id")
        ],
        "reports": [
            {
                "comment": r.comment_id,
                "reason": r.reason,
                "note": r.note,
                "at": _when(r.created_at),
                "outcome": r.outcome,
            }
            for r in Report.objects.filter(reporter=member).order_by("created_at")
        ],
        "badges": [
            {
                "badge": b.badge,
                "level": b.get_level_display(),
                "granted_at": _when(b.granted_at),
                "by_hand": b.manual,
                "reason": b.reason,
                "revoked_at": _when(b.revoked_at),
            }
            for b in BadgeGrant.objects.filter(member=member).order_by("granted_at")
        ],
        "ledger": [
            {
                "kind": e.kind,
                "points": e.points,
                "comment": e.comment_id,
                "at": _when(e.occurred_at),
            }
            for e in LedgerEntry.objects.filter(member=member).order_by(
                "occurred_at", "id"
            )
        ],
        "sanctions": [
            {
                "kind": s.kind,
                "reason": s.reason,
                "from": _when(s.created_at),
                "until": _when(s.expires_at),
            }
            for s in Sanction.objects.filter(user=member)
            .exclude(kind=Sanction.Kind.SHADOW_BAN)
            .order_by("created_at")
        ],
        # Context notes written and rated, and the side the scorer put them on.
        **notes.member_data(member),
        # The mail they chose, the threads they follow, what they muted.
        **notify.member_data(member),
        # The sites whose readers they are, signed in here by those sites.
        **embed.member_data(member),
        # Brought from the old site, kept until notifications honour them.
        "subscriptions": [
            importers.subscription_data(s)
            for s in importers.kept_subscriptions(member=member)
        ],
    }


def guest_data(email: str) -> dict[str, Any]:
    """What a guest's email address left behind: their comments."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _when(timezone.now()),
        "email": email,
        "comments": [
            {
                "id": c.pk,
                "name": c.guest_name,
                "thread": c.thread.title or c.thread.url or str(c.thread_id),
                "thread_url": c.thread.url or "",
                "in_reply_to": c.parent_id,
                "status": c.status,
                "body": c.body,
                "created_at": _when(c.created_at),
                "edited_at": _when(c.edited_at),
            }
            for c in Comment.objects.filter(author=None, guest_email__iexact=email)
            .select_related("thread")
            .order_by("created_at", "id")
        ],
        "subscriptions": [
            importers.subscription_data(s)
            for s in importers.kept_subscriptions(email=email)
        ],
    }


def guest_known(email: str) -> bool:
    return (
        Comment.objects.filter(author=None, guest_email__iexact=email).exists()
        or importers.kept_subscriptions(email=email).exists()
    )
