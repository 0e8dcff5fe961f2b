"""Background work of the notify app: sending the outbox, and the digests."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from dateline.core import sql

DIGEST_ROUND_KEY = "dateline.notify.digest-round"
DIGEST_ROUND_EVERY = 3600
RETRY_AFTER = dt.timedelta(minutes=5)


@task()
def send_outbox() -> dict[str, int]:
    from dateline.notify import sending

    done = sending.send_due()
    if done.failed and send_outbox.get_backend().supports_defer:
        # Try again later; without a worker that can wait, the next mail or
        # `manage.py send_notifications` will.
        send_outbox.using(run_after=timezone.now() + RETRY_AFTER).enqueue()
    if cache.add(DIGEST_ROUND_KEY, 1, timeout=DIGEST_ROUND_EVERY):
        # About once an hour, without a cron job; `manage.py
        # send_notifications` does the same at once.
        digests = sending.send_digests()
        done.digests, done.dropped = digests.digests, done.dropped + digests.dropped
    return {
        "sent": done.sent,
        "dropped": done.dropped,
        "deferred": done.deferred,
        "failed": done.failed,
        "left": done.left,
        "digests": done.digests,
    }


def send_soon() -> None:
    """Queue a sending round (call after the commit that filled the outbox)."""
    send_outbox.enqueue()


PRUNE_KEY = "dateline.notify.prune"
PRUNE_EVERY = 3600
MAIL_KEEP_DAYS = 30


@task()
def prune() -> dict[str, int]:
    """Forget live events past DATELINE_LIVE_KEEP_HOURS, and mail finished
    (sent, dropped, failed) more than MAIL_KEEP_DAYS ago."""
    from dateline.notify.live import record
    from dateline.notify.models import Mail

    since = timezone.now() - dt.timedelta(days=MAIL_KEEP_DAYS)
    finished = [
        Mail.State.SENT,
        Mail.State.DIGESTED,
        Mail.State.DROPPED,
        Mail.State.FAILED,
    ]
    mails = sql.sweep(
        Mail.objects.filter(state__in=finished, created_at__lt=since),
        lambda rows: rows.delete()[0],
    )
    return {"live_events": record.prune(), "mails": mails}


def prune_hourly() -> None:
    """About once an hour, after the commit of a change, without a cron job."""
    if cache.add(PRUNE_KEY, 1, timeout=PRUNE_EVERY):
        transaction.on_commit(prune.enqueue)
