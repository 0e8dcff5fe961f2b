"""Background work for moderation: forgetting old client addresses."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django_tasks import task

from dateline.moderation import addresses

PURGE_KEY = "dateline.moderation.purge-addresses"
PURGE_EVERY = 24 * 3600


@task()
def purge_addresses() -> int:
    return addresses.purge()


def purge_daily() -> None:
    """Forget expired addresses about once a day, without a cron job.

    The first comment after the marker expires starts the purge, after its
    transaction commits; ``manage.py purge_addresses`` does the same at once.
    """
    if cache.add(PURGE_KEY, 1, timeout=PURGE_EVERY):
        transaction.on_commit(purge_addresses.enqueue)
