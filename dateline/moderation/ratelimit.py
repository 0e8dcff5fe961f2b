"""How many comments a writer, an address and a network may post a minute.

Three budgets, each counted along its own index of recent comments:

- the writer (a member, or a guest's browser): ``PER_MINUTE``;
- the address: an IPv4 address, or an IPv6 /64, which is one line, so a
  client rotating addresses inside its own /64 is still one client
  (``addresses.digest``): ``PER_MINUTE_PER_ADDRESS``;
- the network around it (IPv4 /24, IPv6 /48, as stored on comments):
  ``PER_MINUTE_PER_NETWORK``, a wider budget for many addresses at once.

The rate scorer counts early, so a refused post costs little and no model
time. Counts taken outside a lock can let a burst through by a comment or
two, so :func:`enforce` counts again inside the posting transaction, after
taking a lock per budget: on PostgreSQL an advisory lock per key, on SQLite
the database's single write lock that every post already holds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dateline.core.errors import Rejected
from dateline.moderation import addresses, conf


@dataclass(frozen=True)
class Budget:
    """Whose comments count: a writer, an address, a network (any may be absent)."""

    author_id: int | None = None
    guest_key_hash: str = ""
    address: str = ""  # addresses.digest: the address, or the IPv6 /64
    network: str = ""  # addresses.stored().network: IPv4 /24, IPv6 /48

    @classmethod
    def of(cls, author_id: int | None, guest_key_hash: str, client: str) -> Budget:
        stored = addresses.stored(client)
        return cls(
            author_id=author_id,
            guest_key_hash="" if author_id else guest_key_hash,
            address=stored.digest,
            network=stored.network,
        )

    def writer(self) -> Q | None:
        if self.author_id:
            return Q(author_id=self.author_id)
        if self.guest_key_hash:
            return Q(author__isnull=True, guest_key_hash=self.guest_key_hash)
        return None

    def lock_keys(self) -> list[str]:
        keys = [
            f"member:{self.author_id}" if self.author_id else "",
            f"guest:{self.guest_key_hash}" if self.guest_key_hash else "",
            f"address:{self.address}" if self.address else "",
            f"network:{self.network}" if self.network else "",
        ]
        return sorted(k for k in keys if k)


def refusal(budget: Budget, now: dt.datetime) -> str:
    """Why this post is one too many (a message for the writer), or ""."""
    from dateline.discussion.models import Comment

    recent = Comment.objects.filter(created_at__gte=now - dt.timedelta(minutes=1))
    writer = budget.writer()
    # One count per budget, each along its own index: conditions OR-ed
    # together would read the whole table. Each partial index covers stored
    # addresses only, and saying so lets the database use it.
    if writer is not None:
        limit = conf.get("PER_MINUTE")
        if recent.filter(writer).count() >= limit:
            return ngettext(
                "You can post %(n)d comment a minute; please wait a moment.",
                "You can post %(n)d comments a minute; please wait a moment.",
                limit,
            ) % {"n": limit}
    busy = _(
        "Many comments came from your network in the last minute; please wait a moment."
    )
    if budget.address:
        same = recent.filter(~Q(ip_hash=""), ip_hash=budget.address)
        if same.count() >= conf.get("PER_MINUTE_PER_ADDRESS"):
            return busy
    if budget.network:
        same = recent.filter(~Q(ip_network=""), ip_network=budget.network)
        if same.count() >= conf.get("PER_MINUTE_PER_NETWORK"):
            return busy
    return ""


def _lock(keys: list[str]) -> None:
    """Serialise posts that share a budget until the transaction ends."""
    if connection.vendor != "postgresql":
        return  # SQLite: every write transaction already holds the one lock
    with connection.cursor() as cursor:
        for key in keys:  # sorted, so two posts never wait on each other
            number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [number - (1 << 63)])


def active() -> bool:
    """Whether the site limits rates (the rate scorer is in its pipeline)."""
    from dateline.moderation import scoring

    return any(path.endswith(".RateScorer") for path in scoring.scorer_paths())


def enforce(budget: Budget, now: dt.datetime) -> None:
    """Inside the posting transaction: refuse the post that would be one too many."""
    if not active():
        return
    _lock(budget.lock_keys())
    message = refusal(budget, now)
    if message:
        raise Rejected(
            message, reasons=[{"code": "rate", "message": message, "spans": []}]
        )
