"""Client addresses, kept only as much as moderation needs, and not for long.

A comment stores the network its writer's address is in (IPv4 /24, IPv6
/48: enough to ban a range, too coarse to name a household) and a keyed hash
of the address, or of its IPv6 /64 (enough to see that two comments came
from the same place, useless without the site's secret). ``purge`` clears both once they
are older than ``DATELINE_IP_RETENTION_DAYS`` (default 30).

The address itself is ``REMOTE_ADDR`` as ``ForwardedMiddleware`` leaves it:
``X-Forwarded-For`` is believed only from ``DATELINE_TRUSTED_PROXIES``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.utils import timezone

from dateline.core import sql

IPV4_PREFIX = 24
IPV6_PREFIX = 48


@dataclass(frozen=True)
class Stored:
    network: str = ""
    digest: str = ""


Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=4096)  # asked several times per request (limits, storage)
def parse(client: str) -> Address | None:
    """The address, IPv4 for an IPv4-mapped one; None for none or garbage."""
    try:
        address = ipaddress.ip_address(client.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


# An IPv6 /64 is one line (a home, a phone): its holder picks any address
# inside it at will, so for "the same place" it counts as one address.
IPV6_HOST_PREFIX = 64


def digest(client: str) -> str:
    """The keyed hash of an IPv4 address or an IPv6 /64 ("" for garbage)."""
    address = parse(client)
    if address is None:
        return ""
    packed = address.packed
    if address.version == 6:
        packed = packed[: IPV6_HOST_PREFIX // 8]
    key = f"dateline.moderation.addresses:{settings.SECRET_KEY}".encode()
    return hmac.new(key, packed, hashlib.sha256).hexdigest()[:32]


def stored(client: str) -> Stored:
    """What a comment keeps of its writer's address."""
    return _stored(client, settings.SECRET_KEY)


@lru_cache(maxsize=1024)
def _stored(client: str, secret: str) -> Stored:
    address = parse(client)
    if address is None:
        return Stored()
    prefix = IPV4_PREFIX if address.version == 4 else IPV6_PREFIX
    network = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
    return Stored(str(network), digest(client))


@lru_cache(maxsize=4096)
def _network(network: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(network, strict=False)
    except ValueError:
        return None


def contains(network: str, address: Address | None) -> bool:
    parsed = _network(network) if network else None
    return address is not None and parsed is not None and address in parsed


def retention() -> dt.timedelta:
    return dt.timedelta(days=getattr(settings, "DATELINE_IP_RETENTION_DAYS", 30))


def purge(now: dt.datetime | None = None) -> int:
    """Forget the addresses of comments older than the retention; how many."""
    from dateline.discussion.models import Comment

    cutoff = (now or timezone.now()) - retention()
    forgotten = 0
    # One field at a time: each condition is the one of a partial index
    # (comment_by_address, comment_by_network), so finding the rows reads
    # that index, not the whole table.
    for field in ("ip_hash", "ip_network"):
        forgotten += sql.sweep(
            Comment.objects.filter(created_at__lt=cutoff).exclude(**{field: ""}),
            lambda rows: rows.update(ip_network="", ip_hash=""),
        )
    return forgotten
