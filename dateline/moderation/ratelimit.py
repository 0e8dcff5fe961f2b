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
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dateline.core import sql
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
    def of(
        cls, author_id: int | None, guest_key_hash: str, stored: addresses.Stored
    ) -> Budget:
        """``stored``: what the comment keeps of the address (``addresses.stored``)."""
        return cls(
            author_id=author_id,
            guest_key_hash="" if author_id else guest_key_hash,
            address=stored.digest,
            network=stored.network,
        )

    def lock_keys(self) -> list[str]:
        keys = [
            f"member:{self.author_id}" if self.author_id else "",
            f"guest:{self.guest_key_hash}" if self.guest_key_hash else "",
            f"address:{self.address}" if self.address else "",
            f"network:{self.network}" if self.network else "",
        ]
        return sorted(k for k in keys if k)


def writer_condition(
    author_id: int | None, guest_key_hash: str
) -> tuple[str, list[int | str]] | None:
    """One writer's comments as SQL: the member's, or the guest browser's.

    Written as the writer indexes' columns, so the database reads along
    ``comment_by_member`` or ``comment_by_guest``. None for nobody known.
    """
    if author_id:
        return "author_id = %s", [author_id]
    if guest_key_hash:
        return "author_id IS NULL AND guest_key_hash = %s", [guest_key_hash]
    return None


def counts(budget: Budget, since: dt.datetime) -> tuple[int, int, int]:
    """Comments since ``since`` by the writer, from the address, the network.

    One statement, one scalar subquery per budget, each along its own index
    (conditions OR-ed together would read the whole table). Each partial
    index covers stored addresses only, and saying so, in the very words of
    the index's condition (SQLite matches them as written), lets the
    database use it. Plain SQL: every post runs it twice, once under the
    lock; ``tests/test_query_plans.py`` asks both databases for its plan.
    """
    from dateline.discussion.models import Comment

    table = sql.table(Comment)
    start = sql.datetime(since)
    parts: list[str] = []
    params: list[Any] = []

    def count(where: str, *values: int | str) -> None:
        # Only fixed text goes into the SQL; the values are parameters.
        part = f"(SELECT COUNT(*) FROM {table} WHERE {where} AND created_at >= %s)"  # noqa: S608
        parts.append(part)
        params.extend([*values, start])

    writer_found = writer_condition(budget.author_id, budget.guest_key_hash)
    if writer_found:
        count(writer_found[0], *writer_found[1])
    else:
        parts.append("0")
    if budget.address:
        count("NOT (ip_hash = '') AND ip_hash = %s", budget.address)
    else:
        parts.append("0")
    if budget.network:
        count("NOT (ip_network = '') AND ip_network = %s", budget.network)
    else:
        parts.append("0")
    row = sql.one("SELECT " + ", ".join(parts), params)
    assert row is not None  # a SELECT without FROM has one row
    writer, address, network = row
    return int(writer), int(address), int(network)


def refusal(budget: Budget, now: dt.datetime) -> str:
    """Why this post is one too many (a message for the writer), or ""."""
    writer, address, network = counts(budget, now - dt.timedelta(minutes=1))
    limit = conf.get("PER_MINUTE")
    if writer >= limit:
        return ngettext(
            "You can post %(n)d comment a minute; please wait a moment.",
            "You can post %(n)d comments a minute; please wait a moment.",
            limit,
        ) % {"n": limit}
    if address >= conf.get("PER_MINUTE_PER_ADDRESS") or network >= conf.get(
        "PER_MINUTE_PER_NETWORK"
    ):
        return _(
            "Many comments came from your network in the last minute; please "
            "wait a moment."
        )
    return ""


def _lock(keys: list[str]) -> None:
    """Serialise posts that share a budget until the transaction ends."""
    if connection.vendor != "postgresql":
        return  # SQLite: every write transaction already holds the one lock
    numbers = [
        int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") - (1 << 63)
        for key in keys
    ]
    if not numbers:
        return
    # One statement, one round trip: PostgreSQL evaluates a select list left
    # to right, so the locks are taken in the keys' sorted order and two
    # posts never wait on each other.
    locks = ", ".join(["pg_advisory_xact_lock(%s)"] * len(numbers))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {locks}", numbers)


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
