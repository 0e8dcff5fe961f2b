"""Sending the outbox, from the task worker: one mail at a time, claimed first.

A mail is claimed by one conditional UPDATE (pending -> sending), so two
workers never send the same row, sent, then marked sent. A worker that
stops between the two leaves the row claimed; after
DATELINE_NOTIFY_STALE_MINUTES it is sent again with the same Message-ID,
which mail clients use to show a repeated message once. Rows never sent
wait for the next round: nothing is lost when the worker stops.

Before sending, each mail is checked again: a comment hidden, held or
deleted since, or a recipient who turned the kind off or muted the writer,
and the mail is dropped. Past its daily cap an address's mail waits for
its digest instead; the whole site sends at most a budget a minute.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Count, F, Min
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from dateline.notify import actions, conf, selectors
from dateline.notify.models import Kind, Mail, Preferences, QueueDigest

log = logging.getLogger(__name__)

COMMENT_KINDS = (Kind.REPLY, Kind.THREAD, Kind.MENTION)
NO_CAP = (Kind.CONFIRM, Kind.DIGEST, Kind.QUEUE)


@dataclass
class Round:
    sent: int = 0
    dropped: int = 0
    deferred: int = 0  # past the daily cap: to the digest
    failed: int = 0
    left: int = 0  # over the site's budget: next round
    digests: int = 0
    unreachable: bool = False  # the mail server could not be reached
    kinds: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def link(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _message_id(key: str) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    domain = (
        settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">").strip() or "localhost"
    )
    return f"<{digest}@{domain}>"


def _from_address() -> str:
    sender = settings.DEFAULT_FROM_EMAIL
    return sender.rsplit("<", 1)[-1].rstrip(">").strip() if "<" in sender else sender


def unsubscribe_headers(
    address: str, kind: str, thread_id: int | None
) -> tuple[dict[str, str], str]:
    """RFC 2369 and RFC 8058 headers, and the link the mail's footer shows."""
    token = actions.unsubscribe_token(address, kind, thread_id)
    url = link(reverse("notify-unsubscribe", args=[token]))
    mailto = f"mailto:{_from_address()}?subject={quote('unsubscribe ' + token)}"
    headers = {
        "List-Unsubscribe": f"<{url}>, <{mailto}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return headers, url


def _build(
    mail: Mail, context: dict[str, Any], *, thread_id: int | None
) -> EmailMultiAlternatives:
    headers, unsubscribe_url = unsubscribe_headers(mail.address, mail.kind, thread_id)
    context = {
        **context,
        "site_name": settings.DATELINE_SITE_NAME,
        "site_url": settings.SITE_URL,
        "settings_url": link(reverse("notify-settings")),
        "unsubscribe_url": unsubscribe_url,
        "kind": mail.kind,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"notify/mail/{mail.kind}_subject.txt", context)
        text = render_to_string(f"notify/mail/{mail.kind}.txt", context)
        html = render_to_string(f"notify/mail/{mail.kind}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[mail.address],
        headers={
            **headers,
            "Message-ID": _message_id(mail.key),
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _still_wanted(mail: Mail, comment: Any) -> bool:
    """The recipient still wants this mail: turned nothing off, muted nobody."""
    if mail.member_id is None:
        return selectors.guest_told(mail.address)
    if mail.kind == Kind.THREAD and not selectors.follows(
        mail.member_id, comment.thread_id
    ):
        return False
    writer = comment.author_id if mail.kind in COMMENT_KINDS else None
    return bool(
        selectors.members_told(
            mail.kind, [mail.member_id], thread_id=comment.thread_id, writer_id=writer
        )
    )


def _comment_context(mail: Mail) -> dict[str, Any] | None:
    """What a mail about a comment shows, or None when it should not go."""
    comment = mail.comment
    if comment is None:
        return None
    if mail.kind in COMMENT_KINDS and not comment.is_published:
        return None
    if not _still_wanted(mail, comment):
        return None
    thread = comment.thread
    return {
        "comment": comment,
        "writer": comment.display_name,
        "parent": comment.parent,
        "thread_title": thread.title or getattr(thread.article, "title", ""),
        "comment_url": link(reverse("comment-permalink", args=[comment.pk])),
        "decision": mail.context.get("decision", ""),
        "reason": mail.context.get("reason", ""),
    }


def _context(mail: Mail) -> tuple[dict[str, Any] | None, int | None]:
    if mail.kind == Kind.CONFIRM:
        token = actions.confirm_token(mail.address)
        return {
            "confirm_url": link(reverse("notify-guest-confirm", args=[token])),
            "hours": conf.get("DATELINE_NOTIFY_CONFIRM_HOURS"),
        }, None
    found = _comment_context(mail)
    thread_id = mail.comment.thread_id if mail.comment is not None else None
    return found, thread_id if mail.kind == Kind.THREAD else None


def _over_cap(address: str, now: dt.datetime) -> bool:
    since = now - dt.timedelta(days=1)
    sent = Mail.objects.filter(address=address, sent_at__gte=since).count()
    return sent >= conf.get("DATELINE_NOTIFY_DAILY_CAP")


def _claim(pk: int, now: dt.datetime, state: str = Mail.State.PENDING) -> bool:
    return bool(
        Mail.objects.filter(pk=pk, state=state).update(
            state=Mail.State.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    )


def requeue_stale(now: dt.datetime) -> int:
    stale = now - dt.timedelta(minutes=conf.get("DATELINE_NOTIFY_STALE_MINUTES"))
    return Mail.objects.filter(state=Mail.State.SENDING, claimed_at__lt=stale).update(
        state=Mail.State.PENDING
    )


def _finish(mail: Mail, state: str, **more: Any) -> None:
    Mail.objects.filter(pk=mail.pk).update(state=state, **more)


def send_one(mail: Mail, connection: Any, now: dt.datetime, result: Round) -> None:
    context, thread_id = _context(mail)
    if context is None:
        _finish(mail, Mail.State.DROPPED, error="no longer to be told")
        result.dropped += 1
        return
    if mail.kind not in NO_CAP and _over_cap(mail.address, now):
        _finish(mail, Mail.State.DIGEST)
        result.deferred += 1
        return
    try:
        connection.send_messages([_build(mail, context, thread_id=thread_id)])
    except Exception as exc:  # the mail server refused or is away: try later
        log.warning("mail %s to %s failed: %s", mail.pk, mail.address, exc)
        result.unreachable = isinstance(
            exc,
            (
                ConnectionError,
                TimeoutError,
                smtplib.SMTPConnectError,
                smtplib.SMTPServerDisconnected,
            ),
        )
        gone = mail.attempts >= conf.get("DATELINE_NOTIFY_ATTEMPTS")
        _finish(
            mail,
            Mail.State.FAILED if gone else Mail.State.PENDING,
            error=str(exc)[:500],
        )
        result.failed += 1
        return
    _finish(mail, Mail.State.SENT, sent_at=timezone.now(), error="")
    result.sent += 1
    result.kinds[mail.kind] += 1


def send_due(*, now: dt.datetime | None = None, batch: int = 100) -> Round:
    """Send what is waiting, within the site's budget a minute."""
    now = now or timezone.now()
    result = Round()
    requeue_stale(now)
    budget = (
        conf.get("DATELINE_NOTIFY_PER_MINUTE")
        - Mail.objects.filter(sent_at__gte=now - dt.timedelta(minutes=1)).count()
    )
    connection = get_connection()
    last = 0  # each mail is tried once a round, in order
    try:
        while budget > 0 and not result.unreachable:
            ids = list(
                Mail.objects.filter(state=Mail.State.PENDING, pk__gt=last)
                .order_by("pk")
                .values_list("pk", flat=True)[: min(batch, budget)]
            )
            if not ids:
                break
            for pk in ids:
                last = pk
                if not _claim(pk, now):
                    continue  # another worker has it
                mail = Mail.objects.select_related(
                    "comment__thread__article", "comment__parent", "comment__author"
                ).get(pk=pk)
                before = result.sent
                send_one(mail, connection, now, result)
                budget -= result.sent - before
                if result.unreachable:
                    break  # the mail server is away: the rest waits too
        result.left = Mail.objects.filter(state=Mail.State.PENDING).count()
    finally:
        connection.close()
    return result


# --- digests ------------------------------------------------------------------------


def send_digests(*, now: dt.datetime | None = None) -> Round:
    """One mail per address whose oldest waiting item is a day old."""
    now = now or timezone.now()
    result = Round()
    due = now - dt.timedelta(hours=conf.get("DATELINE_NOTIFY_DIGEST_HOURS"))
    addresses = (
        Mail.objects.filter(state=Mail.State.DIGEST)
        .values("address")
        .annotate(oldest=Min("created_at"), n=Count("pk"))
        .filter(oldest__lte=due)
    )
    connection = get_connection()
    try:
        for row in addresses:
            _digest(row["address"], now, connection, result)
        _queue_digests(now, connection, result)
    finally:
        connection.close()
    return result


def _digest(address: str, now: dt.datetime, connection: Any, result: Round) -> None:
    ids = list(
        Mail.objects.filter(address=address, state=Mail.State.DIGEST).values_list(
            "pk", flat=True
        )
    )
    claimed = [pk for pk in ids if _claim(pk, now, Mail.State.DIGEST)]
    items = []
    mails = Mail.objects.filter(pk__in=claimed).select_related(
        "comment__thread__article", "comment__parent", "comment__author"
    )
    member_id = None
    for mail in mails.order_by("created_at"):
        member_id = member_id or mail.member_id
        context, _thread = _context(mail)
        if context is None or mail.kind == Kind.CONFIRM:
            _finish(mail, Mail.State.DROPPED, error="no longer to be told")
            result.dropped += 1
            continue
        items.append({**context, "kind": mail.kind, "mail": mail})
    if not items:
        return
    digest = Mail(
        key=f"digest:{address}:{now:%Y-%m-%dT%H:%M}",
        kind=Kind.DIGEST,
        address=address,
        member_id=member_id,
        created_at=now,
    )
    try:
        connection.send_messages([_build(digest, {"items": items}, thread_id=None)])
    except Exception as exc:
        log.warning("digest to %s failed: %s", address, exc)
        Mail.objects.filter(pk__in=[i["mail"].pk for i in items]).update(
            state=Mail.State.DIGEST
        )
        result.failed += 1
        return
    digest.state, digest.sent_at = Mail.State.SENT, timezone.now()
    digest.save()
    Mail.objects.filter(pk__in=[i["mail"].pk for i in items]).update(
        state=Mail.State.DIGESTED, sent_at=digest.sent_at
    )
    result.digests += 1


def _queue_digests(now: dt.datetime, connection: Any, result: Round) -> None:
    """Moderators who asked for it: the queue's counts, hourly or daily."""
    from dateline.moderation import queue

    chosen = Preferences.objects.exclude(queue=QueueDigest.OFF)
    if not chosen.exists():
        return
    counts = queue.counts()
    if not any(
        counts[tab] for tab in ("pending", "reported", "flagged") if tab in counts
    ):
        return
    addresses = selectors.verified_addresses(chosen.values_list("member_id", flat=True))
    for prefs in chosen.select_related("member"):
        every = dt.timedelta(hours=1 if prefs.queue == QueueDigest.HOURLY else 24)
        if prefs.queue_sent_at and now - prefs.queue_sent_at < every - dt.timedelta(
            minutes=5
        ):
            continue
        address = addresses.get(prefs.member_id)
        if not address or not _moderates(prefs.member):
            continue
        mail = Mail(
            key=f"queue:{address}:{now:%Y-%m-%dT%H}",
            kind=Kind.QUEUE,
            address=address,
            member_id=prefs.member_id,
            created_at=now,
        )
        tabs = [
            {
                "name": tab,
                "count": counts.get(tab, 0),
                "url": link(reverse("moderation_queue") + f"?tab={tab}"),
            }
            for tab in ("pending", "reported", "flagged")
        ]
        try:
            connection.send_messages(
                [_build(mail, {"tabs": tabs, "counts": counts}, thread_id=None)]
            )
        except Exception as exc:
            log.warning("queue digest to %s failed: %s", address, exc)
            result.failed += 1
            continue
        mail.state, mail.sent_at = Mail.State.SENT, timezone.now()
        mail.save()
        Preferences.objects.filter(pk=prefs.pk).update(queue_sent_at=now)
        result.digests += 1


def _moderates(member: Any) -> bool:
    from dateline.discussion.actions import can_moderate

    return can_moderate(member)
