"""Which sites may embed, and what their pages' threads hold."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from dateline.core.errors import InvalidInput
from dateline.discussion.models import Comment, Thread
from dateline.embed import pages
from dateline.embed.models import EmbedIdentity, EmbedSite


def active_origins() -> list[str]:
    return list(
        EmbedSite.objects.filter(is_active=True).values_list("origin", flat=True)
    )


def origin_allowed(origin: str) -> bool:
    return site_at(origin) is not None


def site_for(url: str) -> EmbedSite | None:
    """The active site a page belongs to: its origin, over http or https."""
    parts = urlsplit(url or "")
    if parts.scheme not in pages.DEFAULT_PORTS or not parts.netloc:
        return None
    rest = parts.netloc
    candidates = []
    for scheme in ("https", "http"):
        try:
            candidates.append(pages.origin(f"{scheme}://{rest}"))
        except InvalidInput:
            return None
    found = {
        site.origin: site
        for site in EmbedSite.objects.filter(origin__in=candidates, is_active=True)
    }
    own = pages.origin(f"{parts.scheme}://{rest}")
    return found.get(own) or next(iter(found.values()), None)


def canonical(url: str) -> tuple[EmbedSite, str] | None:
    """The site ``url`` belongs to and the page's canonical address, or None
    when no active site owns it (or it is not an address)."""
    site = site_for(url)
    if site is None:
        return None
    scheme = urlsplit(site.origin).scheme
    return site, pages.normalise(url, scheme=scheme)


def comment_counts(urls: list[str]) -> dict[str, int]:
    """Published comments under each page asked about, by the address it was
    asked by; 0 for a page without a thread, none for an address no active
    site owns."""
    wanted: dict[str, str] = {}
    for url in urls:
        try:
            found = canonical(url)
        except InvalidInput:
            continue
        if found is not None:
            wanted[url] = found[1]
    stored = dict(
        Thread.objects.filter(url__in=set(wanted.values())).values_list(
            "url", "comment_count"
        )
    )
    return {url: stored.get(address, 0) for url, address in wanted.items()}


def thread_of_comment(comment_id: int) -> int | None:
    """The thread a comment is in; None for a comment that is not there."""
    return (
        Comment.objects.filter(pk=comment_id)
        .values_list("thread_id", flat=True)
        .first()
    )


def site_at(origin: str) -> EmbedSite | None:
    """The active site at exactly ``origin``."""
    try:
        origin = pages.origin(origin)
    except InvalidInput:
        return None
    return EmbedSite.objects.filter(origin=origin, is_active=True).first()


def member_data(member: Any) -> dict[str, Any]:
    """For a member's data download: the sites that signed them in, and
    under which of each site's own ids."""
    return {
        "signed_in_by": [
            {
                "site": i.site.origin,
                "their_id_there": i.external_id,
                "since": i.created_at.isoformat(),
            }
            for i in EmbedIdentity.objects.filter(user=member)
            .select_related("site")
            .order_by("created_at", "id")
        ]
    }
