"""Everything that changes what a reader is told: the outbox, follows,
mutes, choices, unsubscribing and guests' confirmations.

Mail is only queued here, in the caller's transaction; ``sending.py``
sends it from the task worker.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dateline.core import audit
from dateline.core.errors import InvalidInput, NotFound
from dateline.discussion import mentions
from dateline.notify import conf, selectors
from dateline.notify.models import (
    Delivery,
    Follow,
    GuestAddress,
    Kind,
    Mail,
    Mute,
    Preferences,
    QueueDigest,
)

UNSUBSCRIBE_SALT = "dateline.notify.unsubscribe"
CONFIRM_SALT = "dateline.notify.confirm"


# --- the outbox --------------------------------------------------------------------


def queue(
    recipient: selectors.Recipient,
    *,
    key: str,
    comment_id: int | None = None,
    **context: Any,
) -> Mail | None:
    """Put one mail in the outbox, once per ``key``: None if it is there."""
    state = (
        Mail.State.DIGEST
        if recipient.delivery == Delivery.DAILY
        else Mail.State.PENDING
    )
    try:
        with transaction.atomic():
            return Mail.objects.create(
                key=key,
                kind=recipient.kind,
                address=recipient.address,
                member_id=recipient.member_id,
                comment_id=comment_id,
                context=context,
                state=state,
                created_at=timezone.now(),
            )
    except IntegrityError:  # the same event heard twice
        return None


def comment_published(comment: Any) -> list[Mail]:
    """Tell the writer of the comment answered, the members it mentions
    (who can see the thread), and the thread's followers.

    One mail per address per comment, whatever the reasons to send it (the
    first of these).
    """
    writer = comment.author_id
    told: list[selectors.Recipient] = []
    parent = comment.parent if comment.parent_id else None
    if parent is not None and not parent.is_deleted:
        if parent.author_id:
            told += selectors.members_told(
                Kind.REPLY,
                [parent.author_id],
                thread_id=comment.thread_id,
                writer_id=writer,
            )
        elif (
            parent.guest_email
            and parent.guest_email.lower() != (comment.guest_email or "").lower()
            and selectors.guest_told(parent.guest_email)
        ):
            told.append(
                selectors.Recipient(
                    Kind.REPLY, parent.guest_email.lower(), Delivery.INSTANT
                )
            )
    told += _mentioned(comment)
    followers = selectors.followers(comment.thread_id)
    if followers:
        told += selectors.members_told(
            Kind.THREAD, followers, thread_id=comment.thread_id, writer_id=writer
        )
    return _queue_for(comment, told)


def comment_edited(comment: Any) -> list[Mail]:
    """Members an edit newly mentions. Whoever was told of this comment
    before, for whatever reason, is not told again (the same key)."""
    return _queue_for(comment, _mentioned(comment))


def _mentioned(comment: Any) -> list[selectors.Recipient]:
    named = mentions.mentioned(comment.body_html)
    if not named:
        return []
    return selectors.members_told(
        Kind.MENTION,
        selectors.who_can_see(selectors.members_named(named), comment.thread),
        thread_id=comment.thread_id,
        writer_id=comment.author_id,
    )


def _queue_for(comment: Any, told: list[selectors.Recipient]) -> list[Mail]:
    queued = []
    for recipient in told:
        mail = queue(
            recipient,
            key=f"comment:{comment.pk}:{recipient.address}",
            comment_id=comment.pk,
        )
        if mail is not None:
            queued.append(mail)
    return queued


def comment_decided(
    *,
    comment_id: int,
    writer_id: int | None,
    thread_id: int,
    decision: str,
    reason: str,
) -> Mail | None:
    """Tell the writer of a held comment that it was approved or rejected.

    A shadow-ban is never told: telling would undo it.
    """
    if writer_id is None or decision == "shadow_ban":
        return None
    recipients = selectors.members_told(
        Kind.DECISION, [writer_id], thread_id=thread_id, writer_id=None
    )
    if not recipients:
        return None
    return queue(
        recipients[0],
        key=f"decision:{comment_id}:{decision}",
        comment_id=comment_id,
        decision=decision,
        reason=reason,
    )


# --- members' choices --------------------------------------------------------------


def preferences_set(*, member: Any, **choices: str) -> Preferences:
    prefs, _created = Preferences.objects.get_or_create(member=member)
    fields = {f.name: f for f in Preferences._meta.fields}
    for name, value in choices.items():
        if name not in ("reply", "thread", "mention", "decision", "queue"):
            raise InvalidInput(_("Unknown notification."), fields={name: "unknown"})
        allowed = {c for c, _label in fields[name].choices or []}
        if value not in allowed:
            raise InvalidInput(
                _("Choose one of the options."), fields={name: "invalid"}
            )
        setattr(prefs, name, value)
    prefs.save()
    return prefs


def follow(*, member: Any, thread: Any) -> Follow:
    found, _created = Follow.objects.get_or_create(member=member, thread=thread)
    return found


def unfollow(*, member: Any, thread_id: int) -> int:
    deleted, _detail = Follow.objects.filter(
        member=member, thread_id=thread_id
    ).delete()
    return deleted


def mute(*, member: Any, thread: Any = None, muted: Any = None) -> Mute:
    if (thread is None) == (muted is None):
        raise InvalidInput(_("Mute a thread or a member."))
    if muted is not None and muted.pk == member.pk:
        raise InvalidInput(_("You cannot mute yourself."), fields={"member": "self"})
    if thread is not None:
        found, _created = Mute.objects.get_or_create(member=member, thread=thread)
    else:
        found, _created = Mute.objects.get_or_create(member=member, muted=muted)
    return found


def unmute(*, member: Any, mute_id: int) -> None:
    deleted, _detail = Mute.objects.filter(member=member, pk=mute_id).delete()
    if not deleted:
        raise NotFound(_("There is no such mute."))


# --- unsubscribing ----------------------------------------------------------------


def unsubscribe_token(address: str, kind: str, thread_id: int | None = None) -> str:
    """A token that stops one kind of mail to one address; it never expires
    (mail is read late), and it can only stop mail, never start it."""
    return signing.dumps(
        {"a": address.lower(), "k": kind, "t": thread_id},
        salt=UNSUBSCRIBE_SALT,
        compress=True,
    )


def unsubscribe_target(token: str) -> dict[str, Any] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return data if isinstance(data, dict) and data.get("a") else None


@transaction.atomic
def unsubscribe(token: str) -> str:
    """Stop what the token names; the same answer however often it is used.

    Returns the kind stopped. A member's token turns that kind off (a
    thread's: stops following that thread); a guest's stops all mail to
    the address.
    """
    target = unsubscribe_target(token)
    if target is None:
        raise InvalidInput(_("This unsubscribe link is not valid."), code="bad_token")
    address, kind, thread_id = target["a"], target["k"], target.get("t")
    members = selectors.members_at(address)
    for member_id in members:
        if kind == Kind.THREAD and thread_id:
            Follow.objects.filter(member_id=member_id, thread_id=thread_id).delete()
        elif kind == Kind.QUEUE:
            Preferences.objects.update_or_create(
                member_id=member_id, defaults={"queue": QueueDigest.OFF}
            )
        elif kind in selectors.KINDS_FOR_MEMBERS:
            Preferences.objects.update_or_create(
                member_id=member_id, defaults={kind: Delivery.OFF}
            )
    if not members:
        GuestAddress.objects.filter(address=address, stopped_at=None).update(
            stopped_at=timezone.now()
        )
    # What was queued for it and not sent yet is not sent.
    waiting = Mail.objects.filter(
        address=address, state__in=[Mail.State.PENDING, Mail.State.DIGEST]
    )
    if members and kind != Kind.DIGEST:
        waiting = waiting.filter(kind=kind)
    waiting.update(state=Mail.State.DROPPED, error="unsubscribed")
    return str(kind)


# --- guests' addresses -------------------------------------------------------------


def confirm_token(address: str) -> str:
    return signing.dumps({"a": address}, salt=CONFIRM_SALT)


def confirmed_address(token: str) -> str | None:
    try:
        data = signing.loads(
            token,
            salt=CONFIRM_SALT,
            max_age=conf.get("DATELINE_NOTIFY_CONFIRM_HOURS") * 3600,
        )
    except signing.BadSignature:
        return None
    return str(data.get("a") or "") or None


def guest_ask(*, address: str, client: str) -> None:
    """Queue a confirmation mail for a guest's address, within the limits.

    The caller answers the same whatever happens here: whether the address
    is known, confirmed already, or over its limit is nobody's business
    but the mailbox owner's. One mail per address a day; a few per client
    address an hour.
    """
    address = address.strip().lower()
    if not address or "@" not in address:
        raise InvalidInput(_("Enter an email address."), fields={"email": "invalid"})
    per_client = f"dateline.notify.confirm.{client}"
    cache.add(per_client, 0, timeout=3600)
    try:
        asked = cache.incr(per_client)
    except ValueError:  # expired between the two calls
        asked = 1
    if asked > conf.get("DATELINE_NOTIFY_CONFIRMS_PER_CLIENT_HOUR"):
        return
    now = timezone.now()
    with transaction.atomic():
        row, _created = GuestAddress.objects.select_for_update().get_or_create(
            address=address
        )
        if row.confirmed_at and not row.stopped_at:
            return
        if row.asked_at and now - row.asked_at < dt.timedelta(days=1):
            return
        row.asked_at = now
        row.save(update_fields=["asked_at"])
        if queue(
            selectors.Recipient(Kind.CONFIRM, address, Delivery.INSTANT),
            key=f"confirm:{address}:{now:%Y-%m-%d}",
        ):
            from dateline.notify import tasks

            # Sent now, not with whatever next fills the outbox.
            transaction.on_commit(tasks.send_soon)


@transaction.atomic
def guest_confirm(token: str) -> str:
    address = confirmed_address(token)
    if address is None:
        raise InvalidInput(
            _("This confirmation link is not valid or has expired."), code="bad_token"
        )
    row, _created = GuestAddress.objects.select_for_update().get_or_create(
        address=address
    )
    if row.confirmed_at is None or row.stopped_at is not None:
        row.confirmed_at, row.stopped_at = timezone.now(), None
        row.save(update_fields=["confirmed_at", "stopped_at"])
        audit.record(
            actor=None,
            action="notify.guest_confirmed",
            target=row,
            before={},
            after={},
            label="a guest's address",
        )
    return address


def subscription_brought(
    *, address: str, member: Any, thread: Any, every_comment: bool, since: Any
) -> str:
    """A subscription a reader confirmed on the site a newsroom moved from
    (the importers keep it): what it becomes here, in one word.

    - a member's subscription to every comment: they follow the thread
      (``followed``); to replies: members are told of replies already,
      unless they turned it off here (``covered``);
    - a guest's: the address counts as confirmed for replies, as if they
      had clicked our link (``replies``). Guests follow no thread here, so
      a guest's thread subscription becomes replies too. An address that
      unsubscribed here stays unsubscribed (``stopped``).
    """
    if member is not None:
        if every_comment:
            follow(member=member, thread=thread)
            return "followed"
        return "covered"
    row, _created = GuestAddress.objects.get_or_create(
        address=address.strip().lower(),
        defaults={"confirmed_at": since or timezone.now()},
    )
    if row.stopped_at is not None:
        return "stopped"
    if row.confirmed_at is None:
        row.confirmed_at = since or timezone.now()
        row.save(update_fields=["confirmed_at"])
    return "replies"


def site_name() -> str:
    return str(settings.DATELINE_SITE_NAME)
