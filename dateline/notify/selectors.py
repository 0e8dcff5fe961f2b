"""Who is told of what: members' choices, verified addresses and mutes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db.models import Q

from dateline.notify.models import (
    Delivery,
    Follow,
    GuestAddress,
    Kind,
    Mute,
    Preferences,
)


@dataclass(frozen=True)
class Recipient:
    kind: str
    address: str
    delivery: str  # Delivery.INSTANT or Delivery.DAILY
    member_id: int | None = None


def preferences(member_id: int) -> Preferences:
    """A member's choices; the defaults (unsaved) when they made none."""
    found = Preferences.objects.filter(member_id=member_id).first()
    return found or Preferences(member_id=member_id)


def delivery(prefs: Preferences, kind: str) -> str:
    return str(getattr(prefs, kind, Delivery.OFF))


def verified_addresses(member_ids: Iterable[int]) -> dict[int, str]:
    """Each member's primary address, for those who verified it."""
    rows = EmailAddress.objects.filter(
        user_id__in=set(member_ids), verified=True, primary=True
    ).values_list("user_id", "email")
    return {user_id: email for user_id, email in rows}


def members_at(address: str) -> list[int]:
    """The members whose verified address this is (exactly, any case)."""
    return list(
        EmailAddress.objects.filter(email__iexact=address, verified=True).values_list(
            "user_id", flat=True
        )
    )


def muted_members(member_id: int) -> set[int]:
    """The members whose comments ``member_id`` muted (folded on pages)."""
    return set(
        Mute.objects.filter(member_id=member_id, muted__isnull=False).values_list(
            "muted_id", flat=True
        )
    )


def silenced(
    member_ids: Iterable[int], *, thread_id: int, writer_id: int | None
) -> set[int]:
    """The members among ``member_ids`` who muted this thread or this writer."""
    wanted = Q(thread_id=thread_id)
    if writer_id is not None:
        wanted |= Q(muted_id=writer_id)
    return set(
        Mute.objects.filter(wanted, member_id__in=set(member_ids)).values_list(
            "member_id", flat=True
        )
    )


def members_told(
    kind: str, member_ids: Iterable[int], *, thread_id: int, writer_id: int | None
) -> list[Recipient]:
    """The members who want ``kind`` mail, have a verified address and did
    not mute the thread or the writer, never the writer themselves."""
    ids = {m for m in member_ids if m is not None and m != writer_id}
    if not ids:
        return []
    addresses = verified_addresses(ids)
    ids = set(addresses) - silenced(addresses, thread_id=thread_id, writer_id=writer_id)
    chosen = {p.member_id: p for p in Preferences.objects.filter(member_id__in=ids)}
    told = []
    for member_id in sorted(ids):
        prefs = chosen.get(member_id) or Preferences(member_id=member_id)
        how = delivery(prefs, kind)
        if how != Delivery.OFF:
            told.append(Recipient(kind, addresses[member_id], how, member_id))
    return told


def members_named(usernames: Iterable[str]) -> list[int]:
    return list(
        get_user_model()
        .objects.filter(username__in=list(usernames), is_active=True)
        .values_list("pk", flat=True)
    )


def who_can_see(member_ids: Iterable[int], thread: Any) -> set[int]:
    """The members among ``member_ids`` allowed to read the thread's article
    (Wagtail's view restrictions: signed-in members, groups; a password
    page tells nobody)."""
    allowed = set(member_ids)
    article = thread.article if thread.article_id else None
    if article is None or not allowed:
        return allowed
    for restriction in article.get_view_restrictions():
        if restriction.restriction_type == restriction.PASSWORD:
            return set()
        if restriction.restriction_type == restriction.GROUPS:
            groups = restriction.groups.all()
            allowed &= set(
                get_user_model()
                .objects.filter(pk__in=allowed, groups__in=groups)
                .values_list("pk", flat=True)
            )
    return allowed


def followers(thread_id: int) -> list[int]:
    return list(
        Follow.objects.filter(thread_id=thread_id).values_list("member_id", flat=True)
    )


def followed(thread_id: int) -> bool:
    """Whether anyone follows the thread: asked for every comment posted,
    inside its transaction, so one plain query (the ORM's query building
    cost more than the lookup)."""
    from dateline.core import sql

    found = sql.one(
        f"SELECT 1 FROM {sql.table(Follow)} WHERE thread_id = %s LIMIT 1",  # noqa: S608
        [thread_id],
    )
    return found is not None


def guest_parent_told(parent_id: int) -> bool:
    """Whether the guest who wrote comment ``parent_id`` is told of replies
    (their address confirmed, not stopped): one plain query, as above."""
    from dateline.core import sql
    from dateline.discussion.models import Comment

    found = sql.one(
        f"SELECT 1 FROM {sql.table(GuestAddress)} g JOIN {sql.table(Comment)} c"  # noqa: S608
        " ON g.address = LOWER(c.guest_email) WHERE c.id = %s"
        " AND g.confirmed_at IS NOT NULL AND g.stopped_at IS NULL LIMIT 1",
        [parent_id],
    )
    return found is not None


def follows(member_id: int, thread_id: int) -> bool:
    return Follow.objects.filter(member_id=member_id, thread_id=thread_id).exists()


def guest_told(address: str) -> bool:
    """A guest's address confirmed by its owner and not unsubscribed since."""
    return GuestAddress.objects.filter(
        address=address.strip().lower(), confirmed_at__isnull=False, stopped_at=None
    ).exists()


def mutes(member_id: int) -> list[Mute]:
    return list(
        Mute.objects.filter(member_id=member_id)
        .select_related("thread", "muted")
        .order_by("-created_at")
    )


KINDS_FOR_MEMBERS = (Kind.REPLY, Kind.THREAD, Kind.MENTION, Kind.DECISION)


def member_data(member: Any) -> dict[str, Any]:
    """What the notifications hold about one member, for their data download:
    the mail they chose, the threads they follow, and what they muted."""
    prefs = preferences(member.pk)
    return {
        # One choice per kind a member may be mailed, each a field of theirs.
        "mail": {
            str(kind): getattr(prefs, kind) for kind in (*KINDS_FOR_MEMBERS, Kind.QUEUE)
        },
        "follows": [
            {
                "thread": f.thread.title or f.thread.url or str(f.thread_id),
                "thread_url": f.thread.url or "",
                "since": f.created_at.isoformat(),
            }
            for f in Follow.objects.filter(member=member)
            .select_related("thread")
            .order_by("created_at", "id")
        ],
        "mutes": [
            {
                "thread": (m.thread.title or m.thread.url) if m.thread else None,
                "member": m.muted.get_username() if m.muted else None,
                "since": m.created_at.isoformat(),
            }
            for m in reversed(mutes(member.pk))  # oldest first, as the rest
        ],
    }
